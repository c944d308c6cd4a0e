"""``create_app(settings)``: the web app factory (the composition root for the web edge).

The practice is opened once here (or passed in by tests), with the transcriber and analysis
engines built lazily on the first job. Routes live in ``clearnote.web.routes``; errors map to one
JSON shape under /api and to an error page elsewhere, never echoing what the client sent.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from clearnote.asr.base import AsrEngine
from clearnote.config import Settings
from clearnote.errors import BadInputError, ClearnoteError, PolicyError
from clearnote.jobs.queue import JobQueue
from clearnote.pipeline.analysis import Engines, load_engines
from clearnote.records.access import UnknownObjectError
from clearnote.records.context import PracticeContext
from clearnote.records.practice import open_practice
from clearnote.records.spool import SPOOL_FOLDER, Spool
from clearnote.records.users import AuthenticationError
from clearnote.transcription.service import Transcriber, build_transcriber
from clearnote.web.deps import CsrfRejected, LoginRequired, WebConfig
from clearnote.web.jobs import JobRunner
from clearnote.web.live import LiveRecordings
from clearnote.web.security import (
    CSRF_COOKIE,
    BodyLimit,
    SecurityHeaders,
    error_body,
    set_cookie,
)

if TYPE_CHECKING:
    from clearnote.diarize import Diarizer

log = logging.getLogger(__name__)
DEFAULT_MAX_UPLOAD = 512 * 1024 * 1024  # a 4-hour compressed recording fits
_STATUS_TEXT = {
    400: ("bad_request", "the request could not be used"),
    401: ("unauthenticated", "sign in first"),
    403: ("forbidden", "refused"),
    404: ("not_found", "not found"),
    405: ("method_not_allowed", "method not allowed"),
    413: ("too_large", "request body over the upload limit"),
    422: ("invalid_request", "the request is not valid"),
    500: ("internal_error", "internal error"),
}


def _package_dir(name: str) -> Path:
    return Path(str(resources.files("clearnote.web").joinpath(name)))


def create_app(
    settings: Settings,
    *,
    ctx: PracticeContext | None = None,
    transcriber_for: Callable[[], Transcriber] | None = None,
    engines_for: Callable[[], Engines] | None = None,
    insecure_loopback_cookies: bool = False,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD,
    job_queue: JobQueue | None = None,
) -> FastAPI:
    """Build the app. ``ctx``: an open practice (tests); otherwise opened from ``settings``.
    ``job_queue``: where stage jobs go (tests); otherwise the workers' queue when
    ``settings.queue_url`` is set, or none (every stage in this process).
    ``insecure_loopback_cookies``: drop the Secure flag for plain http://127.0.0.1 only (tests,
    local development); never for any other host."""
    owned = ctx is None
    practice = ctx if ctx is not None else open_practice(settings)
    cache: dict[str, object] = {}
    loading = threading.RLock()  # a job and a live recording may ask for it at once

    def transcriber() -> Transcriber:
        with loading:
            if "t" not in cache:
                cache["t"] = build_transcriber(settings)
        value: Transcriber = cache["t"]  # type: ignore[assignment]
        return value

    def live_transcriber() -> Transcriber | None:
        """The pipeline's transcriber, for transcription while recording (a stand-in
        transcriber: none)."""
        with loading:
            if "live" not in cache:
                made = (transcriber_for or transcriber)()
                cache["live"] = made if isinstance(made, Transcriber) else None
        value: Transcriber | None = cache["live"]  # type: ignore[assignment]
        return value

    def live_engine() -> AsrEngine | None:
        made = live_transcriber()
        return made.engine if made is not None else None

    def live_diarizer() -> Diarizer | None:
        made = live_transcriber()
        return made.diarizer if made is not None else None

    def engines() -> Engines:
        if "e" not in cache:
            cache["e"] = load_engines(settings)
        value: Engines = cache["e"]  # type: ignore[assignment]
        return value

    workers_queue = None
    if job_queue is None and settings.queue_url is not None:
        from clearnote.jobs.celery_queue import CeleryQueue, make_app, signer_for

        workers_queue = CeleryQueue(make_app(settings), signer_for(practice))
    runner = JobRunner(
        practice,
        transcriber_for=transcriber_for or transcriber,
        engines_for=engines_for or engines,
        max_audio_seconds=settings.max_audio_seconds,
        queue=job_queue or workers_queue,
    )
    live = LiveRecordings(
        runner,
        max_bytes=max_upload_bytes,
        engine_for=live_engine if settings.live_transcribe else None,
        diarizer_for=live_diarizer if settings.live_transcribe else None,
        workers=settings.live_transcribe_workers,
        max_audio_seconds=settings.max_audio_seconds,
        # browser recordings are written through, sealed, so a restart loses none of them
        spool=Spool(practice.settings.home / SPOOL_FOLDER, practice.keys),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        recovered = live.recover()  # recordings a stopped server left: processed now
        if recovered:
            log.info("recovered %d recording(s) left by a stopped server", len(recovered))
        yield
        live.close()
        runner.close()
        if workers_queue is not None:
            workers_queue.close()
        if owned:
            practice.close()

    app = FastAPI(
        title="Clearnote",
        version="0.1.0",
        description="Clinician web app and REST API (every call authorized in the service layer)",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.ctx = practice
    app.state.jobs = runner
    app.state.live_recordings = live
    app.state.web_config = WebConfig(
        insecure_loopback_cookies=insecure_loopback_cookies,
        max_upload_bytes=max_upload_bytes,
        idle_timeout_s=settings.session_idle_timeout_s,
    )
    app.state.templates = Jinja2Templates(directory=str(_package_dir("templates")))
    app.mount("/static", StaticFiles(directory=str(_package_dir("static"))), name="static")

    @app.middleware("http")
    async def csrf_cookie(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        fresh = getattr(request.state, "new_csrf", None)
        if fresh is not None:
            set_cookie(
                response, request, CSRF_COOKIE, fresh, insecure_loopback=insecure_loopback_cookies
            )
        return response

    app.add_middleware(BodyLimit, max_bytes=max_upload_bytes)
    app.add_middleware(SecurityHeaders)
    _install_error_handlers(app)

    from clearnote.web.routes import admin, api, auth, pages, portal, recording, review

    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(review.router)
    app.include_router(portal.router)
    app.include_router(admin.router)
    app.include_router(api.router)
    app.include_router(recording.router)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


def _error(request: Request, status: int, message: str | None = None, **extra: object) -> Response:
    code, default = _STATUS_TEXT.get(status, ("error", "error"))
    text = message or default
    if _is_api(request):
        return JSONResponse(error_body(status, code, text, **extra), status_code=status)
    from clearnote.web.deps import render

    return render(request, "error.html", {"status": status, "message": text}, status=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _is_api(request):
            return _error(request, 401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, _exc: CsrfRejected) -> Response:
        return _error(request, 403, "missing or wrong CSRF token; reload the page", reason="csrf")

    @app.exception_handler(ClearnoteError)
    async def clearnote_error(request: Request, exc: ClearnoteError) -> Response:
        # messages of the error tree are PHI-free by rule (ids, arguments, counts, reasons)
        if isinstance(exc, AuthenticationError):
            return _error(request, 401, exc.message)
        if isinstance(exc, PolicyError):
            return _error(request, 403, exc.message)
        if isinstance(exc, UnknownObjectError):
            # the kind only ("SESSION: not found"): the id came from the request, never echo it
            kind = exc.message.partition(":")[0][:20] if ":" in exc.message else ""
            return _error(request, 404, f"{kind}: not found" if kind else None)
        if isinstance(exc, BadInputError):
            return _error(request, 400, exc.message)
        log.warning("request failed: %s", type(exc).__name__)
        return _error(request, 500)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        # name the fields, never echo their values
        fields = sorted({".".join(str(p) for p in e.get("loc", ())) for e in exc.errors()})
        return _error(request, 422, None, fields=fields)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code)

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.error("unhandled %s on %s", type(exc).__name__, request.url.path.split("/")[1:2])
        return _error(request, 500)
