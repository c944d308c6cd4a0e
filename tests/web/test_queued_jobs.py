"""The web app with a job queue (``CLEARNOTE_QUEUE_URL``): an upload is sealed and its
transcription queued for the ``asr`` workers (the web host runs no ASR of its own); a recording
transcribed while it was made is finished here and only its text stages are queued; the job
follows the session's stage map as the workers record it. The queue here is a list (what a
broker would hold) drained by a stage runner standing in for a worker; the real broker and a
real worker process are in ``tests/jobs/test_web_queue.py``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clearnote.asr.base import AsrOutput
from clearnote.audio import load_audio
from clearnote.commands.demo import sample_session
from clearnote.pipeline.analysis import load_engines
from clearnote.pipeline.stages import StageRunner
from clearnote.records import audit_log, stage_leases
from clearnote.transcription.live import LiveResult
from clearnote.web.jobs import stage_progress
from tests.jobs.brokers import ListQueue
from tests.web.conftest import FULL, FakeTranscriber, Web, add_client, serve, upload_sample


class CountingTranscriber(FakeTranscriber):
    calls = 0

    def transcribe_decoded(self, audio: Any, **kw: Any) -> Any:
        CountingTranscriber.calls += 1
        return super().transcribe_decoded(audio, **kw)


@pytest.fixture
def queued(tmp_path: Path) -> Iterator[tuple[Web, ListQueue]]:
    CountingTranscriber.calls = 0
    broker = ListQueue()
    with serve(tmp_path, transcriber_for=CountingTranscriber, job_queue=broker) as w:
        assert w.login().status_code == 303
        yield w, broker


def _job(w: Web, job_id: str, until: tuple[str, ...] = ("queued", "done", "failed")) -> Any:
    doc: dict[str, Any] = {}
    for _ in range(400):
        doc = w.http.get(f"/api/jobs/{job_id}").json()
        if doc["status"] in until and doc["session_id"]:
            return doc
        time.sleep(0.05)
    raise AssertionError(f"job never reached {until}: {doc}")


def _worker(w: Web) -> StageRunner:
    engines = load_engines(w.settings)
    return StageRunner(
        w.ctx,
        transcriber_for=CountingTranscriber,  # type: ignore[arg-type]
        engines_for=lambda: engines,
        worker="worker-1",
        via="worker",
    )


def _run_one(runner: StageRunner, broker: ListQueue) -> None:
    outcome = runner.run(broker.jobs.pop(0))
    if outcome.next_job is not None:
        broker.submit(outcome.next_job)


def test_an_upload_goes_to_the_asr_workers_and_the_job_follows_the_stage_map(
    queued: tuple[Web, ListQueue],
) -> None:
    w, broker = queued
    cid = add_client(w, *FULL)
    job_id = upload_sample(w, cid)
    doc = _job(w, job_id)
    sid = doc["session_id"]
    assert doc["status"] == "queued" and doc["stages"]["record"] == "done"
    assert doc["stages"]["transcribe"].startswith("queued")
    assert [(j.session_id, j.stage, j.queue) for j in broker.jobs] == [(sid, "transcribe", "asr")]
    assert CountingTranscriber.calls == 0  # the web host ran no ASR
    kinds = stage_leases.artefact_ids(w.ctx, sid)
    assert set(kinds) == {"audio"}  # sealed before the job existed

    worker = _worker(w)
    _run_one(worker, broker)  # transcription, on the worker
    doc = w.http.get(f"/api/jobs/{job_id}").json()
    assert doc["status"] == "analysing" and doc["stages"]["transcribe"] == "done"
    assert 0.9 <= doc["progress"] < 1.0 and CountingTranscriber.calls == 1
    while broker.jobs:
        _run_one(worker, broker)
    doc = w.http.get(f"/api/jobs/{job_id}").json()
    assert doc["status"] == "done" and doc["progress"] == 1.0
    assert all(doc["stages"][s] == "done" for s in ("transcribe", "draft", "screen", "assess"))
    page = w.http.get(f"/sessions/{sid}")
    assert page.status_code == 200
    assert audit_log.verify(w.ctx).ok


def test_a_recording_transcribed_while_made_is_finished_here_and_its_text_stages_queued(
    queued: tuple[Web, ListQueue],
) -> None:
    w, broker = queued
    cid = add_client(w, *FULL)
    data = sample_session().read_bytes()
    decoded = load_audio(sample_session(), max_seconds=600, name="sample")
    ahead = LiveResult(
        audio=decoded,
        asr=AsrOutput(segments=(), language="en", duration=0.0, engine="fake", model="fake"),
    )
    runner = w.app.state.jobs
    job = runner.submit(w.owner, cid, data, live=lambda: ahead)
    doc = _job(w, job.id, until=("analysing", "done", "failed"))
    sid = doc["session_id"]
    assert CountingTranscriber.calls == 1  # the tail, here, with the engine that did the rest
    assert doc["stages"]["transcribe"] == "done" and doc["status"] == "analysing"
    assert [(j.session_id, j.stage, j.queue) for j in broker.jobs] == [(sid, "draft", "text")]
    worker = _worker(w)
    while broker.jobs:
        _run_one(worker, broker)
    assert w.http.get(f"/api/jobs/{job.id}").json()["status"] == "done"
    assert CountingTranscriber.calls == 1


def test_a_broker_that_is_down_leaves_the_session_queued_for_the_sweep(
    queued: tuple[Web, ListQueue],
) -> None:
    w, broker = queued
    broker.down = True
    cid = add_client(w, *FULL)
    doc = _job(w, upload_sample(w, cid))
    assert doc["status"] == "queued" and doc["error"] is None
    stages = stage_leases.session_facts(w.ctx, doc["session_id"]).stages
    assert stages["record"] == "done" and stages["transcribe"].startswith("queued")
    assert set(stage_leases.artefact_ids(w.ctx, doc["session_id"])) == {"audio"}


def test_a_refused_upload_stores_nothing_and_queues_nothing(
    queued: tuple[Web, ListQueue],
) -> None:
    w, broker = queued
    cid = add_client(w, "record")  # no consent to transcribe
    r = w.api(
        "POST",
        f"/api/clients/{cid}/recordings",
        content=sample_session().read_bytes(),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert r.status_code == 403, r.text
    assert broker.jobs == [] and CountingTranscriber.calls == 0


@pytest.mark.parametrize(
    ("stages", "expected"),
    [
        ({"record": "done", "transcribe": "queued (since x)"}, ("queued", 0.1)),
        (
            {"transcribe": "running (attempt 1, worker w, heartbeat 2026-11-27T00:00:00+00:00)"},
            ("transcribing", 0.1),
        ),
        ({"transcribe": "failed: AudioError"}, ("done", 1.0)),  # nothing follows
        ({"transcribe": "done", "draft": "queued (since x)"}, ("analysing", 0.9)),
        (
            {"transcribe": "done", "draft": "skipped: no consent", "screen": "done"},
            ("analysing", pytest.approx(0.9 + 0.1 * 2 / 3)),
        ),
        (
            {"transcribe": "done", "draft": "done", "screen": "failed: x", "assess": "done"},
            ("done", 1.0),
        ),
    ],
)
def test_stage_progress(stages: dict[str, str], expected: tuple[str, float]) -> None:
    assert stage_progress(stages) == expected
