"""The REST API under /api (OpenAPI at /api/openapi.json). Cookie-authenticated; unsafe methods
need the ``X-CSRF-Token`` header. Every call is authorized and audited in the service layer."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from clearnote.records import clients, consent, sessions
from clearnote.records.access import UnknownObjectError
from clearnote.records.review import EDIT_PARTS, load_review, resolve_flag, sign_note
from clearnote.web.deps import Ctx, CurrentActor, Jobs, csrf_protect

router = APIRouter(prefix="/api", dependencies=[Depends(csrf_protect)], tags=["api"])


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str


class ErrorEnvelope(BaseModel):
    error: ErrorBody


ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorEnvelope} for s in (400, 401, 403, 404, 413, 422)
}


class ClientIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    jurisdictions: list[Annotated[str, Field(max_length=10)]] = Field(default=[], max_length=5)


class ClientOut(BaseModel):
    id: str
    name: str
    jurisdictions: list[str]


class JobOut(BaseModel):
    id: str
    client_id: str
    status: str
    progress: float
    session_id: str | None
    error: str | None
    stages: dict[str, str]


class FlagOut(BaseModel):
    id: str
    source: str
    kind: str
    statement_id: str | None
    segment_ids: list[str]
    resolved: bool
    action: str | None
    domain: str | None = None  # screening flags: the risk domain and level
    level: str | None = None


class ReviewOut(BaseModel):
    session_id: str
    status: str
    flags: list[FlagOut]
    blockers: list[str]
    signed: bool


class SignIn(BaseModel):
    password: str = Field(min_length=1, max_length=1000, repr=False)
    totp: str | None = Field(
        default=None,
        max_length=12,
        repr=False,
        description="the current authenticator code (required for roles with MFA)",
    )


class ResolveIn(BaseModel):
    action: Literal["accept", "edit", "dismiss"]
    reason: str | None = Field(default=None, max_length=500)
    text: str | None = Field(default=None, max_length=4000)


@router.get("/clients", response_model=list[ClientOut], responses=ERRORS)
def api_clients(ctx: Ctx, actor: CurrentActor) -> list[ClientOut]:
    out = []
    for cid in clients.list_clients(ctx, actor):
        v = clients.show_client(ctx, actor, cid)
        out.append(ClientOut(id=v.id, name=v.name, jurisdictions=list(v.jurisdictions)))
    return out


@router.post("/clients", response_model=ClientOut, status_code=201, responses=ERRORS)
def api_client_add(ctx: Ctx, actor: CurrentActor, body: ClientIn) -> ClientOut:
    cid = clients.add_client(ctx, actor, name=body.name, jurisdictions=body.jurisdictions)
    return ClientOut(id=cid, name=body.name.strip(), jurisdictions=body.jurisdictions)


@router.get("/clients/{client_id}/consent", responses=ERRORS)
def api_consent(ctx: Ctx, actor: CurrentActor, client_id: str) -> dict[str, Any]:
    return consent.show(ctx, actor, client_id)


@router.get("/sessions", responses=ERRORS)
def api_sessions(
    ctx: Ctx, actor: CurrentActor, client_id: Annotated[str | None, Query(max_length=64)] = None
) -> list[dict[str, Any]]:
    views = sessions.list_sessions(ctx, actor, client_id=client_id)
    return [v.model_dump(mode="json") for v in views]


@router.post(
    "/clients/{client_id}/recordings",
    response_model=JobOut,
    status_code=202,
    responses=ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def api_upload(
    request: Request,
    ctx: Ctx,
    actor: CurrentActor,
    runner: Jobs,
    client_id: str,
    fmt: Annotated[Literal["soap", "dap", "birp", "girp", "pirp"], Query()] = "soap",
) -> JobOut:
    """Upload a recording (the raw file as the body); processing runs in the background."""
    # authorize and check consent before accepting the body's work (refusals are audited)
    consent.require_consent(client_id, ["record", "transcribe"], actor, ctx=ctx, stage="upload")
    body = await request.body()
    job = runner.submit(actor, client_id, body, fmt=fmt)
    return JobOut.model_validate(job.to_document())


@router.get("/jobs/{job_id}", response_model=JobOut, responses=ERRORS)
def api_job(actor: CurrentActor, runner: Jobs, job_id: str) -> JobOut:
    job = runner.get(job_id, actor)
    if job is None:
        raise UnknownObjectError(f"JOB: no job with id {job_id[:40]}")
    return JobOut.model_validate(job.to_document())


def _review_out(ctx: Ctx, actor: CurrentActor, session_id: str) -> ReviewOut:
    b = load_review(ctx, actor, session_id, EDIT_PARTS)
    flags = []
    for f in b.flags:
        r = b.state.resolution(f.id) if b.state else None
        flags.append(
            FlagOut(
                id=f.id,
                source=f.source,
                kind=f.kind,
                statement_id=f.statement_id,
                segment_ids=list(f.segment_ids),
                domain=f.domain,
                level=f.level,
                resolved=r is not None,
                action=r.action if r else None,
            )
        )
    signed = b.is_signed
    return ReviewOut(
        session_id=session_id,
        status=b.session.status,
        flags=flags,
        blockers=[] if signed else list(b.blockers()),
        signed=signed,
    )


@router.get("/sessions/{session_id}/review", response_model=ReviewOut, responses=ERRORS)
def api_review(ctx: Ctx, actor: CurrentActor, session_id: str) -> ReviewOut:
    return _review_out(ctx, actor, session_id)


@router.post("/sessions/{session_id}/flags/{flag_id}", response_model=ReviewOut, responses=ERRORS)
def api_resolve(
    ctx: Ctx, actor: CurrentActor, session_id: str, flag_id: str, body: ResolveIn
) -> ReviewOut:
    resolve_flag(
        ctx, actor, session_id, flag_id, action=body.action, reason=body.reason, text=body.text
    )
    return _review_out(ctx, actor, session_id)


@router.post("/sessions/{session_id}/sign", response_model=ReviewOut, responses=ERRORS)
def api_sign(ctx: Ctx, actor: CurrentActor, session_id: str, body: SignIn) -> ReviewOut:
    """Sign the note: re-authenticate with the password and, for roles that require MFA, the
    current authenticator code (each code is accepted once). 401 when refused; nothing signed."""
    sign_note(ctx, actor, session_id, password=body.password, totp_code=body.totp or None)
    return _review_out(ctx, actor, session_id)
