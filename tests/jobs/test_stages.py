"""Stages as jobs: each writes its artefact once, re-running does nothing, a dead worker's stage is
taken over after its lease, a worker that lost its lease stores nothing, consent is checked when
the stage runs, and the audit chain holds throughout."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from clearnote.jobs.queue import InProcessQueue, ThreadQueue
from clearnote.jobs.types import PipelineOptions, StageJob
from clearnote.pipeline.process import enqueue_recording, process_recording
from clearnote.pipeline.stages import StageRunner
from clearnote.records import audit_log, consent, sessions, stage_leases
from clearnote.records.context import Refused
from tests.jobs.brokers import ListQueue
from tests.jobs.conftest import ALL_PURPOSES, World


def _enqueue(w: World, cid: str, q: ListQueue | None = None) -> tuple[str, ListQueue]:
    q = q or ListQueue()
    result = enqueue_recording(
        w.ctx, w.owner, client_id=cid, audio_path=w.audio, queue=q, max_audio_seconds=60
    )
    assert result.status == "queued" and set(result.artefacts) == {"audio"}
    return result.session_id, q


def _kinds(w: World, sid: str) -> Counter[str]:
    return Counter({k: len(v) for k, v in stage_leases.artefact_ids(w.ctx, sid).items()})


def _drain(runner: StageRunner, q: ListQueue) -> list[str]:
    statuses: list[str] = []
    while q.jobs:
        outcome = runner.run(q.jobs.pop(0))
        statuses.append(outcome.status)
        if outcome.next_job is not None:
            q.submit(outcome.next_job)
    return statuses


def test_enqueue_seals_the_audio_before_the_first_job(world: World) -> None:
    cid = world.client(*ALL_PURPOSES)
    sid, q = _enqueue(world, cid)
    assert [j.stage for j in q.jobs] == ["transcribe"] and q.jobs[0].queue == "asr"
    facts = stage_leases.session_facts(world.ctx, sid)
    assert facts.stages["record"] == "done" and facts.stages["transcribe"].startswith("queued")
    assert _kinds(world, sid) == Counter({"audio": 1})
    # the job names ids and options only
    assert set(q.jobs[0].model_dump()) == {"session_id", "stage", "actor_id", "options"}


def test_stages_run_in_order_on_their_queues_and_each_artefact_exists_once(
    any_world: World,
) -> None:
    w = any_world
    sid, q = _enqueue(w, w.client(*ALL_PURPOSES))
    runner = w.runner()
    seen: list[tuple[str, str]] = []
    while q.jobs:
        job = q.jobs.pop(0)
        seen.append((job.stage, job.queue))
        outcome = runner.run(job)
        assert outcome.status == "done"
        if outcome.next_job:
            q.submit(outcome.next_job)
    assert seen == [
        ("transcribe", "asr"),
        ("draft", "text"),
        ("screen", "text"),
        ("assess", "text"),
    ]
    assert _kinds(w, sid) == Counter(
        {"audio": 1, "transcript": 1, "draft": 1, "screening": 1, "assessment": 1}
    )
    # every stage again, in any order, twice: nothing runs, nothing is stored, nothing queued
    for stage in ("assess", "transcribe", "screen", "draft", "transcribe"):
        outcome = runner.run(StageJob(session_id=sid, stage=stage, actor_id=w.owner.user_id))
        assert outcome.status == "done" and outcome.next_job is None
    assert w.transcriber.calls == 1
    assert sum(_kinds(w, sid).values()) == 5
    assert audit_log.verify(w.ctx).ok


def test_a_dead_workers_stage_is_taken_over_after_its_lease(world: World) -> None:
    sid, q = _enqueue(world, world.client(*ALL_PURPOSES))
    job = q.jobs.pop(0)
    # worker "dead" claimed the stage, then vanished (no heartbeat)
    claim = stage_leases.claim(
        world.ctx, sid, "transcribe", kind="transcript", actor=world.owner,
        worker="dead", lease_s=world.settings.job_lease_s, max_attempts=3,
    )  # fmt: skip
    assert claim.state == "claimed" and claim.attempt == 1
    runner = world.runner("w2")
    assert runner.run(job).status == "busy"  # the lease is fresh: leave it alone
    assert world.transcriber.calls == 0
    world.clock.advance(world.settings.job_lease_s + 1)
    outcome = runner.run(job)
    assert outcome.status == "done" and world.transcriber.calls == 1
    assert outcome.next_job is not None and outcome.next_job.stage == "draft"
    q.submit(outcome.next_job)
    _drain(runner, q)
    assert _kinds(world, sid)["transcript"] == 1 and _kinds(world, sid)["assessment"] == 1
    with world.ctx.tx() as db:
        entries = audit_log.list_entries(db, action_prefix="session.stage")
    running = [
        e.meta["status"]
        for e in entries
        if e.action == "session.stage" and e.meta.get("stage") == "transcribe"
    ]
    assert "running (attempt 1)" in running and "running (attempt 2)" in running
    assert audit_log.verify(world.ctx).ok


def test_stored_but_not_marked_finishes_without_running_again(world: World) -> None:
    """A worker stored the transcript and died before marking the stage or queueing the next."""
    sid, q = _enqueue(world, world.client(*ALL_PURPOSES))
    stage_leases.claim(
        world.ctx, sid, "transcribe", kind="transcript", actor=world.owner,
        worker="dead", lease_s=30, max_attempts=3,
    )  # fmt: skip
    sessions.store_artefact(
        sid, "transcript", b'{"x":1}', actor=world.owner, ctx=world.ctx, stage="transcript"
    )
    outcome = world.runner().run(q.jobs.pop(0))
    assert outcome.status == "done" and world.transcriber.calls == 0
    assert outcome.next_job is not None and outcome.next_job.stage == "draft"
    assert _kinds(world, sid)["transcript"] == 1


def test_a_worker_that_lost_its_lease_stores_nothing(world: World) -> None:
    sid, q = _enqueue(world, world.client(*ALL_PURPOSES))

    def taken_over() -> None:  # mid-transcription, the lease lapses and w2 takes the stage
        world.clock.advance(world.settings.job_lease_s + 1)
        stage_leases.claim(
            world.ctx, sid, "transcribe", kind="transcript", actor=world.owner,
            worker="w2", lease_s=world.settings.job_lease_s, max_attempts=3,
        )  # fmt: skip

    world.transcriber.before_return = taken_over
    outcome = world.runner("w1").run(q.jobs.pop(0))
    assert outcome.status == "failed" and outcome.next_job is None
    assert "transcript" not in _kinds(world, sid)
    marker = stage_leases.session_facts(world.ctx, sid).stages["transcribe"]
    assert marker.startswith("running (attempt 2, worker w2")


def test_a_stage_that_keeps_dying_is_given_up_after_max_attempts(world: World) -> None:
    sid, q = _enqueue(world, world.client(*ALL_PURPOSES))
    for n in range(3):
        c = stage_leases.claim(
            world.ctx, sid, "transcribe", kind="transcript", actor=world.owner,
            worker=f"dead{n}", lease_s=30, max_attempts=3,
        )  # fmt: skip
        assert c.state == "claimed" and c.attempt == n + 1
        world.clock.advance(31)
    outcome = world.runner().run(q.jobs.pop(0))
    assert outcome.status == "gave_up" and world.transcriber.calls == 0
    assert stage_leases.session_facts(world.ctx, sid).stages["transcribe"].startswith("failed")


def test_consent_revoked_while_queued_refuses_the_stage_and_stores_nothing(world: World) -> None:
    cid = world.client(*ALL_PURPOSES)
    sid, q = _enqueue(world, cid)
    consent.revoke(world.ctx, world.owner, cid, "transcribe")
    outcome = world.runner().run(q.jobs.pop(0))
    assert outcome.status == "refused" and outcome.next_job is None
    assert world.transcriber.calls == 0 and "transcript" not in _kinds(world, sid)
    assert outcome.marker.startswith("refused:") and "transcribe" in outcome.marker


def test_text_stages_skip_without_consent_and_say_why(world: World) -> None:
    sid, q = _enqueue(world, world.client("record", "transcribe"))
    assert _drain(world.runner(), q) == ["done", "skipped", "skipped", "skipped"]
    stages = stage_leases.session_facts(world.ctx, sid).stages
    assert "draft_note" in stages["draft"] and "risk_screening" in stages["screen"]
    assert world.engines is None  # no text engine was loaded for nothing


def test_options_travel_with_the_session(world: World) -> None:
    sid, q = _enqueue(world, world.client(*ALL_PURPOSES))
    opts = PipelineOptions(fmt="dap", framework="narrative", speakers=2)
    assert PipelineOptions.decode(opts.encode()) == opts
    assert PipelineOptions.decode("garbage") == PipelineOptions()
    facts = stage_leases.session_facts(world.ctx, sid)
    assert facts.stages[stage_leases.OPTIONS_KEY] == PipelineOptions().encode()


def test_sweeper_requeues_a_lapsed_stage_once(world: World) -> None:
    from clearnote.jobs.celery_queue import Sweeper

    sid, q = _enqueue(world, world.client(*ALL_PURPOSES))
    q.jobs.clear()  # the broker lost it, or the worker holding it died
    stage_leases.claim(
        world.ctx, sid, "transcribe", kind="transcript", actor=world.owner,
        worker="dead", lease_s=30, max_attempts=3,
    )  # fmt: skip
    sweeper = Sweeper(world.ctx, q, lease_s=30, queued_s=600)
    assert sweeper.sweep_once() == 0  # lease still fresh
    world.clock.advance(31)
    assert sweeper.sweep_once() == 1 and sweeper.sweep_once() == 0  # once per period
    assert [(j.session_id, j.stage, j.actor_id) for j in q.jobs] == [
        (sid, "transcribe", world.owner.user_id)
    ]
    _drain(world.runner(), q)
    assert _kinds(world, sid)["assessment"] == 1


def test_process_recording_keeps_its_contract(world: World) -> None:
    cid = world.client(*ALL_PURPOSES)
    result = process_recording(
        world.ctx,
        world.owner,
        client_id=cid,
        audio_path=world.audio,
        transcriber_for=lambda: world.transcriber,  # type: ignore[arg-type,return-value]
        engines_for=lambda: world.runner().engines(),
        max_audio_seconds=60,
    )
    assert result.status == "draft_ready"
    assert result.stages == {
        "record": "done",
        "transcribe": "done",
        "draft": "done",
        "screen": "done",
        "assess": "done",
    }
    assert set(result.artefacts) == {"audio", "transcript", "draft", "screening", "assessment"}


def test_refused_before_anything_is_stored(world: World) -> None:
    cid = world.client("record")
    with pytest.raises(Refused):
        _enqueue(world, cid)
    assert sessions.list_sessions(world.ctx, world.owner) == []


def test_thread_queue_runs_sessions_in_the_background(world: World) -> None:
    cid = world.client(*ALL_PURPOSES)
    tq = ThreadQueue(world.runner())
    try:
        sids = [_enqueue(world, cid, q=tq)[0] for _ in range(3)]  # type: ignore[arg-type]
        tq.join()
    finally:
        tq.close()
    for sid in sids:
        assert _kinds(world, sid) == Counter(
            {"audio": 1, "transcript": 1, "draft": 1, "screening": 1, "assessment": 1}
        )
    assert threading.active_count() >= 1 and audit_log.verify(world.ctx).ok


def test_in_process_queue_reports_job_status(world: World) -> None:
    sid, q = _enqueue(world, world.client(*ALL_PURPOSES))
    iq = InProcessQueue(world.runner())
    job_id = iq.submit(q.jobs.pop(0))
    assert iq.status(job_id) == "done" and iq.status("nope") == "unknown"
    assert [o.status for _, o in iq.outcomes] == ["done"] * 4
    assert _kinds(world, sid)["assessment"] == 1


class _CountingScreener:
    """Wraps the rule screener and counts the transcripts it screens."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.calls = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def screen(self, transcript: object) -> object:
        self.calls += 1
        return self.inner.screen(transcript)  # type: ignore[attr-defined]


