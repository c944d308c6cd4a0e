"""Recording in the browser (API): start, append chunks as they come, stop to process.

``POST /api/clients/{id}/live-recordings`` checks access and consent (record, transcribe) and
opens an in-memory buffer; ``PUT /api/live-recordings/{id}/chunks/{seq}`` appends one chunk (the
raw bytes as the body, in order from 0); ``GET /api/live-recordings/{id}`` tells how far it has
been transcribed while recording; ``POST /api/live-recordings/{id}/stop`` processes the
whole recording as an upload is (202 with the job); ``DELETE`` discards it unprocessed. Cookie
authentication and the ``X-CSRF-Token`` header, as for the rest of the API."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from clearnote.records import clients, consent
from clearnote.web.deps import Ctx, CurrentActor, csrf_protect
from clearnote.web.live import LiveRecordings
from clearnote.web.routes.api import ERRORS, JobOut

router = APIRouter(prefix="/api", dependencies=[Depends(csrf_protect)], tags=["recording"])
BINARY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


class LiveOut(BaseModel):
    id: str
    client_id: str
    chunks: int
    bytes: int


class LiveProgressOut(LiveOut):
    transcribing: bool = Field(description="transcribed while recording (else after the stop)")
    received_s: float | None = Field(description="seconds of audio decoded so far")
    transcribed_s: float = Field(description="seconds transcribed so far, from the start")


def live(request: Request) -> LiveRecordings:
    recordings: LiveRecordings = request.app.state.live_recordings
    return recordings


Live = Annotated[LiveRecordings, Depends(live)]
RecId = Annotated[str, Path(max_length=64)]


@router.post(
    "/clients/{client_id}/live-recordings",
    response_model=LiveOut,
    status_code=201,
    responses=ERRORS,
)
def live_start(
    ctx: Ctx,
    actor: CurrentActor,
    recordings: Live,
    client_id: Annotated[str, Path(max_length=64)],
    fmt: Annotated[Literal["soap", "dap", "birp", "girp", "pirp"], Query()] = "soap",
) -> LiveOut:
    """Open a recording for the client (refused without access or consent to record and
    transcribe; the refusal is audited)."""
    view = clients.show_client(ctx, actor, client_id)
    consent.require_consent(view.id, ["record", "transcribe"], actor, ctx=ctx, stage="record")
    rec = recordings.start(actor, view.id, fmt=fmt)
    return LiveOut.model_validate(rec.to_document())


@router.put(
    "/live-recordings/{rec_id}/chunks/{seq}",
    response_model=LiveOut,
    responses=ERRORS,
    openapi_extra=BINARY_BODY,
)
async def live_chunk(
    request: Request,
    actor: CurrentActor,
    recordings: Live,
    rec_id: RecId,
    seq: Annotated[int, Path(ge=0, le=100_000)],
) -> LiveOut:
    """Append chunk ``seq`` (0, 1, 2, ...); resending the last one is harmless."""
    body = await request.body()
    rec = recordings.append(rec_id, actor, seq, body)
    return LiveOut.model_validate(rec.to_document())


@router.get("/live-recordings/{rec_id}", response_model=LiveProgressOut, responses=ERRORS)
def live_progress(actor: CurrentActor, recordings: Live, rec_id: RecId) -> LiveProgressOut:
    """How far the recording in progress has been received and transcribed."""
    rec = recordings.get(rec_id, actor)
    return LiveProgressOut.model_validate(rec.progress())


@router.post(
    "/live-recordings/{rec_id}/stop", response_model=JobOut, status_code=202, responses=ERRORS
)
def live_stop(actor: CurrentActor, recordings: Live, rec_id: RecId) -> JobOut:
    """Process the whole recording in the background, as an upload."""
    job = recordings.stop(rec_id, actor)
    return JobOut.model_validate(job.to_document())


@router.delete("/live-recordings/{rec_id}", status_code=204, responses=ERRORS)
def live_discard(actor: CurrentActor, recordings: Live, rec_id: RecId) -> Response:
    recordings.discard(rec_id, actor)
    return Response(status_code=204)
