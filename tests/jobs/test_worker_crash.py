"""Kill a real Celery worker (SIGKILL) in the middle of transcription: after a new worker starts,
the session completes, each artefact kind exists exactly once, and the audit chain verifies.

Run on each broker: Redis on 127.0.0.1:6379 (database 14) and RabbitMQ on 127.0.0.1:5672
(guest/guest, vhost /, no result backend); each is skipped cleanly when not reachable. Only the
``asr`` and ``text`` queues are used, emptied before the test."""

from __future__ import annotations

import json
import signal
import subprocess
import time
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from clearnote.audio import load_audio
from clearnote.cli import main
from clearnote.commands.demo import sample_session
from clearnote.config import Settings
from clearnote.records import stage_leases
from clearnote.records.practice import open_practice
from tests.jobs.brokers import BROKERS, broker_or_skip, wait

NAME = "Ottoline Brackwater-Jessop"
PURPOSES = ("record", "transcribe", "draft_note", "risk_screening", "diagnostic_suggestions")
KINDS = {"audio", "transcript", "draft", "screening", "assessment"}


def long_recording(path: Path, repeats: int) -> Path:
    """The sample session repeated (synthetic speech, no client data) as 16 kHz WAV."""
    audio = load_audio(sample_session(), max_seconds=3600, name="sample")
    samples = np.tile(audio.samples, repeats)
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm)
    return path


@pytest.fixture(params=sorted(BROKERS))
def env(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    url = broker_or_skip(request.param)
    values = {
        "CLEARNOTE_HOME": str(tmp_path / "home"),
        "CLEARNOTE_KEY_FILE": str(tmp_path / "keys" / "kek"),
        "CLEARNOTE_OWNER_PASSWORD": "a long passphrase nobody guesses",
        "CLEARNOTE_ASR_MODEL": "tiny.en",
        "CLEARNOTE_QUEUE_URL": url,
        "CLEARNOTE_JOB_LEASE_S": "3",
        "OPENBLAS_NUM_THREADS": "1",
    }
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def _stages(sid: str) -> dict[str, str]:
    ctx = open_practice(Settings())
    try:
        return stage_leases.session_facts(ctx, sid).stages
    finally:
        ctx.close()


def _kinds(sid: str) -> dict[str, int]:
    ctx = open_practice(Settings())
    try:
        return {k: len(v) for k, v in stage_leases.artefact_ids(ctx, sid).items()}
    finally:
        ctx.close()


@pytest.mark.slow
@pytest.mark.timeout(420)
def test_sigkill_mid_transcription_then_a_new_worker_completes_the_session(
    env: dict[str, str],
    tmp_path: Path,
    workers: Callable[[str], subprocess.Popen[bytes]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["init", "--owner-email", "owner@example.org"]) == 0
    capsys.readouterr()
    assert main(["client", "add", "--name", NAME, "--jurisdiction", "US-CA", "--json"]) == 0
    cid = json.loads(capsys.readouterr().out)["id"]
    grant = ["consent", "grant", cid, "--signed-by", NAME, "--json"]
    for p in PURPOSES:
        grant += ["--purpose", p]
    assert main(grant) == 0
    audio = long_recording(tmp_path / "long.wav", repeats=5)  # 5 minutes

    first = workers("first")
    capsys.readouterr()
    assert main(["process", str(audio), "--client", cid, "--async", "--json"]) == 0
    queued = json.loads(capsys.readouterr().out)
    assert queued["status"] == "queued"
    sid = queued["session_id"]

    wait(lambda: _stages(sid).get("transcribe", "").startswith("running"), 90, "claim")
    time.sleep(6)  # model loaded, audio decoded, transcription under way
    assert "transcript" not in _kinds(sid), "transcription finished before the kill"
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    marker = _stages(sid)["transcribe"]
    assert marker.startswith("running (attempt 1"), marker  # left behind by the dead worker

    second = workers("second")

    def finished() -> bool:
        stages = _stages(sid)
        return all(
            stage_leases.is_final(stages.get(s))
            for s in ("transcribe", "draft", "screen", "assess")
        )

    wait(finished, 300, "the session to complete after restart")
    stages = _stages(sid)
    assert all(stages[s] == "done" for s in ("transcribe", "draft", "screen", "assess")), stages
    assert _kinds(sid) == dict.fromkeys(KINDS, 1)
    assert second.poll() is None  # the new worker is alive and well

    capsys.readouterr()
    assert main(["audit", "verify"]) == 0
    capsys.readouterr()
    assert main(["audit", "list", "--json"]) == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    transcribe_marks = [
        e["meta"]["status"]
        for e in entries
        if e["action"] == "session.stage" and e["meta"].get("stage") == "transcribe"
    ]
    assert "running (attempt 1)" in transcribe_marks
    assert "running (attempt 2)" in transcribe_marks
    writes = [e for e in entries if e["action"] == "artefact.write"]
    assert len(writes) == len(KINDS)  # nothing written twice
    log = (tmp_path / "second.log").read_text(errors="replace")
    assert NAME not in log and "Traceback" not in log
