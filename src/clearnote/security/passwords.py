"""Passwords per NIST SP 800-63B-4 (R56): length only (≥ 15 single-factor, ≥ 8 with MFA, ≤ 64+
allowed, no composition rules, no expiry), a shipped blocklist, argon2id hashes.

The blocklist (``data/common_passwords.txt``, provenance in ``data/PROVENANCE.md``) is checked on
the NFKC-lowercased password, with trailing digits and punctuation stripped, and as a repetition of
a listed word; context words (the e-mail's local part, "clearnote") are refused too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib.resources import files

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from clearnote.errors import BadInputError

MIN_SINGLE_FACTOR = 15
MIN_WITH_MFA = 8
MAX_LENGTH = 256

# argon2id, RFC 9106 "second recommended" profile scaled to an interactive login (~50 ms here).
_HASHER = PasswordHasher(
    time_cost=3, memory_cost=64 * 1024, parallelism=1, hash_len=32, salt_len=16
)


class WeakPasswordError(BadInputError):
    """The password breaks the length or blocklist rule (the message never echoes it)."""


@lru_cache(maxsize=1)
def blocklist() -> frozenset[str]:
    text = files("clearnote.security").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


def _normal(password: str) -> str:
    return unicodedata.normalize("NFKC", password).casefold()


def _is_repetition(text: str, words: frozenset[str]) -> bool:
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            unit = text[:size]
            return size <= 3 or unit in words
    return False


def check_password(password: str, *, mfa: bool, context: tuple[str, ...] = ()) -> None:
    """Raise WeakPasswordError unless the password meets the rules; never returns the password."""
    minimum = MIN_WITH_MFA if mfa else MIN_SINGLE_FACTOR
    length = len(unicodedata.normalize("NFKC", password))
    if length < minimum:
        factor = "with MFA" if mfa else "without MFA"
        raise WeakPasswordError(f"password: at least {minimum} characters are needed {factor}")
    if length > MAX_LENGTH:
        raise WeakPasswordError(f"password: at most {MAX_LENGTH} characters")
    norm = _normal(password)
    words = blocklist()
    stripped = re.sub(r"[\d\W_]+$", "", norm)
    squashed = re.sub(r"\s+", "", norm)
    if norm in words or stripped in words or squashed in words or _is_repetition(squashed, words):
        raise WeakPasswordError("password: it is on the list of common or breached passwords")
    for word in ("clearnote", *context):
        w = _normal(word)
        if len(w) >= 4 and (
            squashed == w or stripped == w or _is_repetition(squashed, frozenset({w}))
        ):
            raise WeakPasswordError("password: it repeats the account name or product name")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Constant-time argon2 verification; False on mismatch or a malformed hash."""
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


@lru_cache(maxsize=1)
def dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so timing does not reveal it."""
    return _HASHER.hash("clearnote-dummy-password-for-timing")