def test_assess_reads_the_stored_screening_instead_of_screening_again(world: World) -> None:
    w = world
    sid, q = _enqueue(w, w.client(*ALL_PURPOSES))
    runner = w.runner()
    engines = runner.engines()
    counting = _CountingScreener(engines.screener)
    engines.screener = counting  # type: ignore[assignment]
    assert _drain(runner, q) == ["done", "done", "done", "done"]
    assert counting.calls == 1  # the screen stage only
    assert _kinds(w, sid)["assessment"] == 1 and audit_log.verify(w.ctx).ok


def test_assess_screens_afresh_when_no_screening_is_stored(world: World) -> None:
    w = world
    sid, q = _enqueue(w, w.client(*ALL_PURPOSES))
    runner = w.runner()
    runner.run(q.jobs.pop(0))  # transcribe
    engines = runner.engines()
    counting = _CountingScreener(engines.screener)
    engines.screener = counting  # type: ignore[assignment]
    outcome = runner.run(StageJob(session_id=sid, stage="assess", actor_id=w.owner.user_id))
    assert outcome.status == "done"
    assert counting.calls == 1
    assert _kinds(w, sid)["screening"] == 0 and _kinds(w, sid)["assessment"] == 1


def test_hand_off_transcribes_here_and_sends_the_text_stages_to_the_workers(world: World) -> None:
    w = world
    cid = w.client(*ALL_PURPOSES)
    workers = ListQueue()
    seen: list[str] = []
    result = process_recording(
        w.ctx,
        w.owner,
        client_id=cid,
        audio_path=w.audio,
        transcriber_for=lambda: w.transcriber,  # type: ignore[arg-type,return-value]
        engines_for=lambda: pytest.fail("no text stage runs on the host that hands off"),
        max_audio_seconds=60,
        ingested=seen.append,
        then=workers,
    )
    sid = result.session_id
    assert seen == [sid]  # told the session id once the audio was sealed
    assert result.status == "transcribed" and w.transcriber.calls == 1
    assert [(j.session_id, j.stage, j.queue) for j in workers.jobs] == [(sid, "draft", "text")]
    assert result.stages["transcribe"] == "done" and result.stages["draft"].startswith("queued")
    assert _kinds(w, sid) == Counter({"audio": 1, "transcript": 1})
    assert _drain(w.runner("text-worker"), workers) == ["done", "done", "done"]
    assert _kinds(w, sid) == Counter(
        {"audio": 1, "transcript": 1, "draft": 1, "screening": 1, "assessment": 1}
    )
    assert w.transcriber.calls == 1 and audit_log.verify(w.ctx).ok


