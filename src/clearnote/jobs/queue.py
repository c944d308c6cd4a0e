"""The job queue port and its in-process adapter.

``JobQueue.submit(job)`` hands a stage job to whatever runs stages and returns a job id;
``status(job_id)`` says how far it got. The in-process queue runs the job and every stage after it
in the caller's thread (the one-machine default); ``clearnote.jobs.celery_queue`` sends them to
Celery workers on Redis or RabbitMQ, one queue for ASR and one for the text stages; given such a
queue as ``then``, the in-process queue runs one stage here and sends the next there.
"""

from __future__ import annotations

import logging
import queue
import threading
import uuid
from typing import TYPE_CHECKING, Protocol

from clearnote.jobs.types import JobState, StageJob

if TYPE_CHECKING:
    from clearnote.pipeline.stages import Outcome, StageRunner

log = logging.getLogger(__name__)


class JobQueue(Protocol):
    def submit(self, job: StageJob) -> str:
        """Queue (or run) ``job``; returns its job id."""
        ...

    def status(self, job_id: str) -> JobState: ...


class InProcessQueue:
    """Runs each submitted job, then the stages it leads to, before ``submit`` returns; with
    ``then`` (the workers' queue) only the submitted job runs here and the stage it leads to is
    sent there (the web host finishes a transcript it made while the recording was being made,
    the text stages go to the workers). Should ``then`` refuse it, that stage stays marked queued
    in the database, for a worker's sweep."""

    def __init__(self, runner: StageRunner, then: JobQueue | None = None) -> None:
        self.runner = runner
        self.then = then
        self._states: dict[str, JobState] = {}
        self.outcomes: list[tuple[StageJob, Outcome]] = []

    def __repr__(self) -> str:
        return f"InProcessQueue(jobs={len(self._states)}, then={self.then!r})"

    def submit(self, job: StageJob) -> str:
        first = str(uuid.uuid4())
        pending: list[tuple[str, StageJob]] = [(first, job)]
        while pending:
            job_id, current = pending.pop(0)
            self._states[job_id] = "running"
            try:
                outcome = self.runner.run(current)
            except BaseException:
                self._states[job_id] = "failed"
                raise
            self.outcomes.append((current, outcome))
            self._states[job_id] = "failed" if outcome.status == "failed" else "done"
            if outcome.next_job is None:
                continue
            if self.then is None:
                pending.append((str(uuid.uuid4()), outcome.next_job))
            else:
                self.then.submit(outcome.next_job)
        return first

    def status(self, job_id: str) -> JobState:
        return self._states.get(job_id, "unknown")


class ThreadQueue:
    """Runs submitted jobs (and the stages they lead to) one at a time in a background thread:
    a long-running process (the web app) queues work and answers at once. Jobs do not survive the
    process; a stage left running is taken over by the next run's sweep or a worker."""

    def __init__(self, runner: StageRunner) -> None:
        self.runner = runner
        self._inner = InProcessQueue(runner)
        self._jobs: queue.Queue[tuple[str, StageJob] | None] = queue.Queue()
        self._states: dict[str, JobState] = {}
        self._thread = threading.Thread(target=self._loop, name="clearnote-jobs", daemon=True)
        self._thread.start()

    def __repr__(self) -> str:
        return f"ThreadQueue(pending={self._jobs.qsize()})"

    def _loop(self) -> None:
        while (item := self._jobs.get()) is not None:
            job_id, job = item
            self._states[job_id] = "running"
            try:
                self._inner.submit(job)
            except Exception:  # the stage marked itself failed; keep serving the next job
                log.exception("job %s (stage %s) failed", job_id, job.stage)
                self._states[job_id] = "failed"
            else:
                self._states[job_id] = "done"
            finally:
                self._jobs.task_done()

    def submit(self, job: StageJob) -> str:
        job_id = str(uuid.uuid4())
        self._states[job_id] = "queued"
        self._jobs.put((job_id, job))
        return job_id

    def status(self, job_id: str) -> JobState:
        return self._states.get(job_id, "unknown")

    def join(self) -> None:
        """Wait until every submitted job has run."""
        self._jobs.join()

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join()
