from __future__ import annotations

import pytest

from clearnote.errors import IntegrityError
from clearnote.security.crypto import aad_for, new_key, open_sealed, seal


def test_round_trip_and_fresh_nonce() -> None:
    key = new_key()
    aad = aad_for("clients", "c1", "name", "k1")
    a, b = seal(key, b"hello", aad), seal(key, b"hello", aad)
    assert a != b  # random nonce
    assert open_sealed(key, a, aad, what="t") == b"hello"
    assert b"hello" not in a


@pytest.mark.parametrize("index", [0, 1, 12, 13, -1])
def test_any_flipped_byte_fails_closed(index: int) -> None:
    key = new_key()
    aad = aad_for("artefacts", "a1", "blob", "k1")
    sealed = bytearray(seal(key, b"session words", aad))
    sealed[index] ^= 0x01
    with pytest.raises(IntegrityError):
        open_sealed(key, bytes(sealed), aad, what="artefact a1")


@pytest.mark.parametrize(
    "other",
    [
        ("clients", "c2", "name", "k1"),
        ("clients", "c1", "notes", "k1"),
        ("participants", "c1", "name", "k1"),
        ("clients", "c1", "name", "k2"),
    ],
)
def test_ciphertext_moved_to_another_row_field_or_key_fails(other: tuple[str, ...]) -> None:
    key = new_key()
    sealed = seal(key, b"name", aad_for("clients", "c1", "name", "k1"))
    with pytest.raises(IntegrityError):
        open_sealed(key, sealed, aad_for(*other), what="x")


def test_wrong_key_and_truncation_fail() -> None:
    aad = aad_for("t", "r", "f", "k")
    sealed = seal(new_key(), b"x", aad)
    with pytest.raises(IntegrityError):
        open_sealed(new_key(), sealed, aad, what="x")
    with pytest.raises(IntegrityError):
        open_sealed(new_key(), sealed[:10], aad, what="x")


def test_error_message_names_the_object_not_the_content() -> None:
    key = new_key()
    aad = aad_for("t", "r", "f", "k")
    with pytest.raises(IntegrityError) as err:
        open_sealed(key, seal(new_key(), b"secret words", aad), aad, what="artefact r")
    assert "artefact r" in err.value.message and "secret" not in err.value.message
