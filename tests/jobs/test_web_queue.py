"""The web app on a real broker with a real worker process: an upload through the API is sealed by
the web host and queued; a ``clearnote worker`` (Whisper tiny.en) transcribes it and runs the text
stages; the web job follows the session's stage map to ``done`` (on RabbitMQ too, which has no
result backend). Each broker is skipped cleanly when it is not on 127.0.0.1."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clearnote.jobs.celery_queue import TASK, make_app
from clearnote.records import audit_log, sessions, stage_leases
from tests.jobs.brokers import BROKERS, broker_or_skip
from tests.web.conftest import CLIENT_NAME, FULL, add_client, serve, upload_sample

KINDS = ("audio", "transcript", "draft", "screening", "assessment")


def _not_here(*_args: Any) -> Any:
    raise AssertionError("the web host ran a stage that belongs to the workers")


@pytest.fixture(params=sorted(BROKERS))
def broker(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = broker_or_skip(request.param)
    # the worker reads the same practice as the in-test web app (tests.web.conftest.serve)
    monkeypatch.setenv("CLEARNOTE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLEARNOTE_KEY_FILE", str(tmp_path / "keys" / "kek"))
    monkeypatch.setenv("CLEARNOTE_QUEUE_URL", url)
    monkeypatch.setenv("CLEARNOTE_ASR_MODEL", "tiny.en")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    return url


@pytest.mark.slow  # a worker process loads Whisper tiny.en and the text engines
@pytest.mark.timeout(300)
def test_an_upload_is_processed_by_a_worker_and_the_web_job_follows_it(
    broker: str, tmp_path: Path, workers: Callable[[str], subprocess.Popen[bytes]]
) -> None:
    with serve(tmp_path, transcriber_for=_not_here, engines_for=_not_here) as w:
        assert w.settings.queue_url == broker
        assert w.login().status_code == 303
        cid = add_client(w, *FULL)
        worker = workers("worker")
        job_id = upload_sample(w, cid)
        seen: list[str] = []
        doc: dict[str, Any] = {}
        end = time.monotonic() + 240
        while time.monotonic() < end:
            doc = w.http.get(f"/api/jobs/{job_id}").json()
            if not seen or seen[-1] != doc["status"]:
                seen.append(doc["status"])
            if doc["status"] in ("done", "failed"):
                break
            assert worker.poll() is None, (tmp_path / "worker.log").read_text(errors="replace")
            time.sleep(0.2)
        assert doc["status"] == "done", (doc, (tmp_path / "worker.log").read_text()[-3000:])
        assert "queued" in seen and seen[-1] == "done"
        sid = doc["session_id"]
        assert all(doc["stages"][s] == "done" for s in ("transcribe", "draft", "screen", "assess"))
        kinds = {k: len(v) for k, v in stage_leases.artefact_ids(w.ctx, sid).items()}
        assert kinds == dict.fromkeys(KINDS, 1)
        view = sessions.show_session(w.ctx, w.owner, sid)
        transcript = next(a for a in view.artefacts if a.kind == "transcript")
        text = sessions.load_artefact(transcript.id, actor=w.owner, ctx=w.ctx).decode()
        assert "faster-whisper" in text and "tiny.en" in text  # real ASR, on the worker
        assert w.http.get(f"/sessions/{sid}").status_code == 200

        # a job written to the broker by someone without the key file is refused, not run
        forged = {
            "job": {
                "session_id": sid,
                "stage": "draft",
                "actor_id": w.owner.user_id,
                "options": {},
            },
            "mac": "0" * 64,
        }
        app = make_app(w.settings)
        app.send_task(TASK, args=[forged], queue="text")
        log_file = tmp_path / "worker.log"
        end = time.monotonic() + 60
        while "signature does not match" not in log_file.read_text(errors="replace"):
            assert time.monotonic() < end, "the worker never refused the forged job"
            time.sleep(0.2)
        app.close()
        kinds = {k: len(v) for k, v in stage_leases.artefact_ids(w.ctx, sid).items()}
        assert kinds == dict.fromkeys(KINDS, 1)  # nothing ran again
        assert audit_log.verify(w.ctx).ok
    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert CLIENT_NAME not in log and "Traceback" not in log
