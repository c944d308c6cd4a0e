"""AES-256-GCM sealing with associated data that binds a ciphertext to where it lives.

A sealed value is ``b"\\x01" + nonce(12) + ciphertext||tag``. The associated data names the table,
row id, field and key id, so a ciphertext copied into another row or field fails to open. Any
flipped byte, wrong key or wrong place raises ``IntegrityError`` (fail closed).
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from clearnote.errors import IntegrityError

FORMAT_V1 = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32
_OVERHEAD = len(FORMAT_V1) + NONCE_BYTES + 16


def new_key() -> bytes:
    """A fresh 256-bit key from the OS CSPRNG."""
    return os.urandom(KEY_BYTES)


def aad_for(table: str, row_id: str, field: str, key_id: str) -> bytes:
    """Associated data: where the value lives and which key sealed it (ids only, never content)."""
    for part in (table, row_id, field, key_id):
        if "|" in part:
            raise ValueError("associated-data parts may not contain '|'")
    return f"clearnote/1|{table}|{row_id}|{field}|{key_id}".encode()


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Encrypt and authenticate ``plaintext`` under ``key``, bound to ``aad``."""
    if len(key) != KEY_BYTES:
        raise ValueError("AES-256-GCM needs a 32-byte key")
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT_V1 + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, sealed: bytes, aad: bytes, *, what: str) -> bytes:
    """Decrypt a value from :func:`seal`; ``what`` names the field or object for the error line."""
    if len(sealed) < _OVERHEAD or sealed[:1] != FORMAT_V1:
        raise IntegrityError(f"{what}: unknown or truncated ciphertext format")
    nonce = sealed[1 : 1 + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, sealed[1 + NONCE_BYTES :], aad)
    except InvalidTag as exc:
        raise IntegrityError(
            f"{what}: ciphertext failed authentication (tampered, moved or wrong key)"
        ) from exc
