"""Therapy sessions and their artefacts: create, store (sealed, consent-checked), load
(authorized, audited), AI-run records, and deletion by crypto-erase with receipts.

Each artefact has its own data key (scope ``artefact``; ``psychotherapy`` for process notes,
readable by their author only and never by supervisors, break-glass or exports), so one
artefact, a session or a client's record can be crypto-erased on its own. Blobs are sealed with
associated data ``(artefacts, artefact id, blob, key id)``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from clearnote.domain.consent import Purpose, withdrawn_kinds
from clearnote.domain.retention import (
    ARTEFACT_KINDS,
    Artefact,
    ArtefactKind,
    DeletionReceipt,
    RetentionFacts,
)
from clearnote.errors import BadInputError, IntegrityError
from clearnote.records import audit_log, keyring
from clearnote.records.access import UnknownObjectError, authorize, load_client, refuse
from clearnote.records.clients import ClientView, check_participants, client_view
from clearnote.records.consent import enforce_consent, ledger_for, require_consent
from clearnote.records.context import Actor, PracticeContext
from clearnote.retention.policy import explain
from clearnote.security import crypto
from clearnote.security.roles import Permission
from clearnote.store.engine import checkpoint
from clearnote.store.models import AiRun, ArtefactRow, Client, DeletionReceiptRow, SessionRow

# the consent an artefact kind needs before it may be stored (assessment: pass purposes)
KIND_PURPOSES: dict[str, tuple[Purpose, ...]] = {
    "audio": (Purpose.RECORD,),
    "transcript": (Purpose.TRANSCRIBE,),
    "draft": (Purpose.DRAFT_NOTE,),
    "screening": (Purpose.RISK_SCREENING,),
    "signed_note": (),
    "export": (),
    "psychotherapy_note": (),
}
__all__ = [
    "create_session",
    "delete_session",
    "erase_artefact",
    "list_sessions",
    "load_artefact",
    "read_session",
    "record_ai_run",
    "require_consent",
    "run_retention",
    "set_stage",
    "show_session",
    "sign_session",
    "store_artefact",
]


class ErasedError(BadInputError):
    """The artefact was crypto-erased; only its deletion receipt remains."""


def _kind(kind: str) -> ArtefactKind:
    for k in ARTEFACT_KINDS:
        if k == kind:
            return k
    raise BadInputError(f"kind {kind}: expected one of: {', '.join(ARTEFACT_KINDS)}")


def _load_session(db: Session, session_id: str, *, lock: bool = False) -> SessionRow:
    """The session row; ``lock`` takes a row lock (PostgreSQL) for read-modify-write."""
    row = db.get(SessionRow, session_id, with_for_update=lock)
    if row is None:
        raise UnknownObjectError(f"SESSION: no session with id {session_id}")
    return row


# Row locks on artefacts (PostgreSQL; SQLite's BEGIN IMMEDIATE already admits one writer): a
# reader holds FOR SHARE while it opens the blob, an erasure FOR UPDATE while it destroys the key
# and removes the blob, so a read never meets a blob erased under it and two erasures of one
# artefact never both run. Artefact rows are locked before the audit chain's practice row, and
# several at once in id order, so these locks never deadlock.
SHARE: dict[str, bool] = {"read": True}


def _lock_artefacts(
    db: Session, ids: Sequence[str], *, share: bool = False
) -> dict[str, ArtefactRow]:
    """The artefact rows with these ids, locked in id order (missing ids are left out)."""
    if not ids:
        return {}
    query = select(ArtefactRow).where(ArtefactRow.id.in_(ids)).order_by(ArtefactRow.id)
    rows = db.scalars(query.with_for_update(read=share)).all()
    return {r.id: r for r in rows}


def _authorized_session(
    ctx: PracticeContext,
    db: Session,
    actor: Actor,
    session_id: str,
    permission: Permission,
    action: str,
    *,
    lock: bool = False,
) -> tuple[SessionRow, Client]:
    """The session and its client, once ``actor`` is authorized (audited refusal otherwise)."""
    session = _load_session(db, session_id, lock=lock)
    client = load_client(db, session.client_id)
    authorize(
        ctx,
        db,
        actor,
        permission,
        action=action,
        client=client,
        object_type="session",
        object_id=session.id,
    )
    return session, client


def create_session(
    client_id: str, actor: Actor, *, ctx: PracticeContext, participant_ids: Sequence[str] = ()
) -> str:
    """A new session for the actor's client with the participants present; returns its id."""
    sid = str(uuid.uuid4())
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(ctx, db, actor, Permission.CREATE_SESSION, action="session.create", client=client)
        present = check_participants(db, client.id, participant_ids)
        now = ctx.now()
        db.add(
            SessionRow(
                id=sid,
                client_id=client.id,
                created_by=actor.user_id,
                status="open",
                stages="{}",
                participant_ids=json.dumps(list(present)),
                created_at=now,
                updated_at=now,
            )
        )
        db.flush()
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="session.create",
            object_type="session",
            object_id=sid,
            client_id=client.id,
            meta={"participants": len(present)},
        )
    return sid


