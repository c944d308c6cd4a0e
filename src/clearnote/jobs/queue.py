"""The job queue port and its in-process adapter.

``JobQueue.submit(job)`` hands a stage job to whatever runs stages and returns a job id;
``status(job_id)`` says how far it got. The in-process queue runs the job and every stage after it
in the caller's thread (the one-machine default); ``clearnote.jobs.celery_queue`` sends them to
Celery workers on Redis or RabbitMQ, one queue for ASR and one for the text stages.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Protocol

from clearnote.jobs.types import JobState, StageJob

if TYPE_CHECKING:
    from clearnote.pipeline.stages import Outcome, StageRunner


class JobQueue(Protocol):
    def submit(self, job: StageJob) -> str:
        """Queue (or run) ``job``; returns its job id."""
        ...

    def status(self, job_id: str) -> JobState: ...


class InProcessQueue:
    """Runs each submitted job, then the stages it leads to, before ``submit`` returns."""

    def __init__(self, runner: StageRunner) -> None:
        self.runner = runner
        self._states: dict[str, JobState] = {}
        self.outcomes: list[tuple[StageJob, Outcome]] = []

    def __repr__(self) -> str:
        return f"InProcessQueue(jobs={len(self._states)})"

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
            if outcome.next_job is not None:
                pending.append((str(uuid.uuid4()), outcome.next_job))
        return first

    def status(self, job_id: str) -> JobState:
        return self._states.get(job_id, "unknown")
