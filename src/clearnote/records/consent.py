"""Consent storage and enforcement over the pure ledger in ``clearnote.domain.consent``.

Grants name the exact form shown (id, version, sha256 from ``clearnote.consent.loader``); the
signer's name is sealed with the client's key. A refused grant (a prerequisite missing) and a
refused processing step are audited and store nothing. Every purpose is required from the client
*and every participant present* in the session (their words are processed too); this is at least
as strict as the recording-consent rule of any jurisdiction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from clearnote.consent.loader import load_form
from clearnote.domain.consent import (
    ConsentEvent,
    ConsentLedger,
    Method,
    Purpose,
    SignerRole,
    participant_label,
    prerequisites,
    revocation_effects,
)
from clearnote.errors import BadInputError
from clearnote.records import audit_log, keyring
from clearnote.records.access import authorize, load_client
from clearnote.records.clients import check_participants
from clearnote.records.context import Actor, PracticeContext, Refused
from clearnote.security.roles import Permission
from clearnote.store.models import ArtefactRow, Client, ConsentEventRow, SessionRow

SEALED_NAME = "(sealed)"


def parse_purposes(values: Iterable[str]) -> tuple[Purpose, ...]:
    out: list[Purpose] = []
    for value in values:
        try:
            p = Purpose(value)
        except ValueError:
            choices = ", ".join(x.value for x in Purpose)
            raise BadInputError(f"--purpose {value}: expected one of: {choices}") from None
        if p not in out:
            out.append(p)
    if not out:
        raise BadInputError("--purpose: at least one purpose is needed")
    return tuple(out)


def ledger_for(
    ctx: PracticeContext, db: Session, client: Client, *, with_names: bool = False
) -> ConsentLedger:
    rows = db.scalars(
        select(ConsentEventRow)
        .where(ConsentEventRow.client_id == client.id)
        .order_by(ConsentEventRow.seq)
    ).all()
    events = []
    for r in rows:
        signed_by: str | None = None
        if r.signed_by_ct is not None:
            signed_by = (
                keyring.open_field(
                    ctx, db, client.key_id, "consent_events", r.id, "signed_by", r.signed_by_ct
                )
                if with_names
                else SEALED_NAME
            )
        events.append(
            ConsentEvent(
                client_id=r.client_id,
                participant_id=r.participant_id,
                purpose=Purpose(r.purpose),
                action="grant" if r.action == "grant" else "revoke",
                form_id=r.form_id,
                form_version=r.form_version,
                form_sha256=r.form_sha256,
                signed_by=signed_by,
                signer_role=_signer_role(r.signer_role),
                method=_method(r.method),
                at=r.at,
                recorded_by=r.recorded_by,
            )
        )
    return ConsentLedger(client.id, events)


def _signer_role(value: str) -> SignerRole:
    if value == "guardian":
        return "guardian"
    if value == "representative":
        return "representative"
    return "self"


def _method(value: str) -> Method:
    if value == "written":
        return "written"
    if value == "verbal_recorded":
        return "verbal_recorded"
    return "electronic_signature"


def _store_event(
    ctx: PracticeContext, db: Session, client: Client, event: ConsentEvent
) -> ConsentEventRow:
    row_id = str(uuid.uuid4())
    seq = (
        db.scalar(
            select(func.max(ConsentEventRow.seq)).where(ConsentEventRow.client_id == client.id)
        )
        or 0
    ) + 1
    row = ConsentEventRow(
        id=row_id,
        client_id=client.id,
        participant_id=event.participant_id,
        purpose=event.purpose.value,
        action=event.action,
        form_id=event.form_id,
        form_version=event.form_version,
        form_sha256=event.form_sha256,
        signed_by_ct=(
            keyring.seal_field(
                ctx, db, client.key_id, "consent_events", row_id, "signed_by", event.signed_by
            )
            if event.signed_by is not None
            else None
        ),
        signer_role=event.signer_role,
        method=event.method,
        at=event.at,
        recorded_by=event.recorded_by,
        seq=seq,
    )
    db.add(row)
    db.flush()
    return row


class ConsentChange(BaseModel):
    model_config = ConfigDict(frozen=True)
    event_id: str
    client_id: str
    participant_id: str | None
    purpose: str
    action: str
    form_id: str | None
    form_version: int | None
    at: str


def grant(
    ctx: PracticeContext,
    actor: Actor,
    client_id: str,
    purposes: Sequence[str],
    *,
    signed_by: str,
    method: Method = "electronic_signature",
    signer_role: SignerRole = "self",
    participant_id: str | None = None,
) -> list[ConsentChange]:
    """Record grants (prerequisites first); all or nothing. A grant whose prerequisite is not in
    force is refused (exit 3), audited, and nothing is stored."""
    chosen = sorted(parse_purposes(purposes), key=lambda p: len(prerequisites(p)))
    signer = signed_by.strip()
    if not signer or len(signer) > 200:
        raise BadInputError("--signed-by: a name of 1 to 200 characters is needed")
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(ctx, db, actor, Permission.RECORD_CONSENT, action="consent.grant", client=client)
        if participant_id is not None:
            check_participants(db, client.id, [participant_id])
        return record_grants(
            ctx,
            db,
            actor,
            client,
            chosen,
            signer=signer,
            method=method,
            signer_role=signer_role,
            participant_id=participant_id,
        )


def record_grants(
    ctx: PracticeContext,
    db: Session,
    actor: Actor,
    client: Client,
    purposes: Sequence[Purpose],
    *,
    signer: str,
    method: Method = "electronic_signature",
    signer_role: SignerRole = "self",
    participant_id: str | None = None,
    via: str | None = None,
) -> list[ConsentChange]:
    """Store and audit grants (in the given order) for an already-authorized actor, in the
    caller's transaction; a grant whose prerequisite is not in force raises ``Refused``."""
    out: list[ConsentChange] = []
    ledger = ledger_for(ctx, db, client)
    now = ctx.now()
    for purpose in purposes:
        form = load_form(purpose)
        event = ConsentEvent(
            client_id=client.id,
            participant_id=participant_id,
            purpose=purpose,
            action="grant",
            form_id=form.id,
            form_version=form.version,
            form_sha256=form.sha256,
            signed_by=signer,
            signer_role=signer_role,
            method=method,
            at=now,
            recorded_by=actor.user_id,
        )
        reason = ledger.check(event)
        if reason is not None:
            raise Refused(
                f"consent refused: {reason}",
                {
                    "actor": actor,
                    "action": "consent.grant",
                    "object_type": "consent",
                    "object_id": None,
                    "client_id": client.id,
                    "outcome": "refused",
                    "meta": {
                        "purpose": purpose.value,
                        "reason": "prerequisite missing",
                        "participant_id": participant_id,
                    },
                },
            )
        ledger = ledger.append(event)
        row = _store_event(ctx, db, client, event)
        meta: dict[str, Any] = {
            "purpose": purpose.value,
            "form_id": form.id,
            "form_version": form.version,
            "form_sha256": form.sha256,
            "method": method,
            "participant_id": participant_id,
            "signer_role": signer_role,
        }
        if via is not None:
            meta["via"] = via
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="consent.grant",
            object_type="consent",
            object_id=row.id,
            client_id=client.id,
            meta=meta,
        )
        out.append(_change(row))
    return out