def _facts(
    ctx: PracticeContext, db: Session, client: Client, session: SessionRow | None, hold: bool
) -> RetentionFacts:
    ledger = ledger_for(ctx, db, client)
    now = ctx.now()
    people: list[str | None] = json.loads(session.participant_ids or "[]") if session else []
    withdrawn = withdrawn_kinds(ledger, people, now)
    return RetentionFacts(
        note_signed_at=session.signed_at if session is not None else None,
        jurisdictions=tuple(j for j in client.jurisdictions.split(",") if j),
        retain_audio=ledger.allows(Purpose.RETAIN_AUDIO, at=now),
        legal_hold=client.legal_hold or hold,
        withdrawn=tuple(sorted(withdrawn.items())),
    )


def _artefact(row: ArtefactRow) -> Artefact:
    return Artefact(
        kind=_kind(row.kind),
        id=row.id,
        created_at=row.created_at,
        key_id=row.key_id,
        session_id=row.session_id,
        client_id=row.client_id,
    )


def store_artefact(
    session_id: str,
    kind: str,
    payload: bytes,
    *,
    actor: Actor,
    ctx: PracticeContext,
    purposes: Sequence[Purpose | str] | None = None,
    media_type: str = "application/octet-stream",
    stage: str | None = None,
) -> str:
    """Seal ``payload`` with a fresh data key and keep it. Consent for the kind (or the given
    purposes) is checked first: a refusal stores nothing, not even a blob. Returns the id."""
    k = _kind(kind)
    if purposes is None:
        if k not in KIND_PURPOSES:
            raise ValueError(f"store_artefact({k}): pass the purposes that allowed it")
        needed = KIND_PURPOSES[k]
    else:
        needed = tuple(Purpose(p) for p in purposes)
    aid = str(uuid.uuid4())
    ref: str | None = None
    try:
        with ctx.tx() as db:
            perm = (
                Permission.PSYCHOTHERAPY_NOTES
                if k == "psychotherapy_note"
                else Permission.WRITE_ARTEFACT
            )
            session, client = _authorized_session(
                ctx, db, actor, session_id, perm, "artefact.write", lock=True
            )
            if session.status == "deleted":
                raise refuse(
                    actor,
                    action="artefact.write",
                    object_type="session",
                    object_id=session_id,
                    client_id=client.id,
                    reason="session was deleted",
                )
            if needed:
                enforce_consent(
                    ctx, db, client.id, needed, actor, session_id=session_id, stage=stage or k
                )
            scope = "psychotherapy" if k == "psychotherapy_note" else "artefact"
            key_id, key = keyring.create_key(
                ctx, db, scope=scope, client_id=client.id, owner_user_id=actor.user_id
            )
            sealed = crypto.seal(key, payload, crypto.aad_for("artefacts", aid, "blob", key_id))
            ref = ctx.blobs.put(sealed)
            row = ArtefactRow(
                id=aid,
                session_id=session_id,
                client_id=client.id,
                kind=k,
                media_type=media_type[:80],
                blob_ref=ref,
                key_id=key_id,
                size=len(payload),
                owner_user_id=actor.user_id,
                created_at=ctx.now(),
                legal_hold=False,
            )
            due, rule, _why = explain(_artefact(row), _facts(ctx, db, client, session, False))
            row.retention_due, row.retention_rule = due, rule
            db.add(row)
            stages = json.loads(session.stages or "{}")
            stages[stage or k] = "done"
            session.stages = json.dumps(stages, sort_keys=True)
            session.status = "processing" if session.status == "open" else session.status
            session.updated_at = ctx.now()
            db.flush()
            audit_log.append(
                ctx,
                db,
                actor=actor,
                action="artefact.write",
                object_type="artefact",
                object_id=aid,
                client_id=client.id,
                meta={
                    "kind": k,
                    "session_id": session_id,
                    "size": len(payload),
                    "key_id": key_id,
                    "purposes": [p.value for p in needed],
                    "retention_rule": rule,
                },
            )
    except BaseException:
        if ref is not None:
            ctx.blobs.delete(ref)  # never committed: remove the orphan ciphertext
        ctx.forget_key(aid)
        raise
    return aid


