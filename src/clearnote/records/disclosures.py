"""Disclosures of a client's information outside the practice, and the accounting of them the
client may ask for (45 CFR 164.528).

Each disclosure is recorded with its date, the recipient, a brief description of what was
disclosed, a brief statement of purpose and a legal basis (a code from :data:`BASES`). The
accounting lists the disclosures of the last six years whose basis the rule does not exempt:
mandated abuse reports, duties to warn, court orders, oversight and the like appear; treatment,
payment and health-care operations, disclosures to the client and those the client authorized do
not. Recipient, description and purpose are sealed with the client's key (a crypto-erased client
takes them along); the audit entry (``disclosure.record``) carries the basis code only.

Clearnote records disclosures; it never sends anything to anyone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearnote.errors import BadInputError
from clearnote.records import audit_log, keyring
from clearnote.records.access import authorize, load_client
from clearnote.records.context import Actor, PracticeContext
from clearnote.retention.policy import add_years
from clearnote.security.roles import Permission
from clearnote.store.models import DisclosureRow, SessionRow

#: legal basis → whether the accounting lists it (164.528(a)(1) exempts the False ones)
BASES: Mapping[str, bool] = {
    "required_by_law": True,  # e.g. a mandated child- or elder-abuse report
    "duty_to_warn": True,  # serious threat to health or safety (164.512(j))
    "court_order": True,  # judicial or administrative proceedings
    "health_oversight": True,
    "public_health": True,
    "law_enforcement": True,
    "research_waiver": True,  # research under an IRB waiver, not an authorization
    "treatment": False,
    "payment": False,
    "health_care_operations": False,
    "to_client": False,
    "client_authorization": False,
}
ACCOUNTING_YEARS = 6
_FIELDS = ("recipient", "description", "purpose")
_MAX = {"recipient": 300, "description": 500, "purpose": 300}


def _text(name: str, value: str) -> str:
    text = " ".join(value.split())
    if not text or len(text) > _MAX[name]:
        raise BadInputError(f"--{name}: give 1 to {_MAX[name]} characters")
    return text


def record_disclosure(
    ctx: PracticeContext,
    actor: Actor,
    client_id: str,
    *,
    basis: str,
    recipient: str,
    description: str,
    purpose: str,
    disclosed_on: date | None = None,
    session_id: str | None = None,
) -> str:
    """Record that the client's information was disclosed (after the fact: Clearnote sends
    nothing). Needs the ``export`` permission for the client; returns the disclosure id."""
    if basis not in BASES:
        raise BadInputError(f"--basis: expected one of: {', '.join(BASES)}")
    texts = {
        "recipient": _text("recipient", recipient),
        "description": _text("description", description),
        "purpose": _text("purpose", purpose),
    }
    now = ctx.now()
    day = disclosed_on or now.date()
    if day > now.date():
        raise BadInputError("--date: a disclosure cannot be recorded ahead of time")
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(ctx, db, actor, Permission.EXPORT, action="disclosure.record", client=client)
        if session_id is not None:
            session = db.get(SessionRow, session_id[:64])
            if session is None or session.client_id != client.id:
                raise BadInputError(f"--session: no session {session_id[:64]} of this client")
        did = str(uuid.uuid4())
        sealed = {
            f: keyring.seal_field(ctx, db, client.key_id, "disclosures", did, f, texts[f])
            for f in _FIELDS
        }
        db.add(
            DisclosureRow(
                id=did,
                client_id=client.id,
                session_id=session_id,
                basis=basis,
                recipient_ct=sealed["recipient"],
                description_ct=sealed["description"],
                purpose_ct=sealed["purpose"],
                disclosed_on=datetime.combine(day, time(12), tzinfo=now.tzinfo),
                recorded_by=actor.user_id,
                recorded_at=now,
            )
        )
        db.flush()
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="disclosure.record",
            object_type="disclosure",
            object_id=did,
            client_id=client.id,
            meta={"basis": basis, "accounted": BASES[basis]},
        )
    return did


def accounting(
    ctx: PracticeContext,
    db: Session,
    client_id: str,
    key_id: str,
    *,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """The accountable disclosures of the last six years, oldest first, opened for a reader the
    caller has authorized (in the caller's transaction)."""
    when = now or ctx.now()
    since = add_years(when, -ACCOUNTING_YEARS)
    rows = db.scalars(
        select(DisclosureRow)
        .where(DisclosureRow.client_id == client_id, DisclosureRow.disclosed_on >= since)
        .order_by(DisclosureRow.disclosed_on, DisclosureRow.recorded_at)
    )
    out: list[dict[str, Any]] = []
    for r in rows:
        if not BASES.get(r.basis, True):
            continue
        opened = {
            f: keyring.open_field(ctx, db, key_id, "disclosures", r.id, f, getattr(r, f"{f}_ct"))
            for f in _FIELDS
        }
        out.append(
            {
                "id": r.id,
                "date": r.disclosed_on.date().isoformat(),
                "recipient": opened["recipient"],
                "description": opened["description"],
                "purpose": opened["purpose"],
                "basis": r.basis,
                "session_id": r.session_id,
                "recorded_by": r.recorded_by,
            }
        )
    return out


def client_accounting(ctx: PracticeContext, actor: Actor, client_id: str) -> list[dict[str, Any]]:
    """The accounting for one client (``client_report`` permission; audited)."""
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(
            ctx, db, actor, Permission.CLIENT_REPORT, action="disclosure.accounting", client=client
        )
        entries = accounting(ctx, db, client.id, client.key_id)
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="disclosure.accounting",
            object_type="client",
            object_id=client.id,
            client_id=client.id,
            meta={"entries": len(entries)},
        )
    return entries
