"""The encrypted backup container: a streamed tar inside AES-256-GCM chunks. Never plaintext on
disk: the tar is written into the encrypting writer and read back from the decrypting reader.

Layout::

    b"CLEARNOTE-BACKUP\\n" | u32 header length | header JSON | chunk* |
    chunk = u32 length | AES-GCM(key, nonce = prefix(7) | u32 counter | final flag, data,
                                 associated data = the header bytes)

The header names the mode and KDF: ``keyfile`` (HKDF-SHA256 from the practice key file's audit
key: restoring needs the same key file) or ``passphrase`` (scrypt; the archive then carries the
key file too, so a passphrase alone restores the practice). The last chunk carries the final flag,
so a truncated archive fails, as does any changed byte (header included) or a wrong key.
"""

from __future__ import annotations

import base64
import json
import secrets
import struct
from typing import Any, BinaryIO, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from clearnote.errors import BadInputError, IntegrityError

MAGIC = b"CLEARNOTE-BACKUP\n"
SCHEMA = "clearnote.backup/1"
CHUNK = 1 << 20
SCRYPT_N, SCRYPT_R, SCRYPT_P = 1 << 15, 8, 1
Mode = Literal["keyfile", "passphrase"]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def derive_key(header: dict[str, Any], *, secret: bytes) -> bytes:
    kdf = header["kdf"]
    salt = base64.b64decode(kdf["salt"])
    if kdf["name"] == "hkdf-sha256":
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=salt, info=b"clearnote backup/1"
        ).derive(secret)
    if kdf["name"] == "scrypt":
        return Scrypt(
            salt=salt, length=32, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"])
        ).derive(secret)
    raise BadInputError(f"backup: unknown key derivation {kdf['name']!r}")


def new_header(mode: Mode) -> dict[str, Any]:
    salt = secrets.token_bytes(16)
    kdf: dict[str, Any] = (
        {"name": "scrypt", "salt": _b64(salt), "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P}
        if mode == "passphrase"
        else {"name": "hkdf-sha256", "salt": _b64(salt)}
    )
    return {
        "schema": SCHEMA,
        "mode": mode,
        "kdf": kdf,
        "cipher": "AES-256-GCM",
        "chunk": CHUNK,
        "nonce_prefix": _b64(secrets.token_bytes(7)),
    }


def _nonce(prefix: bytes, counter: int, final: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if final else b"\x00")


class EncryptingWriter:
    """A write-only file object: buffers, seals full chunks, seals the last one on ``close``."""

    def __init__(self, out: BinaryIO, header: dict[str, Any], key: bytes) -> None:
        self._out = out
        self._header = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
        self._aead = AESGCM(key)
        self._prefix = base64.b64decode(header["nonce_prefix"])
        self._buf = bytearray()
        self._counter = 0
        self.closed = False
        out.write(MAGIC + struct.pack(">I", len(self._header)) + self._header)

    def _emit(self, data: bytes, final: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, final), data, self._header)
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1

    def write(self, data: bytes) -> int:
        self._buf += data
        while len(self._buf) > CHUNK:
            self._emit(bytes(self._buf[:CHUNK]), False)
            del self._buf[:CHUNK]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._emit(bytes(self._buf), True)
            self._buf.clear()
            self.closed = True


def read_header(inp: BinaryIO, *, name: str) -> tuple[dict[str, Any], bytes]:
    if inp.read(len(MAGIC)) != MAGIC:
        raise BadInputError(f"{name}: not a Clearnote backup")
    (size,) = struct.unpack(">I", inp.read(4))
    raw = inp.read(size)
    try:
        header = json.loads(raw)
    except ValueError as exc:
        raise IntegrityError(f"{name}: backup header is damaged") from exc
    if not isinstance(header, dict) or header.get("schema") != SCHEMA:
        raise BadInputError(f"{name}: unsupported backup format")
    return header, raw


class DecryptingReader:
    """A read-only file object over the chunks; fails on any change, reordering or truncation."""

    def __init__(
        self, inp: BinaryIO, header: dict[str, Any], raw_header: bytes, key: bytes, *, name: str
    ) -> None:
        self._in = inp
        self._aad = raw_header
        self._aead = AESGCM(key)
        self._prefix = base64.b64decode(header["nonce_prefix"])
        self._counter = 0
        self._buf = bytearray()
        self._done = False
        self._name = name

    def _next(self) -> None:
        size_raw = self._in.read(4)
        if len(size_raw) != 4:
            raise IntegrityError(f"{self._name}: backup is truncated")
        (size,) = struct.unpack(">I", size_raw)
        sealed = self._in.read(size)
        for final in (False, True):
            try:
                data = self._aead.decrypt(
                    _nonce(self._prefix, self._counter, final), sealed, self._aad
                )
            except InvalidTag:
                continue
            self._counter += 1
            self._buf += data
            if final:
                self._done = True
                if self._in.read(1):
                    raise IntegrityError(f"{self._name}: data after the end of the backup")
            return
        raise IntegrityError(
            f"{self._name}: cannot decrypt (wrong key file or passphrase, or the file was changed)"
        )

    def read(self, n: int = -1) -> bytes:
        while (n < 0 or len(self._buf) < n) and not self._done:
            self._next()
        if n < 0:
            n = len(self._buf)
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out