def _open_row(
    ctx: PracticeContext,
    db: Session,
    actor: Actor,
    row: ArtefactRow,
    client: Client,
    *,
    authorized: bool = False,
) -> bytes | None:
    """Authorize, decrypt and audit one artefact read in the caller's transaction. None when
    the blob fails its integrity check (audited as ``integrity_error``). ``authorized``: the
    caller already checked ``read_artefact`` on this client in this transaction (the
    psychotherapy-note rule is still checked here)."""
    if row.kind == "psychotherapy_note" and row.owner_user_id != actor.user_id:
        raise refuse(
            actor,
            action="artefact.read",
            object_type="artefact",
            object_id=row.id,
            client_id=client.id,
            reason="psychotherapy notes are readable by their author only",
        )
    if not authorized:
        authorize(
            ctx,
            db,
            actor,
            Permission.READ_ARTEFACT,
            action="artefact.read",
            client=client,
            object_type="artefact",
            object_id=row.id,
        )
    if row.erased_at is not None or row.blob_ref is None:
        raise ErasedError(f"ARTEFACT {row.id}: erased at {row.erased_at}")
    meta: dict[str, Any] = {"kind": row.kind, "session_id": row.session_id}
    data: bytes | None
    try:
        key = keyring.get_key(ctx, db, row.key_id)
        data = crypto.open_sealed(
            key,
            ctx.blobs.get(row.blob_ref),
            crypto.aad_for("artefacts", row.id, "blob", row.key_id),
            what=f"artefact {row.id}",
        )
    except IntegrityError:
        data = None
    audit_log.append(
        ctx,
        db,
        actor=actor,
        action="artefact.read",
        object_type="artefact",
        object_id=row.id,
        client_id=client.id,
        outcome="integrity_error" if data is None else "ok",
        meta=meta,
    )
    return data


def load_artefact(artefact_id: str, *, actor: Actor, ctx: PracticeContext) -> bytes:
    """Open an artefact for an authorized reader; every read is audited. A tampered blob raises
    IntegrityError (and the failure is audited)."""
    with ctx.tx() as db:
        row = db.get(ArtefactRow, artefact_id, with_for_update=SHARE)
        if row is None:
            raise UnknownObjectError(f"ARTEFACT: no artefact with id {artefact_id}")
        data = _open_row(ctx, db, actor, row, load_client(db, row.client_id))
    if data is None:
        raise IntegrityError(f"artefact {artefact_id}: failed its integrity check")
    return data


@dataclass(frozen=True)
class SessionRead:
    """A session's view, the plaintext of the artefacts picked (by id) and, when asked for,
    the client's decrypted details."""

    view: SessionView
    data: dict[str, bytes] = field(repr=False)
    client: ClientView | None = None

    def __repr__(self) -> str:
        return f"SessionRead(session={self.view.id!r}, artefacts={sorted(self.data)!r})"


