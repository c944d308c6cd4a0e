"""Consent is enforced before anything is stored; refusals are audited and store nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from clearnote.errors import PolicyError
from clearnote.records import clients, consent, sessions
from clearnote.records.audit_log import list_entries
from clearnote.records.report import client_report
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


def _live(w: World, sid: str) -> dict[str, str]:
    view = sessions.show_session(w.ctx, w.owner, sid)
    return {a.id: a.kind for a in view.artefacts if a.erased_at is None}


def test_revocation_stops_future_processing_and_erases_what_it_produced_before_signing(
    world: World,
) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe", "draft_note")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    aid = sessions.store_artefact(sid, "audio", b"a", actor=w.owner, ctx=w.ctx)
    tid = sessions.store_artefact(sid, "transcript", b"t", actor=w.owner, ctx=w.ctx)
    did = sessions.store_artefact(sid, "draft", b"d", actor=w.owner, ctx=w.ctx)
    rev = consent.revoke(w.ctx, w.owner, cid, "transcribe")
    assert "draft_note" in rev.stops
    # the note is not signed: the transcript and the draft made from it go now (R64)
    assert {a["artefact_id"] for a in rev.erased_artefacts} == {tid, did}
    assert rev.erasable_artefacts == ()
    assert _live(w, sid) == {aid: "audio"}  # record consent still stands
    receipts = client_report(w.ctx, w.owner, cid)["deletion_receipts"]
    assert {(r["artefact_id"], r["rule"]) for r in receipts} == {
        (tid, "transcript:consent_withdrawn"),
        (did, "draft:consent_withdrawn"),
    }
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


def test_withdrawal_keeps_signed_notes_sources_on_offer_and_respects_a_legal_hold(
    world: World,
) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe", "draft_note")
    signed = sessions.create_session(cid, w.owner, ctx=w.ctx)
    kept = sessions.store_artefact(signed, "transcript", b"t", actor=w.owner, ctx=w.ctx)
    sessions.sign_session(signed, actor=w.owner, ctx=w.ctx)
    held = sessions.create_session(cid, w.owner, ctx=w.ctx)
    hid = sessions.store_artefact(held, "transcript", b"t", actor=w.owner, ctx=w.ctx)
    clients.set_legal_hold(w.ctx, w.owner, cid, hold=True)
    rev = consent.revoke(w.ctx, w.owner, cid, "transcribe")
    assert rev.erased_artefacts == ()  # a legal hold suspends every erasure
    assert {a["artefact_id"] for a in rev.erasable_artefacts} == {kept, hid}
    clients.set_legal_hold(w.ctx, w.owner, cid, hold=False)
    erased = {r.artefact_id for r in sessions.run_retention(w.ctx, client_id=cid)}
    assert hid in erased and kept not in erased  # a signed note holds its transcript


def test_a_participants_withdrawal_erases_only_the_sessions_they_were_in(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe")
    partner = clients.add_participant(
        w.ctx, w.owner, cid, name="Partner Person", relation="partner"
    )
    consent.grant(
        w.ctx,
        w.owner,
        cid,
        ["record", "transcribe"],
        signed_by="Partner Person",
        participant_id=partner,
    )
    joint = sessions.create_session(cid, w.owner, ctx=w.ctx, participant_ids=[partner])
    alone = sessions.create_session(cid, w.owner, ctx=w.ctx)
    joint_audio = sessions.store_artefact(joint, "audio", b"a", actor=w.owner, ctx=w.ctx)
    alone_audio = sessions.store_artefact(alone, "audio", b"a", actor=w.owner, ctx=w.ctx)
    rev = consent.revoke(w.ctx, w.owner, cid, "record", participant_id=partner)
    assert [a["artefact_id"] for a in rev.erased_artefacts] == [joint_audio]
    assert _live(w, alone) == {alone_audio: "audio"}


def test_withdrawing_retain_audio_erases_nothing_at_once(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "retain_audio")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    aid = sessions.store_artefact(sid, "audio", b"a", actor=w.owner, ctx=w.ctx)
    rev = consent.revoke(w.ctx, w.owner, cid, "retain_audio")
    assert rev.erased_artefacts == () and _live(w, sid) == {aid: "audio"}
