"""A browser recording, simulated: audio transcoded to WebM/Opus in memory with PyAV (what
Chromium's MediaRecorder sends) and cut into ~5-s chunks sent in order to the live-recording API.

Used by the live-transcription tests and ``tests/bench/bench_live.py``."""

from __future__ import annotations

import io
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import av
import numpy as np
from fastapi.testclient import TestClient

from clearnote.audio import SAMPLE_RATE, load_audio
from clearnote.commands.demo import sample_session
from clearnote.config import Settings
from clearnote.pipeline.analysis import load_engines
from clearnote.records import sessions
from clearnote.records.practice import cli_actor, init_practice, open_practice
from clearnote.records.users import totp_secret
from clearnote.transcription.live import GUARD_S, MIN_SPAN_S
from clearnote.transcription.service import build_transcriber
from clearnote.web.app import create_app
from tests.web.conftest import EMAIL, PASSWORD, Web


class Api(Protocol):
    def api(self, method: str, url: str, **kw: Any) -> Any: ...


def sample_samples(repeat: int = 1) -> np.ndarray:
    """The bundled sample session (synthetic speech, 60 s) as 16 kHz mono, ``repeat`` times."""
    audio = load_audio(sample_session(), max_seconds=600, name="sample")
    return np.tile(audio.samples, repeat)


def webm_opus(samples: np.ndarray) -> bytes:
    """16 kHz mono float32 → WebM/Opus at 48 kHz, mono, in memory."""
    buf = io.BytesIO()
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with av.open(buf, "w", format="webm") as out:
        stream = out.add_stream("libopus", rate=48_000)
        stream.layout = "mono"
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48_000)
        step = SAMPLE_RATE // 5
        for lo in range(0, pcm.shape[0], step):
            frame = av.AudioFrame.from_ndarray(
                pcm[lo : lo + step].reshape(1, -1), format="s16", layout="mono"
            )
            frame.sample_rate = SAMPLE_RATE
            for resampled in resampler.resample(frame):
                for packet in stream.encode(resampled):
                    out.mux(packet)
        for resampled in resampler.resample(None):
            for packet in stream.encode(resampled):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def split(data: bytes, duration: float, seconds: float = 5.0) -> list[bytes]:
    """Byte chunks of about ``seconds`` of audio each (MediaRecorder's timeslice cuts the
    stream wherever the time falls, not at container boundaries)."""
    size = max(1, int(len(data) * seconds / duration))
    return [data[i : i + size] for i in range(0, len(data), size)]


def send(
    w: Api,
    cid: str,
    chunks: list[bytes],
    *,
    interval: float,
    on_chunk: Callable[[int, str], None] | None = None,
) -> str:
    """Start a live recording and send the chunks ``interval`` seconds apart; the id."""
    r = w.api("POST", f"/api/clients/{cid}/live-recordings?fmt=soap")
    assert r.status_code == 201, r.text
    rid: str = r.json()["id"]
    began = time.monotonic()
    for seq, part in enumerate(chunks):
        delay = began + seq * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        r = w.api(
            "PUT",
            f"/api/live-recordings/{rid}/chunks/{seq}",
            content=part,
            headers={"Content-Type": "application/octet-stream"},
        )
        assert r.status_code == 200, r.text
        if on_chunk is not None:
            on_chunk(seq, rid)
    return rid


@contextmanager
def whisper_app(root: Path, model: str = "tiny.en") -> Iterator[Web]:
    """An in-process app with the real pipeline (Whisper ``model``, diarization, extractive
    drafting), its models loaded before it is returned; signed in as the owner."""
    settings = Settings(home=root / "home", key_file=root / "keys" / "kek", asr_model=model)
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
        max_upload_bytes=256 * 1024 * 1024,
    )
    try:
        with TestClient(app, base_url="https://testserver") as http:
            w = Web(app, http, ctx, owner, settings, secret)
            assert w.login().status_code == 303
            yield w
    finally:
        ctx.close()


def wait_job(w: Web, job: str, timeout: float = 3600.0) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        doc = w.http.get(f"/api/jobs/{job}").json()
        if doc["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    return doc


def upload(w: Api, cid: str, data: bytes) -> str:
    """Upload a whole recording; the job id."""
    r = w.api(
        "POST",
        f"/api/clients/{cid}/recordings?fmt=soap",
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def caught_up(w: Web, rid: str, duration: float, timeout: float) -> dict[str, Any]:
    """Wait until all the audio is decoded and transcription has reached the last pause
    before the end (at most ``MIN_SPAN_S + GUARD_S`` left), or for ``timeout``; the progress."""
    end = time.monotonic() + timeout
    doc: dict[str, Any] = {}
    while True:
        doc = w.http.get(f"/api/live-recordings/{rid}").json()
        received = doc["received_s"] or 0.0
        if received >= duration - 0.5 and doc["transcribed_s"] >= received - MIN_SPAN_S - GUARD_S:
            break
        if time.monotonic() >= end:
            break
        time.sleep(0.2)
    return doc


def transcript_of(w: Web, session_id: str) -> dict[str, Any]:
    view = sessions.show_session(w.ctx, w.owner, session_id)
    art = next(a for a in view.artefacts if a.kind == "transcript")
    doc: dict[str, Any] = json.loads(sessions.load_artefact(art.id, actor=w.owner, ctx=w.ctx))
    return doc


def words(doc: dict[str, Any]) -> str:
    return " ".join(s["text"] for s in doc["segments"])
