"""Transport-level protections: security headers, an upload size limit, cookies and CSRF.

- every response: a Content-Security-Policy without inline scripts, ``X-Content-Type-Options:
  nosniff``, ``frame-ancestors 'none'`` (and ``X-Frame-Options: DENY``), no referrer; every
  non-static response ``Cache-Control: no-store`` (pages carry PHI);
- request bodies over the limit are refused with 413 before they are read in full;
- cookies are HttpOnly, Secure and SameSite=Strict; the one exception, for tests and local
  development only, drops Secure for plain http://127.0.0.1 when the app is built with
  ``insecure_loopback_cookies=True``;
- CSRF: a random token in its own cookie, echoed in each form (``csrf_token``) or in the
  ``X-CSRF-Token`` header; compared in constant time on every unsafe method.
"""

from __future__ import annotations

import hmac
import json
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "permissions-policy": "microphone=(self), camera=(), geolocation=()",
    "cross-origin-opener-policy": "same-origin",
}
SESSION_COOKIE = "cn_session"
CSRF_COOKIE = "cn_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class SecurityHeaders:
    """Adds the security headers (and no-store outside /static) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1").lower() not in HEADERS
                    and (static or k.decode("latin-1").lower() != "cache-control")
                ]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                    headers.append((b"pragma", b"no-cache"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` (413, the one JSON error shape)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = self.max_bytes + 1
                if declared > self.max_bytes:
                    await too_large(send)
                    return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await too_large(send)


class BodyTooLarge(Exception):
    """The streamed body passed the limit."""


async def too_large(send: Send) -> None:
    body = json.dumps(error_body(413, "too_large", "request body over the upload limit")).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def error_body(status: int, code: str, message: str, **extra: Any) -> dict[str, Any]:
    """The one error shape: ``{"error": {"status", "code", "message", ...}}``."""
    return {"error": {"status": status, "code": code, "message": message, **extra}}


def cookie_secure(request: Request, insecure_loopback: bool) -> bool:
    if not insecure_loopback:
        return True
    return not (request.url.scheme == "http" and request.url.hostname == "127.0.0.1")


def set_cookie(
    response: Response, request: Request, name: str, value: str, *, insecure_loopback: bool
) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        secure=cookie_secure(request, insecure_loopback),
        samesite="strict",
        path="/",
    )


def csrf_token(request: Request) -> str:
    """The request's CSRF token (the cookie's, or a fresh one the response will set)."""
    existing = request.cookies.get(CSRF_COOKIE)
    if existing and 20 <= len(existing) <= 100:
        return existing
    fresh: str | None = getattr(request.state, "new_csrf", None)
    if fresh is None:
        fresh = secrets.token_urlsafe(32)
        request.state.new_csrf = fresh
    return fresh


def csrf_ok(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted:
        return False
    return hmac.compare_digest(cookie.encode(), submitted.encode())
