"""Least privilege at the service layer: own clients, supervision, break-glass, process notes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clearnote.errors import PolicyError
from clearnote.records import clients, grants, sessions
from clearnote.records.audit_log import list_entries
from clearnote.records.context import Actor
from clearnote.records.users import create_user
from clearnote.security.roles import Role
from tests.records.conftest import World, consented_client


def _user(w: World, email: str, *roles: Role) -> Actor:
    with w.ctx.tx() as db:
        user, _ = create_user(
            w.ctx,
            db,
            email=email,
            roles=frozenset(roles),
            password="another long passphrase here",
            actor=w.owner,
        )
    return Actor(user.id, frozenset(roles), "test")


def test_other_clinician_cannot_read_and_the_refusal_is_audited(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    aid = sessions.store_artefact(sid, "transcript", b"t", actor=w.owner, ctx=w.ctx)
    other = _user(w, "dr.b@example.org", Role.CLINICIAN)
    with pytest.raises(PolicyError):
        sessions.load_artefact(aid, actor=other, ctx=w.ctx)
    with pytest.raises(PolicyError):
        clients.show_client(w.ctx, other, cid)
    with w.ctx.tx() as db:
        refused = [e for e in list_entries(db) if e.outcome == "refused"]
    assert {e.action for e in refused} == {"artefact.read", "client.read"}
    assert all(e.actor == other.user_id for e in refused)


def test_admin_without_clinical_role_needs_break_glass(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    aid = sessions.store_artefact(sid, "transcript", b"t", actor=w.owner, ctx=w.ctx)
    admin = _user(w, "admin@example.org", Role.ADMIN)
    with pytest.raises(PolicyError):
        sessions.load_artefact(aid, actor=admin, ctx=w.ctx)
    with pytest.raises(Exception, match="justification"):
        grants.break_glass(w.ctx, admin, cid, justification="because", minutes=30)
    grants.break_glass(
        w.ctx, admin, cid, justification="client in crisis, clinician away", minutes=30
    )
    assert sessions.load_artefact(aid, actor=admin, ctx=w.ctx) == b"t"
    start = w.ctx.now()
    w.ctx.clock = lambda: start + timedelta(minutes=31)
    with pytest.raises(PolicyError):
        sessions.load_artefact(aid, actor=admin, ctx=w.ctx)
    with w.ctx.tx() as db:
        bg = list_entries(db, action_prefix="grant.break_glass")
    assert bg[-1].meta["severity"] == "high" and "crisis" not in repr(bg)


def test_supervisor_reads_when_granted_but_never_process_notes(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    aid = sessions.store_artefact(sid, "transcript", b"t", actor=w.owner, ctx=w.ctx)
    pnote = sessions.store_artefact(sid, "psychotherapy_note", b"p", actor=w.owner, ctx=w.ctx)
    sup = _user(w, "sup@example.org", Role.SUPERVISOR)
    with pytest.raises(PolicyError):
        sessions.load_artefact(aid, actor=sup, ctx=w.ctx)
    grants.grant_supervision(w.ctx, w.owner, cid, supervisor_id=sup.user_id, days=30)
    assert sessions.load_artefact(aid, actor=sup, ctx=w.ctx) == b"t"
    with pytest.raises(PolicyError, match="author only"):
        sessions.load_artefact(pnote, actor=sup, ctx=w.ctx)
    with pytest.raises(PolicyError):
        sessions.store_artefact(sid, "signed_note", b"s", actor=sup, ctx=w.ctx)
    assert sessions.load_artefact(pnote, actor=w.owner, ctx=w.ctx) == b"p"
    view = sessions.show_session(w.ctx, sup, sid)
    assert "psychotherapy_note" not in {a.kind for a in view.artefacts}