def _change(row: ConsentEventRow) -> ConsentChange:
    return ConsentChange(
        event_id=row.id,
        client_id=row.client_id,
        participant_id=row.participant_id,
        purpose=row.purpose,
        action=row.action,
        form_id=row.form_id,
        form_version=row.form_version,
        at=row.at.isoformat(),
    )


class Revocation(BaseModel):
    model_config = ConfigDict(frozen=True)
    change: ConsentChange
    stops: tuple[str, ...]
    stages: tuple[str, ...]
    erasable_artefacts: tuple[dict[str, str], ...]
    note: str
    erased_artefacts: tuple[dict[str, str], ...] = ()  # crypto-erased at once (note unsigned)


def erase_withdrawn(ctx: PracticeContext, result: Revocation, client_id: str) -> Revocation:
    """After a withdrawal is stored: crypto-erase now what it took consent from in sessions
    whose note is not signed (R64; legal holds excepted, each with a deletion receipt), and
    leave on offer only what remains."""
    from clearnote.records.sessions import run_retention

    receipts = run_retention(ctx, client_id=client_id)
    gone = {r.artefact_id for r in receipts}
    return result.model_copy(
        update={
            "erased_artefacts": tuple(
                {"artefact_id": r.artefact_id, "kind": r.artefact_kind, "session_id": r.session_id}
                for r in receipts
                if r.session_id is not None
            ),
            "erasable_artefacts": tuple(
                a for a in result.erasable_artefacts if a["artefact_id"] not in gone
            ),
        }
    )


