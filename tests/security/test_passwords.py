from __future__ import annotations

import pytest

from clearnote.security.passwords import (
    WeakPasswordError,
    blocklist,
    check_password,
    hash_password,
    verify_password,
)


@pytest.mark.parametrize(
    ("length", "mfa", "ok"),
    [(7, True, False), (8, True, True), (14, False, False), (15, False, True)],
)
def test_length_boundaries(length: int, mfa: bool, ok: bool) -> None:
    candidate = "tvkqzmrwhjpbxnlfcgyd"[:length]
    if ok:
        check_password(candidate, mfa=mfa)
    else:
        with pytest.raises(WeakPasswordError, match=f"at least {8 if mfa else 15}"):
            check_password(candidate, mfa=mfa)


@pytest.mark.parametrize(
    "candidate",
    [
        "all lower case words here",
        "ALLUPPERCASEONLYX",
        "ünïcödé pässwörd ok",
        "no digits or symbols",
    ],
)
def test_no_composition_rules(candidate: str) -> None:
    check_password(candidate, mfa=False)


@pytest.mark.parametrize(
    "candidate",
    [
        "password",
        "Password1!",
        "qwertyuiop",
        "iloveyou123",
        "passwordpassword",
        "aaaaaaaaaaaaaaaa",
        "123456789012345",
        "correcthorsebatterystaple",
        "Summer2025",
    ],
)
def test_blocklist_and_repetitions_are_refused(candidate: str) -> None:
    with pytest.raises(WeakPasswordError):
        check_password(candidate, mfa=True)


def test_context_words_are_refused_and_message_never_echoes() -> None:
    with pytest.raises(WeakPasswordError) as err:
        check_password("drjonesdrjones", mfa=True, context=("drjones",))
    assert "drjones" not in err.value.message


def test_blocklist_is_shipped() -> None:
    assert len(blocklist()) >= 1000 and "123456" in blocklist()


def test_argon2id_hash_and_verify() -> None:
    h = hash_password("a long and unusual passphrase")
    assert h.startswith("$argon2id$")
    assert verify_password(h, "a long and unusual passphrase")
    assert not verify_password(h, "a long and unusual passphrasE")
    assert not verify_password("not-a-hash", "x")
