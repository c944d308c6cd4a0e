"""Transcription while recording, through the live-recording API.

The slow test streams the sample session (WebM/Opus, ~5-s chunks, 5x real time) with Whisper
tiny.en: parts are transcribed before the stop, the transcript equals a plain upload's, and the
stop-to-draft time is a fraction of the one-shot time. The fast ones (stand-in transcriber) check
that a revocation of consent mid-recording stops it and wipes it."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from clearnote.audio import SAMPLE_RATE
from clearnote.commands.demo import sample_session
from clearnote.diarize import diarizer as diarizer_module
from clearnote.records import consent, sessions
from clearnote.transcription.live import MIN_SPAN_S
from tests.bench.wer import wer
from tests.web.conftest import FULL, TURNS, Web, add_client
from tests.web.livefeed import (
    caught_up,
    sample_samples,
    send,
    split,
    transcript_of,
    upload,
    wait_job,
    webm_opus,
    whisper_app,
    words,
)

CHUNK = 64 * 1024


@pytest.fixture
def whisper_web(tmp_path: Path) -> Iterator[Web]:
    """The real pipeline (tiny.en), models loaded before the test times anything."""
    with whisper_app(tmp_path, "tiny.en") as w:
        yield w


@pytest.mark.slow  # Whisper tiny.en over the sample session three times
def test_streamed_recording_is_transcribed_ahead_and_matches_an_upload(
    whisper_web: Web, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # the level known after 30 s of speech (not 120 s), so voice windows are embedded ahead
    monkeypatch.setattr(diarizer_module, "GAIN_SPEECH_S", 30.0)
    caplog.set_level(logging.INFO, logger="clearnote.diarize.diarizer")
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
    # sent at 5x real time: give the worker the time real time would have had
    at_stop = caught_up(w, rid, duration, timeout=duration * 0.8)
    t1 = time.perf_counter()
    r = w.api("POST", f"/api/live-recordings/{rid}/stop")
    assert r.status_code == 202, r.text
    live = wait_job(w, r.json()["id"])
    live_s = time.perf_counter() - t1
    assert live["status"] == "done", live
    assert "draft" in sessions.show_session(w.ctx, w.owner, live["session_id"]).stages
    reused = [r for r in caplog.records if r.getMessage().startswith("reused ")]
    assert len(reused) == 1  # the live recording's voice windows, embedded while it came

    # (b) the same words as the plain upload of the same audio: Whisper decodes the parts
    # without the text before them, so a few words differ; no worse against the script
    live_doc = transcript_of(w, live["session_id"])
    one_doc = transcript_of(w, one_shot["session_id"])
    live_text, one_text = words(live_doc), words(one_doc)
    script = " ".join(t["text"] for t in json.loads(TURNS.read_text())) + " "
    figures = {
        "one_shot_s": round(one_shot_s, 2),
        "stop_to_draft_s": round(live_s, 2),
        "transcribed_at_stop_s": at_stop["transcribed_s"],
        "wer_between": round(wer(one_text, live_text), 3),
        "wer_one_shot": round(wer(script * 2, one_text), 3),
        "wer_live": round(wer(script * 2, live_text), 3),
        "seen": seen,
    }
    print(figures)
    # (a) parts were transcribed while the chunks came, before the stop
    assert max(seen) >= 20.0, seen
    assert at_stop["transcribed_s"] >= duration - MIN_SPAN_S - 10.0, (at_stop, duration)
    assert abs(live_doc["duration"] - one_doc["duration"]) < 0.05
    assert len(live_text.split()) > 150
    assert figures["wer_between"] <= 0.12, (one_text, live_text)
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
