"""The pipeline's stages as resumable, idempotent jobs.

Each stage reads its inputs from sealed artefacts (the transcribe stage the audio, the others the
transcript), checks consent again when it runs, and writes its one artefact:

    transcribe (queue asr) → draft → screen → assess (queue text)

``StageRunner.run`` claims the stage's lease first (``records.stage_leases``): a stage whose
artefact exists is done and is not run again; a stage another live worker holds is left to it; a
stage whose worker died (its heartbeat older than the lease) is taken over with the next attempt.
While a stage runs, a heartbeat thread renews the lease; before storing, the runner checks it
still holds it, so two workers never both store a stage. An error marks the stage failed; a
process that is stopped or killed mid-stage leaves its lease to lapse, and the stage is taken
over (up to ``job_max_attempts``).
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from clearnote.asr.base import AsrOutput
from clearnote.audio import DecodedAudio, load_audio
from clearnote.domain.consent import Purpose
from clearnote.domain.screening import ScreeningReport
from clearnote.domain.transcript import Transcript
from clearnote.errors import BadInputError, ClearnoteError, PolicyError
from clearnote.jobs.types import KIND_OF, StageJob
from clearnote.llm.endpoint import LOCAL, remote_host, where
from clearnote.pipeline.analysis import (
    DRAFT_SKIPPED,
    SCREEN_SKIPPED,
    Engines,
    assessment_document,
    draft_document,
    screening_report,
)
from clearnote.records import sessions, stage_leases
from clearnote.records.consent import consented_purposes, require_consent
from clearnote.records.context import Actor, PracticeContext
from clearnote.transcription.service import ProgressFactory, Transcriber
from clearnote.transcripts.document import transcript_from_obj

if TYPE_CHECKING:
    from clearnote.diarize.diarizer import VoicePrefix

log = logging.getLogger(__name__)
WHERE = LOCAL  # where transcription runs: always this machine
ASSESSMENT_PURPOSES = (
    Purpose.DIAGNOSTIC_SUGGESTIONS,
    Purpose.CONCEPTUALIZATION,
    Purpose.RISK_SCREENING,
    Purpose.DRAFT_NOTE,
)
ACTOR_GONE = "the account this job runs for is disabled"
OutcomeStatus = Literal["done", "skipped", "refused", "failed", "busy", "gave_up", "deleted"]


class LeaseLostError(ClearnoteError):
    """Another worker took the stage over (this worker's heartbeat lapsed); nothing is stored."""


def seal_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True)
class Outcome:
    status: OutcomeStatus
    marker: str  # what the session's stage map says now ("done", "skipped: ...", ...)
    next_job: StageJob | None = None


def _status_of(marker: str) -> OutcomeStatus:
    """A final stage marker's outcome ("done", "skipped: ...", "refused: ...", "failed: ...")."""
    prefixes: tuple[OutcomeStatus, ...] = ("skipped", "refused", "failed")
    return next((p for p in prefixes if marker.startswith(p)), "done")


class _Heartbeat:
    """Renews a stage lease every ``lease_s / 3`` seconds in a daemon thread."""

    def __init__(
        self, ctx: PracticeContext, job: StageJob, worker: str, attempt: int, lease_s: float
    ) -> None:
        self._ctx, self._job, self._worker, self._attempt = ctx, job, worker, attempt
        self._interval = max(lease_s / 3.0, 0.2)
        self._stop = threading.Event()
        self.lost = False
        self._thread = threading.Thread(target=self._loop, name="stage-heartbeat", daemon=True)

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                ok = stage_leases.heartbeat(
                    self._ctx,
                    self._job.session_id,
                    self._job.stage,
                    worker=self._worker,
                    attempt=self._attempt,
                )
            except Exception:  # a database hiccup: try again at the next beat
                log.warning("stage heartbeat failed; retrying", exc_info=False)
                continue
            if not ok:
                self.lost = True
                return

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def check(self) -> None:
        """Before storing: the lease must still be this worker's attempt."""
        if self.lost or not stage_leases.holds(
            self._ctx,
            self._job.session_id,
            self._job.stage,
            worker=self._worker,
            attempt=self._attempt,
        ):
            raise LeaseLostError(
                f"session {self._job.session_id} stage {self._job.stage}: lease taken over"
            )


