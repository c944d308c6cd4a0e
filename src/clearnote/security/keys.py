"""Key-encryption keys (KEKs) and the ``KeyProvider`` port.

Data keys (one per client, per artefact, per practice secret) are random 256-bit AES keys. They
are stored in the database only *wrapped* (AES-256-GCM) by a KEK, with the KEK id beside them. The
KEK never enters the home folder or the database: :class:`FileKeyProvider` keeps it in a 0600 JSON
file outside the home (``CLEARNOTE_KEY_FILE``); a KMS or Vault-transit provider can implement the
same Protocol later.

Rotation without downtime: :meth:`FileKeyProvider.add_kek` makes a new current KEK while old ones
still unwrap, the store re-wraps every data key (no data re-encryption), then
:meth:`FileKeyProvider.retire` removes the old KEKs from the file.

The file also holds a separate audit key (HMAC-SHA256 of each audit entry hash), which does not
rotate with the KEK, so someone with write access to the database alone cannot forge the chain.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from clearnote.errors import BadInputError, IntegrityError
from clearnote.security.crypto import KEY_BYTES, new_key, open_sealed, seal

KEY_FILE_SCHEMA = "clearnote.keyfile/1"


class KeyProvider(Protocol):
    """Wraps and unwraps data keys with a key-encryption key the data store never sees."""

    @property
    def current_kek_id(self) -> str: ...

    def wrap(self, data_key: bytes, *, key_id: str) -> tuple[str, bytes]:
        """Return ``(kek_id, wrapped)`` for a data key, bound to its key id."""
        ...

    def unwrap(self, kek_id: str, wrapped: bytes, *, key_id: str) -> bytes:
        """Return the data key; IntegrityError if the wrapped bytes or ids do not match."""
        ...

    def audit_key(self) -> bytes:
        """The HMAC key for the audit chain."""
        ...


def _wrap_aad(key_id: str, kek_id: str) -> bytes:
    return f"clearnote/1|data_keys|{key_id}|wrapped|{kek_id}".encode()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclass(frozen=True)
class _Kek:
    id: str
    key: bytes = b""

    def __repr__(self) -> str:  # never print key material
        return f"_Kek(id={self.id!r})"


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def check_key_file_location(key_file: Path, home: Path) -> None:
    """Refuse a key file inside the practice home: keys must live apart from the data."""
    if _inside(key_file, home):
        raise BadInputError(
            f"CLEARNOTE_KEY_FILE: {key_file} is inside the practice home {home}; "
            "keep the key-encryption key outside the data folder"
        )


class FileKeyProvider:
    """KEKs in a local 0600 JSON file: ``{schema, current, keks: [{id, key}], audit_key}``."""

    def __init__(self, path: Path, keks: list[_Kek], current: str, audit_key: bytes) -> None:
        self.path = path
        self._keks = {k.id: k for k in keks}
        self._current = current
        self._audit_key = audit_key

    def __repr__(self) -> str:
        return f"FileKeyProvider(path={str(self.path)!r}, keks={sorted(self._keks)})"

    # --- creation and loading ---
    @classmethod
    def create(cls, path: Path, *, home: Path) -> FileKeyProvider:
        """Write a new key file (0600, parent folder 0700); refuse to overwrite one."""
        check_key_file_location(path, home)
        if path.exists():
            raise BadInputError(f"CLEARNOTE_KEY_FILE: {path} already exists; refusing to overwrite")
        kek = _Kek(id=_new_kek_id(), key=new_key())
        provider = cls(path, [kek], kek.id, new_key())
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        provider._save()
        return provider

    @classmethod
    def load(cls, path: Path, *, home: Path) -> FileKeyProvider:
        """Read the key file; refuse one inside the home or readable by group or others."""
        check_key_file_location(path, home)
        if not path.is_file():
            raise BadInputError(f"CLEARNOTE_KEY_FILE: {path} not found (run clearnote init)")
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise BadInputError(
                f"CLEARNOTE_KEY_FILE: {path} is accessible to group or others "
                f"(mode {mode:o}); chmod 600 it"
            )
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("schema") != KEY_FILE_SCHEMA:
                raise ValueError("schema")
            keks = [_Kek(id=str(k["id"]), key=_unb64(k["key"])) for k in doc["keks"]]
            audit_key = _unb64(doc["audit_key"])
            current = str(doc["current"])
        except (ValueError, KeyError, TypeError) as exc:
            raise BadInputError(f"CLEARNOTE_KEY_FILE: {path} is not a Clearnote key file") from exc
        if current not in {k.id for k in keks} or any(len(k.key) != KEY_BYTES for k in keks):
            raise BadInputError(f"CLEARNOTE_KEY_FILE: {path} is damaged")
        return cls(path, keks, current, audit_key)

    def _save(self) -> None:
        doc = {
            "schema": KEY_FILE_SCHEMA,
            "current": self._current,
            "keks": [{"id": k.id, "key": _b64(k.key)} for k in self._keks.values()],
            "audit_key": _b64(self._audit_key),
            "written": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        fd, tmp = tempfile.mkstemp(prefix=".kek-", dir=self.path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(doc, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    # --- KeyProvider ---
    @property
    def current_kek_id(self) -> str:
        return self._current

    @property
    def kek_ids(self) -> frozenset[str]:
        return frozenset(self._keks)

    def wrap(self, data_key: bytes, *, key_id: str) -> tuple[str, bytes]:
        kek = self._keks[self._current]
        return kek.id, seal(kek.key, data_key, _wrap_aad(key_id, kek.id))

    def unwrap(self, kek_id: str, wrapped: bytes, *, key_id: str) -> bytes:
        kek = self._keks.get(kek_id)
        if kek is None:
            raise IntegrityError(f"data key {key_id}: its KEK {kek_id} is not in the key file")
        return open_sealed(kek.key, wrapped, _wrap_aad(key_id, kek_id), what=f"data key {key_id}")

    def audit_key(self) -> bytes:
        return self._audit_key

    # --- rotation ---
    def add_kek(self) -> str:
        """Create a new current KEK (old ones still unwrap until retired); returns its id."""
        kek = _Kek(id=_new_kek_id(), key=new_key())
        self._keks[kek.id] = kek
        self._current = kek.id
        self._save()
        return kek.id

    def retire(self, keep: str) -> list[str]:
        """Drop every KEK but ``keep`` from the file; returns the retired ids."""
        if keep not in self._keks:
            raise ValueError("unknown KEK id")
        retired = [kid for kid in self._keks if kid != keep]
        self._keks = {keep: self._keks[keep]}
        self._current = keep
        self._save()
        return retired


def _new_kek_id() -> str:
    return f"kek-{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(4)}"
