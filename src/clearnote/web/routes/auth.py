"""Sign-in (password + TOTP), sign-out, and the idle logoff landing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from clearnote.records.users import AuthenticationError, authenticate, logout
from clearnote.web.deps import Config, Ctx, csrf_protect, render
from clearnote.web.routes.pages import landing
from clearnote.web.security import SESSION_COOKIE, set_cookie

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(request: Request, reason: str | None = None) -> Response:
    notes = {
        "idle": "You were signed out after a period of inactivity.",
        "activated": "Your password is set. Sign in with your e-mail and password.",
    }
    note = notes.get(reason or "")
    return render(request, "login.html", {"note": note})


@router.post("/login", dependencies=[Depends(csrf_protect)])
def login(
    request: Request,
    ctx: Ctx,
    cfg: Config,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1000)],
    totp: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    try:
        result = authenticate(ctx, email=email, password=password, totp_code=totp or None)
    except AuthenticationError as exc:
        return render(request, "login.html", {"error": exc.message}, status=401)
    response = RedirectResponse(landing(result.roles), status_code=303)
    set_cookie(
        response,
        request,
        SESSION_COOKIE,
        result.token,
        insecure_loopback=cfg.insecure_loopback_cookies,
    )
    return response


@router.post("/logout", dependencies=[Depends(csrf_protect)])
def sign_out(
    request: Request, ctx: Ctx, reason: Annotated[str, Form(max_length=10)] = ""
) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token and len(token) <= 200:
        logout(ctx, token)
    target = "/login?reason=idle" if reason == "idle" else "/login"
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response
