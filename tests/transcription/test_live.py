"""Transcription while recording, with a stand-in recogniser that names each tone burst.

The recording is tone bursts (one pitch each) with pauses between; the stand-in engine's VAD is
an energy gate and its "words" are the pitches it hears. A cut inside a burst would show as a
word twice or misplaced, so the tests see exactly where the cuts fell."""

from __future__ import annotations

import io
import time
import wave
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from clearnote.asr.base import AsrOutput, AsrSegment, AsrWord, ProgressCallback
from clearnote.audio import SAMPLE_RATE
from clearnote.audio.stream import ByteStream
from clearnote.diarize import Diarizer
from clearnote.diarize import diarizer as diarizer_module
from clearnote.errors import PolicyError
from clearnote.transcription.live import LiveTranscription
from clearnote.transcription.service import Transcriber
from tests.diarize.test_ahead import BandEncoder

BURSTS = 9
BURST_S, PAUSE_S, LEAD_S = 6.0, 2.0, 2.0


def burst_start(k: int) -> float:
    return LEAD_S + k * (BURST_S + PAUSE_S)


def recording() -> np.ndarray:
    total = burst_start(BURSTS) + 1.0
    audio = np.zeros(int(total * SAMPLE_RATE), dtype=np.float32)
    t = np.arange(int(BURST_S * SAMPLE_RATE)) / SAMPLE_RATE
    for k in range(BURSTS):
        lo = int(burst_start(k) * SAMPLE_RATE)
        audio[lo : lo + t.shape[0]] = 0.3 * np.sin(2 * np.pi * (300 + 100 * k) * t)
    return audio


def wav_bytes(samples: np.ndarray) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes((samples * 32767).astype("<i2").tobytes())
    return buf.getvalue()


class ToneEngine:
    """Energy-gate VAD; one word per burst, named after its pitch."""

    engine = "fake"
    model_name = "tones"

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[int] = []  # samples given to each transcribe()
        self.fail = fail
        self.tried = 0

    def speech_regions(self, audio: np.ndarray) -> tuple[tuple[float, float], ...]:
        frame = SAMPLE_RATE // 100
        n = audio.shape[0] // frame
        loud = np.abs(audio[: n * frame]).reshape(n, frame).max(axis=1) > 0.05
        regions: list[tuple[float, float]] = []
        start = None
        for i, on in enumerate([*loud, False]):
            if on and start is None:
                start = i
            elif not on and start is not None:
                regions.append((start / 100, i / 100))
                start = None
        return tuple(regions)

    def transcribe(
        self, audio: np.ndarray, *, progress: ProgressCallback | None = None
    ) -> AsrOutput:
        self.tried += 1
        if self.fail:
            raise RuntimeError("recogniser broke")
        self.calls.append(audio.shape[0])
        speech = self.speech_regions(audio)
        segments = []
        for lo, hi in speech:
            piece = audio[int(lo * SAMPLE_RATE) : int(hi * SAMPLE_RATE)]
            spectrum = np.abs(np.fft.rfft(piece))
            pitch = np.argmax(spectrum) * SAMPLE_RATE / piece.shape[0]
            word = AsrWord(text=f"w{round((pitch - 300) / 100)}", start=lo, end=hi, p=0.9)
            segments.append(AsrSegment(start=lo, end=hi, text=word.text, words=(word,)))
        return AsrOutput(
            segments=tuple(segments),
            language="en",
            duration=audio.shape[0] / SAMPLE_RATE,
            speech=speech,
            model=self.model_name,
            engine=self.engine,
        )


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(max_workers=1)
    yield executor
    executor.shutdown(wait=True, cancel_futures=True)


def feed(source: ByteStream, data: bytes, until: Callable[[], bool]) -> None:
    """Send 5-s chunks; after three quarters, wait until ``until()``, then send the rest."""
    size = len(data) * 5 // int(burst_start(BURSTS) + 1)
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    cut = len(parts) * 3 // 4
    for part in parts[:cut]:
        source.append(part)
        time.sleep(0.02)
    for _ in range(1000):
        if until():
            break
        time.sleep(0.02)
    for part in parts[cut:]:
        source.append(part)
    source.close()


def test_parts_are_cut_at_pauses_and_the_pipeline_only_does_the_tail(
    pool: ThreadPoolExecutor,
) -> None:
    engine = ToneEngine()
    checks: list[int] = []
    source = ByteStream()
    live = LiveTranscription(
        source,
        engine_for=lambda: engine,
        pool=pool,
        check=lambda: checks.append(1),
        max_seconds=600,
        min_span=10.0,
        guard=1.0,
    )
    feed(source, wav_bytes(recording()), until=lambda: live.steps >= 2)
    result = live.result()
    assert result is not None and result.asr is not None
    assert live.steps >= 2 and len(checks) >= live.steps  # consent checked before each step
    # every cut fell in a pause, never inside a burst
    cuts = np.cumsum(engine.calls) / SAMPLE_RATE
    for c in cuts:
        assert not any(burst_start(k) < c < burst_start(k) + BURST_S for k in range(BURSTS)), c
    assert result.asr.duration == pytest.approx(cuts[-1])
    done_words = [w.text for s in result.asr.segments for w in s.words]
    assert done_words == [f"w{k}" for k in range(len(done_words))]
    assert len(done_words) >= 4

    transcriber = Transcriber(
        engine, None, low_confidence_threshold=0.5, max_audio_seconds=600, language="en"
    )
    calls_before = len(engine.calls)
    transcript = transcriber.transcribe_decoded(result.audio, prefix=result.asr).transcript
    assert [w.text for s in transcript.segments for w in s.words] == [
        f"w{k}" for k in range(BURSTS)
    ]
    starts = [s.start for s in transcript.segments]
    assert starts == pytest.approx([burst_start(k) for k in range(BURSTS)], abs=0.02)
    # the pipeline recognised only what came after the last cut
    assert len(engine.calls) == calls_before + 1
    tail = engine.calls[-1] / SAMPLE_RATE
    assert tail == pytest.approx(result.audio.duration - result.asr.duration, abs=1e-3)
    assert tail < result.audio.duration / 2


