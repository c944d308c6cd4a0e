"""Concurrent use: the database (SQLite; PostgreSQL in a PostgreSQL suite run) under concurrent
writers (threads and processes) loses no update and keeps the audit chain intact; a retention run
during processing leaves every artefact either live or erased with its receipt, and no orphan
blob."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import timedelta
from pathlib import Path

from clearnote.config import Settings
from clearnote.jobs.types import StageJob
from clearnote.records import audit_log, sessions, stage_leases
from clearnote.records.practice import cli_actor, open_practice
from tests.jobs.conftest import ALL_PURPOSES, World

THREADS, PER_THREAD = 6, 8


def _store_many(settings: Settings, session_id: str, tag: str, n: int) -> None:
    """A writer in its own process: its own engine, its own connections."""
    ctx = open_practice(settings)
    try:
        owner = cli_actor(ctx)
        for i in range(n):
            sessions.store_artefact(
                session_id, "audio", f"{tag}-{i}".encode(), actor=owner, ctx=ctx, stage=f"{tag}{i}"
            )
    finally:
        ctx.close()


def _errors_of(target: object, *args: object) -> tuple[threading.Thread, list[BaseException]]:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target(*args)  # type: ignore[operator]
        except BaseException as exc:
            errors.append(exc)

    return threading.Thread(target=run), errors


def test_threads_storing_at_once_lose_nothing_and_keep_the_chain(world: World) -> None:
    cid = world.client(*ALL_PURPOSES)
    sid = sessions.create_session(cid, world.owner, ctx=world.ctx)
    runs = [
        _errors_of(_store_many, world.settings, sid, f"t{t}-", PER_THREAD) for t in range(THREADS)
    ]
    for thread, _ in runs:
        thread.start()
    for thread, _ in runs:
        thread.join()
    assert [e for _, errs in runs for e in errs] == []
    ids = stage_leases.artefact_ids(world.ctx, sid)["audio"]
    assert len(ids) == THREADS * PER_THREAD
    # every read-modify-write of the session's stage map survived (no lost update)
    stages = stage_leases.session_facts(world.ctx, sid).stages
    assert {k for k in stages if k.startswith("t")} == {
        f"t{t}-{i}" for t in range(THREADS) for i in range(PER_THREAD)
    }
    report = audit_log.verify(world.ctx)
    assert report.ok and report.entries > THREADS * PER_THREAD


def test_processes_writing_at_once_keep_the_chain(world: World) -> None:
    cid = world.client(*ALL_PURPOSES)
    sid = sessions.create_session(cid, world.owner, ctx=world.ctx)
    spawn = multiprocessing.get_context("spawn")
    procs = [
        spawn.Process(target=_store_many, args=(world.settings, sid, f"p{p}-", 6)) for p in range(3)
    ]
    for proc in procs:
        proc.start()
    _store_many(world.settings, sid, "main-", 6)  # and this process at the same time
    for proc in procs:
        proc.join(timeout=120)
        assert proc.exitcode == 0
    assert len(stage_leases.artefact_ids(world.ctx, sid)["audio"]) == 4 * 6
    assert audit_log.verify(world.ctx).ok


def test_a_retention_run_during_processing_leaves_no_half_erased_artefact(world: World) -> None:
    from tests.jobs.brokers import ListQueue
    from tests.jobs.test_stages import _enqueue

    cid = world.client(*ALL_PURPOSES)
    queue = ListQueue()
    sids = [_enqueue(world, cid, queue)[0] for _ in range(4)]
    runner = world.runner()
    done = threading.Event()
    erased: list[int] = []

    def retention() -> None:
        later = world.ctx.now() + timedelta(days=3650)  # everything is due
        while not done.is_set():
            erased.append(len(sessions.run_retention(world.ctx, now=later)))

    def process() -> None:
        try:
            while queue.jobs:
                outcome = runner.run(queue.jobs.pop(0))
                if outcome.next_job is not None:
                    queue.submit(outcome.next_job)
        finally:
            done.set()

    sweeper, sweep_errors = _errors_of(retention)
    worker, work_errors = _errors_of(process)
    sweeper.start()
    worker.start()
    worker.join(timeout=120)
    sweeper.join(timeout=120)
    assert sweep_errors == [] and work_errors == []
    assert sum(erased) > 0  # the run really erased things while stages ran
    with world.ctx.engine.connect() as db:  # SQLite or PostgreSQL
        found = db.exec_driver_sql("select id, blob_ref, erased_at, session_id from artefacts")
        rows = [(aid, ref, at) for aid, ref, at, sid in found if sid in sids]
        receipts = {r[0] for r in db.exec_driver_sql("select artefact_id from deletion_receipts")}
    live_refs = {ref for _, ref, _ in rows if ref is not None}
    for aid, ref, erased_at in rows:  # live, or erased with blob gone and a receipt
        assert (erased_at is None) == (ref is not None)
        assert (erased_at is not None) == (aid in receipts)
    for sid in sids:  # every stage ended final (done, or failed on erased input); none hangs
        stages = stage_leases.session_facts(world.ctx, sid).stages
        ran = ("transcribe", "draft", "screen", "assess") if stages["transcribe"] == "done" else ()
        assert stage_leases.is_final(stages["transcribe"])
        assert all(stage_leases.is_final(stages.get(s)) for s in ran), stages
    on_disk = {p.name for p in Path(world.settings.home / "blobs").rglob("*") if p.is_file()}
    assert on_disk == live_refs  # no orphan blob, none missing
    assert audit_log.verify(world.ctx).ok


def test_job_ids_and_options_only_in_the_payload() -> None:
    job = StageJob(session_id="s", stage="draft", actor_id="u")
    assert job.model_dump(mode="json") == {
        "session_id": "s",
        "stage": "draft",
        "actor_id": "u",
        "options": {"fmt": "soap", "framework": "cbt", "speakers": None},
    }


def test_concurrent_stage_marks_on_one_session_are_all_kept(any_world: World) -> None:
    """``sessions.set_stage`` is a read-modify-write of the session's stage map. SQLite holds the
    writer lock for the whole transaction; on PostgreSQL the row must be locked (SELECT ... FOR
    UPDATE) or concurrent marks are lost: set_stage and store_artefact lock it."""
    w = any_world
    sid = sessions.create_session(w.client(*ALL_PURPOSES), w.owner, ctx=w.ctx)

    def mark(t: int) -> None:
        for i in range(6):
            sessions.set_stage(sid, f"t{t}-{i}", "done", actor=w.owner, ctx=w.ctx)

    runs = [_errors_of(mark, t) for t in range(4)]
    for thread, _ in runs:
        thread.start()
    for thread, _ in runs:
        thread.join()
    assert [e for _, errs in runs for e in errs] == []
    stages = stage_leases.session_facts(w.ctx, sid).stages
    assert len([k for k in stages if k.startswith("t")]) == 4 * 6
    assert audit_log.verify(w.ctx).ok
