"""``clearnote process``: one recorded session through the whole pipeline, under the client's
consent and jurisdiction, every artefact sealed in the record system.

Order matters for the rules that hold everywhere:

1. consent for ``record`` and ``transcribe`` (client and every participant present) is checked
   first; a refusal is audited and nothing is stored (exit 3);
2. the audio is decoded and validated before anything is created (bad input: exit 2);
3. the session is created, the audio sealed, the transcript made and sealed;
4. each analysis stage runs only with its consent; a skipped stage is recorded with its reason;
5. every AI run is recorded (which model, which version, where it ran) for the client report.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from clearnote.audio import load_audio
from clearnote.domain.consent import Purpose
from clearnote.pipeline.analysis import Engines, analyse
from clearnote.records import sessions
from clearnote.records.access import load_client
from clearnote.records.consent import consented_purposes, require_consent
from clearnote.records.context import Actor, PracticeContext
from clearnote.transcription.service import ProgressFactory, Transcriber

log = logging.getLogger(__name__)
WHERE = "local (this machine)"

# the purposes each stored kind was produced under (assessment: whichever parts ran)
_ASSESSMENT_PURPOSES = (
    Purpose.DIAGNOSTIC_SUGGESTIONS,
    Purpose.CONCEPTUALIZATION,
    Purpose.RISK_SCREENING,
    Purpose.DRAFT_NOTE,
)


_STAGE_OF_KIND = {"draft": "draft", "screening": "screen", "assessment": "assess"}


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


def _seal(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


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
) -> ProcessResult:
    """Run the pipeline. The factories load models only once consent and input are checked
    (``engines_for`` only when an analysis purpose is granted)."""
    require_consent(
        client_id,
        [Purpose.RECORD, Purpose.TRANSCRIBE],
        actor,
        ctx=ctx,
        stage="transcribe",
        participants=participants,
    )
    audio = load_audio(audio_path, max_seconds=max_audio_seconds, name=str(audio_path))
    with ctx.tx() as db:
        client = load_client(db, client_id)
        jurisdictions = tuple(j for j in client.jurisdictions.split(",") if j)
    session_id = sessions.create_session(client_id, actor, ctx=ctx, participant_ids=participants)
    stages: dict[str, str] = {}
    artefacts: dict[str, str] = {}

    def stage(name: str, status: str) -> None:
        stages[name] = status
        sessions.set_stage(session_id, name, status, actor=actor, ctx=ctx)

    artefacts["audio"] = sessions.store_artefact(
        session_id,
        "audio",
        audio_path.read_bytes(),
        actor=actor,
        ctx=ctx,
        media_type=f"audio/{audio.container.split(',')[0]}",
        stage="record",
    )
    stage("record", "done")
    result = transcriber_for().transcribe_decoded(audio, speakers=speakers, progress=progress)
    transcript = result.transcript
    sessions.record_ai_run(
        session_id,
        "transcribe",
        f"whisper-{transcript.asr.model}",
        f"faster-whisper {version('faster-whisper')}",
        WHERE,
        actor=actor,
        ctx=ctx,
    )
    artefacts["transcript"] = sessions.store_artefact(
        session_id,
        "transcript",
        _seal(transcript.to_document()),
        actor=actor,
        ctx=ctx,
        media_type="application/json",
        stage="transcribe",
    )
    stage("transcribe", "done")

    granted = consented_purposes(ctx, client_id, participants)
    wanted = {
        Purpose.DRAFT_NOTE,
        Purpose.RISK_SCREENING,
        Purpose.DIAGNOSTIC_SUGGESTIONS,
        Purpose.CONCEPTUALIZATION,
    }
    if granted & wanted:
        engines: Engines = engines_for()
        analysis = analyse(
            transcript,
            consented=granted,
            jurisdictions=jurisdictions,
            fmt=fmt,
            framework=framework,
            engines=engines,
        )
        for stage_name, engine in analysis.ran:
            sessions.record_ai_run(
                session_id,
                stage_name,
                engine,
                f"clearnote {version('clearnote')}",
                WHERE,
                actor=actor,
                ctx=ctx,
            )
        for kind, document in analysis.documents.items():
            purposes = (
                [p for p in _ASSESSMENT_PURPOSES if p in granted] if kind == "assessment" else None
            )
            artefacts[kind] = sessions.store_artefact(
                session_id,
                kind,
                _seal(document),
                actor=actor,
                ctx=ctx,
                purposes=purposes,
                media_type="application/json",
                stage=kind,
            )
            stage(_STAGE_OF_KIND[kind], "done")
        for name, reason in analysis.skipped.items():
            stage(name, f"skipped: {reason}")
    else:
        stage("draft", "skipped: no client consent for purpose 'draft_note'")
        stage("screen", "skipped: no client consent for purpose 'risk_screening'")
        stage("assess", "skipped: no client consent for any assessment purpose")
    status = "draft_ready" if "draft" in artefacts else "transcribed"
    log.info("session processed: %d artefacts, status %s", len(artefacts), status)
    return ProcessResult(session_id, status, stages, artefacts)