def revoke(
    ctx: PracticeContext,
    actor: Actor,
    client_id: str,
    purpose: str,
    *,
    participant_id: str | None = None,
    method: Method = "electronic_signature",
) -> Revocation:
    """Revoke at once: later stages refuse, and what the earlier consent produced for notes not
    yet signed is crypto-erased now (with receipts). Returns what stops, what was erased, and
    the stored artefacts that remain to offer for deletion (``session delete``)."""
    (p,) = parse_purposes([purpose])
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(ctx, db, actor, Permission.RECORD_CONSENT, action="consent.revoke", client=client)
        if participant_id is not None:
            check_participants(db, client.id, [participant_id])
        result = record_revocation(
            ctx, db, actor, client, p, participant_id=participant_id, method=method
        )
        cid = client.id
    return erase_withdrawn(ctx, result, cid)


def record_revocation(
    ctx: PracticeContext,
    db: Session,
    actor: Actor,
    client: Client,
    purpose: Purpose,
    *,
    participant_id: str | None = None,
    method: Method = "electronic_signature",
    via: str | None = None,
) -> Revocation:
    """Store and audit a revocation for an already-authorized actor, in the caller's
    transaction; returns what stops and what the earlier consent produced."""
    event = ConsentEvent(
        client_id=client.id,
        participant_id=participant_id,
        purpose=purpose,
        action="revoke",
        method=method,
        at=ctx.now(),
        recorded_by=actor.user_id,
    )
    row = _store_event(ctx, db, client, event)
    effects = revocation_effects(purpose)
    erasable = db.execute(
        select(ArtefactRow.id, ArtefactRow.kind, ArtefactRow.session_id).where(
            ArtefactRow.client_id == client.id,
            ArtefactRow.erased_at.is_(None),
            ArtefactRow.kind.in_(list(effects.erasable)),
        )
    ).all()
    meta: dict[str, Any] = {
        "purpose": purpose.value,
        "stops": [x.value for x in effects.stops],
        "participant_id": participant_id,
        "erasable": len(erasable),
    }
    if via is not None:
        meta["via"] = via
    audit_log.append(
        ctx,
        db,
        actor=actor,
        action="consent.revoke",
        object_type="consent",
        object_id=row.id,
        client_id=client.id,
        meta=meta,
    )
    return Revocation(
        change=_change(row),
        stops=tuple(x.value for x in effects.stops),
        stages=effects.stages,
        erasable_artefacts=tuple(
            {"artefact_id": a, "kind": k, "session_id": s or ""} for a, k, s in erasable
        ),
        note=effects.note,
    )


