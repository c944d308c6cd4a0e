"""Request dependencies: the open practice, the signed-in actor, CSRF, templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from clearnote.records.context import Actor, PracticeContext
from clearnote.records.users import AuthenticationError, validate_session
from clearnote.web.jobs import JobRunner
from clearnote.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    UNSAFE,
    csrf_ok,
    csrf_token,
)


class LoginRequired(Exception):
    """No valid sign-in (pages redirect to /login; the API answers 401)."""


class CsrfRejected(Exception):
    """An unsafe request without the matching CSRF token."""


@dataclass
class WebConfig:
    insecure_loopback_cookies: bool
    max_upload_bytes: int
    idle_timeout_s: int


def practice(request: Request) -> PracticeContext:
    ctx: PracticeContext = request.app.state.ctx
    return ctx


def config(request: Request) -> WebConfig:
    cfg: WebConfig = request.app.state.web_config
    return cfg


def jobs(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


def current_actor(request: Request) -> Actor:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 200:
        raise LoginRequired
    try:
        return validate_session(request.app.state.ctx, token, via="web")
    except AuthenticationError:
        raise LoginRequired from None


async def csrf_protect(request: Request) -> None:
    """Unsafe methods need the CSRF token (form field or header) matching its cookie."""
    if request.method not in UNSAFE:
        return
    submitted = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if submitted is None and content_type.startswith("application/x-www-form-urlencoded"):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if not csrf_ok(request, submitted):
        raise CsrfRejected


Ctx = Annotated[PracticeContext, Depends(practice)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
Config = Annotated[WebConfig, Depends(config)]
Jobs = Annotated[JobRunner, Depends(jobs)]


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    cfg: WebConfig = request.app.state.web_config
    data = {"csrf": csrf_token(request), "idle_timeout_s": cfg.idle_timeout_s, **(context or {})}
    return templates.TemplateResponse(request, name, data, status_code=status)
