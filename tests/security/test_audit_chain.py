from __future__ import annotations

import dataclasses

from clearnote.security.audit import (
    GENESIS,
    AuditRecord,
    entry_hash,
    entry_mac,
    head_mac,
    verify_chain,
)

KEY = b"k" * 32


def _chain(n: int) -> list[AuditRecord]:
    out: list[AuditRecord] = []
    prev = GENESIS
    for i in range(1, n + 1):
        rec = AuditRecord(
            seq=i,
            ts=f"2026-05-01T00:00:{i:02d}",
            actor="u1",
            via="cli:x",
            action="artefact.read",
            object_type="artefact",
            object_id=f"a{i}",
            client_id="c1",
            outcome="ok",
            meta={"n": i},
            prev_hash=prev,
        )
        digest = entry_hash(rec)
        out.append(dataclasses.replace(rec, entry_hash=digest, mac=entry_mac(KEY, digest)))
        prev = digest
    return out


def _head(chain: list[AuditRecord]) -> tuple[int, str, str]:
    last = chain[-1]
    return last.seq, last.entry_hash, head_mac(KEY, last.seq, last.entry_hash)


def test_intact_chain_verifies() -> None:
    c = _chain(5)
    rep = verify_chain(c, KEY, head=_head(c))
    assert rep.ok and rep.entries == 5 and rep.head_hash == c[-1].entry_hash


def test_edit_is_detected_at_that_entry() -> None:
    c = _chain(5)
    c[2] = dataclasses.replace(c[2], outcome="refused")
    rep = verify_chain(c, KEY, head=_head(_chain(5)))
    assert not rep.ok and rep.first_bad_seq == 3 and "edited" in (rep.problem or "")


def test_rehash_without_the_key_is_detected() -> None:
    c = _chain(5)
    forged = dataclasses.replace(c[2], outcome="refused")
    c[2] = dataclasses.replace(forged, entry_hash=entry_hash(forged))
    assert verify_chain(c, KEY).first_bad_seq == 3


def test_deletion_in_the_middle_is_detected() -> None:
    c = _chain(5)
    del c[1]
    rep = verify_chain(c, KEY)
    assert not rep.ok and rep.first_bad_seq == 3


def test_reordering_is_detected() -> None:
    c = _chain(5)
    c[1], c[2] = c[2], c[1]
    assert not verify_chain(c, KEY).ok


def test_truncation_at_the_end_is_detected_by_the_head() -> None:
    c = _chain(5)
    rep = verify_chain(c[:4], KEY, head=_head(c))
    assert not rep.ok and "head" in (rep.problem or "")
