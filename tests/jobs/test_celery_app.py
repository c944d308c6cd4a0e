"""The Celery app for each broker (no broker needed: building the app connects to nothing):
Redis keeps results for ``status``; RabbitMQ has no result backend and ``status`` says unknown.
The last test sends to each real broker (skipped when it is not on 127.0.0.1)."""

from __future__ import annotations

import pytest

from clearnote.config import Settings
from clearnote.errors import BadInputError
from clearnote.jobs.celery_queue import TASK, CeleryQueue, make_app
from clearnote.jobs.signing import JobSignatureError, JobSigner
from clearnote.jobs.types import StageJob
from tests.jobs.brokers import BROKERS, broker_or_skip

SIGNER = JobSigner(b"k" * 32)


def test_redis_keeps_results_and_a_visibility_timeout() -> None:
    url = "redis://127.0.0.1:6379/3"
    app = make_app(Settings(queue_url=url, job_lease_s=2000))
    assert app.conf.result_backend == url and not app.conf.task_ignore_result
    assert app.conf.task_track_started is True
    assert app.conf.broker_transport_options == {"visibility_timeout": 8000}
    assert TASK in app.tasks


@pytest.mark.parametrize(
    "url", ["amqp://guest:guest@127.0.0.1:5672//", "pyamqp://u:p@mq:5672/clinic", "amqps://mq/"]
)
def test_rabbitmq_has_no_result_backend(url: str) -> None:
    app = make_app(Settings(queue_url=url))
    assert app.conf.result_backend is None and app.conf.task_ignore_result is True
    assert app.conf.task_track_started is False
    assert not app.conf.broker_transport_options  # visibility_timeout is a Redis/SQS notion
    assert app.tasks[TASK].ignore_result is True
    assert CeleryQueue(app, SIGNER).status("any-job-id") == "unknown"  # and no broker is contacted
    assert [q.name for q in app.conf.task_queues] == ["asr", "text"]


@pytest.mark.parametrize("url", ["http://mq:5672", "sqs://", "rpc://"])
def test_other_brokers_are_bad_input(url: str) -> None:
    with pytest.raises(BadInputError, match="CLEARNOTE_QUEUE_URL"):
        make_app(Settings(queue_url=url))


def test_each_app_runs_its_own_task() -> None:
    """Two apps in one process (a producer for each practice, tests): each app's stage task is
    its own, so a job never runs with another app's queue."""
    first = make_app(Settings(queue_url="redis://127.0.0.1:6379/3"))
    second = make_app(Settings(queue_url="amqp://guest:guest@127.0.0.1:5672//"))
    assert first.tasks[TASK] is not second.tasks[TASK]
    assert second.tasks[TASK].app is second and first.tasks[TASK].app is first


@pytest.mark.parametrize("name", sorted(BROKERS))
def test_a_closed_producer_leaves_later_ones_for_the_same_broker_able_to_send(name: str) -> None:
    """Kombu's pools are process-wide: closing one producer (the web app at shutdown, a CLI
    call) must not leave a closed pool behind for the next app on the same broker."""
    url = broker_or_skip(name)
    job = StageJob(session_id="s-1", stage="draft", actor_id="u-1")
    first = CeleryQueue(make_app(Settings(queue_url=url)), SIGNER)
    first.submit(job)
    first.close()
    second = CeleryQueue(make_app(Settings(queue_url=url)), SIGNER)
    try:
        second.submit(job)  # raised QueueUnavailableError (RuntimeError: closed pool) before
    finally:
        second.close()
    broker_or_skip(name)  # empty the queues again


def test_jobs_are_signed_and_a_forged_or_altered_one_is_refused() -> None:
    job = StageJob(session_id="s-1", stage="draft", actor_id="u-1")
    sealed = SIGNER.seal(job)
    assert SIGNER.open(sealed) == job
    forged = {**sealed, "job": {**sealed["job"], "actor_id": "someone-else"}}
    for bad in (
        forged,
        {"job": sealed["job"], "mac": "0" * 64},
        sealed["job"],  # an unsigned job, as queued before signing existed
        {"job": "x", "mac": sealed["mac"]},
        None,
    ):
        with pytest.raises(JobSignatureError):
            SIGNER.open(bad)
    with pytest.raises(JobSignatureError):
        JobSigner(b"another practice's key").open(sealed)
    assert "k" not in repr(SIGNER)
