"""The client portal: the client's own consent (grant with a typed name, revoke), the AI-use
disclosure, the transparency report, and deletion or amendment requests. Every call goes through
``records.portal``, which resolves the signed-in client's own record and refuses any other; the
clinician's invitation and the client's password setup live here too."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from clearnote.consent.loader import load_form, load_intro
from clearnote.domain.consent import Purpose
from clearnote.errors import BadInputError
from clearnote.records import clients, portal
from clearnote.web.deps import Ctx, CurrentActor, csrf_protect, render
from clearnote.web.markup import markdown_html

router = APIRouter(include_in_schema=False)
CSRF = [Depends(csrf_protect)]


@router.get("/portal")
def portal_home(request: Request, ctx: Ctx, actor: CurrentActor) -> Response:
    state = portal.consent_state(ctx, actor)
    report = portal.report(ctx, actor)
    requests = portal.requests_for(ctx, actor, report["client_id"])
    return render(
        request,
        "portal.html",
        {
            "consent": state,
            "report": report,
            "requests": requests,
            "kinds": portal.REQUEST_KINDS,
            "reasons": portal.REQUEST_REASONS,
            "sent": request.query_params.get("sent") == "1",
        },
    )


@router.get("/portal/disclosure")
def disclosure(request: Request, actor: CurrentActor, ctx: Ctx) -> Response:
    portal.own_client_id(ctx, actor)
    intro = load_intro()
    forms = [
        {
            "purpose": p.value,
            "title": f.title,
            "html": markdown_html(f.body),
            "version": f.version,
        }
        for p in Purpose
        for f in (load_form(p),)
    ]
    return render(
        request,
        "portal_disclosure.html",
        {"intro": {"title": intro.title, "html": markdown_html(intro.body)}, "forms": forms},
    )


@router.post("/portal/consent", dependencies=CSRF)
async def portal_grant(request: Request, ctx: Ctx, actor: CurrentActor) -> Response:
    form = await request.form()
    purposes = [str(v) for v in form.getlist("purpose")][:20]
    if not purposes:
        raise BadInputError("purpose: tick at least one purpose")
    if form.get("read_confirmed") != "yes":
        raise BadInputError("read_confirmed: confirm you have read the disclosure")
    portal.grant(ctx, actor, purposes, signed_by=str(form.get("signed_by", ""))[:300])
    return RedirectResponse("/portal", status_code=303)


@router.post("/portal/consent/revoke", dependencies=CSRF)
def portal_revoke(
    request: Request,
    ctx: Ctx,
    actor: CurrentActor,
    purpose: Annotated[str, Form(max_length=40)],
) -> Response:
    result = portal.revoke(ctx, actor, purpose)
    return render(request, "portal_revoked.html", {"r": result, "reasons": portal.REQUEST_REASONS})


@router.post("/portal/requests", dependencies=CSRF)
def portal_request(
    ctx: Ctx,
    actor: CurrentActor,
    kind: Annotated[str, Form(max_length=20)],
    reason: Annotated[str, Form(max_length=40)],
    target_id: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    portal.request(ctx, actor, kind=kind, target_id=target_id, reason=reason)
    return RedirectResponse("/portal?sent=1", status_code=303)


@router.get("/portal/invite/{invite_id}")
def invite_page(request: Request, invite_id: str, token: str = "") -> Response:
    return render(
        request, "portal_invite.html", {"invite_id": invite_id[:64], "token": token[:100]}
    )


@router.post("/portal/invite/{invite_id}", dependencies=CSRF)
def invite_accept(
    ctx: Ctx,
    invite_id: str,
    token: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    password2: Annotated[str, Form(max_length=1000)],
) -> Response:
    if password != password2:
        raise BadInputError("password2: the two passwords differ")
    portal.accept_invite(ctx, invite_id, token, password=password)
    return RedirectResponse("/login?reason=activated", status_code=303)


@router.post("/clients/{client_id}/portal-invite", dependencies=CSRF)
def clinician_invite(
    request: Request,
    ctx: Ctx,
    actor: CurrentActor,
    client_id: str,
    email: Annotated[str, Form(max_length=320)],
) -> Response:
    view = clients.show_client(ctx, actor, client_id)
    invite_id, token = portal.invite(ctx, actor, client_id, email=email)
    link = f"{request.base_url}portal/invite/{invite_id}?token={token}"
    return render(request, "portal_invited.html", {"client": view, "link": link})
