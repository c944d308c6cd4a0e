"""The recording spool: chunks sealed on disk as they come, read back after a crash; a record
cut short ends the recording there, a tampered or reordered one ends it and says so."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import pytest

from clearnote.errors import IntegrityError
from clearnote.records.spool import Spool, SpoolHeader
from clearnote.security.keys import FileKeyProvider

CHUNKS = [b"first chunk of speech " * 20, b"second chunk of speech " * 20, b"third " * 40]


@pytest.fixture
def spool(tmp_path: Path) -> Spool:
    keys = FileKeyProvider.create(tmp_path / "keys" / "kek", home=tmp_path / "home")
    return Spool(tmp_path / "home" / "spool", keys)


def _write(spool: Spool, chunks: list[bytes]) -> tuple[str, Path]:
    rid = str(uuid.uuid4())
    writer = spool.open(SpoolHeader(rid, "user-1", "client-1", "soap"))
    for chunk in chunks:
        writer.append(chunk)
    writer.close()
    return rid, writer.path


def test_chunks_come_back_in_order_and_the_file_holds_no_plaintext(spool: Spool) -> None:
    rid, path = _write(spool, CHUNKS)
    assert spool.pending() == [rid]
    found = spool.read(rid)
    assert found.chunks == tuple(CHUNKS) and not found.damaged
    assert found.header == SpoolHeader(rid, "user-1", "client-1", "soap")
    raw = path.read_bytes()
    assert b"chunk of speech" not in raw and b"third" not in raw
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(spool.folder.stat().st_mode) == 0o700
    spool.remove(rid)
    assert spool.pending() == [] and not path.exists()


def test_a_record_cut_short_by_a_crash_ends_the_recording_there(spool: Spool) -> None:
    rid, path = _write(spool, CHUNKS)
    path.write_bytes(path.read_bytes()[:-10])
    found = spool.read(rid)
    assert found.chunks == tuple(CHUNKS[:2]) and not found.damaged


def test_a_tampered_record_ends_the_recording_and_says_so(spool: Spool) -> None:
    rid, path = _write(spool, CHUNKS)
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0x01  # inside the last chunk's ciphertext
    path.write_bytes(bytes(raw))
    found = spool.read(rid)
    assert found.chunks == tuple(CHUNKS[:2]) and found.damaged


def test_records_bound_to_their_place_cannot_be_reordered(spool: Spool) -> None:
    rid, path = _write(spool, CHUNKS[:2])
    raw = path.read_bytes()
    head_end = raw.index(b"\n") + 1
    body = raw[head_end:]
    size = int.from_bytes(body[:4], "big") + 4
    path.write_bytes(raw[:head_end] + body[size:] + body[:size])  # second record first
    found = spool.read(rid)
    assert found.chunks == () and found.damaged


def test_a_file_from_another_practice_cannot_be_opened(spool: Spool, tmp_path: Path) -> None:
    rid, path = _write(spool, CHUNKS)
    other_keys = FileKeyProvider.create(tmp_path / "k2" / "kek", home=tmp_path / "home2")
    other = Spool(spool.folder, other_keys)
    with pytest.raises(IntegrityError):
        other.read(rid)
    path.write_bytes(b"not a spool\n")
    with pytest.raises(IntegrityError, match="header unreadable"):
        spool.read(rid)
    with pytest.raises(ValueError):
        spool.remove("../../etc/passwd")
