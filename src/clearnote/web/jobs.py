"""Process an uploaded recording in the background (in-process threads) with progress.

The upload never touches the disk unencrypted: its bytes go into an anonymous in-memory file
(``memfd``), whose /proc path is handed to the pipeline, and are dropped when the job ends.

With a job queue (``CLEARNOTE_QUEUE_URL``: ``queue`` given) the web host does no ASR of its own
beyond what it did while a recording was being made: an upload, or a recording made without
transcription, is sealed and its transcription queued for the ``asr`` workers; a recording
transcribed while it was made is finished here (only its tail is left) and its text stages are
queued for the ``text`` workers. Either way the job then follows the session's stage map in the
database, where the workers record their progress.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from clearnote.errors import BadInputError, ClearnoteError, PolicyError, QueueUnavailableError
from clearnote.jobs.queue import JobQueue
from clearnote.jobs.types import STAGES
from clearnote.logs import describe
from clearnote.pipeline.analysis import Engines
from clearnote.pipeline.process import ProcessResult, enqueue_recording, process_recording
from clearnote.records import stage_leases
from clearnote.records.context import Actor, PracticeContext
from clearnote.transcription.live import LiveResult
from clearnote.transcription.service import Transcriber

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    id: str
    owner: str
    client_id: str
    status: str = "queued"  # queued, transcribing, analysing, done, failed
    progress: float = 0.0
    session_id: str | None = None
    error: str | None = None
    stages: dict[str, str] = field(default_factory=dict)

    def to_document(self) -> dict[str, object]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "status": self.status,
            "progress": round(self.progress, 3),
            "session_id": self.session_id,
            "error": self.error,
            "stages": self.stages,
        }


def stage_progress(stages: dict[str, str]) -> tuple[str, float]:
    """A job's status and progress from its session's stage map (workers doing the stages)."""
    transcribe = stages.get("transcribe")
    if not stage_leases.is_final(transcribe):
        running = stage_leases.parse_running(transcribe) is not None
        return ("transcribing" if running else "queued"), 0.1
    if transcribe is None or not transcribe.startswith("done"):
        return "done", 1.0  # nothing follows a transcription that did not happen
    text = [stage_leases.is_final(stages.get(s)) for s in STAGES[1:]]
    if all(text):
        return "done", 1.0
    return "analysing", 0.9 + 0.1 * sum(text) / len(text)


class JobRunner:
    def __init__(
        self,
        ctx: PracticeContext,
        *,
        transcriber_for: Callable[[], Transcriber],
        engines_for: Callable[[], Engines],
        max_audio_seconds: float,
        workers: int = 1,
        queue: JobQueue | None = None,
    ) -> None:
        self.ctx = ctx
        self.transcriber_for = transcriber_for
        self.engines_for = engines_for
        self.max_audio_seconds = max_audio_seconds
        self.queue = queue
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="clearnote-job")
        self._jobs: dict[str, Job] = {}
        self._queued: set[str] = set()  # jobs whose stages went to the workers
        self._lock = threading.Lock()

    def _set(self, job_id: str, **changes: object) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)  # type: ignore[arg-type]

    def get(self, job_id: str, actor: Actor) -> Job | None:
        """The job, for the user who started it only."""
        with self._lock:
            job = self._jobs.get(job_id)
            queued = job_id in self._queued
        if job is None or job.owner != actor.user_id:
            return None
        if queued and job.session_id is not None:
            return self._follow(job)
        return job

    def _follow(self, job: Job) -> Job:
        """A job handed to the workers, as far as the session's stage map says they got."""
        assert job.session_id is not None
        try:
            stages = stage_leases.session_facts(self.ctx, job.session_id).stages
        except ClearnoteError as exc:  # erased meanwhile: what was known stays
            log.warning("job %s: stage map unreadable: %s", job.id, type(exc).__name__)
            return job
        shown = {s: stages[s] for s in ("record", *STAGES) if s in stages}
        status, progress = stage_progress(stages)
        followed = replace(job, status=status, progress=progress, stages=shown)
        with self._lock:
            self._jobs[job.id] = followed
            if status == "done":
                self._queued.discard(job.id)
        return followed

    def submit(
        self,
        actor: Actor,
        client_id: str,
        audio: bytes,
        *,
        fmt: str = "soap",
        live: Callable[[], LiveResult | None] | None = None,
        release: Callable[[], None] | None = None,
    ) -> Job:
        """Process ``audio`` in the background. ``live``: for a recording transcribed while it
        was made, called first in the job's thread; what it returns (the decoded audio, the ASR
        and voice windows done ahead) spares decoding it again and recognising and embedding
        what was already done. ``release``: called once the audio is sealed in the record
        store, or when the job is refused or the audio unusable (an internal error keeps it, for a
        retry after a restart)."""
        if not audio:
            raise BadInputError("recording: the upload is empty")
        job = Job(id=str(uuid.uuid4()), owner=actor.user_id, client_id=client_id)
        with self._lock:
            self._jobs[job.id] = job
        self._pool.submit(self._run, job.id, actor, client_id, audio, fmt, live, release)
        return job

    def _run(
        self,
        job_id: str,
        actor: Actor,
        client_id: str,
        audio: bytes,
        fmt: str,
        live: Callable[[], LiveResult | None] | None,
        release: Callable[[], None] | None = None,
    ) -> None:
        fd = os.memfd_create("clearnote-upload", os.MFD_CLOEXEC)

        def ingested(session_id: str) -> None:
            self._set(job_id, session_id=session_id)
            if release is not None:
                release()

        try:
            os.write(fd, audio)
            self._set(job_id, status="transcribing")
            ahead = live() if live is not None else None
            result = self._pipeline(
                job_id, actor, client_id, Path(f"/proc/self/fd/{fd}"), fmt, ahead, ingested
            )
            if self.queue is not None:
                self._hand_over(job_id, result.stages)
                return
            self._set(
                job_id,
                status="done",
                progress=1.0,
                session_id=result.session_id,
                stages=dict(result.stages),
            )
        except QueueUnavailableError as exc:
            # the audio is sealed and the stage marked queued: a worker's sweep sends it
            log.warning("job %s: %s", job_id, type(exc).__name__)
            self._hand_over(job_id, {})
        except PolicyError as exc:
            if release is not None:  # refused (e.g. consent revoked): nothing may be kept
                release()
            self._set(job_id, status="failed", error=f"refused: {exc.message}")
        except BadInputError as exc:
            if release is not None:  # unusable audio: a retry cannot help
                release()
            self._set(
                job_id,
                status="failed",
                error="the recording could not be used: " + type(exc).__name__,
            )
        except ClearnoteError as exc:
            log.warning("job %s failed: %s", job_id, type(exc).__name__)
            self._set(job_id, status="failed", error="processing failed (internal error)")
        except Exception as exc:  # a worker thread must record every failure
            log.error("job %s crashed: %s", job_id, describe(exc))
            self._set(job_id, status="failed", error="processing failed (internal error)")
        finally:
            os.close(fd)

    def _pipeline(
        self,
        job_id: str,
        actor: Actor,
        client_id: str,
        audio_path: Path,
        fmt: str,
        ahead: LiveResult | None,
        ingested: Callable[[str], None],
    ) -> ProcessResult:
        """Without a queue, every stage here. With one, an upload (or a recording whose ASR was
        not done ahead) is sealed and queued for the ``asr`` workers; a recording transcribed
        while it was made is finished here and its text stages are queued."""
        decoded = ahead.audio if ahead is not None else None
        if self.queue is not None and (ahead is None or ahead.asr is None):
            return enqueue_recording(
                self.ctx,
                actor,
                client_id=client_id,
                audio_path=audio_path,
                queue=self.queue,
                fmt=fmt,
                max_audio_seconds=self.max_audio_seconds,
                decoded=decoded,
                ingested=ingested,
            )

        def progress(total: float) -> Callable[[float], None]:
            def tick(done: float) -> None:
                self._set(job_id, progress=min(0.9, 0.9 * done / total) if total else 0.0)

            return tick

        def engines() -> Engines:
            self._set(job_id, status="analysing", progress=0.9)
            return self.engines_for()

        return process_recording(
            self.ctx,
            actor,
            client_id=client_id,
            audio_path=audio_path,
            transcriber_for=self.transcriber_for,
            engines_for=engines,
            fmt=fmt,
            max_audio_seconds=self.max_audio_seconds,
            progress=progress,
            decoded=decoded,
            asr_prefix=ahead.asr if ahead is not None else None,
            voice_prefix=ahead.voices if ahead is not None else None,
            ingested=ingested,
            then=self.queue,
        )

    def _hand_over(self, job_id: str, stages: dict[str, str]) -> None:
        with self._lock:
            self._queued.add(job_id)
        self._set(job_id, status="queued", progress=0.1, stages=dict(stages))

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
