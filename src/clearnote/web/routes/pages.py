"""Clients, consent capture on screen, sessions, upload and job progress."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from clearnote.consent.loader import load_form
from clearnote.domain.consent import Purpose, prerequisites
from clearnote.errors import BadInputError
from clearnote.export.access_package import build_access_package
from clearnote.records import clients, consent, disclosures, portal, sessions
from clearnote.records.access import UnknownObjectError
from clearnote.security.roles import Role
from clearnote.web.deps import Ctx, CurrentActor, csrf_protect, render
from clearnote.web.markup import markdown_html

router = APIRouter(include_in_schema=False)
CSRF = [Depends(csrf_protect)]


@router.get("/")
def home(actor: CurrentActor) -> Response:
    return RedirectResponse(landing(actor.roles), status_code=303)


def landing(roles: frozenset[Role]) -> str:
    """Where a user lands after sign-in: clients their portal, admin-only accounts the admin."""
    if Role.CLIENT in roles:
        return "/portal"
    if Role.CLINICIAN not in roles and roles & {Role.OWNER, Role.ADMIN}:
        return "/admin"
    return "/clients"


@router.get("/clients")
def client_list(request: Request, ctx: Ctx, actor: CurrentActor) -> Response:
    if landing(actor.roles) != "/clients":
        return RedirectResponse(landing(actor.roles), status_code=303)
    views = [clients.show_client(ctx, actor, cid) for cid in clients.list_clients(ctx, actor)]
    return render(request, "clients.html", {"clients": views})


@router.post("/clients", dependencies=CSRF)
def client_add(
    ctx: Ctx,
    actor: CurrentActor,
    name: Annotated[str, Form(max_length=200)],
    jurisdiction: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    codes = [jurisdiction] if jurisdiction.strip() else []
    cid = clients.add_client(ctx, actor, name=name, jurisdictions=codes)
    return RedirectResponse(f"/clients/{cid}", status_code=303)


@router.get("/clients/{client_id}")
def client_page(request: Request, ctx: Ctx, actor: CurrentActor, client_id: str) -> Response:
    view = clients.show_client(ctx, actor, client_id)
    state = consent.show(ctx, actor, client_id)
    granted = {
        p["purpose"]
        for p in state["purposes"]
        if p["participant_id"] is None and p["status"] == "granted"
    }
    rows = sessions.list_sessions(ctx, actor, client_id=client_id)
    return render(
        request,
        "client.html",
        {
            "client": view,
            "consent": state,
            "granted": granted,
            "sessions": list(reversed(rows)),
            "can_upload": {"record", "transcribe"} <= granted,
            "requests": portal.requests_for(ctx, actor, client_id),
            "decisions": portal.DECISIONS,
            "error_sources": portal.ERROR_SOURCES,
            "disclosures": disclosures.client_accounting(ctx, actor, client_id),
            "bases": list(disclosures.BASES),
        },
    )


@router.post("/clients/{client_id}/requests/{seq}", dependencies=CSRF)
def request_decide(
    ctx: Ctx,
    actor: CurrentActor,
    client_id: str,
    seq: int,
    decision: Annotated[str, Form(max_length=10)],
    error_source: Annotated[str, Form(max_length=20)] = "none",
) -> Response:
    portal.decide_request(ctx, actor, client_id, seq, decision=decision, error_source=error_source)
    return RedirectResponse(f"/clients/{client_id}#requests-h", status_code=303)


@router.post("/clients/{client_id}/access-package", dependencies=CSRF)
def access_package(ctx: Ctx, actor: CurrentActor, client_id: str) -> Response:
    package = build_access_package(ctx, actor, client_id)
    return Response(
        package.content,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{package.filename}"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/clients/{client_id}/disclosures", dependencies=CSRF)
def disclosure_add(
    ctx: Ctx,
    actor: CurrentActor,
    client_id: str,
    basis: Annotated[str, Form(max_length=40)],
    recipient: Annotated[str, Form(max_length=300)],
    description: Annotated[str, Form(max_length=500)],
    purpose: Annotated[str, Form(max_length=300)],
    disclosed_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    try:
        day = date.fromisoformat(disclosed_on) if disclosed_on.strip() else None
    except ValueError:
        raise BadInputError("disclosed_on: expected a date (YYYY-MM-DD)") from None
    disclosures.record_disclosure(
        ctx,
        actor,
        client_id,
        basis=basis,
        recipient=recipient,
        description=description,
        purpose=purpose,
        disclosed_on=day,
    )
    return RedirectResponse(f"/clients/{client_id}#disclosures-h", status_code=303)


@router.get("/clients/{client_id}/consent")
def consent_page(request: Request, ctx: Ctx, actor: CurrentActor, client_id: str) -> Response:
    view = clients.show_client(ctx, actor, client_id)
    forms = []
    for p in Purpose:
        form = load_form(p)
        forms.append(
            {
                "purpose": p.value,
                "title": form.title,
                "html": markdown_html(form.body),
                "id": form.id,
                "version": form.version,
                "sha": form.sha256[:16],
                "requires": [q.value for q in prerequisites(p)],
            }
        )
    return render(request, "consent.html", {"client": view, "forms": forms})


@router.post("/clients/{client_id}/consent", dependencies=CSRF)
async def consent_grant(
    request: Request, ctx: Ctx, actor: CurrentActor, client_id: str
) -> Response:
    form = await request.form()
    purposes = [str(v) for v in form.getlist("purpose")]
    signed_by = str(form.get("signed_by", ""))
    if not purposes:
        raise BadInputError("purpose: tick at least one purpose")
    if form.get("read_confirmed") != "yes":
        raise BadInputError("read_confirmed: the client must confirm they have read the forms")
    consent.grant(ctx, actor, client_id, purposes, signed_by=signed_by)
    return RedirectResponse(f"/clients/{client_id}", status_code=303)


@router.post("/clients/{client_id}/consent/revoke", dependencies=CSRF)
def consent_revoke(
    ctx: Ctx, actor: CurrentActor, client_id: str, purpose: Annotated[str, Form(max_length=40)]
) -> Response:
    consent.revoke(ctx, actor, client_id, purpose)
    return RedirectResponse(f"/clients/{client_id}", status_code=303)


@router.get("/jobs/{job_id}")
def job_page(request: Request, actor: CurrentActor, job_id: str) -> Response:
    job = request.app.state.jobs.get(job_id, actor)
    if job is None:
        raise UnknownObjectError(f"JOB: no job with id {job_id[:40]}")
    return render(request, "job.html", {"job": job})
