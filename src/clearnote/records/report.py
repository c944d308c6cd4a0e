"""The client's view of their record (``clearnote client report``): purposes consented and when,
which AI steps ran on which sessions with which models and where, who accessed the record (from
the audit, which is also the accounting of disclosures), and when each artefact will be deleted.
Ids, times, model names and rules only; no note or transcript words, no psychotherapy notes."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearnote.records import audit_log
from clearnote.records.access import authorize, load_client
from clearnote.records.consent import ledger_for
from clearnote.records.context import Actor, PracticeContext
from clearnote.records.disclosures import accounting
from clearnote.security.roles import Permission
from clearnote.store.models import AiRun, ArtefactRow, Client, DeletionReceiptRow, User

REPORT_SCHEMA = "clearnote.client_report/1"


def client_report(ctx: PracticeContext, actor: Actor, client_id: str) -> dict[str, Any]:
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(ctx, db, actor, Permission.CLIENT_REPORT, action="client.report", client=client)
        ledger = ledger_for(ctx, db, client)
        consents = [
            {
                "participant_id": st.participant_id,
                "purpose": st.purpose.value,
                "status": "granted" if st.granted else "revoked",
                "since": st.since.isoformat(),
                "form_id": st.form_id,
                "form_version": st.form_version,
                "method": st.method,
            }
            for st in ledger.state().values()
        ]
        runs = db.scalars(select(AiRun).where(AiRun.client_id == client_id).order_by(AiRun.at))
        ai_runs = [
            {
                "session_id": r.session_id,
                "stage": r.stage,
                "model": r.model,
                "version": r.version,
                "where": r.location,
                "at": r.at.isoformat(),
            }
            for r in runs
        ]
        users = {u.id: u for u in db.scalars(select(User))}
        accesses = []
        disclosures = accounting(ctx, db, client.id, client.key_id)
        for e in audit_log.list_entries(db, client_id=client_id):
            who = users.get(e.actor)
            item = {
                "at": e.ts,
                "who": e.actor,
                "who_email": who.email if who is not None else None,
                "who_roles": who.roles.split(",") if who is not None else [],
                "via": e.via,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "outcome": e.outcome,
            }
            accesses.append(item)
        artefacts = retention_entries(db, client)
        receipts = deletion_receipts(db, client_id)
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="client.report",
            object_type="client",
            object_id=client_id,
            client_id=client_id,
        )
    return {
        "schema": REPORT_SCHEMA,
        "client_id": client_id,
        "jurisdictions": [j for j in client.jurisdictions.split(",") if j],
        "consents": consents,
        "ai_runs": ai_runs,
        "accesses": accesses,
        "disclosures": disclosures,
        "artefacts": artefacts,
        "deletion_receipts": receipts,
        "notes": [
            "Processing runs on this practice's own computer unless 'where' names another host.",
            "Psychotherapy (process) notes, if any, are kept apart and are not listed here.",
        ],
    }


def retention_entries(db: Session, client: Client) -> list[dict[str, Any]]:
    """When each of the client's artefacts was made and will be (or was) deleted, oldest first;
    psychotherapy notes are kept apart and not listed."""
    return [
        {
            "artefact_id": a.id,
            "session_id": a.session_id,
            "kind": a.kind,
            "created_at": a.created_at.isoformat(),
            "deleted_at": a.erased_at.isoformat() if a.erased_at else None,
            "delete_due": a.retention_due.isoformat() if a.retention_due else None,
            "rule": a.retention_rule,
            "legal_hold": a.legal_hold or client.legal_hold,
        }
        for a in db.scalars(
            select(ArtefactRow)
            .where(ArtefactRow.client_id == client.id, ArtefactRow.kind != "psychotherapy_note")
            .order_by(ArtefactRow.created_at)
        )
    ]


def deletion_receipts(db: Session, client_id: str) -> list[dict[str, Any]]:
    """The client's deletion receipts in the order things were erased (psychotherapy notes'
    receipts left out, as their artefacts are)."""
    receipts = [
        json.loads(r.document)
        for r in db.scalars(
            select(DeletionReceiptRow)
            .where(DeletionReceiptRow.client_id == client_id)
            .order_by(DeletionReceiptRow.erased_at)  # PostgreSQL has no implicit order
        )
    ]
    return [r for r in receipts if r.get("artefact_kind") != "psychotherapy_note"]