class StageRunner:
    """Runs stage jobs against one open practice. Models load lazily, once per runner."""

    def __init__(
        self,
        ctx: PracticeContext,
        *,
        transcriber_for: Callable[[], Transcriber],
        engines_for: Callable[[], Engines],
        progress: ProgressFactory | None = None,
        via: str = "worker",
        worker: str | None = None,
    ) -> None:
        self.ctx = ctx
        self._transcriber_for = transcriber_for
        self._engines_for = engines_for
        self._transcriber: Transcriber | None = None
        self._engines: Engines | None = None
        self.progress = progress
        self.via = via
        self.worker = worker or worker_name()
        self._preloaded: dict[str, tuple[DecodedAudio, AsrOutput | None, VoicePrefix | None]] = {}
        self._lock = threading.Lock()

    # --- resources ---
    def transcriber(self) -> Transcriber:
        with self._lock:
            if self._transcriber is None:
                self._transcriber = self._transcriber_for()
            return self._transcriber

    def engines(self) -> Engines:
        with self._lock:
            if self._engines is None:
                self._engines = self._engines_for()
            return self._engines

    def preload(
        self,
        session_id: str,
        audio: DecodedAudio,
        asr_prefix: AsrOutput | None = None,
        voice_prefix: VoicePrefix | None = None,
    ) -> None:
        """Audio already decoded by the caller (in-process runs skip decoding it again), and
        the ASR and voice windows of its beginning when it was transcribed while being
        recorded (only the rest is recognised and embedded)."""
        self._preloaded[session_id] = (audio, asr_prefix, voice_prefix)

    def discard(self, session_id: str) -> None:
        self._preloaded.pop(session_id, None)

    @property
    def lease_s(self) -> float:
        return self.ctx.settings.job_lease_s

    # --- the job ---
    def run(self, job: StageJob) -> Outcome:
        ctx = self.ctx
        try:
            actor = stage_leases.job_actor(ctx, job.actor_id, via=self._via(job))
        except BadInputError:
            return self._actor_gone(job)
        claim = stage_leases.claim(
            ctx,
            job.session_id,
            job.stage,
            kind=KIND_OF[job.stage],
            actor=actor,
            worker=self.worker,
            lease_s=self.lease_s,
            max_attempts=ctx.settings.job_max_attempts,
        )
        if claim.state == "busy":
            return Outcome("busy", "running")
        if claim.state in ("deleted", "gave_up"):
            return Outcome(claim.state, claim.state)
        if claim.state == "claimed":
            marker = self._run_claimed(job, actor, claim.attempt)
            if marker is None:
                return Outcome("failed", "lease lost")
        else:
            marker = stage_leases.session_facts(ctx, job.session_id).stages.get(job.stage, "done")
        status = _status_of(marker)
        return Outcome(status, marker, self._advance(job, actor, status))

    def _actor_gone(self, job: StageJob) -> Outcome:
        """The account the job acts for was disabled (or removed) after it was queued: the
        stage ends as refused, once, rather than being queued again by every sweep."""
        marker = stage_leases.session_facts(self.ctx, job.session_id).stages.get(job.stage)
        if marker is not None and stage_leases.is_final(marker):
            return Outcome(_status_of(marker), marker)
        if stage_leases.parse_running(marker) is not None:
            return Outcome("busy", "running")
        marker = f"refused: {ACTOR_GONE}"
        gone = Actor(job.actor_id, frozenset(), self._via(job))
        stage_leases.finish(self.ctx, job.session_id, job.stage, marker, actor=gone)
        log.warning("stage %s of session %s: %s", job.stage, job.session_id, ACTOR_GONE)
        return Outcome("refused", marker)

    def _via(self, job: StageJob) -> str:
        return f"{self.via}:{job.stage}"

    def _run_claimed(self, job: StageJob, actor: Actor, attempt: int) -> str | None:
        ctx = self.ctx
        try:
            with _Heartbeat(ctx, job, self.worker, attempt, self.lease_s) as beat:
                marker = self._stage(job, actor, beat)
        except LeaseLostError:
            log.warning("stage %s of session %s: lease lost", job.stage, job.session_id)
            return None
        except PolicyError as exc:
            marker = f"refused: {exc}"[:300]
        except BadInputError as exc:
            marker = f"failed: {exc}"[:300]
        except Exception as exc:  # a bug or a broken install: recorded, not retried
            stage_leases.finish(
                ctx,
                job.session_id,
                job.stage,
                f"failed: {type(exc).__name__} (attempt {attempt})",
                actor=actor,
                worker=self.worker,
            )
            raise
        stage_leases.finish(ctx, job.session_id, job.stage, marker, actor=actor, worker=self.worker)
        return marker

    def _advance(self, job: StageJob, actor: Actor, status: OutcomeStatus) -> StageJob | None:
        """The next stage's job, when it still needs one (after a transcription that did not
        happen, nothing follows)."""
        following = job.next()
        if following is None or (job.stage == "transcribe" and status != "done"):
            return None
        queue_it = stage_leases.mark_queued(
            self.ctx, job.session_id, following.stage, actor=actor, lease_s=self.lease_s
        )
        return following if queue_it else None

    # --- the stages ---
    def _stage(self, job: StageJob, actor: Actor, beat: _Heartbeat) -> str:
        facts = stage_leases.session_facts(self.ctx, job.session_id)
        if job.stage == "transcribe":
            return self._transcribe(job, actor, beat, facts)
        granted = consented_purposes(self.ctx, facts.client_id, facts.participants)
        # a backend off this machine only with the client's (and participants') consent to it
        remote = Purpose.REMOTE_PROCESSING in granted
        if job.stage == "draft":
            if Purpose.DRAFT_NOTE not in granted:
                return f"skipped: {DRAFT_SKIPPED}"
            engines = self.engines()
            document = draft_document(
                self._transcript(job, actor),
                fmt=job.options.fmt,
                engines=engines,
                remote_allowed=remote,
            )
            beat.check()
            drafter = engines.drafter_for(remote_allowed=remote)
            self._ai_run(job, actor, "draft", drafter.name, place=where(remote_host(drafter)))
            self._ai_run(job, actor, "verify", "clearnote-verifier")
            self._store(job, actor, "draft", document, stage="draft")
            return "done"
        if job.stage == "screen":
            if Purpose.RISK_SCREENING not in granted:
                return f"skipped: {SCREEN_SKIPPED}"
            engines = self.engines()
            report = screening_report(
                self._transcript(job, actor), screened=True, engines=engines, remote_allowed=remote
            )
            beat.check()
            self._ai_run(
                job,
                actor,
                "screen",
                engines.screen_name_for(remote_allowed=remote),
                place=engines.screen_where(remote_allowed=remote),
            )
            self._store(job, actor, "screening", report.to_document(), stage="screening")
            return "done"
        return self._assess(job, actor, beat, facts, granted)

    def _assess(
        self,
        job: StageJob,
        actor: Actor,
        beat: _Heartbeat,
        facts: stage_leases.SessionFacts,
        granted: frozenset[Purpose] | set[Purpose],
    ) -> str:
        if not granted & set(ASSESSMENT_PURPOSES):
            return "skipped: no client consent for any assessment purpose"
        transcript = self._transcript(job, actor)
        screened = Purpose.RISK_SCREENING in granted
        screening = self._screening(
            job,
            actor,
            transcript,
            screened=screened,
            remote_allowed=Purpose.REMOTE_PROCESSING in granted,
        )
        document, reason = assessment_document(
            transcript,
            consented=granted,
            jurisdictions=facts.jurisdictions,
            framework=job.options.framework,
            screening=screening,
        )
        if document is None:
            return f"skipped: {reason}"
        beat.check()
        self._ai_run(job, actor, "assess", "clearnote-rules")
        purposes = [p for p in ASSESSMENT_PURPOSES if p in granted]
        self._store(job, actor, "assessment", document, stage="assessment", purposes=purposes)
        return "done"

    def _transcribe(
        self, job: StageJob, actor: Actor, beat: _Heartbeat, facts: stage_leases.SessionFacts
    ) -> str:
        ctx = self.ctx
        require_consent(
            facts.client_id,
            [Purpose.RECORD, Purpose.TRANSCRIBE],
            actor,
            ctx=ctx,
            stage="transcribe",
            participants=facts.participants,
        )
        audio, prefix, voices = self._preloaded.pop(job.session_id, (None, None, None))
        if audio is None:
            ids = stage_leases.artefact_ids(ctx, job.session_id).get("audio", [])
            if not ids:
                raise BadInputError(f"session {job.session_id}: no stored audio to transcribe")
            data = sessions.load_artefact(ids[0], actor=actor, ctx=ctx)
            audio = load_audio(
                data,
                max_seconds=ctx.settings.max_audio_seconds,
                name=f"session {job.session_id} audio",
            )
            del data
        result = self.transcriber().transcribe_decoded(
            audio,
            speakers=job.options.speakers,
            progress=self.progress,
            prefix=prefix,
            voices=voices,
        )
        transcript = result.transcript
        beat.check()
        sessions.record_ai_run(
            job.session_id,
            "transcribe",
            f"whisper-{transcript.asr.model}",
            f"faster-whisper {version('faster-whisper')}",
            WHERE,
            actor=actor,
            ctx=ctx,
        )
        self._store(job, actor, "transcript", transcript.to_document(), stage="transcribe")
        return "done"

    # --- helpers ---
    def _screening(
        self,
        job: StageJob,
        actor: Actor,
        transcript: Transcript,
        *,
        screened: bool,
        remote_allowed: bool,
    ) -> ScreeningReport:
        """For the assess stage: the screen stage's stored report of this transcript (read, not
        screened again), else a fresh screening (none stored, or it cannot be read back)."""
        if screened:
            ids = stage_leases.artefact_ids(self.ctx, job.session_id).get("screening", [])
            if ids:
                raw = sessions.load_artefact(ids[-1], actor=actor, ctx=self.ctx)
                try:
                    return ScreeningReport.model_validate(json.loads(raw))
                except (ValueError, ValidationError):
                    log.warning(
                        "session %s: stored screening unreadable; screening again", job.session_id
                    )
        return screening_report(
            transcript, screened=screened, engines=self.engines(), remote_allowed=remote_allowed
        )

    def _transcript(self, job: StageJob, actor: Actor) -> Transcript:
        ids = stage_leases.artefact_ids(self.ctx, job.session_id).get("transcript", [])
        if not ids:
            raise BadInputError(f"session {job.session_id}: no stored transcript")
        raw = sessions.load_artefact(ids[0], actor=actor, ctx=self.ctx)
        return transcript_from_obj(json.loads(raw), source=f"session {job.session_id} transcript")

    def _ai_run(
        self, job: StageJob, actor: Actor, stage: str, engine: str, *, place: str = LOCAL
    ) -> None:
        sessions.record_ai_run(
            job.session_id,
            stage,
            engine,
            f"clearnote {version('clearnote')}",
            place,
            actor=actor,
            ctx=self.ctx,
        )

    def _store(
        self,
        job: StageJob,
        actor: Actor,
        kind: str,
        document: dict[str, Any],
        *,
        stage: str,
        purposes: list[Purpose] | None = None,
    ) -> str:
        return sessions.store_artefact(
            job.session_id,
            kind,
            seal_json(document),
            actor=actor,
            ctx=self.ctx,
            purposes=purposes,
            media_type="application/json",
            stage=stage,
        )
