"""Seconds from stop to draft-ready for a browser recording: transcribed while recording
(incremental) against all at once after the upload (one-shot).

    python -m tests.bench.bench_live [--repeat 5] [--model tiny.en] [--speed 4] [--chunk 5]

The bundled sample session (60 s of synthetic speech) repeated ``--repeat`` times is transcoded
to WebM/Opus in memory (what MediaRecorder sends) and run through an in-process app (the same
app ``clearnote serve`` runs, models loaded first):

* one-shot: the whole file uploaded; seconds from the upload to the job done (draft, verify,
  screening and assessment stored);
* incremental: sent in ``--chunk``-second chunks ``--speed`` times faster than real time, then
  given at most the rest of the time real time would have taken to catch up (never more), then
  stopped; seconds from the stop to the job done.

Also reported: how far transcription had got at the stop, the WER between the two transcripts
and of each against the script, and the load average (others' work on a shared machine slows
both runs).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from clearnote.audio import SAMPLE_RATE
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="sample sessions joined (60 s)")
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--speed", type=float, default=4.0, help="times faster than real time")
    parser.add_argument("--chunk", type=float, default=5.0, help="seconds of audio per chunk")
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

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
        at_stop = caught_up(w, rid, duration, timeout=max(0.0, duration - sent_s))
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
