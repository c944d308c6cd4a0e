"""Celery on Redis or RabbitMQ (``CLEARNOTE_QUEUE_URL``): two queues, ``asr`` (GPU-capable
hosts) and ``text``, so each scales on its own workers.

Crash safety: tasks are acknowledged late and rejected (so redelivered) when the worker process
is lost; the stage lease (``records.stage_leases``) makes a redelivered or duplicated job a no-op
when its stage is done or held by a live worker, and each worker sweeps for stages whose worker
died (lease lapsed) or whose job never reached the broker, and queues them again.

Messages carry ids and option names only (JSON), never audio, transcript or note words.

Results: nothing in Clearnote reads a task's result (a session's progress is its stage map in the
database), so only Redis, which expires results itself, keeps them (for ``status``). On RabbitMQ
there is no result backend: ``rpc://`` would leave a reply queue per producing process filling
with result messages nobody reads, and ``status`` answers ``unknown``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from celery import Celery  # type: ignore[import-untyped]
from celery.signals import worker_ready  # type: ignore[import-untyped]
from kombu import pools
from kombu.entity import Exchange, Queue

from clearnote.config import Settings
from clearnote.errors import BadInputError, QueueUnavailableError
from clearnote.jobs.signing import JobSignatureError, JobSigner
from clearnote.jobs.types import QUEUES, STAGES, JobState, PipelineOptions, StageJob
from clearnote.records import stage_leases
from clearnote.records.context import PracticeContext

log = logging.getLogger(__name__)
TASK = "clearnote.stage"
_SCHEMES = ("redis://", "rediss://", "amqp://", "amqps://", "pyamqp://")
_STATES: dict[str, JobState] = {
    "PENDING": "queued",
    "RECEIVED": "queued",
    "STARTED": "running",
    "RETRY": "running",
    "SUCCESS": "done",
    "FAILURE": "failed",
    "REVOKED": "failed",
}


def signer_for(ctx: PracticeContext) -> JobSigner:
    """The job signer of an open practice (from its key file)."""
    return JobSigner(ctx.keys.audit_key())


def check_queue_url(url: str) -> str:
    if not url.startswith(_SCHEMES):
        raise BadInputError("CLEARNOTE_QUEUE_URL: expected a redis:// or amqp:// URL")
    return url


def _queues() -> tuple[Any, ...]:
    """One direct exchange and routing key per queue: an ``asr`` job never lands on ``text``."""
    return tuple(
        Queue(q, Exchange(q, type="direct"), routing_key=q)  # type: ignore[no-untyped-call]
        for q in QUEUES
    )


def make_app(settings: Settings) -> Any:
    """The Celery app for ``settings.queue_url`` with the stage task registered."""
    if settings.queue_url is None:
        raise BadInputError("CLEARNOTE_QUEUE_URL: not set (the in-process queue needs no worker)")
    url = check_queue_url(settings.queue_url)
    redis = url.startswith(("redis://", "rediss://"))
    app = Celery("clearnote", broker=url, backend=url if redis else None, set_as_current=False)
    app.conf.update(
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_ignore_result=not redis,
        task_track_started=redis,
        worker_prefetch_multiplier=1,
        task_queues=_queues(),
        task_default_queue="text",
        broker_connection_retry_on_startup=True,
        result_expires=24 * 3600,
        worker_hijack_root_logger=False,
    )
    if redis:
        # a lost worker's unacknowledged message comes back after this; the lease sweep usually
        # resubmits the stage much sooner (RabbitMQ requeues it as soon as the connection drops)
        app.conf.broker_transport_options = {
            "visibility_timeout": max(3600, 4 * settings.job_lease_s)
        }

    # shared=False: a shared task is added to every Celery app made later in the process, whose
    # own run_stage would then be refused and jobs would run with the first app's queue
    @app.task(name=TASK, bind=True, acks_late=True, reject_on_worker_lost=True, shared=False)  # type: ignore[untyped-decorator]
    def run_stage(_task: Any, payload: dict[str, Any]) -> str:
        return execute(app, payload)

    return app


class CeleryQueue:
    """Sends stage jobs to the workers, each signed with ``signer`` (``jobs.signing``)."""

    def __init__(self, app: Any, signer: JobSigner) -> None:
        self.app = app
        self.signer = signer

    def __repr__(self) -> str:
        return "CeleryQueue()"

    def submit(self, job: StageJob) -> str:
        job_id = str(uuid.uuid4())
        try:
            self.app.send_task(
                TASK,
                args=[self.signer.seal(job)],
                queue=job.queue,
                task_id=job_id,
                retry=True,
                retry_policy={"max_retries": 3, "interval_start": 0.2, "interval_step": 0.5},
            )
        except Exception as exc:  # kombu raises OperationalError (and others) when unreachable
            raise QueueUnavailableError(
                f"CLEARNOTE_QUEUE_URL: the broker did not take the job for session "
                f"{job.session_id} ({type(exc).__name__}); it stays queued for a worker's sweep"
            ) from None
        return job_id

    def close(self) -> None:
        """Close the broker connections this producer opened. Kombu keeps its connection and
        producer pools process-wide, keyed by broker URL: they are taken out of that registry as
        they are closed, or every later app for the same broker in this process (the web app
        after a CLI call, tests) would meet a closed pool and could send nothing."""
        conn = self.app.connection_for_write()
        try:
            for group in (pools.producers, pools.connections):
                pool = group[conn]  # (made empty, to be closed at once, where none was)
                del group[conn]
                pool.force_close_all()
        finally:
            conn.release()
            self.app.close()

    def status(self, job_id: str) -> JobState:
        if self.app.conf.task_ignore_result:
            return "unknown"  # RabbitMQ: no result backend (the stage map has the progress)
        state = str(self.app.AsyncResult(job_id).state)
        return _STATES.get(state, "unknown")


# --- worker side ---


@dataclass
class _Runtime:
    pid: int
    ctx: PracticeContext
    runner: Any  # StageRunner (imported lazily: the producer side needs no models)
    queue: CeleryQueue


_runtime: _Runtime | None = None
_runtime_lock = threading.Lock()


def _get_runtime(app: Any) -> _Runtime:
    """One open practice and one runner per worker process (built after a prefork fork)."""
    global _runtime
    with _runtime_lock:
        if _runtime is None or _runtime.pid != os.getpid():
            from clearnote.config import load_settings
            from clearnote.pipeline.analysis import load_engines
            from clearnote.pipeline.stages import StageRunner
            from clearnote.records.practice import open_practice
            from clearnote.transcription.service import build_transcriber

            settings = load_settings()
            ctx = open_practice(settings)
            runner = StageRunner(
                ctx,
                transcriber_for=lambda: build_transcriber(settings),
                engines_for=lambda: load_engines(settings),
                via="worker",
            )
            _runtime = _Runtime(os.getpid(), ctx, runner, CeleryQueue(app, signer_for(ctx)))
        return _runtime


def execute(app: Any, payload: dict[str, Any]) -> str:
    """The task body: check the job's signature, run the stage, queue the next one. A job that
    fails the check is refused (acknowledged, logged with no ids it could have forged)."""
    rt = _get_runtime(app)
    try:
        job = rt.queue.signer.open(payload)
    except JobSignatureError as exc:
        log.warning("%s", exc.message)
        return "refused"
    outcome = rt.runner.run(job)
    if outcome.next_job is not None:
        rt.queue.submit(outcome.next_job)
    log.info("stage %s of session %s: %s", job.stage, job.session_id, outcome.status)
    return str(outcome.status)


class Sweeper:
    """Queues again the stages whose worker died (lease lapsed) or whose job never reached the
    broker (queued for longer than ``queued_s``); each stage at most once per ``every_s``."""

    def __init__(
        self, ctx: PracticeContext, queue: Any, *, lease_s: float, queued_s: float
    ) -> None:
        self.ctx, self.queue = ctx, queue
        self.lease_s, self.queued_s = lease_s, queued_s
        self.every_s = max(3 * lease_s, 5.0)
        self._sent: dict[tuple[str, str], float] = {}

    def sweep_once(self) -> int:
        now = time.monotonic()
        sent = 0
        for st in stage_leases.stalled(
            self.ctx, stages=STAGES, lease_s=self.lease_s, queued_s=self.queued_s
        ):
            key = (st.session_id, st.stage)
            if now - self._sent.get(key, -1e18) < self.every_s:
                continue
            stage = next(s for s in STAGES if s == st.stage)
            self.queue.submit(
                StageJob(
                    session_id=st.session_id,
                    stage=stage,
                    actor_id=st.actor_id,
                    options=PipelineOptions.decode(st.options),
                )
            )
            self._sent[key] = now
            sent += 1
            log.info("requeued stage %s of session %s", st.stage, st.session_id)
        return sent

    def run_forever(self, stop: threading.Event) -> None:
        while True:
            try:
                self.sweep_once()
            except Exception as exc:  # keep sweeping; the database or broker may come back
                log.warning("sweep failed: %s", type(exc).__name__)
            if stop.wait(max(self.lease_s, 1.0)):
                return


def run_worker(
    settings: Settings, *, queues: tuple[str, ...], concurrency: int, pool: str, loglevel: str
) -> None:
    """Start a Celery worker on ``queues`` (blocks). The worker's main process sweeps."""
    from clearnote.records.practice import open_practice

    app = make_app(settings)
    open_practice(settings).close()  # fail fast (exit 2) on a missing practice or key file
    stop = threading.Event()

    def start_sweeper(**_kwargs: Any) -> None:
        ctx = open_practice(settings)
        sweeper = Sweeper(
            ctx,
            CeleryQueue(app, signer_for(ctx)),
            lease_s=settings.job_lease_s,
            queued_s=max(600.0, 10 * settings.job_lease_s),
        )
        threading.Thread(
            target=sweeper.run_forever, args=(stop,), name="stage-sweeper", daemon=True
        ).start()

    worker_ready.connect(start_sweeper, weak=False)
    try:
        app.worker_main(
            argv=[
                "worker",
                "--queues",
                ",".join(queues),
                "--concurrency",
                str(concurrency),
                "--pool",
                pool,
                "--loglevel",
                loglevel,
                "--hostname",
                f"clearnote-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
            ]
        )
    finally:
        stop.set()
        worker_ready.disconnect(start_sweeper)
