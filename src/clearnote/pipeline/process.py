"""``clearnote process``: one recorded session through the whole pipeline, under the client's
consent and jurisdiction, every artefact sealed in the record system.

Order matters for the rules that hold everywhere:

1. consent for ``record`` and ``transcribe`` (client and every participant present) is checked
   first; a refusal is audited and nothing is stored (exit 3);
2. the audio is decoded and validated before anything is created (bad input: exit 2);
3. the session is created and the audio sealed *before* any stage job exists, so a worker reads
   the recording from the blob store, never from the uploader's path;
4. the stages (``pipeline.stages``) run as jobs: in this process (``process_recording``), on
   workers (``enqueue_recording``), or transcription here and the text stages on workers
   (``process_recording(then=...)``); each runs only with its consent, a skipped stage is
   recorded with its reason, and every AI run is recorded for the client report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clearnote.asr.base import AsrOutput
from clearnote.audio import DecodedAudio, load_audio
from clearnote.domain.consent import Purpose
from clearnote.errors import AudioError
from clearnote.jobs.queue import InProcessQueue, JobQueue
from clearnote.jobs.types import STAGES, PipelineOptions, StageJob
from clearnote.pipeline.analysis import Engines
from clearnote.pipeline.stages import WHERE, StageRunner
from clearnote.records import sessions, stage_leases
from clearnote.records.consent import require_consent
from clearnote.records.context import Actor, PracticeContext
from clearnote.transcription.service import ProgressFactory, Transcriber

if TYPE_CHECKING:
    from clearnote.diarize.diarizer import VoicePrefix

log = logging.getLogger(__name__)
__all__ = ["WHERE", "ProcessResult", "enqueue_recording", "process_recording"]


@dataclass(frozen=True)
class ProcessResult:
    session_id: str
    status: str
    stages: dict[str, str] = field(default_factory=dict)
    artefacts: dict[str, str] = field(default_factory=dict)

    def to_document(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "status": self.status,
            "stages": self.stages,
            "artefacts": self.artefacts,
        }


def _options(fmt: str, framework: str, speakers: int | None) -> PipelineOptions:
    return PipelineOptions.model_validate(
        {"fmt": fmt, "framework": framework, "speakers": speakers}
    )


def _ingest(
    ctx: PracticeContext,
    actor: Actor,
    *,
    client_id: str,
    audio_path: Path,
    participants: Sequence[str],
    options: PipelineOptions,
    max_audio_seconds: float,
    decoded: DecodedAudio | None = None,
) -> tuple[str, DecodedAudio, str]:
    """Consent, decode (unless the caller has: ``decoded``), create the session, seal the
    audio, mark transcription queued. Returns (session id, decoded audio, audio artefact id)."""
    require_consent(
        client_id,
        [Purpose.RECORD, Purpose.TRANSCRIBE],
        actor,
        ctx=ctx,
        stage="transcribe",
        participants=participants,
    )
    if decoded is None:
        audio = load_audio(audio_path, max_seconds=max_audio_seconds, name=str(audio_path))
    elif decoded.duration > max_audio_seconds:
        raise AudioError(f"{audio_path}: recording is over the length limit")
    else:
        audio = decoded
    session_id = sessions.create_session(client_id, actor, ctx=ctx, participant_ids=participants)
    audio_id = sessions.store_artefact(
        session_id,
        "audio",
        audio_path.read_bytes(),
        actor=actor,
        ctx=ctx,
        media_type=f"audio/{audio.container.split(',')[0]}",
        stage="record",
    )
    sessions.set_stage(session_id, "record", "done", actor=actor, ctx=ctx)
    stage_leases.set_options(ctx, session_id, options.encode())
    stage_leases.mark_queued(
        ctx, session_id, "transcribe", actor=actor, lease_s=ctx.settings.job_lease_s
    )
    return session_id, audio, audio_id


def _result(ctx: PracticeContext, session_id: str) -> ProcessResult:
    facts = stage_leases.session_facts(ctx, session_id)
    artefacts = {k: ids[0] for k, ids in stage_leases.artefact_ids(ctx, session_id).items()}
    stages = {s: facts.stages[s] for s in ("record", *STAGES) if s in facts.stages}
    if "draft" in artefacts:
        status = "draft_ready"
    elif "transcript" in artefacts:
        status = "transcribed"
    elif any(v.startswith(("failed", "refused")) for v in stages.values()):
        status = "failed"
    else:
        status = "queued"
    return ProcessResult(session_id, status, stages, artefacts)


def process_recording(
    ctx: PracticeContext,
    actor: Actor,
    *,
    client_id: str,
    audio_path: Path,
    transcriber_for: Callable[[], Transcriber],
    engines_for: Callable[[], Engines],
    participants: Sequence[str] = (),
    fmt: str = "soap",
    framework: str = "cbt",
    speakers: int | None = None,
    max_audio_seconds: float,
    progress: ProgressFactory | None = None,
    decoded: DecodedAudio | None = None,
    asr_prefix: AsrOutput | None = None,
    voice_prefix: VoicePrefix | None = None,
    ingested: Callable[[str], None] | None = None,
    then: JobQueue | None = None,
) -> ProcessResult:
    """Run the pipeline here, stage by stage, through the in-process queue; with ``then`` (the
    workers' queue), only transcription runs here and the text stages are sent there.
    ``ingested`` is called with the session id once the audio is sealed in the record store (a
    spooled recording may go then). The factories load models only once consent and input are
    checked (``engines_for`` only when a text stage has consent to run). A recording
    transcribed while it was made passes its ``decoded`` audio (the same samples as decoding
    ``audio_path``), ``asr_prefix``, the ASR of its beginning, and ``voice_prefix``, the voice
    windows of its first speech: only the rest is recognised and embedded."""
    options = _options(fmt, framework, speakers)
    session_id, audio, _ = _ingest(
        ctx,
        actor,
        client_id=client_id,
        audio_path=audio_path,
        participants=participants,
        options=options,
        max_audio_seconds=max_audio_seconds,
        decoded=decoded,
    )
    if ingested is not None:
        ingested(session_id)
    runner = StageRunner(
        ctx,
        transcriber_for=transcriber_for,
        engines_for=engines_for,
        progress=progress,
        via=actor.via,
    )
    runner.preload(session_id, audio, asr_prefix, voice_prefix)
    del audio
    try:
        InProcessQueue(runner, then=then).submit(
            StageJob(
                session_id=session_id, stage="transcribe", actor_id=actor.user_id, options=options
            )
        )
    finally:
        runner.discard(session_id)
    result = _result(ctx, session_id)
    log.info("session processed: %d artefacts, status %s", len(result.artefacts), result.status)
    return result


def enqueue_recording(
    ctx: PracticeContext,
    actor: Actor,
    *,
    client_id: str,
    audio_path: Path,
    queue: JobQueue,
    participants: Sequence[str] = (),
    fmt: str = "soap",
    framework: str = "cbt",
    speakers: int | None = None,
    max_audio_seconds: float,
    decoded: DecodedAudio | None = None,
    ingested: Callable[[str], None] | None = None,
) -> ProcessResult:
    """Check consent and input, seal the audio, then queue the transcription job; workers do
    the rest. Returns at once with status ``queued``. ``decoded`` and ``ingested`` as for
    :func:`process_recording`."""
    options = _options(fmt, framework, speakers)
    session_id, _audio, audio_id = _ingest(
        ctx,
        actor,
        client_id=client_id,
        audio_path=audio_path,
        participants=participants,
        options=options,
        max_audio_seconds=max_audio_seconds,
        decoded=decoded,
    )
    del _audio
    if ingested is not None:
        ingested(session_id)
    queue.submit(
        StageJob(session_id=session_id, stage="transcribe", actor_id=actor.user_id, options=options)
    )
    facts = stage_leases.session_facts(ctx, session_id)
    stages = {s: facts.stages[s] for s in ("record", *STAGES) if s in facts.stages}
    return ProcessResult(session_id, "queued", stages, {"audio": audio_id})