def show(ctx: PracticeContext, actor: Actor, client_id: str) -> dict[str, Any]:
    """Current state per participant and purpose, plus the full history (audited read). Signer
    names are not shown here (they are on the signed forms); ids, forms and times are."""
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(ctx, db, actor, Permission.READ_CONSENT, action="consent.read", client=client)
        ledger = ledger_for(ctx, db, client)
        state = ledger.state()
        purposes: list[dict[str, Any]] = []
        for participant in ledger.participants():
            for p in Purpose:
                entry = state.get((participant, p))
                missing = ledger.missing(p, [participant])
                purposes.append(
                    {
                        "participant_id": participant,
                        "who": participant_label(participant),
                        "purpose": p.value,
                        "status": "granted"
                        if entry and entry.granted
                        else ("revoked" if entry else "not_granted"),
                        "allowed": not missing,
                        "since": entry.since.isoformat() if entry else None,
                        "form_id": entry.form_id if entry else None,
                        "form_version": entry.form_version if entry else None,
                    }
                )
        history = [
            {
                "purpose": e.purpose.value,
                "action": e.action,
                "participant_id": e.participant_id,
                "at": e.at.isoformat(),
                "form_id": e.form_id,
                "form_version": e.form_version,
                "method": e.method,
                "signer_role": e.signer_role,
                "recorded_by": e.recorded_by,
            }
            for e in ledger.events
        ]
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="consent.read",
            object_type="consent",
            object_id=None,
            client_id=client.id,
        )
    return {
        "schema": "clearnote.consent_state/1",
        "client_id": client_id,
        "purposes": purposes,
        "history": history,
    }


def require_consent(
    client_id: str,
    purposes: Sequence[Purpose | str],
    actor: Actor,
    *,
    ctx: PracticeContext,
    session_id: str | None = None,
    stage: str | None = None,
    participants: Sequence[str] | None = None,
) -> None:
    """Raise PolicyError (exit 3), audited as ``consent.refused``, unless every purpose (and its
    prerequisites) is in force for the client and every participant present in the session
    (or, before a session exists, every participant named in ``participants``)."""
    wanted = parse_purposes([Purpose(p).value for p in purposes])
    with ctx.tx() as db:
        enforce_consent(
            ctx,
            db,
            client_id,
            wanted,
            actor,
            session_id=session_id,
            stage=stage,
            participants=participants,
        )


def consented_purposes(
    ctx: PracticeContext, client_id: str, participants: Sequence[str] = ()
) -> frozenset[Purpose]:
    """The purposes in force now for the client and every named participant (with their
    prerequisites). Used to decide which optional stages run; no decrypted names."""
    with ctx.tx() as db:
        client = load_client(db, client_id)
        ledger = ledger_for(ctx, db, client)
    people: list[str | None] = [None, *participants]
    return frozenset(p for p in Purpose if ledger.allows([p], people, at=ctx.now()))


def enforce_consent(
    ctx: PracticeContext,
    db: Session,
    client_id: str,
    purposes: Sequence[Purpose],
    actor: Actor,
    *,
    session_id: str | None = None,
    stage: str | None = None,
    participants: Sequence[str] | None = None,
) -> None:
    """As :func:`require_consent`, inside the caller's transaction (which a refusal rolls back)."""
    client = load_client(db, client_id)
    present: tuple[str, ...] = tuple(participants or ())
    if session_id is not None and participants is None:
        session = db.get(SessionRow, session_id)
        if session is not None:
            present = tuple(_json_list(session.participant_ids))
    ledger = ledger_for(ctx, db, client)
    missing = ledger.missing(purposes, [None, *present], at=ctx.now())
    if missing:
        names = sorted({m.purpose.value for m in missing})
        details = "; ".join(m.describe() for m in missing)
        raise Refused(
            f"consent missing for {', '.join(names)} ({details})",
            {
                "actor": actor,
                "action": "consent.refused",
                "object_type": "session",
                "object_id": session_id,
                "client_id": client.id,
                "outcome": "refused",
                "meta": {
                    "purposes": [p.value for p in purposes],
                    "missing": names,
                    "stage": stage,
                    "participants": [m.participant_id or "client" for m in missing],
                },
            },
        )


def _json_list(text: str) -> list[str]:
    import json

    value = json.loads(text or "[]")
    return [str(v) for v in value] if isinstance(value, list) else []
