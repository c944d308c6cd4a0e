"""The administrator's retention run and key rotation: authorized, audited, data intact."""

from __future__ import annotations

from datetime import timedelta

from clearnote.records import audit_log, sessions
from clearnote.records.maintenance import retention_run, rotate_keys
from tests.records.conftest import World, consented_client


def _actions(w: World) -> list[str]:
    with w.ctx.tx() as db:
        from sqlalchemy import select

        from clearnote.store.models import AuditEntry

        return [e.action for e in db.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def test_rotation_keeps_every_artefact_readable_and_is_audited(sqlite_world: World) -> None:
    w = sqlite_world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    aid = sessions.store_artefact(sid, "transcript", b"sealed words", actor=w.owner, ctx=w.ctx)
    report = rotate_keys(w.ctx, w.owner)
    assert report.rewrapped >= 2 and report.retired_kek_ids
    assert sessions.load_artefact(aid, actor=w.owner, ctx=w.ctx) == b"sealed words"
    assert "keys.rotate" in _actions(w)
    assert audit_log.verify(w.ctx).ok


def test_retention_run_erases_what_is_due_and_audits_the_run(sqlite_world: World) -> None:
    w = sqlite_world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    audio = sessions.store_artefact(sid, "audio", b"RIFF", actor=w.owner, ctx=w.ctx)
    assert retention_run(w.ctx, w.owner) == []
    receipts = retention_run(w.ctx, w.owner, now=w.ctx.now() + timedelta(days=8))
    assert [r.artefact_id for r in receipts] == [audio]
    assert _actions(w).count("retention.run") == 2
