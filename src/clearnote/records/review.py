"""Review, sign and addenda at the service layer, over the pure rules in ``domain.review``.

Storage (no new table; see the report to the record-system owner):

- the review working state is a ``draft``-kind artefact with media type :data:`REVIEW_MEDIA`
  (sealed like every artefact, consent ``draft_note``); each save stores a new one and
  crypto-erases the one it supersedes;
- the signed note is a ``signed_note`` artefact (:data:`SIGNED_MEDIA`), stored once; after
  signing every review change is refused, and corrections are addenda (``signed_note`` kind,
  :data:`ADDENDUM_MEDIA`), each its own immutable artefact.

Authorization stays in ``records.sessions`` / ``records.access``: every read goes through
``load_artefact`` (audited), every write through ``store_artefact``; signing also needs
``sign_note`` and a fresh password check (re-authentication), audited as ``auth.reauth``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from clearnote.domain.consent import Purpose
from clearnote.domain.note import Note
from clearnote.domain.review import (
    ADDENDUM_SCHEMA,
    SIGNED_NOTE_SCHEMA,
    AddedStatement,
    FieldEntry,
    NoteHeader,
    Resolution,
    ReviewFlag,
    ReviewState,
    StatementEdit,
    cpt_for_minutes,
    draft_diff,
    final_note,
    review_flags,
    sign_blockers,
)
from clearnote.errors import BadInputError, PolicyError
from clearnote.records import audit_log, sessions
from clearnote.records.access import authorize, load_client
from clearnote.records.context import Actor, PracticeContext
from clearnote.records.sessions import ArtefactView, SessionView
from clearnote.records.users import AuthenticationError
from clearnote.security import passwords
from clearnote.security.roles import Permission
from clearnote.store.models import SessionRow, User

REVIEW_MEDIA = "application/vnd.clearnote.review+json"
SIGNED_MEDIA = "application/vnd.clearnote.signed-note+json"
ADDENDUM_MEDIA = "application/vnd.clearnote.addendum+json"


class ReviewStateError(BadInputError):
    """The review cannot take this change (signed already, unknown flag, sign blocked)."""


@dataclass
class ReviewBundle:
    """Everything the review page shows, decrypted for an authorized reader."""

    session: SessionView
    transcript: dict[str, Any] | None
    draft: dict[str, Any] | None
    screening: dict[str, Any] | None
    assessment: dict[str, Any] | None
    state: ReviewState | None
    signed: dict[str, Any] | None
    addenda: list[dict[str, Any]] = field(default_factory=list)
    exports: list[ArtefactView] = field(default_factory=list)
    draft_artefact_id: str | None = None
    audio_artefact_id: str | None = None
    review_artefact_id: str | None = None

    @property
    def note(self) -> Note | None:
        return Note.model_validate(self.draft["note"]) if self.draft else None

    @property
    def flags(self) -> tuple[ReviewFlag, ...]:
        if self.draft is None:
            return ()
        return review_flags(self.draft.get("verification"), self.screening)

    def blockers(self) -> tuple[str, ...]:
        note = self.note
        if note is None or self.state is None:
            return ("no draft note",)
        return sign_blockers(self.state, self.flags, note)

    def suggested_header(self) -> NoteHeader:
        minutes = max(1, round(float((self.transcript or {}).get("duration", 60)) / 60))
        return NoteHeader(
            session_date=self.session.created_at.date(),
            duration_minutes=minutes,
            modality="in_person",
            participants=("clinician", "client"),
            cpt_code=cpt_for_minutes(minutes),
            confirmed=False,
        )


def _latest(arts: list[ArtefactView], kind: str, media: str | None) -> ArtefactView | None:
    found = [
        a
        for a in arts
        if a.kind == kind and a.erased_at is None and (media is None or a.media_type == media)
    ]
    return found[-1] if found else None


def _doc(ctx: PracticeContext, actor: Actor, art: ArtefactView | None) -> dict[str, Any] | None:
    if art is None:
        return None
    value = json.loads(sessions.load_artefact(art.id, actor=actor, ctx=ctx))
    return value if isinstance(value, dict) else None


def load_review(ctx: PracticeContext, actor: Actor, session_id: str) -> ReviewBundle:
    """The session's documents and review state (each artefact read is authorized and audited)."""
    view = sessions.show_session(ctx, actor, session_id)
    arts = [a for a in view.artefacts if a.erased_at is None]
    draft_art = _latest(arts, "draft", "application/json")
    review_art = _latest(arts, "draft", REVIEW_MEDIA)
    signed_art = _latest(arts, "signed_note", SIGNED_MEDIA)
    audio_art = _latest(arts, "audio", None)
    bundle = ReviewBundle(
        session=view,
        transcript=_doc(ctx, actor, _latest(arts, "transcript", None)),
        draft=_doc(ctx, actor, draft_art),
        screening=_doc(ctx, actor, _latest(arts, "screening", None)),
        assessment=_doc(ctx, actor, _latest(arts, "assessment", None)),
        state=None,
        signed=_doc(ctx, actor, signed_art),
        addenda=[
            d
            for a in arts
            if a.kind == "signed_note" and a.media_type == ADDENDUM_MEDIA
            for d in [_doc(ctx, actor, a)]
            if d is not None
        ],
        exports=[a for a in arts if a.kind == "export"],
        draft_artefact_id=draft_art.id if draft_art else None,
        audio_artefact_id=audio_art.id if audio_art else None,
        review_artefact_id=review_art.id if review_art else None,
    )
    stored = _doc(ctx, actor, review_art)
    if stored is not None:
        bundle.state = ReviewState.model_validate(stored)
    elif draft_art is not None:
        bundle.state = ReviewState(session_id=session_id, draft_artefact_id=draft_art.id)
    return bundle


