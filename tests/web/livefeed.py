"""A browser recording, simulated: audio transcoded to WebM/Opus in memory with PyAV (what
Chromium's MediaRecorder sends) and cut into ~5-s chunks sent in order to the live-recording API.

Used by the live-transcription tests and ``tests/bench/bench_live.py``."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any, Protocol

import av
import numpy as np

from clearnote.audio import SAMPLE_RATE, load_audio
from clearnote.commands.demo import sample_session


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