def read_session(
    ctx: PracticeContext,
    actor: Actor,
    session_id: str,
    pick: Callable[[SessionView], Iterable[str]],
    *,
    with_client: bool = False,
) -> SessionRead:
    """In one transaction: the session (authorized ``read_artefact``, audited
    ``session.read``), the artefacts ``pick`` chooses from its view (decrypted and audited
    ``artefact.read`` one by one, as :func:`load_artefact` does; the session's check covers
    them) and, with ``with_client``, the client's details (audited ``client.read``). Only the
    picked artefacts are decrypted."""
    failed: str | None = None
    data: dict[str, bytes] = {}
    with ctx.tx() as db:
        s, client = _authorized_session(
            ctx, db, actor, session_id, Permission.READ_ARTEFACT, "session.read"
        )
        view = _view(db, s, with_psychotherapy_of=actor.user_id)
        picked = list(dict.fromkeys(pick(view)))
        rows = _lock_artefacts(db, picked, share=True)  # before the audit's practice lock
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="session.read",
            object_type="session",
            object_id=s.id,
            client_id=client.id,
        )
        for aid in picked:
            row = rows.get(aid)
            if row is None or row.session_id != s.id:
                raise UnknownObjectError(f"ARTEFACT: no artefact with id {aid} in this session")
            # read_artefact on this client was checked above, in this transaction
            opened = _open_row(ctx, db, actor, row, client, authorized=True)
            if opened is None:
                failed = failed or aid
            else:
                data[aid] = opened
        person = client_view(ctx, db, actor, client) if with_client else None
    if failed is not None:
        raise IntegrityError(f"artefact {failed}: failed its integrity check")
    return SessionRead(view, data, person)


def record_ai_run(
    session_id: str,
    stage: str,
    model: str,
    version: str,
    location: str,
    *,
    actor: Actor,
    ctx: PracticeContext,
) -> str:
    """Record that an AI stage ran (which model and version, where) for the client report."""
    rid = str(uuid.uuid4())
    with ctx.tx() as db:
        session, client = _authorized_session(
            ctx, db, actor, session_id, Permission.RUN_AI, "ai.run"
        )
        db.add(
            AiRun(
                id=rid,
                session_id=session_id,
                client_id=client.id,
                stage=stage[:40],
                model=model[:200],
                version=version[:100],
                location=location[:200],
                actor_id=actor.user_id,
                at=ctx.now(),
            )
        )
        db.flush()
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="ai.run",
            object_type="session",
            object_id=session_id,
            client_id=client.id,
            meta={"stage": stage, "model": model, "version": version, "location": location},
        )
    return rid


def set_stage(
    session_id: str, stage: str, status: str, *, actor: Actor, ctx: PracticeContext
) -> None:
    with ctx.tx() as db:
        session, client = _authorized_session(
            ctx, db, actor, session_id, Permission.WRITE_ARTEFACT, "session.stage", lock=True
        )
        stages = json.loads(session.stages or "{}")
        stages[stage] = status
        session.stages = json.dumps(stages, sort_keys=True)
        session.updated_at = ctx.now()
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="session.stage",
            object_type="session",
            object_id=session_id,
            client_id=client.id,
            meta={"stage": stage, "status": status},
        )


def sign_session(session_id: str, *, actor: Actor, ctx: PracticeContext) -> None:
    """Record the clinician's sign-off (the signed note itself is stored as ``signed_note``);
    retention due dates are recomputed (audio becomes due at signing by default)."""
    with ctx.tx() as db:
        s, client = _authorized_session(
            ctx, db, actor, session_id, Permission.SIGN_NOTE, "note.sign"
        )
        if s.status == "deleted":
            raise refuse(
                actor,
                action="note.sign",
                object_type="session",
                object_id=s.id,
                client_id=client.id,
                reason="session was deleted",
            )
        now = ctx.now()
        s.signed_at, s.status, s.updated_at = now, "signed", now
        arts = db.scalars(
            select(ArtefactRow).where(
                ArtefactRow.session_id == s.id, ArtefactRow.erased_at.is_(None)
            )
        ).all()
        facts = _facts(ctx, db, client, s, False)
        for a in arts:
            a.retention_due, a.retention_rule, _ = explain(
                _artefact(a),
                facts.model_copy(update={"legal_hold": facts.legal_hold or a.legal_hold}),
            )
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="note.sign",
            object_type="session",
            object_id=s.id,
            client_id=client.id,
            meta={"artefacts": len(arts)},
        )


class ArtefactView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    kind: str
    media_type: str
    size: int
    created_at: datetime
    retention_due: datetime | None
    retention_rule: str | None
    legal_hold: bool
    erased_at: datetime | None


class SessionView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    client_id: str
    status: str
    stages: dict[str, str]
    participant_ids: list[str]
    created_by: str
    created_at: datetime
    signed_at: datetime | None
    deleted_at: datetime | None
    artefacts: list[ArtefactView]
    ai_runs: list[dict[str, str]]