def test_voice_windows_embedded_ahead_give_the_speakers_of_the_whole_audio(
    pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diarizer_module, "GAIN_SPEECH_S", 10.0)  # the level known after 2 bursts
    engine = ToneEngine()
    encoder = BandEncoder()
    diarizer = Diarizer(encoder)  # type: ignore[arg-type]
    source = ByteStream()
    live = LiveTranscription(
        source,
        engine_for=lambda: engine,
        diarizer_for=lambda: diarizer,
        pool=pool,
        check=lambda: None,
        max_seconds=600,
        min_span=10.0,
        guard=1.0,
    )
    feed(source, wav_bytes(recording()), until=lambda: live.steps >= 2)
    result = live.result()
    assert result is not None and result.asr is not None and result.voices is not None
    embedded = len(result.voices.windows.start)
    assert len(result.voices.regions) >= 2 and encoder.windows == embedded
    assert result.voices.regions[-1][1] <= result.asr.duration

    transcriber = Transcriber(
        engine, diarizer, low_confidence_threshold=0.5, max_audio_seconds=600, language="en"
    )
    encoder.windows = 0
    ahead = transcriber.transcribe_decoded(
        result.audio, speakers=2, prefix=result.asr, voices=result.voices
    )
    at_stop = encoder.windows
    encoder.windows = 0
    at_once = transcriber.transcribe_decoded(result.audio, speakers=2, prefix=result.asr)
    assert at_stop == encoder.windows - embedded  # only the speech after the windows
    assert len(at_once.transcript.speakers) >= 2
    assert ahead.transcript == at_once.transcript


def test_a_failing_voice_encoder_leaves_diarization_to_the_pipeline(
    pool: ThreadPoolExecutor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(diarizer_module, "GAIN_SPEECH_S", 10.0)
    engine = ToneEngine()
    encoder = BandEncoder()
    encoder.embed_mels = lambda mels: (_ for _ in ()).throw(RuntimeError("broke"))  # type: ignore[method-assign]
    source = ByteStream()
    live = LiveTranscription(
        source,
        engine_for=lambda: engine,
        diarizer_for=lambda: Diarizer(encoder),  # type: ignore[arg-type]
        pool=pool,
        check=lambda: None,
        max_seconds=600,
        min_span=10.0,
        guard=1.0,
    )
    feed(source, wav_bytes(recording()), until=lambda: live.steps >= 3)
    result = live.result()
    assert result is not None and result.voices is None
    assert result.asr is not None and live.steps >= 3  # transcription went on


def test_a_refused_consent_check_stops_transcription(pool: ThreadPoolExecutor) -> None:
    engine = ToneEngine()

    def refuse() -> None:
        raise PolicyError("consent missing for transcribe")

    source = ByteStream()
    live = LiveTranscription(
        source, engine_for=lambda: engine, pool=pool, check=refuse, max_seconds=600, min_span=10
    )
    data = wav_bytes(recording())
    source.append(data[: len(data) // 2])
    for _ in range(1000):
        if live.refusal is not None:
            break
        time.sleep(0.02)
    assert live.refusal is not None and "transcribe" in live.refusal.message
    source.append(data[len(data) // 2 :])
    source.close()
    result = live.result()
    assert engine.calls == [] and live.transcribed_s == 0.0
    assert result is not None and result.asr is None


def test_a_failing_recogniser_leaves_the_work_to_the_pipeline(pool: ThreadPoolExecutor) -> None:
    engine = ToneEngine(fail=True)
    source = ByteStream()
    live = LiveTranscription(
        source, engine_for=lambda: engine, pool=pool, check=lambda: None, max_seconds=600
    )
    feed(source, wav_bytes(recording()), until=lambda: engine.tried > 0)
    result = live.result()
    assert engine.tried == 1  # no step after the failure
    assert result is not None and result.asr is None and live.steps == 0
    assert result.audio.duration == pytest.approx(burst_start(BURSTS) + 1.0, abs=0.01)


def test_no_engine_means_nothing_ahead_and_undecodable_bytes_give_no_result(
    pool: ThreadPoolExecutor,
) -> None:
    source = ByteStream()
    live = LiveTranscription(
        source, engine_for=lambda: None, pool=pool, check=lambda: None, max_seconds=600
    )
    feed(source, wav_bytes(recording()), until=lambda: True)
    result = live.result()
    assert result is not None and result.asr is None

    garbage = ByteStream()
    live = LiveTranscription(
        garbage, engine_for=lambda: None, pool=pool, check=lambda: None, max_seconds=600
    )
    garbage.append(b"\x00" * 5000)
    garbage.close()
    assert live.result() is None
