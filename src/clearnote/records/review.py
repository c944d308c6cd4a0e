"""Review, sign and addenda at the service layer, over the pure rules in ``domain.review``.

Storage (no new table; see the report to the record-system owner):

- the review working state is a ``draft``-kind artefact with media type :data:`REVIEW_MEDIA`
  (sealed like every artefact, consent ``draft_note``); each save stores a new one and
  crypto-erases the one it supersedes;
- the signed note is a ``signed_note`` artefact (:data:`SIGNED_MEDIA`), stored once; after
  signing every review change is refused, and corrections are addenda (``signed_note`` kind,
  :data:`ADDENDUM_MEDIA`), each its own immutable artefact.

Authorization stays in ``records.sessions`` / ``records.access``: :func:`load_review` reads
through ``sessions.read_session`` (one transaction; each artefact read authorized and audited,
only the parts asked for decrypted), every write goes through ``store_artefact``; signing also
needs ``sign_note`` and re-authentication with the sign-in factors (password, and the TOTP code
where the roles require MFA), audited as ``auth.reauth`` by ``records.users``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Literal

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
    required_fields,
    review_flags,
    sign_blockers,
)
from clearnote.errors import BadInputError, PolicyError
from clearnote.records import sessions, users
from clearnote.records.clients import ClientView
from clearnote.records.context import Actor, PracticeContext
from clearnote.records.sessions import ArtefactView, SessionView
from clearnote.security.roles import Permission

REVIEW_MEDIA = "application/vnd.clearnote.review+json"
SIGNED_MEDIA = "application/vnd.clearnote.signed-note+json"
ADDENDUM_MEDIA = "application/vnd.clearnote.addendum+json"


class ReviewStateError(BadInputError):
    """The review cannot take this change (signed already, unknown flag, sign blocked)."""


Part = Literal["transcript", "draft", "screening", "assessment", "review", "signed", "addenda"]
#: what a review change or sign-off needs: the draft, its flags' sources and the review state
EDIT_PARTS: frozenset[Part] = frozenset({"draft", "screening", "review"})
#: what an export needs
EXPORT_PARTS: frozenset[Part] = frozenset({"signed", "addenda"})


def page_parts(signed: bool) -> frozenset[Part]:
    """What the review page shows: the transcript and the AI screening and assessment, with the
    draft and its review state before signing, or the signed note and its addenda after."""
    common: frozenset[Part] = frozenset({"transcript", "screening", "assessment"})
    return common | (EXPORT_PARTS if signed else frozenset({"draft", "review"}))


@dataclass(frozen=True)
class _Slots:
    """The live artefact filling each part of a review (the latest of its kind)."""

    transcript: ArtefactView | None
    draft: ArtefactView | None
    screening: ArtefactView | None
    assessment: ArtefactView | None
    review: ArtefactView | None
    signed: ArtefactView | None
    addenda: tuple[ArtefactView, ...]
    audio: ArtefactView | None
    exports: tuple[ArtefactView, ...]

    @classmethod
    def of(cls, view: SessionView) -> _Slots:
        arts = [a for a in view.artefacts if a.erased_at is None]
        return cls(
            transcript=_latest(arts, "transcript", None),
            draft=_latest(arts, "draft", "application/json"),
            screening=_latest(arts, "screening", None),
            assessment=_latest(arts, "assessment", None),
            review=_latest(arts, "draft", REVIEW_MEDIA),
            signed=_latest(arts, "signed_note", SIGNED_MEDIA),
            addenda=tuple(
                a for a in arts if a.kind == "signed_note" and a.media_type == ADDENDUM_MEDIA
            ),
            audio=_latest(arts, "audio", None),
            exports=tuple(a for a in arts if a.kind == "export"),
        )

    def ids(self, parts: Collection[Part]) -> list[str]:
        single = {
            "transcript": self.transcript,
            "draft": self.draft,
            "screening": self.screening,
            "assessment": self.assessment,
            "review": self.review,
            "signed": self.signed,
        }
        out = [a.id for p, a in single.items() if p in parts and a is not None]
        if "addenda" in parts:
            out.extend(a.id for a in self.addenda)
        return out


@dataclass
class ReviewBundle:
    """What a review needs, decrypted for an authorized reader. Parts not asked for (see
    :func:`load_review`) are None or empty; the artefact ids and ``is_signed`` are always set."""

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
    signed_artefact_id: str | None = None
    client: ClientView | None = None

    @property
    def is_signed(self) -> bool:
        return self.signed_artefact_id is not None or self.session.status == "signed"

    @cached_property
    def note(self) -> Note | None:
        return Note.model_validate(self.draft["note"]) if self.draft else None

    @cached_property
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
    found = [a for a in arts if a.kind == kind and (media is None or a.media_type == media)]
    return found[-1] if found else None


def _doc(data: dict[str, bytes], art: ArtefactView | None) -> dict[str, Any] | None:
    if art is None or art.id not in data:
        return None
    value = json.loads(data[art.id])
    return value if isinstance(value, dict) else None


def load_review(
    ctx: PracticeContext,
    actor: Actor,
    session_id: str,
    parts: Collection[Part] | None = None,
    *,
    with_client: bool = False,
) -> ReviewBundle:
    """The session's review documents, read in one transaction (``sessions.read_session``:
    the session read and each artefact read authorized and audited). Only ``parts`` are
    decrypted; None: what the review page shows (:func:`page_parts`). ``with_client``: the
    client's details too (audited ``client.read``)."""
    found: list[_Slots] = []

    def pick(view: SessionView) -> list[str]:
        slots = _Slots.of(view)
        found.append(slots)
        return slots.ids(page_parts(slots.signed is not None) if parts is None else parts)

    read = sessions.read_session(ctx, actor, session_id, pick, with_client=with_client)
    slots = found[0]
    data = read.data
    bundle = ReviewBundle(
        session=read.view,
        transcript=_doc(data, slots.transcript),
        draft=_doc(data, slots.draft),
        screening=_doc(data, slots.screening),
        assessment=_doc(data, slots.assessment),
        state=None,
        signed=_doc(data, slots.signed),
        addenda=[d for a in slots.addenda for d in [_doc(data, a)] if d is not None],
        exports=list(slots.exports),
        draft_artefact_id=slots.draft.id if slots.draft else None,
        audio_artefact_id=slots.audio.id if slots.audio else None,
        review_artefact_id=slots.review.id if slots.review else None,
        signed_artefact_id=slots.signed.id if slots.signed else None,
        client=read.client,
    )
    stored = _doc(data, slots.review)
    if stored is not None:
        bundle.state = ReviewState.model_validate(stored)
    elif slots.draft is not None and (parts is None or "review" in parts):
        bundle.state = ReviewState(session_id=session_id, draft_artefact_id=slots.draft.id)
    return bundle


