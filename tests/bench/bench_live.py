"""Seconds from stop to draft-ready for a browser recording: transcribed while recording
(incremental) against all at once after the upload (one-shot).

    python -m tests.bench.bench_live [--repeat 5] [--model tiny.en] [--speed 4] [--chunk 5]
    python -m tests.bench.bench_live --minutes 50 [--model tiny.en]

The bundled sample session (60 s of synthetic speech) repeated ``--repeat`` times is transcoded
to WebM/Opus in memory (what MediaRecorder sends) and run through an in-process app (the same
app ``clearnote serve`` runs, models loaded first):

* one-shot: the whole file uploaded; seconds from the upload to the job done (draft, verify,
  screening and assessment stored);
* incremental: sent in ``--chunk``-second chunks ``--speed`` times faster than real time, then
  given at most the rest of the time real time would have taken to catch up (never more, nor
  the app's idle timeout, after which it would process the recording itself), then stopped;
  seconds from the stop to the job done.

Also reported: how far transcription had got at the stop, the WER between the two transcripts
and of each against the script, and the load average (others' work on a shared machine slows
both runs).

``--minutes N``: a long session (the sample repeated N times), what is left at the stop only.
The work done while recording is built quickly (:func:`build_ahead`): the sample's transcript
for each repeat but the last two, then the live steps themselves
(:class:`~clearnote.transcription.live.Ahead`) as real time would run them over the rest, so
the stop leaves what it leaves in use (about 30 s to recognise); voice windows repeated in
the audio are embedded once. Then ``process_recording`` (what the job runs at the stop: seal the
audio, recognise the tail, diarize, draft, verify, screen, assess) twice in one run: with the
ASR done ahead only (before the voice windows were embedded while recording), and with the
voice windows too. Not included: waiting for a step still running at the stop and decoding the
last chunk (the short mode's figure includes them).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from clearnote.asr.base import AsrOutput
from clearnote.asr.partial import AsrPart
from clearnote.audio import SAMPLE_RATE, DecodedAudio
from clearnote.diarize import Diarizer
from clearnote.diarize.encoder import VoiceEncoder
from clearnote.pipeline.process import process_recording
from clearnote.transcription.live import GUARD_S, MIN_SPAN_S, Ahead
from clearnote.transcription.service import Transcriber
from tests.bench.wer import wer
from tests.web.conftest import FULL, TURNS, add_client
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


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class RecalledEncoder:
    """A voice encoder that embeds each distinct mel window once."""

    def __init__(self, encoder: VoiceEncoder) -> None:
        self.encoder = encoder
        self.memo: dict[bytes, np.ndarray] = {}

    def embed_mels(self, mels: np.ndarray) -> np.ndarray:
        keys = [hashlib.sha1(m.tobytes()).digest() for m in mels]
        todo = sorted({i for i, k in enumerate(keys) if k not in self.memo})
        if todo:
            for i, row in zip(todo, self.encoder.embed_mels(mels[todo]), strict=True):
                self.memo[keys[i]] = row
        return np.stack([self.memo[k] for k in keys])


def build_ahead(samples: np.ndarray, period: int, transcriber: Transcriber) -> Ahead:
    """The work done while recording ``samples`` (``period`` samples repeated). All but the last
    two periods: a part each, the transcript of one period (the audio repeats exactly, so it is
    what recognising each gives). Then the live steps real time would run over the rest (a step
    once a part's worth has arrived in 5-s chunks); the first of them embeds the voice windows
    of all the finished speech before it, each distinct window computed once (an embedding
    depends on its window only: the same windows as embedding them part by part)."""
    assert transcriber.diarizer is not None
    diarizer = Diarizer(RecalledEncoder(transcriber.diarizer.encoder))
    one = transcriber.engine.transcribe(samples[:period])
    ahead = Ahead()
    repeats = samples.shape[0] // period - 2
    ahead.parts.extend(AsrPart(k * period / SAMPLE_RATE, one) for k in range(repeats))
    ahead.done = repeats * period

    def read(lo: int, hi: int) -> np.ndarray:
        return samples[lo:hi]

    chunk = 5 * SAMPLE_RATE
    for decoded in range(ahead.done + chunk, samples.shape[0], chunk):
        if decoded - ahead.done >= (MIN_SPAN_S + GUARD_S) * SAMPLE_RATE:
            ahead.step(transcriber.engine, diarizer, read, decoded)
    return ahead


class StageTimes(logging.Handler):
    """Keeps the transcriber's own ASR and diarization seconds from its log line."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.asr = self.diarize = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("transcribed %.1f s") and isinstance(record.args, tuple):
            self.asr, self.diarize = float(record.args[3]), float(record.args[4])


def long_session(args: argparse.Namespace) -> None:
    sample = sample_samples(1)
    samples = sample_samples(args.minutes)
    duration = samples.shape[0] / SAMPLE_RATE
    started = time.perf_counter()
    data = webm_opus(samples)
    print(
        f"recording {duration / 60:.0f} min ({len(data) / 1e6:.1f} MB webm/opus, encoded in "
        f"{time.perf_counter() - started:.0f} s), model {args.model}, cores {os.cpu_count()}, "
        f"load {loadavg()}",
        flush=True,
    )
    times = StageTimes()
    logging.getLogger("clearnote.transcription.service").addHandler(times)
    logging.getLogger("clearnote.transcription.service").setLevel(logging.INFO)
    with tempfile.TemporaryDirectory() as tmp, whisper_app(Path(tmp), args.model) as w:
        cid = add_client(w, *FULL)
        runner = w.app.state.jobs
        transcriber: Transcriber = runner.transcriber_for()
        audio_file = Path(tmp) / "session.webm"
        audio_file.write_bytes(data)
        del data

        started = time.perf_counter()
        ahead = build_ahead(samples, sample.shape[0], transcriber)
        asr, voices = ahead.asr(), ahead.voices()
        assert asr is not None and voices is not None
        print(
            f"done while recording (built in {time.perf_counter() - started:.0f} s): "
            f"{len(ahead.parts)} parts, {asr.duration:.0f} of {duration:.0f} s recognised, "
            f"{len(voices.windows.start)} voice windows; load {loadavg()}",
            flush=True,
        )
        decoded = DecodedAudio(samples, 48_000, 1, "webm", "opus")

        def stop(asr_prefix: AsrOutput, voice_prefix: Any) -> tuple[float, str]:
            load = loadavg()
            t0 = time.perf_counter()
            result = process_recording(
                w.ctx,
                w.owner,
                client_id=cid,
                audio_path=audio_file,
                transcriber_for=runner.transcriber_for,
                engines_for=runner.engines_for,
                max_audio_seconds=4 * 3600,
                decoded=decoded,
                asr_prefix=asr_prefix,
                voice_prefix=voice_prefix,
            )
            took = time.perf_counter() - t0
            assert result.status == "draft_ready", result
            rest = took - times.asr - times.diarize
            print(
                f"  stop -> draft-ready {took:6.1f} s: recognise the tail {times.asr:.1f} s, "
                f"diarize {times.diarize:.1f} s, the rest (seal, store, draft, verify, "
                f"screen, assess) {rest:.1f} s; load before {load}, after {loadavg()}",
                flush=True,
            )
            return took, result.session_id

        print("ASR done ahead, diarization all at the stop (before):", flush=True)
        before, first = stop(asr, None)
        print("ASR and voice windows done ahead (after):", flush=True)
        after, second = stop(asr, voices)
        same = transcript_of(w, first)["segments"] == transcript_of(w, second)["segments"]
        print(
            f"{duration / 60:.0f}-min session, stop -> draft-ready: {before:.1f} s before, "
            f"{after:.1f} s after ({after / before:.2f} of it); transcripts "
            f"{'identical' if same else 'DIFFER'}; load at the end {loadavg()}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="sample sessions joined (60 s)")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--speed", type=float, default=4.0, help="times faster than real time")
    parser.add_argument("--chunk", type=float, default=5.0, help="seconds of audio per chunk")
    parser.add_argument(
        "--minutes", type=int, default=0, help="a long session: the stop only (see above)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if args.minutes:
        long_session(args)
        return

    samples = sample_samples(args.repeat)
    duration = samples.shape[0] / SAMPLE_RATE
    data = webm_opus(samples)
    chunks = split(data, duration, args.chunk)
    interval = args.chunk / args.speed
    script = " ".join(t["text"] for t in json.loads(TURNS.read_text())) + " "
    print(
        f"recording {duration:.0f} s ({len(data) / 1e6:.1f} MB webm/opus, {len(chunks)} chunks), "
        f"model {args.model}, cores {os.cpu_count()}, load {loadavg()}",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp, whisper_app(Path(tmp), args.model) as w:
        cid = add_client(w, *FULL)
        warm = wait_job(w, upload(w, cid, webm_opus(sample_samples(1)[: 20 * SAMPLE_RATE])))
        assert warm["status"] == "done", warm

        load_one = loadavg()
        t0 = time.perf_counter()
        one = wait_job(w, upload(w, cid, data))
        one_s = time.perf_counter() - t0
        assert one["status"] == "done", one
        print(f"one-shot: upload to draft-ready {one_s:.1f} s (load {load_one})", flush=True)

        began = time.perf_counter()
        rid = send(w, cid, chunks, interval=interval)
        sent_s = time.perf_counter() - began
        # no longer than the app waits for a chunk before it processes the recording itself
        idle_s = w.app.state.live_recordings.idle_s - 10.0
        at_stop = caught_up(w, rid, duration, timeout=min(idle_s, max(0.0, duration - sent_s)))
        waited_s = time.perf_counter() - began - sent_s
        load_live = loadavg()
        t1 = time.perf_counter()
        r = w.api("POST", f"/api/live-recordings/{rid}/stop")
        live = wait_job(w, r.json()["id"])
        live_s = time.perf_counter() - t1
        assert live["status"] == "done", live
        print(
            f"incremental: sent in {sent_s:.0f} s, waited {waited_s:.0f} s more; at the stop "
            f"{at_stop['transcribed_s']:.0f} of {duration:.0f} s transcribed; stop to "
            f"draft-ready {live_s:.1f} s (load {load_live})",
            flush=True,
        )
        one_text = words(transcript_of(w, one["session_id"]))
        live_text = words(transcript_of(w, live["session_id"]))
        print(
            f"stop-to-draft {live_s:.1f} s vs one-shot {one_s:.1f} s: "
            f"{live_s / one_s:.2f} of it; WER between the transcripts "
            f"{wer(one_text, live_text):.3f}, against the script: one-shot "
            f"{wer(script * args.repeat, one_text):.3f}, incremental "
            f"{wer(script * args.repeat, live_text):.3f}; load at the end {loadavg()}"
        )


if __name__ == "__main__":
    main()
