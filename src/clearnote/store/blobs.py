"""Blob stores for sealed artefacts. Blobs arrive already encrypted (AES-256-GCM with the
artefact's data key); names are random, so nothing about a client shows in a path.

``LocalBlobStore`` keeps them under ``<home>/blobs/ab/<64 hex>`` (0600 files, 0700 folders),
written to a temporary file in the same folder and renamed, so a crash leaves no partial blob.
``clearnote.store.s3.S3BlobStore`` implements the same Protocol; ``open_blob_store`` picks one
from ``CLEARNOTE_BLOB_URL``.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
from pathlib import Path
from typing import Protocol

from clearnote.config import Settings
from clearnote.errors import BadInputError, IntegrityError

_REF = re.compile(r"^[0-9a-f]{64}$")


def is_blob_ref(ref: str) -> bool:
    return _REF.match(ref) is not None


class BlobStore(Protocol):
    def put(self, sealed: bytes) -> str:
        """Store ciphertext, return its opaque reference."""
        ...

    def put_as(self, ref: str, sealed: bytes) -> None:
        """Store ciphertext under a given reference (a restore puts each blob back under the
        reference its artefact row names); replaces an object already there."""
        ...

    def get(self, ref: str) -> bytes: ...

    def delete(self, ref: str) -> bool:
        """Remove a blob; False when it was already gone."""
        ...

    def exists(self, ref: str) -> bool: ...


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def __repr__(self) -> str:
        return f"LocalBlobStore(root={str(self.root)!r})"

    def _path(self, ref: str) -> Path:
        if not _REF.match(ref):
            raise IntegrityError("blob reference is malformed")
        return self.root / ref[:2] / ref

    def put(self, sealed: bytes) -> str:
        ref = secrets.token_hex(32)
        self.put_as(ref, sealed)
        return ref

    def put_as(self, ref: str, sealed: bytes) -> None:
        path = self._path(ref)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(sealed)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, ref: str) -> bytes:
        path = self._path(ref)
        try:
            return path.read_bytes()
        except FileNotFoundError as exc:
            raise IntegrityError(f"blob {ref[:8]}…: missing from the blob store") from exc

    def delete(self, ref: str) -> bool:
        path = self._path(ref)
        if not path.exists():
            return False
        path.unlink()
        return True

    def exists(self, ref: str) -> bool:
        return self._path(ref).exists()


def open_blob_store(settings: Settings) -> BlobStore:
    """The practice's blob store: local files under the home unless CLEARNOTE_BLOB_URL is set."""
    if settings.blob_url is None:
        return LocalBlobStore(settings.home / "blobs")
    if settings.blob_url.startswith("s3://"):
        from clearnote.store.s3 import S3BlobStore

        return S3BlobStore.from_settings(settings)
    raise BadInputError("CLEARNOTE_BLOB_URL: expected s3://bucket[/prefix]")