def _check_open(bundle: ReviewBundle) -> ReviewState:
    if bundle.session.status == "signed" or bundle.signed is not None:
        raise ReviewStateError(
            f"SESSION {bundle.session.id}: the note is signed; add an addendum instead"
        )
    if bundle.state is None:
        raise ReviewStateError(f"SESSION {bundle.session.id}: no draft note to review")
    return bundle.state


def _save(
    ctx: PracticeContext, actor: Actor, bundle: ReviewBundle, state: ReviewState
) -> ReviewState:
    payload = json.dumps(state.to_document(), ensure_ascii=False).encode()
    sessions.store_artefact(
        bundle.session.id,
        "draft",
        payload,
        actor=actor,
        ctx=ctx,
        purposes=[Purpose.DRAFT_NOTE],
        media_type=REVIEW_MEDIA,
        stage="review",
    )
    if bundle.review_artefact_id is not None:
        sessions.erase_artefact(
            ctx,
            bundle.review_artefact_id,
            actor=actor,
            rule=None,
            reason="superseded review state",
        )
    return state


def _change(
    ctx: PracticeContext,
    actor: Actor,
    session_id: str,
    update: Callable[[ReviewBundle, ReviewState], ReviewState],
) -> ReviewState:
    bundle = load_review(ctx, actor, session_id)
    state = _check_open(bundle)
    return _save(ctx, actor, bundle, update(bundle, state))


def resolve_flag(
    ctx: PracticeContext,
    actor: Actor,
    session_id: str,
    flag_id: str,
    *,
    action: str,
    reason: str | None = None,
    text: str | None = None,
) -> ReviewState:
    """Accept, edit (with the corrected text) or dismiss (with a reason) one flag."""
    if action not in ("accept", "edit", "dismiss"):
        raise BadInputError(f"action {action[:20]!r}: expected accept, edit or dismiss")

    def update(bundle: ReviewBundle, state: ReviewState) -> ReviewState:
        flag = next((f for f in bundle.flags if f.id == flag_id), None)
        if flag is None:
            raise ReviewStateError(f"flag {flag_id[:40]}: not a flag of this draft")
        try:
            res = Resolution(
                flag_id=flag_id,
                action=action,
                reason=(reason or "").strip() or None,
                text=(text or "").strip() or None,
                by=actor.user_id,
                at=ctx.now(),
            )
        except ValueError as exc:
            raise BadInputError(_first_error(exc)) from None
        added = None
        if res.action == "edit" and flag.statement_id is None and res.text:
            note = bundle.note
            keys = [s.key for s in note.sections] if note else []
            added = AddedStatement(
                section_key=_section_for(flag, keys),
                text=res.text,
                evidence=flag.segment_ids,
                flag_id=flag.id,
                by=actor.user_id,
                at=ctx.now(),
            )
        return state.with_resolution(res, added)

    return _change(ctx, actor, session_id, update)


