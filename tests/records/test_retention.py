"""Retention due dates from the schedule; the run crypto-erases what is due, with receipts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clearnote.records import clients, report, sessions
from tests.records.conftest import World, consented_client


def test_audio_is_erased_after_seven_days_unless_on_legal_hold(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    audio = sessions.store_artefact(sid, "audio", b"RIFF", actor=w.owner, ctx=w.ctx)
    sessions.store_artefact(sid, "transcript", b"t", actor=w.owner, ctx=w.ctx)
    view = sessions.show_session(w.ctx, w.owner, sid)
    due = {a.kind: a.retention_due for a in view.artefacts}
    created = view.created_at
    assert due["audio"] is not None and due["audio"] - created <= timedelta(days=7, seconds=5)
    start = w.ctx.now()
    assert sessions.run_retention(w.ctx, now=start + timedelta(days=1)) == []
    clients.set_legal_hold(w.ctx, w.owner, cid, hold=True)
    assert sessions.run_retention(w.ctx, now=start + timedelta(days=8)) == []
    clients.set_legal_hold(w.ctx, w.owner, cid, hold=False)
    receipts = sessions.run_retention(w.ctx, now=start + timedelta(days=8))
    assert [r.artefact_id for r in receipts] == [audio]
    assert receipts[0].rule is not None and receipts[0].verify()
    with pytest.raises(sessions.ErasedError):
        sessions.load_artefact(audio, actor=w.owner, ctx=w.ctx)
    doc = report.client_report(w.ctx, w.owner, cid)
    assert [r["artefact_id"] for r in doc["deletion_receipts"]] == [audio]
    kinds = {a["kind"]: a for a in doc["artefacts"]}
    assert kinds["audio"]["deleted_at"] is not None and kinds["transcript"]["deleted_at"] is None


def test_session_delete_is_refused_under_legal_hold(world: World) -> None:
    from clearnote.errors import PolicyError

    w = world
    cid = consented_client(w, "record")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    sessions.store_artefact(sid, "audio", b"RIFF", actor=w.owner, ctx=w.ctx)
    clients.set_legal_hold(w.ctx, w.owner, cid, hold=True)
    with pytest.raises(PolicyError, match="legal hold"):
        sessions.delete_session(w.ctx, w.owner, sid)
    assert sessions.show_session(w.ctx, w.owner, sid).status != "deleted"


def test_client_report_lists_ai_runs_and_accesses(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    sessions.record_ai_run(
        sid, "transcribe", "faster-whisper base", "1.2.1", "local", actor=w.owner, ctx=w.ctx
    )
    doc = report.client_report(w.ctx, w.owner, cid)
    assert doc["ai_runs"][0]["model"] == "faster-whisper base"
    assert doc["ai_runs"][0]["where"] == "local"
    assert {"consent.grant", "session.create", "ai.run"} <= {a["action"] for a in doc["accesses"]}
    assert {c["purpose"] for c in doc["consents"]} == {"record", "transcribe"}


def test_signing_makes_audio_due_at_once(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    audio = sessions.store_artefact(sid, "audio", b"RIFF", actor=w.owner, ctx=w.ctx)
    sessions.sign_session(sid, actor=w.owner, ctx=w.ctx)
    view = sessions.show_session(w.ctx, w.owner, sid)
    assert view.status == "signed" and view.signed_at is not None
    due = {a.kind: a.retention_due for a in view.artefacts}
    assert due["audio"] is not None and due["audio"] <= view.signed_at + timedelta(seconds=1)
    receipts = sessions.run_retention(w.ctx, now=view.signed_at + timedelta(minutes=1))
    assert [r.artefact_id for r in receipts] == [audio]
