"""The review page and its actions: resolve flags, edit statements, clinician fields, the note
header, sign (with re-authentication), addenda, the AI-draft diff, audio playback and exports."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from clearnote.domain.note import Note
from clearnote.domain.review import CPT_CODES, MODALITIES, draft_diff
from clearnote.errors import BadInputError
from clearnote.export.service import export_note
from clearnote.records import review, sessions
from clearnote.records.access import UnknownObjectError
from clearnote.records.sessions import ArtefactView, SessionView
from clearnote.records.users import AuthenticationError
from clearnote.security.roles import mfa_required
from clearnote.web.deps import Ctx, CurrentActor, csrf_protect, render
from clearnote.web.view import review_view

router = APIRouter(include_in_schema=False)
CSRF = [Depends(csrf_protect)]
Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=500)]


def _reauth_refused(
    request: Request, exc: AuthenticationError, session_id: str, anchor: str
) -> Response:
    """The error page for a refused re-authentication, linking back to the form."""
    context = {"status": 401, "message": exc.message, "back": f"/sessions/{session_id}#{anchor}"}
    return render(request, "error.html", context, status=401)


def _back(session_id: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/sessions/{session_id}{'#' + anchor if anchor else ''}", 303)


@router.get("/sessions/{session_id}")
def review_page(request: Request, ctx: Ctx, actor: CurrentActor, session_id: str) -> Response:
    bundle = review.load_review(ctx, actor, session_id, with_client=True)
    context: dict[str, Any] = review_view(bundle)
    context.update(
        client=bundle.client,
        mfa=mfa_required(actor.roles),
        session=bundle.session,
        cpt_codes=CPT_CODES,
        modalities=MODALITIES,
        error=request.query_params.get("error"),
    )
    if bundle.signed is not None:
        ai = Note.model_validate(bundle.signed["ai_draft"])
        final = Note.model_validate(bundle.signed["note"])
        context["diff"] = draft_diff(ai, final)
    return render(request, "review.html", context)


@router.get("/sessions/{session_id}/audio")
def audio(ctx: Ctx, actor: CurrentActor, session_id: str) -> Response:
    """The decrypted recording for an authorized reader (the read is audited; never cached)."""
    found: list[ArtefactView] = []

    def pick(view: SessionView) -> list[str]:
        found.extend(a for a in view.artefacts if a.kind == "audio" and a.erased_at is None)
        return [a.id for a in found[:1]]

    read = sessions.read_session(ctx, actor, session_id, pick)
    if not found:
        raise UnknownObjectError(f"SESSION {session_id}: no stored recording")
    art = found[0]
    data = read.data[art.id]
    media = art.media_type if art.media_type.startswith("audio/") else "application/octet-stream"
    return Response(
        data,
        media_type=media,
        headers={"cache-control": "no-store", "content-disposition": "inline"},
    )


@router.post("/sessions/{session_id}/flags/{flag_id}", dependencies=CSRF)
def resolve(
    ctx: Ctx,
    actor: CurrentActor,
    session_id: str,
    flag_id: str,
    action: Annotated[str, Form(max_length=10)],
    reason: Short = "",
    text: Text = "",
) -> Response:
    review.resolve_flag(ctx, actor, session_id, flag_id, action=action, reason=reason, text=text)
    return _back(session_id, f"flag-{flag_id}")


@router.post("/sessions/{session_id}/statements/{statement_id}", dependencies=CSRF)
def edit(
    ctx: Ctx, actor: CurrentActor, session_id: str, statement_id: str, text: Text = ""
) -> Response:
    review.edit_statement(ctx, actor, session_id, statement_id, text=text)
    return _back(session_id, f"st-{statement_id}")


@router.post("/sessions/{session_id}/fields/{key}", dependencies=CSRF)
def field(
    ctx: Ctx,
    actor: CurrentActor,
    session_id: str,
    key: str,
    value: Text = "",
    blank_reason: Short = "",
) -> Response:
    review.set_field(ctx, actor, session_id, key, value=value, blank_reason=blank_reason)
    return _back(session_id, "fields")


@router.post("/sessions/{session_id}/header", dependencies=CSRF)
def header(
    ctx: Ctx,
    actor: CurrentActor,
    session_id: str,
    session_date: Annotated[date, Form()],
    duration_minutes: Annotated[int, Form(ge=1, le=600)],
    modality: Annotated[str, Form(max_length=40)],
    participants: Annotated[str, Form(max_length=300)] = "",
    cpt_code: Annotated[str, Form(max_length=10)] = "",
    confirmed: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    review.set_header(
        ctx,
        actor,
        session_id,
        session_date=session_date,
        duration_minutes=duration_minutes,
        modality=modality,
        participants=participants.split(","),
        cpt_code=cpt_code or None,
        confirmed=confirmed == "yes",
    )
    return _back(session_id, "header")


@router.post("/sessions/{session_id}/sign", dependencies=CSRF)
def sign(
    request: Request,
    ctx: Ctx,
    actor: CurrentActor,
    session_id: str,
    password: Annotated[str, Form(max_length=1000)],
    totp: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    try:
        review.sign_note(ctx, actor, session_id, password=password, totp_code=totp or None)
    except AuthenticationError as exc:  # a refused re-authentication: nothing was signed
        return _reauth_refused(request, exc, session_id, "sign")
    return _back(session_id, "signed")


@router.post("/sessions/{session_id}/addenda", dependencies=CSRF)
def addendum(
    request: Request,
    ctx: Ctx,
    actor: CurrentActor,
    session_id: str,
    text: Text,
    password: Annotated[str, Form(max_length=1000)],
    totp: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    try:
        review.add_addendum(
            ctx, actor, session_id, text=text, password=password, totp_code=totp or None
        )
    except AuthenticationError as exc:  # a refused re-authentication: nothing was stored
        return _reauth_refused(request, exc, session_id, "addenda")
    return _back(session_id, "addenda")


@router.post("/sessions/{session_id}/export/{fmt}", dependencies=CSRF)
def export(ctx: Ctx, actor: CurrentActor, session_id: str, fmt: str) -> Response:
    if fmt not in ("markdown", "fhir", "pdf"):
        raise BadInputError("format: expected markdown, fhir or pdf")
    out = export_note(ctx, actor, session_id, fmt)
    return Response(
        out.content,
        media_type=out.media_type,
        headers={
            "content-disposition": f'attachment; filename="{out.filename}"',
            "cache-control": "no-store",
        },
    )
