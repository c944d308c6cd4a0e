"""The client portal's service layer: a client user reaches exactly one client record.

The link between a client-role user and their record is an access grant of kind ``portal``
(no schema change; ``roles.decide`` gives such grants no clinical permission). A clinician invites
the client (grant ``portal_invite``, holding the sealed hash of a one-time token, 7 days); the
client sets a password with it. Every portal call resolves the actor's own record here and
refuses (audited) anything else. Consent changes are recorded as the client's own electronic
signature; deletion and amendment requests are audit entries (kind, target id, reason code, never
free text) that the clinician reads on the client page.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearnote.domain.consent import Purpose, prerequisites
from clearnote.errors import BadInputError
from clearnote.records import audit_log, keyring
from clearnote.records.access import UnknownObjectError, authorize, load_client, refuse
from clearnote.records.consent import (
    erase_withdrawn,
    ledger_for,
    parse_purposes,
    record_grants,
    record_revocation,
)
from clearnote.records.context import Actor, PracticeContext
from clearnote.records.disclosures import accounting
from clearnote.records.report import deletion_receipts, retention_entries
from clearnote.records.users import normalize_email
from clearnote.security import passwords
from clearnote.security.roles import Permission, Role
from clearnote.store.models import (
    AccessGrant,
    AiRun,
    ArtefactRow,
    Client,
    SessionRow,
    User,
)

INVITE_DAYS = 7
REQUEST_KINDS = ("deletion", "amendment")
REQUEST_REASONS = ("consent_revoked", "inaccurate", "incomplete", "no_longer_needed", "other")
# 45 CFR 164.526(b)(2): act within 60 days, one extension of up to 30 with notice; a reminder
# from day 50
DECISIONS = ("accept", "deny", "extend")
ERROR_SOURCES = ("ai_draft", "asr", "clinician", "other", "none")
RESPOND_DAYS, EXTENSION_DAYS, REMIND_DAY = 60, 30, 50


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invite(ctx: PracticeContext, actor: Actor, client_id: str, *, email: str) -> tuple[str, str]:
    """The clinician invites the client: a client-role account without a usable password and a
    one-time token. Returns (invite id, token); the link is /portal/invite/<id>?token=<token>."""
    address = normalize_email(email)
    token = secrets.token_urlsafe(32)
    gid = str(uuid.uuid4())
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(ctx, db, actor, Permission.RECORD_CONSENT, action="portal.invite", client=client)
        if db.scalars(select(User.id).where(User.email == address)).first() is not None:
            raise BadInputError("email: a user with that e-mail already exists")
        uid = str(uuid.uuid4())
        now = ctx.now()
        db.add(
            User(
                id=uid,
                email=address,
                roles=Role.CLIENT.value,
                password_hash=passwords.hash_password(secrets.token_urlsafe(32)),
                failed_attempts=0,
                disabled=False,
                created_at=now,
            )
        )
        db.flush()
        db.add(
            AccessGrant(
                id=gid,
                kind="portal_invite",
                grantee_id=uid,
                client_id=client.id,
                granted_by=actor.user_id,
                justification_ct=keyring.seal_field(
                    ctx, db, client.key_id, "access_grants", gid, "justification", _hash(token)
                ),
                created_at=now,
                expires_at=now + timedelta(days=INVITE_DAYS),
            )
        )
        db.flush()
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="portal.invite",
            object_type="user",
            object_id=uid,
            client_id=client.id,
            meta={"invite": gid, "days": INVITE_DAYS},
        )
    return gid, token


def accept_invite(ctx: PracticeContext, invite_id: str, token: str, *, password: str) -> None:
    """The client sets their password with the one-time token; the invite is spent."""
    with ctx.tx() as db:
        grant = db.get(AccessGrant, invite_id[:64])
        now = ctx.now()
        usable = (
            grant is not None
            and grant.kind == "portal_invite"
            and grant.revoked_at is None
            and grant.expires_at is not None
            and now < grant.expires_at
            and grant.justification_ct is not None
        )
        if grant is None or not usable or grant.justification_ct is None:
            raise BadInputError(
                "invite: unknown, used or expired; ask your clinician for a new one"
            )
        client = load_client(db, grant.client_id)
        expected = keyring.open_field(
            ctx,
            db,
            client.key_id,
            "access_grants",
            grant.id,
            "justification",
            grant.justification_ct,
        )
        if not hmac.compare_digest(expected, _hash(token)):
            raise BadInputError(
                "invite: unknown, used or expired; ask your clinician for a new one"
            )
        user = db.get(User, grant.grantee_id)
        if user is None:
            raise BadInputError("invite: the account no longer exists")
        passwords.check_password(password, mfa=False, context=(user.email.partition("@")[0],))
        user.password_hash = passwords.hash_password(password)
        grant.revoked_at = now
        db.add(
            AccessGrant(
                id=str(uuid.uuid4()),
                kind="portal",
                grantee_id=user.id,
                client_id=client.id,
                granted_by=grant.granted_by,
                created_at=now,
                expires_at=None,
            )
        )
        audit_log.append(
            ctx,
            db,
            actor=None,
            actor_id=user.id,
            via="web",
            action="portal.activate",
            object_type="user",
            object_id=user.id,
            client_id=client.id,
            meta={"invite": grant.id},
        )


def _own_client(ctx: PracticeContext, db: Session, actor: Actor, action: str) -> Client:
    """The actor's own client record (role portal_own and a live portal grant), else refused."""
    authorize(ctx, db, actor, Permission.PORTAL_OWN, action=action)
    client_id = db.scalars(
        select(AccessGrant.client_id).where(
            AccessGrant.grantee_id == actor.user_id,
            AccessGrant.kind == "portal",
            AccessGrant.revoked_at.is_(None),
        )
    ).first()
    if client_id is None:
        raise refuse(
            actor,
            action=action,
            object_type="client",
            object_id=None,
            client_id=None,
            reason="no portal link for this account",
        )
    return load_client(db, client_id)


