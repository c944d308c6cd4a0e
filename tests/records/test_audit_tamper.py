"""The stored audit chain detects edits, deletions, reordering and truncation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from clearnote.records import audit_log, sessions
from clearnote.store.models import AuditEntry
from tests.records.conftest import World, consented_client


def _populate(w: World) -> None:
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    aid = sessions.store_artefact(sid, "transcript", b"t", actor=w.owner, ctx=w.ctx)
    sessions.load_artefact(aid, actor=w.owner, ctx=w.ctx)


def _edit(db: Session) -> None:
    db.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(outcome="refused"))


def _edit_meta(db: Session) -> None:
    db.execute(update(AuditEntry).where(AuditEntry.seq == 5).values(meta='{"x":1}'))


def _delete(db: Session) -> None:
    db.execute(delete(AuditEntry).where(AuditEntry.seq == 3))


def _truncate(db: Session) -> None:
    last = db.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    db.execute(delete(AuditEntry).where(AuditEntry.seq == last))


def _reorder(db: Session) -> None:
    a = db.get(AuditEntry, 3)
    b = db.get(AuditEntry, 4)
    assert a is not None and b is not None
    fields = (
        "ts",
        "actor",
        "via",
        "action",
        "object_type",
        "object_id",
        "client_id",
        "outcome",
        "meta",
        "prev_hash",
        "entry_hash",
        "mac",
    )
    va = {f: getattr(a, f) for f in fields}
    vb = {f: getattr(b, f) for f in fields}
    db.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(**vb))
    db.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(**va))


@pytest.mark.parametrize(
    ("tamper", "first_bad"),
    [(_edit, 4), (_edit_meta, 5), (_delete, 4), (_reorder, 3), (_truncate, None)],
    ids=["edit", "edit-meta", "delete", "reorder", "truncate"],
)
def test_tampering_is_detected(
    world: World, tamper: Callable[[Session], None], first_bad: int | None
) -> None:
    w = world
    _populate(w)
    assert audit_log.verify(w.ctx).ok
    with w.ctx.tx() as db:
        tamper(db)
    rep = audit_log.verify(w.ctx)
    assert not rep.ok
    if first_bad is not None:
        assert rep.first_bad_seq == first_bad
    else:
        assert "head" in (rep.problem or "")


def test_entries_carry_no_client_words(sqlite_world: World) -> None:
    w = sqlite_world
    _populate(w)
    with w.ctx.tx() as db:
        text = repr(audit_log.list_entries(db))
    assert "Quillfeather" not in text and "Zebediah" not in text
