"""Recordings in progress, kept on disk sealed, so that a server restart loses no recording.

Each browser recording gets one spool file in ``<home>/spool`` (folder 0700, files 0600): a
header line (JSON: recording id, user, client, note format, the recording's own data key wrapped
by the key-encryption key) and then one record per chunk, ``length (4 bytes) + sealed chunk``,
each sealed with AES-256-GCM bound to the recording id and the chunk's sequence number. Nothing
readable about the client is in the file: the client id is an opaque id, the audio is sealed.

The file is deleted once the audio is sealed into the record store (or the recording is discarded
or refused); deleting it, with its wrapped key, is the erasure. At start-up the web app hands
what is left (recordings whose server stopped) to the pipeline, as if they had been stopped.
A record cut short by a crash ends the recording there; a record that fails authentication
ends it too and is reported (the chunks before it are good).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from clearnote.errors import IntegrityError
from clearnote.security.crypto import new_key, open_sealed, seal
from clearnote.security.keys import KeyProvider

SPOOL_SCHEMA = "clearnote.recording-spool/1"
SPOOL_FOLDER = "spool"  # under the practice home
SUFFIX = ".spool"
_LEN = struct.Struct(">I")
_ID = re.compile(r"^[0-9a-f-]{36}$")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpoolHeader:
    recording_id: str
    user_id: str
    client_id: str
    fmt: str


@dataclass(frozen=True)
class Recovered:
    """What a spool file held: the header, the good chunks in order, whether it was damaged."""

    header: SpoolHeader
    chunks: tuple[bytes, ...]
    damaged: bool

    def __repr__(self) -> str:
        return f"Recovered(id={self.header.recording_id!r}, chunks={len(self.chunks)})"


def _aad(recording_id: str, seq: int) -> bytes:
    return f"clearnote/1|recording_spool|{recording_id}|chunk|{seq}".encode()


def _key_id(recording_id: str) -> str:
    return f"spool-{recording_id}"


class Spool:
    """The spool folder of one practice."""

    def __init__(self, folder: Path, keys: KeyProvider) -> None:
        self.folder = folder
        self.keys = keys

    def _path(self, recording_id: str) -> Path:
        if not _ID.match(recording_id):
            raise ValueError("recording id: not a UUID")
        return self.folder / f"{recording_id}{SUFFIX}"

    def open(self, header: SpoolHeader) -> SpoolWriter:
        """Create the recording's file with its header (a fresh data key, wrapped)."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = new_key()
        kek_id, wrapped = self.keys.wrap(key, key_id=_key_id(header.recording_id))
        line = json.dumps(
            {
                "schema": SPOOL_SCHEMA,
                "recording_id": header.recording_id,
                "user_id": header.user_id,
                "client_id": header.client_id,
                "fmt": header.fmt,
                "kek_id": kek_id,
                "wrapped_key": base64.b64encode(wrapped).decode("ascii"),
            }
        )
        path = self._path(header.recording_id)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        os.write(fd, line.encode() + b"\n")
        os.fsync(fd)
        return SpoolWriter(path, fd, key, header.recording_id)

    def remove(self, recording_id: str) -> None:
        """Delete a recording's file (its wrapped key goes with it)."""
        self._path(recording_id).unlink(missing_ok=True)

    def pending(self) -> list[str]:
        """Recording ids with a file left, oldest first."""
        if not self.folder.is_dir():
            return []
        files = sorted(self.folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime)
        return [p.name.removesuffix(SUFFIX) for p in files if _ID.match(p.stem)]

    def read(self, recording_id: str) -> Recovered:
        """The header and good chunks of a left-over file; IntegrityError when the header itself
        cannot be read or its key unwrapped (the file is then useless)."""
        path = self._path(recording_id)
        data = path.read_bytes()
        end = data.find(b"\n")
        what = f"recording spool {recording_id}"
        try:
            head = json.loads(data[:end]) if end > 0 else None
        except ValueError:
            head = None
        if not isinstance(head, dict) or head.get("schema") != SPOOL_SCHEMA:
            raise IntegrityError(f"{what}: header unreadable")
        try:
            header = SpoolHeader(
                recording_id=str(head["recording_id"]),
                user_id=str(head["user_id"]),
                client_id=str(head["client_id"]),
                fmt=str(head["fmt"]),
            )
            wrapped = base64.b64decode(str(head["wrapped_key"]), validate=True)
            kek_id = str(head["kek_id"])
        except (KeyError, ValueError):
            raise IntegrityError(f"{what}: header unreadable") from None
        if header.recording_id != recording_id:
            raise IntegrityError(f"{what}: header names another recording")
        key = self.keys.unwrap(kek_id, wrapped, key_id=_key_id(recording_id))
        chunks: list[bytes] = []
        damaged = False
        for seq, sealed in enumerate(_records(data, end + 1)):
            try:
                chunks.append(open_sealed(key, sealed, _aad(recording_id, seq), what=what))
            except IntegrityError:
                damaged = True
                break
        return Recovered(header, tuple(chunks), damaged)


def _records(data: bytes, pos: int) -> Iterator[bytes]:
    """Length-prefixed records from ``pos``; a record cut short (a crash mid-write) ends it."""
    while pos + _LEN.size <= len(data):
        (size,) = _LEN.unpack_from(data, pos)
        start = pos + _LEN.size
        if start + size > len(data):
            return
        yield data[start : start + size]
        pos = start + size


class SpoolWriter:
    """Appends sealed chunks to one recording's file (each written through to disk)."""

    def __init__(self, path: Path, fd: int, key: bytes, recording_id: str) -> None:
        self.path = path
        self._fd: int | None = fd
        self._key = key
        self._id = recording_id
        self._seq = 0

    def append(self, chunk: bytes) -> None:
        if self._fd is None:
            raise ValueError("spool writer is closed")
        sealed = seal(self._key, chunk, _aad(self._id, self._seq))
        os.write(self._fd, _LEN.pack(len(sealed)) + sealed)
        os.fsync(self._fd)
        self._seq += 1

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self._key = b""

    def __repr__(self) -> str:
        return f"SpoolWriter(id={self._id!r}, chunks={self._seq})"


__all__ = ["SPOOL_FOLDER", "Recovered", "Spool", "SpoolHeader", "SpoolWriter"]