def test_hand_off_when_the_broker_refuses_leaves_the_stage_queued_for_the_sweep(
    world: World,
) -> None:
    from clearnote.errors import QueueUnavailableError

    sid, q = _enqueue(world, world.client(*ALL_PURPOSES))
    down = ListQueue()
    down.down = True
    here = InProcessQueue(world.runner(), then=down)
    with pytest.raises(QueueUnavailableError):
        here.submit(q.jobs.pop(0))
    stages = stage_leases.session_facts(world.ctx, sid).stages
    assert stages["transcribe"] == "done" and stages["draft"].startswith("queued")
    stalled = stage_leases.stalled(world.ctx, stages=("draft",), lease_s=30, queued_s=60)
    assert stalled == []  # not yet: a queued stage is swept once it has waited queued_s
    world.clock.advance(61)
    stalled = stage_leases.stalled(world.ctx, stages=("draft",), lease_s=30, queued_s=60)
    assert [(s.session_id, s.stage) for s in stalled] == [(sid, "draft")]


REMOTE = "llm.baa-covered.example"


def _remote_engines(w: World, sent: list[str]) -> None:
    """Drafting and LLM screening through an openai endpoint at a remote host with a recorded
    BAA (httpx.MockTransport standing in for it; each request's purpose is noted in ``sent``)."""
    import json as _json

    import httpx

    from clearnote.assess.screening import default_rules
    from clearnote.assess.screening.llm import LlmScreener
    from clearnote.llm.openai_compat import OpenAIBackend

    def answer(request: httpx.Request) -> httpx.Response:
        body = _json.loads(request.content)
        screening = body["response_format"]["json_schema"]["name"] == "clearnote_screen"
        sent.append("screen" if screening else "draft")
        content = {"findings": []} if screening else {"sections": {}}
        message = {"message": {"content": _json.dumps(content)}, "finish_reason": "stop"}
        return httpx.Response(200, json={"choices": [message]})

    model = OpenAIBackend(
        f"https://{REMOTE}/v1",
        "covered-model",
        allow_remote=True,
        baa_hosts=[REMOTE],
        transport=httpx.MockTransport(answer),
    )
    engines = w.runner().engines()
    engines.drafter = model
    engines.screen_extra = (LlmScreener(model, default_rules()),)
    w.engines = engines


