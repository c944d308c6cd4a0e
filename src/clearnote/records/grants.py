"""Access grants: supervision (a clinician lets a supervisor read one client's record) and
break-glass (an owner/admin reads a client's record in an emergency: justified, at most 60
minutes, audited as high severity). Neither reaches psychotherapy notes."""

from __future__ import annotations

import uuid
from datetime import timedelta

from clearnote.errors import BadInputError
from clearnote.records import audit_log, keyring
from clearnote.records.access import authorize, load_client
from clearnote.records.context import Actor, PracticeContext
from clearnote.security.roles import BREAK_GLASS_MAX_MINUTES, Permission, Role
from clearnote.store.models import AccessGrant, User


def grant_supervision(
    ctx: PracticeContext, actor: Actor, client_id: str, *, supervisor_id: str, days: int = 90
) -> str:
    if not 1 <= days <= 366:
        raise BadInputError("--days: 1 to 366")
    gid = str(uuid.uuid4())
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(
            ctx, db, actor, Permission.GRANT_SUPERVISION, action="grant.supervision", client=client
        )
        sup = db.get(User, supervisor_id)
        if sup is None or Role.SUPERVISOR.value not in sup.roles.split(","):
            raise BadInputError("--supervisor: not a supervisor account")
        now = ctx.now()
        db.add(
            AccessGrant(
                id=gid,
                kind="supervision",
                grantee_id=supervisor_id,
                client_id=client_id,
                granted_by=actor.user_id,
                created_at=now,
                expires_at=now + timedelta(days=days),
            )
        )
        db.flush()
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="grant.supervision",
            object_type="grant",
            object_id=gid,
            client_id=client_id,
            meta={"grantee": supervisor_id, "days": days},
        )
    return gid


def break_glass(
    ctx: PracticeContext, actor: Actor, client_id: str, *, justification: str, minutes: int = 60
) -> str:
    """Time-boxed emergency read access for an owner/admin; the justification is sealed with the
    client's key (it may name the client); the audit keeps its length and the time box."""
    if not 1 <= minutes <= BREAK_GLASS_MAX_MINUTES:
        raise BadInputError(f"--minutes: 1 to {BREAK_GLASS_MAX_MINUTES}")
    if len(justification.strip()) < 20:
        raise BadInputError("--justification: at least 20 characters explaining the emergency")
    gid = str(uuid.uuid4())
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(ctx, db, actor, Permission.BREAK_GLASS, action="grant.break_glass")
        now = ctx.now()
        db.add(
            AccessGrant(
                id=gid,
                kind="break_glass",
                grantee_id=actor.user_id,
                client_id=client_id,
                granted_by=actor.user_id,
                justification_ct=keyring.seal_field(
                    ctx, db, client.key_id, "access_grants", gid, "justification", justification
                ),
                created_at=now,
                expires_at=now + timedelta(minutes=minutes),
            )
        )
        db.flush()
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="grant.break_glass",
            object_type="grant",
            object_id=gid,
            client_id=client_id,
            outcome="ok",
            meta={
                "severity": "high",
                "minutes": minutes,
                "justification_chars": len(justification),
            },
        )
    return gid
