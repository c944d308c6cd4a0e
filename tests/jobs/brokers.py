"""A list standing in for a broker (``ListQueue``), and real brokers and real worker processes
for the queue tests: Redis on 127.0.0.1:6379
(database 14) and RabbitMQ on 127.0.0.1:5672 (guest/guest, vhost /), each skipped cleanly when not
reachable; only the ``asr`` and ``text`` queues are used, emptied first. ``workers`` starts
``clearnote worker`` subprocesses with the test's environment (stopped at the end)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from clearnote.errors import QueueUnavailableError
from clearnote.jobs.types import JobState, StageJob

REDIS_URL = "redis://127.0.0.1:6379/14"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"
BROKERS = {"redis": REDIS_URL, "amqp": AMQP_URL}


def _redis_or_skip() -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis not reachable at 127.0.0.1:6379")
    # only this test's queues (and kombu's bookkeeping for them) in its own database
    client.delete("asr", "text", "unacked", "unacked_index", "unacked_mutex")
    client.close()


def _rabbitmq_or_skip() -> None:
    from kombu import Connection
    from kombu.exceptions import OperationalError

    from clearnote.jobs.celery_queue import _queues

    try:
        with Connection(AMQP_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1)
            channel = conn.default_channel
            for queue in _queues():  # declared as the workers declare them, then emptied
                queue(channel).declare()
                queue(channel).purge()
    except (OSError, OperationalError):
        pytest.skip("RabbitMQ not reachable at 127.0.0.1:5672")


def broker_or_skip(name: str) -> str:
    """The broker's URL, its two queues emptied; skips when the broker is not reachable."""
    if name == "redis":
        _redis_or_skip()
    else:
        _rabbitmq_or_skip()
    return BROKERS[name]


@contextmanager
def worker_processes(log_dir: Path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """``start(name)`` runs a ``clearnote worker`` (solo pool) with this process's environment,
    its output in ``log_dir/NAME.log``; each is stopped (SIGTERM, then SIGKILL) at the end."""
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> subprocess.Popen[bytes]:
        with (log_dir / f"{name}.log").open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "clearnote", "worker", "--pool", "solo"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(os.environ),
            )
        started.append(proc)
        return proc

    try:
        yield start
    finally:
        for proc in started:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def wait(what: Callable[[], bool], timeout: float, why: str) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if what():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for: {why}")


class ListQueue:
    """Collects submitted jobs (what a broker would hold); ``down`` makes it refuse them as an
    unreachable broker would."""

    def __init__(self) -> None:
        self.jobs: list[StageJob] = []
        self.down = False

    def submit(self, job: StageJob) -> str:
        if self.down:
            raise QueueUnavailableError("CLEARNOTE_QUEUE_URL: the broker did not take the job")
        self.jobs.append(job)
        return str(len(self.jobs))

    def status(self, job_id: str) -> JobState:
        return "queued"