def _ai_runs(w: World, sid: str) -> dict[str, tuple[str, str]]:
    """The session's AI runs as the client's report shows them: stage → (model, where)."""
    from clearnote.records.report import client_report

    cid = stage_leases.session_facts(w.ctx, sid).client_id
    runs = client_report(w.ctx, w.owner, cid)["ai_runs"]
    return {r["stage"]: (r["model"], r["where"]) for r in runs if r["session_id"] == sid}


def test_a_remote_model_is_used_only_with_the_clients_remote_processing_consent(
    world: World,
) -> None:
    w = world
    sent: list[str] = []
    _remote_engines(w, sent)
    sid, q = _enqueue(w, w.client(*ALL_PURPOSES))  # no consent to remote processing
    assert _drain(w.runner(), q) == ["done"] * 4
    assert sent == []  # nothing left this machine
    runs = _ai_runs(w, sid)
    assert runs["draft"] == ("extractive", "local (this machine)")  # a grounded draft still
    assert runs["screen"] == ("clearnote-rules", "local (this machine)")  # the rule floor
    assert _kinds(w, sid)["draft"] == 1 and _kinds(w, sid)["screening"] == 1

    sid, q = _enqueue(w, w.client(*ALL_PURPOSES, "remote_processing"))
    assert _drain(w.runner(), q) == ["done"] * 4
    assert "draft" in sent and "screen" in sent
    runs = _ai_runs(w, sid)
    assert runs["draft"] == ("openai", f"remote ({REMOTE}, BAA recorded)")
    assert runs["screen"] == ("clearnote-rules+llm", f"remote ({REMOTE}, BAA recorded)")
    assert runs["transcribe"][1] == "local (this machine)"
    assert audit_log.verify(w.ctx).ok


