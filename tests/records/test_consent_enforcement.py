"""Consent is enforced before anything is stored; refusals are audited and store nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from clearnote.errors import PolicyError
from clearnote.records import clients, consent, sessions
from clearnote.records.audit_log import list_entries
from clearnote.store.models import ArtefactRow, ConsentEventRow, DataKey
from tests.records.conftest import World, consented_client


def _counts(w: World) -> tuple[int, int, int]:
    with w.ctx.tx() as db:
        arts = db.scalar(select(func.count()).select_from(ArtefactRow)) or 0
        keys = db.scalar(select(func.count()).select_from(DataKey)) or 0
        events = db.scalar(select(func.count()).select_from(ConsentEventRow)) or 0
    blobs = sum(1 for p in (w.settings.home / "blobs").rglob("*") if p.is_file())
    return arts + events, keys, blobs


def test_refused_step_stores_nothing_and_is_audited(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    before = _counts(w)
    with pytest.raises(PolicyError, match="draft_note") as err:
        sessions.store_artefact(sid, "draft", b"draft words", actor=w.owner, ctx=w.ctx)
    assert err.value.exit_code == 3
    assert _counts(w) == before
    with w.ctx.tx() as db:
        refused = list_entries(db, action_prefix="consent.refused")
    assert len(refused) == 1 and refused[0].outcome == "refused"
    assert refused[0].meta["missing"] == ["draft_note"] and refused[0].client_id == cid


def test_revocation_stops_future_processing_and_lists_erasable(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe", "draft_note")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    tid = sessions.store_artefact(sid, "transcript", b"t", actor=w.owner, ctx=w.ctx)
    rev = consent.revoke(w.ctx, w.owner, cid, "transcribe")
    assert "draft_note" in rev.stops
    assert {a["artefact_id"] for a in rev.erasable_artefacts} == {tid}
    for kind in ("transcript", "draft"):
        with pytest.raises(PolicyError):
            sessions.store_artefact(sid, kind, b"x", actor=w.owner, ctx=w.ctx)
    sessions.store_artefact(sid, "audio", b"a", actor=w.owner, ctx=w.ctx)  # record still granted
    with pytest.raises(PolicyError):
        consent.require_consent(cid, ["draft_note"], w.owner, ctx=w.ctx)


def test_grant_without_prerequisite_is_refused_and_nothing_is_stored(world: World) -> None:
    w = world
    cid = consented_client(w)
    before = _counts(w)
    with pytest.raises(PolicyError, match="before"):
        consent.grant(w.ctx, w.owner, cid, ["record", "draft_note"], signed_by="X Y")
    assert _counts(w) == before  # all or nothing: record was not stored either
    with w.ctx.tx() as db:
        assert [e.outcome for e in list_entries(db, action_prefix="consent.grant")] == ["refused"]


def test_every_participant_present_must_consent(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe")
    partner = clients.add_participant(
        w.ctx, w.owner, cid, name="Partner Person", relation="partner"
    )
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx, participant_ids=[partner])
    with pytest.raises(PolicyError, match=f"participant {partner}"):
        sessions.store_artefact(sid, "audio", b"a", actor=w.owner, ctx=w.ctx)
    consent.grant(
        w.ctx, w.owner, cid, ["record"], signed_by="Partner Person", participant_id=partner
    )
    sessions.store_artefact(sid, "audio", b"a", actor=w.owner, ctx=w.ctx)
    solo = sessions.create_session(cid, w.owner, ctx=w.ctx)  # partner absent: client alone
    sessions.store_artefact(solo, "transcript", b"t", actor=w.owner, ctx=w.ctx)


def test_consent_show_names_forms_not_signers(world: World) -> None:
    w = world
    cid = consented_client(w, "record", name="Quentin Signer")
    doc = consent.show(w.ctx, w.owner, cid)
    rec = next(p for p in doc["purposes"] if p["purpose"] == "record")
    assert rec["status"] == "granted" and rec["form_id"] == "clearnote.consent.record"
    assert "Quentin" not in repr(doc)
