"""Process an uploaded recording in the background (in-process threads) with progress.

The upload never touches the disk unencrypted: its bytes go into an anonymous in-memory file
(``memfd``), whose /proc path is handed to ``process_recording``, and are dropped when the job
ends. A later job queue (``clearnote.jobs``) can replace this runner behind the same methods.
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

from clearnote.errors import BadInputError, ClearnoteError, PolicyError
from clearnote.logs import describe
from clearnote.pipeline.analysis import Engines
from clearnote.pipeline.process import process_recording
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


class JobRunner:
    def __init__(
        self,
        ctx: PracticeContext,
        *,
        transcriber_for: Callable[[], Transcriber],
        engines_for: Callable[[], Engines],
        max_audio_seconds: float,
        workers: int = 1,
    ) -> None:
        self.ctx = ctx
        self.transcriber_for = transcriber_for
        self.engines_for = engines_for
        self.max_audio_seconds = max_audio_seconds
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="clearnote-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def _set(self, job_id: str, **changes: object) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)  # type: ignore[arg-type]

    def get(self, job_id: str, actor: Actor) -> Job | None:
        """The job, for the user who started it only."""
        with self._lock:
            job = self._jobs.get(job_id)
        return job if job is not None and job.owner == actor.user_id else None

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
        try:
            os.write(fd, audio)
            self._set(job_id, status="transcribing")
            ahead = live() if live is not None else None

            def progress(total: float) -> Callable[[float], None]:
                def tick(done: float) -> None:
                    self._set(job_id, progress=min(0.9, 0.9 * done / total) if total else 0.0)

                return tick

            def engines() -> Engines:
                self._set(job_id, status="analysing", progress=0.9)
                return self.engines_for()

            result = process_recording(
                self.ctx,
                actor,
                client_id=client_id,
                audio_path=Path(f"/proc/self/fd/{fd}"),
                transcriber_for=self.transcriber_for,
                engines_for=engines,
                fmt=fmt,
                max_audio_seconds=self.max_audio_seconds,
                progress=progress,
                decoded=ahead.audio if ahead is not None else None,
                asr_prefix=ahead.asr if ahead is not None else None,
                voice_prefix=ahead.voices if ahead is not None else None,
                ingested=release,
            )
            self._set(
                job_id,
                status="done",
                progress=1.0,
                session_id=result.session_id,
                stages=dict(result.stages),
            )
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

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