def test_a_loopback_model_needs_no_remote_processing_consent(world: World) -> None:
    from clearnote.llm.endpoint import remote_host, where
    from clearnote.llm.openai_compat import OpenAIBackend

    assert remote_host(OpenAIBackend("http://127.0.0.1:8080/v1", "m")) is None
    assert remote_host(OpenAIBackend("http://localhost:8080/v1", "m")) is None
    assert remote_host(object()) is None  # in-process backends have no host
    assert where(None) == "local (this machine)"
    assert where("h.example") == "remote (h.example, BAA recorded)"


def test_a_job_for_a_disabled_account_ends_refused_once_and_is_not_swept_again(
    world: World,
) -> None:
    from clearnote.records import admin, clients
    from clearnote.records.context import Actor
    from clearnote.security.roles import Role
    from tests.jobs.conftest import CLIENT_NAME, PASSWORD

    w = world
    uid, _ = admin.add_user(
        w.ctx, w.owner, email="leaver@example.org", role="clinician", password=PASSWORD
    )
    leaver = Actor(uid, frozenset({Role.CLINICIAN}), "test")
    cid = clients.add_client(w.ctx, leaver, name=CLIENT_NAME, jurisdictions=["US-CA"])
    consent.grant(w.ctx, leaver, cid, list(ALL_PURPOSES), signed_by=CLIENT_NAME)
    result = enqueue_recording(
        w.ctx,
        leaver,
        client_id=cid,
        audio_path=w.audio,
        queue=(q := ListQueue()),
        max_audio_seconds=60,
    )
    sid = result.session_id
    assert admin.set_disabled(w.ctx, w.owner, uid, disabled=True, reason="left_practice") == 0
    job = q.jobs.pop(0)
    outcome = w.runner().run(job)
    assert outcome.status == "refused" and outcome.next_job is None
    marker = stage_leases.session_facts(w.ctx, sid).stages["transcribe"]
    assert marker == "refused: the account this job runs for is disabled"
    assert w.transcriber.calls == 0 and _kinds(w, sid) == Counter({"audio": 1})
    again = w.runner("w2").run(job)  # a redelivered copy changes nothing
    assert (again.status, again.marker) == ("refused", marker)
    w.clock.advance(3600)
    assert stage_leases.stalled(w.ctx, stages=("transcribe",), lease_s=30, queued_s=60) == []
    assert audit_log.verify(w.ctx).ok