def _section_for(flag: ReviewFlag, keys: list[str]) -> str:
    prefer = (
        ("assessment", "response", "data", "subjective")
        if flag.kind == "risk_screening"
        else (
            "subjective",
            "data",
            "behavior",
            "problem",
            "goals",
        )
    )
    return next((k for k in prefer if k in keys), keys[-1] if keys else "note")


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        items = errors()
        if items:
            msg = str(items[0].get("msg", "invalid value"))
            return msg.removeprefix("Value error, ")
    return "invalid value"


def edit_statement(
    ctx: PracticeContext, actor: Actor, session_id: str, statement_id: str, *, text: str
) -> ReviewState:
    """The clinician's wording for a statement ('' removes it from the signed note)."""

    def update(bundle: ReviewBundle, state: ReviewState) -> ReviewState:
        note = bundle.note
        if note is None or statement_id not in {st.id for st in note.statements()}:
            raise ReviewStateError(f"statement {statement_id[:20]}: not in this draft")
        if len(text) > 4000:
            raise BadInputError("text: at most 4000 characters")
        return state.with_edit(
            StatementEdit(
                statement_id=statement_id, text=text.strip(), by=actor.user_id, at=ctx.now()
            )
        )

    return _change(ctx, actor, session_id, update)


def set_field(
    ctx: PracticeContext,
    actor: Actor,
    session_id: str,
    key: str,
    *,
    value: str | None,
    blank_reason: str | None,
) -> ReviewState:
    def update(bundle: ReviewBundle, state: ReviewState) -> ReviewState:
        note = bundle.note
        if note is None or key not in {c.key for c in note.clinician_fields}:
            raise ReviewStateError(f"field {key[:40]}: not a clinician field of this draft")
        try:
            entry = FieldEntry(
                key=key,
                value=(value or "").strip() or None,
                blank_reason=(blank_reason or "").strip() or None,
            )
        except ValueError as exc:
            raise BadInputError(_first_error(exc)) from None
        return state.with_field(entry)

    return _change(ctx, actor, session_id, update)


def set_header(
    ctx: PracticeContext,
    actor: Actor,
    session_id: str,
    *,
    session_date: date,
    duration_minutes: int,
    modality: str,
    participants: list[str],
    cpt_code: str | None,
    confirmed: bool,
) -> ReviewState:
    def update(_bundle: ReviewBundle, state: ReviewState) -> ReviewState:
        try:
            header = NoteHeader(
                session_date=session_date,
                duration_minutes=duration_minutes,
                modality=modality,
                participants=tuple(p.strip()[:40] for p in participants if p.strip()),
                cpt_code=cpt_code or None,
                confirmed=confirmed,
            )
        except ValueError as exc:
            raise BadInputError(_first_error(exc)) from None
        return state.with_header(header)

    return _change(ctx, actor, session_id, update)


def reauthenticate(ctx: PracticeContext, actor: Actor, password: str) -> None:
    """A fresh password check for the acting user (before signing); audited either way."""
    with ctx.tx() as db:
        user = db.get(User, actor.user_id)
        ok = (
            user is not None
            and not user.disabled
            and passwords.verify_password(user.password_hash, password)
        )
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="auth.reauth",
            object_type="user",
            object_id=actor.user_id,
            outcome="ok" if ok else "failed",
            meta={"purpose": "note.sign"},
        )
    if not ok:
        raise AuthenticationError("re-authentication refused")