def _check_open(bundle: ReviewBundle) -> ReviewState:
    if bundle.is_signed:
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
    bundle = load_review(ctx, actor, session_id, EDIT_PARTS)
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
        if note is None or key not in {c.key for c in required_fields(note, bundle.flags, state)}:
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


def _authorize_session(
    ctx: PracticeContext, actor: Actor, session_id: str, permission: Permission, action: str
) -> str:
    with ctx.tx() as db:
        _, client = sessions._authorized_session(ctx, db, actor, session_id, permission, action)
        return client.id


def sign_note(
    ctx: PracticeContext,
    actor: Actor,
    session_id: str,
    *,
    password: str,
    totp_code: str | None = None,
) -> dict[str, Any]:
    """Re-authenticate (password, and the TOTP code where the actor's roles require MFA: the
    sign-in checks, a code usable once), check every blocker is cleared, store the signed note
    (immutable) and record the sign-off. Returns the signed-note document; a refused
    re-authentication signs nothing (AuthenticationError, audited ``auth.reauth`` failed)."""
    _authorize_session(ctx, actor, session_id, Permission.SIGN_NOTE, "note.sign")
    users.reauthenticate(ctx, actor, password=password, totp_code=totp_code, purpose="note.sign")
    bundle = load_review(ctx, actor, session_id, EDIT_PARTS)
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


def add_addendum(
    ctx: PracticeContext,
    actor: Actor,
    session_id: str,
    *,
    text: str,
    password: str,
    totp_code: str | None = None,
) -> str:
    """A dated correction or addition to a signed note (its own immutable artefact), attested
    like the signature: the author re-authenticates (password, and a fresh TOTP code where the
    actor's roles require MFA; audited ``auth.reauth`` with purpose ``note.addendum``). A refused
    re-authentication stores nothing."""
    body = text.strip()
    if not body or len(body) > 4000:
        raise BadInputError("text: an addendum of 1 to 4000 characters is needed")
    _authorize_session(ctx, actor, session_id, Permission.SIGN_NOTE, "note.addendum")
    users.reauthenticate(
        ctx, actor, password=password, totp_code=totp_code, purpose="note.addendum"
    )
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