def own_client_id(ctx: PracticeContext, actor: Actor) -> str:
    with ctx.tx() as db:
        return _own_client(ctx, db, actor, "portal.open").id


def consent_state(ctx: PracticeContext, actor: Actor) -> list[dict[str, Any]]:
    """The client's own consent per purpose (the client themselves, not other participants)."""
    with ctx.tx() as db:
        client = _own_client(ctx, db, actor, "portal.consent_read")
        ledger = ledger_for(ctx, db, client)
        state = ledger.state()
        out = []
        for p in Purpose:
            entry = state.get((None, p))
            out.append(
                {
                    "purpose": p.value,
                    "status": "granted"
                    if entry and entry.granted
                    else ("revoked" if entry else "not_granted"),
                    "since": entry.since.isoformat() if entry else None,
                    "form_version": entry.form_version if entry else None,
                    "requires": [q.value for q in prerequisites(p)],
                }
            )
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="consent.read",
            object_type="consent",
            client_id=client.id,
            meta={"via": "portal"},
        )
    return out


def grant(ctx: PracticeContext, actor: Actor, purposes: Sequence[str], *, signed_by: str) -> int:
    """The client grants purposes with their typed name (prerequisites first; all or nothing)."""
    chosen = sorted(parse_purposes(purposes), key=lambda p: len(prerequisites(p)))
    signer = signed_by.strip()
    if not signer or len(signer) > 200:
        raise BadInputError("signed_by: type your name (1 to 200 characters)")
    with ctx.tx() as db:
        client = _own_client(ctx, db, actor, "consent.grant")
        record_grants(ctx, db, actor, client, chosen, signer=signer, via="portal")
    return len(chosen)