def _authorize_session(
    ctx: PracticeContext, actor: Actor, session_id: str, permission: Permission, action: str
) -> str:
    with ctx.tx() as db:
        row = db.get(SessionRow, session_id)
        if row is None:
            raise ReviewStateError(f"SESSION: no session with id {session_id}")
        client = load_client(db, row.client_id)
        authorize(
            ctx,
            db,
            actor,
            permission,
            action=action,
            client=client,
            object_type="session",
            object_id=session_id,
        )
        return client.id


def sign_note(
    ctx: PracticeContext, actor: Actor, session_id: str, *, password: str
) -> dict[str, Any]:
    """Re-authenticate, check every blocker is cleared, store the signed note (immutable) and
    record the sign-off. Returns the signed-note document."""
    _authorize_session(ctx, actor, session_id, Permission.SIGN_NOTE, "note.sign")
    reauthenticate(ctx, actor, password)
    bundle = load_review(ctx, actor, session_id)
    state = _check_open(bundle)
    blockers = bundle.blockers()
    if blockers:
        raise ReviewStateError(f"SESSION {session_id}: cannot sign: {'; '.join(blockers)}")
    note = bundle.note
    assert note is not None and state.header is not None and bundle.draft is not None
    flags = bundle.flags
    signed = final_note(note, state, flags)
    diff = draft_diff(note, signed)
    now = ctx.now()
    document: dict[str, Any] = {
        "schema": SIGNED_NOTE_SCHEMA,
        "session_id": session_id,
        "client_id": bundle.session.client_id,
        "signed_by": actor.user_id,
        "signed_at": now.isoformat(),
        "header": state.header.model_dump(mode="json"),
        "note": signed.to_document(),
        "ai_draft": note.to_document(),
        "draft_artefact_id": bundle.draft_artefact_id,
        "clinician_fields": [f.model_dump(mode="json", exclude_none=True) for f in state.fields],
        "resolutions": [
            {
                "flag_id": r.flag_id,
                "kind": next((f.kind for f in flags if f.id == r.flag_id), "unknown"),
                "action": r.action,
                **({"reason": r.reason} if r.reason else {}),
            }
            for r in state.resolutions
        ],
        "edit_share": diff.edit_share,
        "ai_labelled": "Drafted with AI assistance; reviewed, corrected and signed by the "
        "clinician.",
    }
    sessions.store_artefact(
        session_id,
        "signed_note",
        json.dumps(document, ensure_ascii=False).encode(),
        actor=actor,
        ctx=ctx,
        purposes=(),
        media_type=SIGNED_MEDIA,
        stage="sign",
    )
    sessions.sign_session(session_id, actor=actor, ctx=ctx)
    return document


def add_addendum(ctx: PracticeContext, actor: Actor, session_id: str, *, text: str) -> str:
    """A dated correction or addition to a signed note (its own immutable artefact)."""
    body = text.strip()
    if not body or len(body) > 4000:
        raise BadInputError("text: an addendum of 1 to 4000 characters is needed")
    _authorize_session(ctx, actor, session_id, Permission.SIGN_NOTE, "note.addendum")
    view = sessions.show_session(ctx, actor, session_id)
    if view.status != "signed":
        raise ReviewStateError(f"SESSION {session_id}: addenda follow a signed note")
    document = {
        "schema": ADDENDUM_SCHEMA,
        "session_id": session_id,
        "text": body,
        "by": actor.user_id,
        "at": ctx.now().isoformat(),
        "origin": "clinician",
    }
    return sessions.store_artefact(
        session_id,
        "signed_note",
        json.dumps(document, ensure_ascii=False).encode(),
        actor=actor,
        ctx=ctx,
        purposes=(),
        media_type=ADDENDUM_MEDIA,
        stage="addendum",
    )


def refuse_unsigned(bundle: ReviewBundle) -> dict[str, Any]:
    if bundle.signed is None:
        raise PolicyError(f"SESSION {bundle.session.id}: only a signed note can be exported")
    return bundle.signed
