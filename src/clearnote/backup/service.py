"""``make_backup`` / ``restore_backup``: the practice's database (a logical dump, portable across
SQLite and PostgreSQL) and every live artefact's sealed blob, in one encrypted archive
(``backup.archive``). Restore goes into a fresh home only, puts each blob back in the target's
blob store (local or S3, whichever the source used), then verifies the audit chain."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from clearnote.backup.archive import (
    DecryptingReader,
    EncryptingWriter,
    Mode,
    derive_key,
    new_header,
    read_header,
)
from clearnote.config import Settings
from clearnote.errors import BadInputError, IntegrityError
from clearnote.records import audit_log
from clearnote.records.practice import database_url, open_practice
from clearnote.security.keys import FileKeyProvider, check_key_file_location
from clearnote.store import dump
from clearnote.store.blobs import BlobStore, open_blob_store
from clearnote.store.engine import checkpoint, make_engine

MANIFEST_SCHEMA = "clearnote.backup_manifest/1"
MIN_PASSPHRASE = 12
_REF = re.compile(r"^[0-9a-f]{64}$")
_TABLE = re.compile(r"^db/([a-z_]+)\.jsonl$")
_BLOB = re.compile(r"^blobs/([0-9a-f]{64})$")


@dataclass(frozen=True)
class BackupSummary:
    path: str
    mode: str
    revision: str | None
    tables: dict[str, int] = field(default_factory=dict)
    blobs: int = 0
    missing_blobs: int = 0
    audit_ok: bool | None = None

    def to_document(self) -> dict[str, Any]:
        return {"schema": "clearnote.backup_summary/1", **self.__dict__}


def _check_passphrase(passphrase: str | None) -> None:
    if passphrase is not None and len(passphrase) < MIN_PASSPHRASE:
        raise BadInputError(f"passphrase: use at least {MIN_PASSPHRASE} characters")


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def make_backup(settings: Settings, out: Path, *, passphrase: str | None) -> BackupSummary:
    """Write an encrypted backup of the practice to ``out`` (refuses to overwrite)."""
    _check_passphrase(passphrase)
    if out.exists():
        raise BadInputError(f"-o {out}: already exists; refusing to overwrite")
    if not out.parent.is_dir():
        raise BadInputError(f"-o {out}: folder does not exist")
    ctx = open_practice(settings)
    mode: Mode = "passphrase" if passphrase is not None else "keyfile"
    header = new_header(mode)
    secret = passphrase.encode() if passphrase is not None else ctx.keys.audit_key()
    key = derive_key(header, secret=secret)
    tables: dict[str, int] = {}
    blobs = missing = 0
    revision = dump.revision(ctx.engine)
    fd, tmp = tempfile.mkstemp(prefix=".backup-", dir=out.parent)
    try:
        os.fchmod(fd, 0o600)
        checkpoint(ctx.engine)
        with os.fdopen(fd, "wb") as fh:
            writer = EncryptingWriter(fh, header, key)
            with (
                tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar,  # type: ignore[call-overload]
                dump.snapshot(ctx.engine) as conn,
            ):
                manifest = {
                    "schema": MANIFEST_SCHEMA,
                    "revision": revision,
                    "practice_id": ctx.practice_id,
                    "source_backend": ctx.engine.dialect.name,
                    "tables": dump.table_names(),
                }
                _add(tar, "manifest.json", json.dumps(manifest).encode())
                if mode == "passphrase":
                    _add(tar, "keyfile.json", settings.key_file.read_bytes())
                refs: list[str] = []
                for name in dump.table_names():
                    buf = bytearray()
                    n = 0
                    for line in dump.dump_table(conn, name):
                        buf += line
                        n += 1
                        if name == "artefacts":
                            ref = json.loads(line).get("blob_ref")
                            if isinstance(ref, str):
                                refs.append(ref)
                    _add(tar, f"db/{name}.jsonl", bytes(buf))
                    tables[name] = n
                for ref in refs:
                    try:
                        data = ctx.blobs.get(ref)
                    except IntegrityError:
                        missing += 1
                        continue
                    _add(tar, f"blobs/{ref}", data)
                    blobs += 1
            writer.close()
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        ctx.close()
    return BackupSummary(str(out), mode, revision, tables, blobs, missing)


def archive_mode(archive: Path) -> str:
    with archive.open("rb") as fh:
        header, _ = read_header(fh, name=str(archive))
    return str(header["mode"])


def _restore_blob(store: BlobStore, ref: str, data: bytes) -> bool:
    """Put one archived blob back under the reference its artefact row names, in the target's
    blob store (local or S3); True when this restore created it. An object already there (an
    object store that still holds the practice's blobs) must hold the same bytes."""
    if store.exists(ref):
        if store.get(ref) != data:
            raise IntegrityError(
                f"blob {ref[:8]}…: the blob store holds other bytes under this reference"
            )
        return False
    store.put_as(ref, data)
    return True


def _remove_blobs(store: BlobStore, refs: list[str]) -> None:
    """Best effort: take back the blobs a failed restore put (the original error is raised)."""
    for ref in refs:
        try:
            store.delete(ref)
        except Exception:  # the restore's own error matters more
            continue


def _lines(fileobj: IO[bytes] | None) -> list[bytes]:
    return [] if fileobj is None else fileobj.read().splitlines()


def restore_backup(settings: Settings, archive: Path, *, passphrase: str | None) -> BackupSummary:
    """Restore ``archive`` into the (fresh) home and database of ``settings``."""
    check_key_file_location(settings.key_file, settings.home)
    if not archive.is_file():
        raise BadInputError(f"{archive}: file not found")
    if settings.database_url is None and (settings.home / "clearnote.db").exists():
        raise BadInputError(f"CLEARNOTE_HOME: a practice already exists at {settings.home}")
    fresh_home = not settings.home.exists() or not any(settings.home.iterdir())
    if not fresh_home:
        raise BadInputError(
            f"CLEARNOTE_HOME: {settings.home} is not empty; restore into a new home"
        )
    wrote_key = False
    engine = None
    store: BlobStore | None = None
    created: list[str] = []
    tables: dict[str, int] = {}
    try:
        with archive.open("rb") as fh:
            header, raw = read_header(fh, name=str(archive))
            mode = str(header["mode"])
            if mode == "passphrase":
                if passphrase is None:
                    raise BadInputError(f"{archive}: made with a passphrase; give it to restore")
                secret = passphrase.encode()
            else:
                secret = FileKeyProvider.load(settings.key_file, home=settings.home).audit_key()
            key = derive_key(header, secret=secret)
            reader = DecryptingReader(fh, header, raw, key, name=str(archive))
            settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(settings.home, 0o700)
            (settings.home / "blobs").mkdir(exist_ok=True, mode=0o700)
            store = open_blob_store(settings)
            blobs = 0
            revision: str | None = None
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                for member in tar:
                    if not member.isfile():
                        raise IntegrityError(f"{archive}: unexpected entry in the backup")
                    data = tar.extractfile(member)
                    if member.name == "manifest.json":
                        manifest = json.loads(_lines(data)[0] if data else b"{}")
                        if manifest.get("schema") != MANIFEST_SCHEMA:
                            raise BadInputError(f"{archive}: unsupported backup manifest")
                        revision = manifest.get("revision")
                        engine = make_engine(database_url(settings))
                        dump.prepare_empty(engine, revision)
                    elif member.name == "keyfile.json":
                        content = data.read() if data else b""
                        wrote_key = _restore_key_file(settings, content)
                    elif (m := _TABLE.match(member.name)) and engine is not None:
                        if m[1] not in dump.table_names():
                            raise BadInputError(f"{archive}: unknown table in the backup")
                        tables[m[1]] = dump.load_table(engine, m[1], _lines(data))
                    elif (b := _BLOB.match(member.name)) and _REF.match(b[1]):
                        if _restore_blob(store, b[1], data.read() if data else b""):
                            created.append(b[1])
                        blobs += 1
                    else:
                        raise IntegrityError(f"{archive}: unexpected entry in the backup")
            if engine is None:
                raise IntegrityError(f"{archive}: the backup holds no manifest")
            checkpoint(engine)
            engine.dispose()
    except BaseException:
        if engine is not None:
            if tables:  # a database outside the home (PostgreSQL) keeps what was loaded
                dump.clear_tables(engine, tables)
            engine.dispose()
        if store is not None:
            _remove_blobs(store, created)
        if settings.home.exists() and fresh_home:
            shutil.rmtree(settings.home, ignore_errors=True)
        if wrote_key:
            settings.key_file.unlink(missing_ok=True)
        raise
    ctx = open_practice(settings)
    try:
        report = audit_log.verify(ctx)
    finally:
        ctx.close()
    return BackupSummary(str(archive), mode, revision, tables, blobs, 0, report.ok)


def _restore_key_file(settings: Settings, content: bytes) -> bool:
    """Write the archived key file where the settings expect it; True when written. An existing
    key file must be the same one."""
    path = settings.key_file
    if path.exists():
        if path.read_bytes() != content:
            current = FileKeyProvider.load(path, home=settings.home)
            archived = json.loads(content)
            if current.current_kek_id != archived.get("current"):
                raise BadInputError(
                    f"CLEARNOTE_KEY_FILE: {path} exists and is not the backup's key file"
                )
        return False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    return True