def revoke(ctx: PracticeContext, actor: Actor, purpose: str) -> dict[str, Any]:
    """Revoke at once; returns what stops and the stored artefacts that may be deleted."""
    (p,) = parse_purposes([purpose])
    with ctx.tx() as db:
        client = _own_client(ctx, db, actor, "consent.revoke")
        result = record_revocation(ctx, db, actor, client, p, via="portal")
        cid = client.id
    result = erase_withdrawn(ctx, result, cid)
    return {
        "purpose": p.value,
        "stops": list(result.stops),
        "note": result.note,
        "erased": list(result.erased_artefacts),
        "erasable": list(result.erasable_artefacts),
    }


def request(ctx: PracticeContext, actor: Actor, *, kind: str, target_id: str, reason: str) -> int:
    """Record a deletion or amendment request on the client's own record (a session, an
    artefact, or the whole record when ``target_id`` is empty). Returns the audit seq."""
    if kind not in REQUEST_KINDS:
        raise BadInputError(f"kind: expected one of: {', '.join(REQUEST_KINDS)}")
    if reason not in REQUEST_REASONS:
        raise BadInputError(f"reason: expected one of: {', '.join(REQUEST_REASONS)}")
    target = target_id.strip()[:64]
    with ctx.tx() as db:
        client = _own_client(ctx, db, actor, "portal.request")
        object_type = "client"
        if target:
            art = db.get(ArtefactRow, target)
            ses = db.get(SessionRow, target) if art is None else None
            owner = art.client_id if art is not None else (ses.client_id if ses else None)
            if owner is None:
                raise UnknownObjectError("target: no such session or artefact")
            if owner != client.id:
                raise refuse(
                    actor,
                    action="portal.request",
                    object_type="artefact" if art is not None else "session",
                    object_id=target,
                    client_id=None,
                    reason="not this client's record",
                )
            object_type = "artefact" if art is not None else "session"
        seq = audit_log.append(
            ctx,
            db,
            actor=actor,
            action=f"portal.request.{kind}",
            object_type=object_type,
            object_id=target or client.id,
            client_id=client.id,
            meta={"kind": kind, "reason": reason, "status": "open"},
        )
    return seq


def requests_for(ctx: PracticeContext, actor: Actor, client_id: str) -> list[dict[str, Any]]:
    """The client's requests with where each stands, for the clinician (or the client
    themselves): ``status`` open / extended / accepted / denied, the date a decision is ``due``
    (60 days, 90 once extended), ``due_soon`` from day 50 and ``overdue`` after the due date
    while undecided."""
    with ctx.tx() as db:
        client = load_client(db, client_id)
        if Role.CLIENT in actor.roles:
            if _own_client(ctx, db, actor, "portal.requests").id != client.id:
                raise UnknownObjectError("CLIENT: not found")
        else:
            authorize(
                ctx, db, actor, Permission.READ_CLIENT, action="portal.requests", client=client
            )
        entries = audit_log.list_entries(db, client_id=client.id, action_prefix="portal.request.")
        decisions = audit_log.list_entries(db, client_id=client.id, action_prefix="request.")
    now = ctx.now()
    out = []
    for e in entries:
        made = datetime.fromisoformat(e.ts)
        taken = [d for d in decisions if d.meta.get("request_seq") == e.seq]
        extended = any(d.meta.get("decision") == "extend" for d in taken)
        final = next((d for d in taken if d.meta.get("decision") in ("accept", "deny")), None)
        due = made + timedelta(days=RESPOND_DAYS + (EXTENSION_DAYS if extended else 0))
        status = (
            ("accepted" if final.meta["decision"] == "accept" else "denied")
            if final is not None
            else ("extended" if extended else "open")
        )
        open_ = final is None
        out.append(
            {
                "seq": e.seq,
                "at": e.ts,
                "kind": e.meta.get("kind"),
                "reason": e.meta.get("reason"),
                "object_type": e.object_type,
                "object_id": e.object_id,
                "status": status,
                "due": due.date().isoformat(),
                "due_soon": open_ and now >= made + timedelta(days=REMIND_DAY),
                "overdue": open_ and now > due,
                "error_source": final.meta.get("error_source") if final is not None else None,
                "decided_at": final.ts if final is not None else None,
            }
        )
    return out