def _view(db: Session, s: SessionRow, *, with_psychotherapy_of: str | None) -> SessionView:
    arts = db.scalars(
        select(ArtefactRow).where(ArtefactRow.session_id == s.id).order_by(ArtefactRow.created_at)
    ).all()
    runs = db.scalars(select(AiRun).where(AiRun.session_id == s.id).order_by(AiRun.at)).all()
    return SessionView(
        id=s.id,
        client_id=s.client_id,
        status=s.status,
        stages=json.loads(s.stages or "{}"),
        participant_ids=json.loads(s.participant_ids or "[]"),
        created_by=s.created_by,
        created_at=s.created_at,
        signed_at=s.signed_at,
        deleted_at=s.deleted_at,
        artefacts=[
            ArtefactView(
                id=a.id,
                kind=a.kind,
                media_type=a.media_type,
                size=a.size,
                created_at=a.created_at,
                retention_due=a.retention_due,
                retention_rule=a.retention_rule,
                legal_hold=a.legal_hold,
                erased_at=a.erased_at,
            )
            for a in arts
            if a.kind != "psychotherapy_note" or a.owner_user_id == with_psychotherapy_of
        ],
        ai_runs=[
            {
                "stage": r.stage,
                "model": r.model,
                "version": r.version,
                "location": r.location,
                "at": r.at.isoformat(),
            }
            for r in runs
        ],
    )


def list_sessions(
    ctx: PracticeContext, actor: Actor, *, client_id: str | None = None
) -> list[SessionView]:
    """The actor's own clients' sessions (metadata only; listing is audited once)."""
    with ctx.tx() as db:
        query = (
            select(SessionRow)
            .join(Client, Client.id == SessionRow.client_id)
            .where(Client.clinician_id == actor.user_id)
            .order_by(SessionRow.created_at)
        )
        if client_id is not None:
            query = query.where(SessionRow.client_id == client_id)
        rows = db.scalars(query).all()
        views = [_view(db, s, with_psychotherapy_of=actor.user_id) for s in rows]
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="session.list",
            object_type="session",
            client_id=client_id,
            meta={"count": len(views)},
        )
    return views


def show_session(ctx: PracticeContext, actor: Actor, session_id: str) -> SessionView:
    with ctx.tx() as db:
        s, client = _authorized_session(
            ctx, db, actor, session_id, Permission.READ_ARTEFACT, "session.read"
        )
        view = _view(db, s, with_psychotherapy_of=actor.user_id)
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="session.read",
            object_type="session",
            object_id=s.id,
            client_id=client.id,
        )
    return view


def _erase(
    ctx: PracticeContext,
    db: Session,
    row: ArtefactRow,
    *,
    actor: Actor | None,
    rule: str | None,
    reason: str,
) -> DeletionReceipt:
    """Crypto-erase one artefact in the caller's transaction: destroy its key, remove the blob,
    write the receipt and the audit entry."""
    destroyed = keyring.destroy_key(ctx, db, row.key_id)
    if row.blob_ref is not None:
        ctx.blobs.delete(row.blob_ref)
    now = ctx.now()
    row.blob_ref = None
    row.erased_at = now
    receipt = DeletionReceipt.issue(
        artefact_kind=_kind(row.kind),
        artefact_id=row.id,
        key_id=row.key_id,
        erased_at=now,
        reason=reason,
        rule=rule,
        person=actor.user_id if actor is not None else None,
        session_id=row.session_id,
        client_id=row.client_id,
    )
    db.add(
        DeletionReceiptRow(
            id=str(uuid.uuid4()),
            artefact_id=row.id,
            session_id=row.session_id,
            client_id=row.client_id,
            key_id=row.key_id,
            erased_at=now,
            document=json.dumps(receipt.to_document(), sort_keys=True),
        )
    )
    audit_log.append(
        ctx,
        db,
        actor=actor,
        action="artefact.erase",
        object_type="artefact",
        object_id=row.id,
        client_id=row.client_id,
        meta={
            "kind": row.kind,
            "key_id": row.key_id,
            "key_destroyed": destroyed,
            "rule": rule,
            "reason": reason,
            "receipt_sha256": receipt.receipt_sha256,
        },
    )
    return receipt


