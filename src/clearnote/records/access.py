"""Authorization at the service layer: every service call names the permission it needs and,
for clinical data, the client. A refusal raises ``PolicyError`` (exit 3) after auditing it in a
transaction of its own, so the refusal is on record even though the work was rolled back."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearnote.errors import BadInputError
from clearnote.records.context import Actor, PracticeContext, Refused
from clearnote.security.roles import Grant, Permission, decide
from clearnote.store.models import AccessGrant, Client


class UnknownObjectError(BadInputError):
    """No such client, session or artefact (ids only in the message)."""


def load_client(db: Session, client_id: str) -> Client:
    client = db.get(Client, client_id)
    if client is None:
        raise UnknownObjectError(f"CLIENT: no client with id {client_id}")
    return client


def _grants(db: Session, user_id: str, client_id: str) -> list[Grant]:
    rows = db.scalars(
        select(AccessGrant).where(
            AccessGrant.grantee_id == user_id,
            AccessGrant.client_id == client_id,
            AccessGrant.revoked_at.is_(None),
        )
    ).all()
    return [Grant(r.kind, r.grantee_id, r.client_id, r.expires_at) for r in rows]


def refuse(
    actor: Actor,
    *,
    action: str,
    object_type: str,
    object_id: str | None,
    client_id: str | None,
    reason: str,
    meta: dict[str, object] | None = None,
) -> Refused:
    """The refusal to raise inside ``ctx.tx()`` (which rolls back, then audits it)."""
    audit: dict[str, object] = {
        "actor": actor,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "client_id": client_id,
        "outcome": "refused",
        "meta": {"reason": reason, **(meta or {})},
    }
    return Refused(f"{action} refused: {reason}", audit)


def authorize(
    ctx: PracticeContext,
    db: Session,
    actor: Actor,
    permission: Permission,
    *,
    action: str,
    client: Client | None = None,
    object_type: str = "client",
    object_id: str | None = None,
) -> str:
    """Allow or refuse (audited). Returns the rule that allowed it (``own client``,
    ``supervision grant``, ``break-glass grant``, ``role``)."""
    grants = _grants(db, actor.user_id, client.id) if client is not None else []
    decision = decide(
        user_id=actor.user_id,
        roles=actor.roles,
        permission=permission,
        client_clinician_id=client.clinician_id if client is not None else None,
        client_id=client.id if client is not None else None,
        grants=grants,
        now=ctx.now(),
    )
    if not decision.allowed:
        raise refuse(
            actor,
            action=action,
            object_type=object_type,
            object_id=object_id or (client.id if client is not None else None),
            client_id=client.id if client is not None else None,
            reason=decision.reason,
            meta={"permission": permission.value},
        )
    return decision.reason