def decide_request(
    ctx: PracticeContext,
    actor: Actor,
    client_id: str,
    request_seq: int,
    *,
    decision: str,
    error_source: str = "none",
) -> dict[str, Any]:
    """The clinician's decision on a client's request: ``accept`` (then correct the record with
    an addendum: nothing is overwritten), ``deny`` (the written denial is the clinician's to
    send), or ``extend`` (once, 30 more days). ``error_source`` says where an accepted error came
    from (AI draft, ASR, clinician...), for the quality figures. Audited ``request.decision``;
    returns the request as it now stands."""
    if decision not in DECISIONS:
        raise BadInputError(f"decision: expected one of: {', '.join(DECISIONS)}")
    if error_source not in ERROR_SOURCES:
        raise BadInputError(f"error_source: expected one of: {', '.join(ERROR_SOURCES)}")
    current = {q["seq"]: q for q in requests_for(ctx, actor, client_id)}.get(request_seq)
    if current is None:
        raise UnknownObjectError(f"REQUEST: no request {request_seq} of this client")
    if current["status"] in ("accepted", "denied"):
        raise BadInputError(f"request {request_seq}: already {current['status']}")
    if decision == "extend" and current["status"] == "extended":
        raise BadInputError(f"request {request_seq}: already extended once")
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(
            ctx, db, actor, Permission.WRITE_ARTEFACT, action="request.decision", client=client
        )
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="request.decision",
            object_type=str(current["object_type"]),
            object_id=str(current["object_id"]),
            client_id=client.id,
            meta={"request_seq": request_seq, "decision": decision, "error_source": error_source},
        )
    return next(q for q in requests_for(ctx, actor, client_id) if q["seq"] == request_seq)


def report(ctx: PracticeContext, actor: Actor) -> dict[str, Any]:
    """The transparency report on the client's own record (the same content as
    ``records.report.client_report``, authorized for the client): AI steps, accesses, deletion."""
    with ctx.tx() as db:
        client = _own_client(ctx, db, actor, "client.report")
        ledger = ledger_for(ctx, db, client)
        consents = [
            {
                "purpose": st.purpose.value,
                "status": "granted" if st.granted else "revoked",
                "since": st.since.isoformat(),
                "form_version": st.form_version,
            }
            for st in ledger.state().values()
            if st.participant_id is None
        ]
        ai_runs = [
            {
                "session_id": r.session_id,
                "stage": r.stage,
                "model": r.model,
                "where": r.location,
                "at": r.at.isoformat(),
            }
            for r in db.scalars(
                select(AiRun).where(AiRun.client_id == client.id).order_by(AiRun.at)
            )
        ]
        users = {u.id: u for u in db.scalars(select(User))}
        accesses = []
        for e in audit_log.list_entries(db, client_id=client.id):
            who = users.get(e.actor)
            accesses.append(
                {
                    "at": e.ts,
                    "who_email": who.email if who is not None else e.actor,
                    "who_roles": who.roles.split(",") if who is not None else [],
                    "action": e.action,
                    "outcome": e.outcome,
                }
            )
        artefacts = retention_entries(db, client)
        receipts = deletion_receipts(db, client.id)
        disclosures = accounting(ctx, db, client.id, client.key_id)
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="client.report",
            object_type="client",
            object_id=client.id,
            client_id=client.id,
            meta={"via": "portal"},
        )
    return {
        "client_id": client.id,
        "consents": consents,
        "ai_runs": ai_runs,
        "accesses": accesses,
        "disclosures": disclosures,
        "artefacts": artefacts,
        "deletion_receipts": receipts,
    }
