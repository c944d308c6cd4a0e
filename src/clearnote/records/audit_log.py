"""Append to, list and verify the hash-chained audit (format in ``clearnote.security.audit``).

Appends are serialized: the practice row (which holds the MAC'd chain head) is locked
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already admits one writer).
An append joins the caller's transaction, so an action and its audit entry commit together or not
at all; :func:`append_alone` writes in a transaction of its own (refusals, reads, failed logins).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from clearnote.errors import IntegrityError
from clearnote.records.context import Actor, PracticeContext
from clearnote.security import audit as chain
from clearnote.store.models import AuditEntry, Practice

AUDIT_SCHEMA = "clearnote.audit_entry/1"


def append(
    ctx: PracticeContext,
    db: Session,
    *,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: str | None = None,
    client_id: str | None = None,
    outcome: str = "ok",
    meta: Mapping[str, Any] | None = None,
    actor_id: str | None = None,
    via: str | None = None,
) -> int:
    """Add one entry to the chain in the caller's transaction; returns its seq."""
    practice = db.scalars(select(Practice).with_for_update()).one()
    record = chain.AuditRecord(
        seq=practice.audit_head_seq + 1,
        ts=ctx.now().isoformat(timespec="microseconds"),
        actor=actor.user_id if actor is not None else (actor_id or "system"),
        via=actor.via if actor is not None else (via or "system"),
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        outcome=outcome,
        meta=chain.check_meta(meta or {}),
        prev_hash=practice.audit_head_hash,
    )
    digest = chain.entry_hash(record)
    key = ctx.keys.audit_key()
    db.add(
        AuditEntry(
            seq=record.seq,
            ts=record.ts,
            actor=record.actor,
            via=record.via,
            action=record.action,
            object_type=record.object_type,
            object_id=record.object_id,
            client_id=record.client_id,
            outcome=record.outcome,
            meta=chain.canonical_json(record.meta).decode("ascii"),
            prev_hash=record.prev_hash,
            entry_hash=digest,
            mac=chain.entry_mac(key, digest),
        )
    )
    practice.audit_head_seq = record.seq
    practice.audit_head_hash = digest
    practice.audit_head_mac = chain.head_mac(key, record.seq, digest)
    db.flush()
    return record.seq


def append_alone(ctx: PracticeContext, **kwargs: Any) -> int:
    """Append in a transaction of its own (the caller's work was refused or only read)."""
    with ctx.tx() as db:
        return append(ctx, db, **kwargs)


def _to_record(row: AuditEntry) -> chain.AuditRecord:
    return chain.AuditRecord(
        seq=row.seq,
        ts=row.ts,
        actor=row.actor,
        via=row.via,
        action=row.action,
        object_type=row.object_type,
        object_id=row.object_id,
        client_id=row.client_id,
        outcome=row.outcome,
        meta=json.loads(row.meta),
        prev_hash=row.prev_hash,
        entry_hash=row.entry_hash,
        mac=row.mac,
    )


def verify(ctx: PracticeContext) -> chain.ChainReport:
    """Recompute the chain in seq order (streamed), and check the MACs and the stored head."""
    with ctx.tx() as db:
        practice = db.scalars(select(Practice)).one()
        head = (practice.audit_head_seq, practice.audit_head_hash, practice.audit_head_mac)
        rows = db.scalars(
            select(AuditEntry).order_by(AuditEntry.seq).execution_options(yield_per=1000)
        )
        try:
            return chain.verify_chain(
                (_to_record(r) for r in rows), ctx.keys.audit_key(), head=head
            )
        finally:
            rows.close()


class AuditView(BaseModel):
    """One audit entry as listed (ids, actions, outcomes; no client words by construction)."""

    model_config = ConfigDict(frozen=True)

    seq: int
    ts: str
    actor: str
    via: str
    action: str
    object_type: str
    object_id: str | None
    client_id: str | None
    outcome: str
    meta: dict[str, Any]
    entry_hash: str


def list_entries(
    db: Session,
    *,
    client_id: str | None = None,
    action_prefix: str | None = None,
    limit: int | None = None,
) -> list[AuditView]:
    query = select(AuditEntry).order_by(AuditEntry.seq)
    if client_id is not None:
        query = query.where(AuditEntry.client_id == client_id)
    if action_prefix is not None:
        query = query.where(AuditEntry.action.startswith(action_prefix))
    if limit is not None:
        query = query.limit(limit)
    out = []
    for row in db.scalars(query):
        try:
            meta = json.loads(row.meta)
        except ValueError as exc:
            raise IntegrityError(f"audit entry {row.seq}: metadata is not JSON") from exc
        out.append(
            AuditView(
                seq=row.seq,
                ts=row.ts,
                actor=row.actor,
                via=row.via,
                action=row.action,
                object_type=row.object_type,
                object_id=row.object_id,
                client_id=row.client_id,
                outcome=row.outcome,
                meta=meta,
                entry_hash=row.entry_hash,
            )
        )
    return out