def delete_session(
    ctx: PracticeContext, actor: Actor, session_id: str, *, reason: str = "clinician request"
) -> dict[str, Any]:
    """Crypto-erase every artefact of the session (keys destroyed, blobs removed) and mark it
    deleted; refused under legal hold. Returns the deletion receipts."""
    with ctx.tx() as db:
        s, client = _authorized_session(
            ctx, db, actor, session_id, Permission.DELETE_SESSION, "session.delete"
        )
        arts = db.scalars(
            select(ArtefactRow)
            .where(ArtefactRow.session_id == s.id)
            .order_by(ArtefactRow.id)
            .with_for_update()
        ).all()
        if client.legal_hold or any(a.legal_hold and a.erased_at is None for a in arts):
            raise refuse(
                actor,
                action="session.delete",
                object_type="session",
                object_id=s.id,
                client_id=client.id,
                reason="legal hold",
            )
        receipts = [
            _erase(ctx, db, a, actor=actor, rule=None, reason=reason)
            for a in arts
            if a.erased_at is None
        ]
        s.status = "deleted"
        s.deleted_at = ctx.now()
        s.updated_at = s.deleted_at
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="session.delete",
            object_type="session",
            object_id=s.id,
            client_id=client.id,
            meta={"artefacts_erased": len(receipts), "reason": reason},
        )
    checkpoint(ctx.engine)
    return {
        "schema": "clearnote.session_deletion/1",
        "session_id": session_id,
        "client_id": client.id,
        "method": "NIST SP 800-88 cryptographic erase (data keys destroyed), blobs removed",
        "receipts": [r.to_document() for r in receipts],
    }


def erase_artefact(
    ctx: PracticeContext, artefact_id: str, *, actor: Actor | None, rule: str | None, reason: str
) -> DeletionReceipt:
    """Erase one artefact (the retention scheduler passes ``rule``; a person passes ``actor``)."""
    with ctx.tx() as db:
        row = db.get(ArtefactRow, artefact_id, with_for_update=True)
        if row is None:
            raise UnknownObjectError(f"ARTEFACT: no artefact with id {artefact_id}")
        client = load_client(db, row.client_id)
        if actor is not None:
            authorize(
                ctx,
                db,
                actor,
                Permission.DELETE_SESSION,
                action="artefact.erase",
                client=client,
                object_type="artefact",
                object_id=row.id,
            )
        if row.erased_at is not None:
            raise ErasedError(f"ARTEFACT {artefact_id}: already erased")
        if client.legal_hold or row.legal_hold:
            raise BadInputError(f"ARTEFACT {artefact_id}: on legal hold")
        receipt = _erase(ctx, db, row, actor=actor, rule=rule, reason=reason)
    checkpoint(ctx.engine)
    return receipt


def run_retention(
    ctx: PracticeContext, *, now: datetime | None = None, client_id: str | None = None
) -> list[DeletionReceipt]:
    """Erase every artefact whose retention is due (recomputed now from the colleague's
    schedule: signing, consent to retain audio or to anything else, and legal holds may have
    changed); with ``client_id``, that client's only (right after a consent is withdrawn)."""
    from clearnote.retention.policy import decide

    when = now or ctx.now()
    due: list[tuple[str, str, str]] = []
    with ctx.tx() as db:
        live = select(ArtefactRow).where(ArtefactRow.erased_at.is_(None))
        if client_id is not None:
            live = live.where(ArtefactRow.client_id == client_id)
        rows = db.scalars(live).all()
        for row in rows:
            client = load_client(db, row.client_id)
            s = db.get(SessionRow, row.session_id) if row.session_id else None
            d = decide(_artefact(row), _facts(ctx, db, client, s, row.legal_hold), when)
            if d.due_at != row.retention_due:
                row.retention_due, row.retention_rule = d.due_at, d.rule
            if d.status == "erase":
                due.append((row.id, d.rule, d.reason))
    receipts: list[DeletionReceipt] = []
    for aid, rule, why in due:
        try:
            receipts.append(erase_artefact(ctx, aid, actor=None, rule=rule, reason=why))
        except ErasedError:
            continue  # erased by someone else since the scan (a clinician, another run)
    return receipts
