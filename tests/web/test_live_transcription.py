"""Transcription while recording, through the live-recording API.

The slow test streams the sample session (WebM/Opus, ~5-s chunks, 5x real time) with Whisper
tiny.en: parts are transcribed before the stop, the transcript equals a plain upload's, and the
stop-to-draft time is a fraction of the one-shot time. The fast ones (stand-in transcriber) check
that a revocation of consent mid-recording stops it and wipes it."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearnote.audio import SAMPLE_RATE
from clearnote.commands.demo import sample_session
from clearnote.config import Settings
from clearnote.pipeline.analysis import load_engines
from clearnote.records import consent, sessions
from clearnote.records.practice import cli_actor, init_practice, open_practice
from clearnote.records.users import totp_secret
from clearnote.transcription.service import build_transcriber
from clearnote.web.app import create_app
from tests.bench.wer import wer
from tests.web.conftest import EMAIL, FULL, PASSWORD, TURNS, Web, add_client
from tests.web.livefeed import sample_samples, send, split, webm_opus

CHUNK = 64 * 1024


def wait_job(w: Web, job: str, timeout: float = 600.0) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        doc = w.http.get(f"/api/jobs/{job}").json()
        if doc["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    return doc


def transcript_text(w: Web, session_id: str) -> tuple[str, dict[str, Any]]:
    view = sessions.show_session(w.ctx, w.owner, session_id)
    art = next(a for a in view.artefacts if a.kind == "transcript")
    doc = json.loads(sessions.load_artefact(art.id, actor=w.owner, ctx=w.ctx))
    return " ".join(s["text"] for s in doc["segments"]), doc


@pytest.fixture
def whisper_web(tmp_path: Path) -> Iterator[Web]:
    """An app with the real pipeline (Whisper tiny.en, diarization, extractive drafting), the
    models loaded before the test starts timing; signed in."""
    settings = Settings(
        home=tmp_path / "home", key_file=tmp_path / "keys" / "kek", asr_model="tiny.en"
    )
    init_practice(settings, owner_email=EMAIL, password=PASSWORD)
    ctx = open_practice(settings)
    fixed = datetime.now(UTC)
    start = time.monotonic()
    ctx.clock = lambda: fixed + timedelta(seconds=time.monotonic() - start)
    owner = cli_actor(ctx)
    with ctx.tx() as db:
        secret = totp_secret(ctx, db, owner.user_id)
    transcriber = build_transcriber(settings)
    engines = load_engines(settings)
    app = create_app(
        settings,
        ctx=ctx,
        transcriber_for=lambda: transcriber,
        engines_for=lambda: engines,
        max_upload_bytes=64 * 1024 * 1024,
    )
    try:
        with TestClient(app, base_url="https://testserver") as http:
            w = Web(app, http, ctx, owner, settings, secret)
            assert w.login().status_code == 303
            yield w
    finally:
        ctx.close()


def upload(w: Web, cid: str, data: bytes) -> str:
    r = w.api(
        "POST",
        f"/api/clients/{cid}/recordings?fmt=soap",
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


@pytest.mark.slow  # Whisper tiny.en over the sample session three times
def test_streamed_recording_is_transcribed_ahead_and_matches_an_upload(whisper_web: Web) -> None:
    w = whisper_web
    cid = add_client(w, *FULL)
    samples = sample_samples(repeat=2)
    duration = samples.shape[0] / SAMPLE_RATE
    data = webm_opus(samples)
    chunks = split(data, duration, 5.0)

    # warm-up: the first job pays for lazy loads (VAD, drafting caches)
    assert wait_job(w, upload(w, cid, data[: len(data) // 6]))["status"] == "done"

    t0 = time.perf_counter()
    one_shot = wait_job(w, upload(w, cid, data))
    one_shot_s = time.perf_counter() - t0
    assert one_shot["status"] == "done", one_shot

    seen: list[float] = []

    def progress(_seq: int, rid: str) -> None:
        doc = w.http.get(f"/api/live-recordings/{rid}").json()
        assert doc["transcribing"] is True
        seen.append(doc["transcribed_s"])

    rid = send(w, cid, chunks, interval=1.0, on_chunk=progress)
    time.sleep(1.5)  # the last chunk's audio is decoded and any step in flight ends
    at_stop = w.http.get(f"/api/live-recordings/{rid}").json()
    t1 = time.perf_counter()
    r = w.api("POST", f"/api/live-recordings/{rid}/stop")
    assert r.status_code == 202, r.text
    live = wait_job(w, r.json()["id"])
    live_s = time.perf_counter() - t1
    assert live["status"] == "done", live
    assert "draft" in sessions.show_session(w.ctx, w.owner, live["session_id"]).stages

    # (a) parts were transcribed while the chunks came, before the stop
    assert max(seen) >= 20.0, seen
    assert at_stop["transcribed_s"] >= duration - 35.0, (at_stop, duration)
    # (b) the same words as the plain upload of the same audio: Whisper decodes the parts
    # without the text before them, so a few words differ; no worse against the script
    live_text, live_doc = transcript_text(w, live["session_id"])
    one_text, one_doc = transcript_text(w, one_shot["session_id"])
    script = " ".join(t["text"] for t in json.loads(TURNS.read_text())) + " "
    figures = {
        "one_shot_s": round(one_shot_s, 2),
        "stop_to_draft_s": round(live_s, 2),
        "transcribed_at_stop_s": at_stop["transcribed_s"],
        "wer_between": round(wer(one_text, live_text), 3),
        "wer_one_shot": round(wer(script * 2, one_text), 3),
        "wer_live": round(wer(script * 2, live_text), 3),
    }
    print(figures)
    assert abs(live_doc["duration"] - one_doc["duration"]) < 0.05
    assert len(live_text.split()) > 150
    assert figures["wer_between"] <= 0.08, (one_text, live_text)
    assert figures["wer_live"] <= figures["wer_one_shot"] + 0.03, figures
    assert len(live_doc["speakers"]) == len(one_doc["speakers"])
    # (c) stop to draft-ready: a fraction of processing it all at once
    assert live_s < 0.7 * one_shot_s, figures


def test_revoking_consent_mid_recording_stops_and_wipes_it(signed_in: Web) -> None:
    w = signed_in
    cid = add_client(w, *FULL)
    r = w.api("POST", f"/api/clients/{cid}/live-recordings?fmt=soap")
    assert r.status_code == 201
    rid = r.json()["id"]
    consent.revoke(w.ctx, w.owner, cid, "transcribe")
    audio = sample_session().read_bytes()
    parts = [audio[i : i + CHUNK] for i in range(0, len(audio), CHUNK)]
    status = 200
    for seq, part in enumerate(parts):
        status = w.api(
            "PUT",
            f"/api/live-recordings/{rid}/chunks/{seq}",
            content=part,
            headers={"Content-Type": "application/octet-stream"},
        ).status_code
        if status != 200:
            break
    # the first transcription step (once 21 s are decoded) checks consent and stops it
    for _ in range(200):
        r = w.http.get(f"/api/live-recordings/{rid}")
        if r.status_code != 200:
            break
        time.sleep(0.05)
    assert r.status_code == 403, r.text
    assert "recording stopped" in r.json()["error"]["message"]
    assert w.app.state.live_recordings.pending() == 0
    assert w.api("POST", f"/api/live-recordings/{rid}/stop").status_code == 403
    assert sessions.list_sessions(w.ctx, w.owner, client_id=cid) == []
