"""Administration pages (owner/admin; no clinical content): users, audit viewer with chain
verification, retention policy, jurisdiction profiles, and break-glass with a justification.
Authorization is in ``records.admin`` and ``records.grants``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from clearnote.records import admin, grants
from clearnote.security.roles import BREAK_GLASS_MAX_MINUTES
from clearnote.web.deps import Ctx, CurrentActor, csrf_protect, render

router = APIRouter(include_in_schema=False)
CSRF = [Depends(csrf_protect)]


@router.get("/admin")
def admin_home(_actor: CurrentActor) -> Response:
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/users")
def users_page(request: Request, ctx: Ctx, actor: CurrentActor) -> Response:
    users = admin.list_users(ctx, actor)
    roles = [r.value for r in admin.ADDABLE_ROLES]
    return render(
        request,
        "admin_users.html",
        {"users": users, "roles": roles, "reasons": admin.DISABLE_REASONS, "me": actor.user_id},
    )


@router.post("/admin/users", dependencies=CSRF)
def user_add(
    request: Request,
    ctx: Ctx,
    actor: CurrentActor,
    email: Annotated[str, Form(max_length=320)],
    role: Annotated[str, Form(max_length=20)],
    password: Annotated[str, Form(max_length=1000)],
) -> Response:
    uid, uri = admin.add_user(ctx, actor, email=email, role=role, password=password)
    return render(request, "admin_enrol.html", {"user_id": uid, "uri": uri, "what": "created"})


@router.post("/admin/users/{user_id}/mfa-reset", dependencies=CSRF)
def user_mfa_reset(request: Request, ctx: Ctx, actor: CurrentActor, user_id: str) -> Response:
    uri = admin.reset_mfa(ctx, actor, user_id)
    return render(
        request, "admin_enrol.html", {"user_id": user_id[:64], "uri": uri, "what": "MFA reset"}
    )


@router.post("/admin/users/{user_id}/disable", dependencies=CSRF)
def user_disable(
    ctx: Ctx, actor: CurrentActor, user_id: str, reason: Annotated[str, Form(max_length=40)]
) -> Response:
    admin.set_disabled(ctx, actor, user_id, disabled=True, reason=reason)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/enable", dependencies=CSRF)
def user_enable(ctx: Ctx, actor: CurrentActor, user_id: str) -> Response:
    admin.set_disabled(ctx, actor, user_id, disabled=False)
    return RedirectResponse("/admin/users", status_code=303)


@router.get("/admin/audit")
def audit_page(request: Request, ctx: Ctx, actor: CurrentActor, verify: str = "") -> Response:
    check = admin.verify_audit(ctx, actor) if verify == "1" else None
    entries = admin.recent_audit(ctx, actor)
    return render(request, "admin_audit.html", {"entries": entries, "check": check})


@router.get("/admin/retention")
def retention_page(request: Request, ctx: Ctx, actor: CurrentActor) -> Response:
    return render(request, "admin_retention.html", {"r": admin.retention_view(ctx, actor)})


@router.get("/admin/jurisdictions")
def jurisdictions_page(request: Request, ctx: Ctx, actor: CurrentActor, code: str = "") -> Response:
    view = admin.jurisdictions_view(ctx, actor, code[:10] or None)
    return render(request, "admin_jurisdictions.html", {"j": view})


@router.get("/admin/break-glass")
def break_glass_page(request: Request, _actor: CurrentActor) -> Response:
    return render(request, "admin_break_glass.html", {"max_minutes": BREAK_GLASS_MAX_MINUTES})


@router.post("/admin/break-glass", dependencies=CSRF)
def break_glass(
    request: Request,
    ctx: Ctx,
    actor: CurrentActor,
    client_id: Annotated[str, Form(max_length=64)],
    justification: Annotated[str, Form(max_length=2000)],
    minutes: Annotated[int, Form(ge=1, le=BREAK_GLASS_MAX_MINUTES)] = 30,
) -> Response:
    gid = grants.break_glass(
        ctx, actor, client_id.strip(), justification=justification, minutes=minutes
    )
    return render(
        request,
        "admin_break_glass.html",
        {
            "max_minutes": BREAK_GLASS_MAX_MINUTES,
            "granted": {"id": gid, "client_id": client_id.strip(), "minutes": minutes},
        },
    )
