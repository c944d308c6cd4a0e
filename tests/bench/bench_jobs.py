"""Throughput of the pipeline: sessions per hour for an N-minute session, run one after another in
process (``clearnote process``) vs through Celery on Redis with 1 and 2 workers, and the peak RSS
of a worker (VmHWM of the solo-pool worker process).

    python -m tests.bench.bench_jobs [--minutes 10] [--sessions 2] [--model tiny.en]
                                     [--workers 0,1,2]

``--minutes 90 --sessions 1 --workers 1`` measures a worker's peak RSS on a 90-minute session.

The recording is the bundled sample session (synthetic speech) repeated. With 2 workers each
worker's ASR gets ``cores // 2`` CPU threads (one worker per core); in-process and 1 worker let
CTranslate2 use every core. Needs Redis on 127.0.0.1:6379 (database 12).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REDIS_URL = "redis://127.0.0.1:6379/12"
STAGES = ("transcribe", "draft", "screen", "assess")
PURPOSES = ("record", "transcribe", "draft_note", "risk_screening", "diagnostic_suggestions")


def _cli(env: dict[str, str], *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "clearnote", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return out.stdout


def _practice(root: Path, model: str) -> tuple[dict[str, str], str]:
    env = dict(os.environ)
    env.update(
        {
            "CLEARNOTE_HOME": str(root / "home"),
            "CLEARNOTE_KEY_FILE": str(root / "keys" / "kek"),
            "CLEARNOTE_OWNER_PASSWORD": "a long passphrase nobody guesses",
            "CLEARNOTE_ASR_MODEL": model,
            "CLEARNOTE_QUEUE_URL": REDIS_URL,
            "CLEARNOTE_JOB_LEASE_S": "30",
            "OPENBLAS_NUM_THREADS": "1",
        }
    )
    _cli(env, "init", "--owner-email", "owner@example.org")
    cid = json.loads(_cli(env, "client", "add", "--name", "Bench Client", "--json"))["id"]
    args = ["consent", "grant", cid, "--signed-by", "Bench Client", "--json"]
    for p in PURPOSES:
        args += ["--purpose", p]
    _cli(env, *args)
    return env, cid


def _stages(env: dict[str, str], sid: str) -> dict[str, str]:
    """Read the stage map straight from the SQLite file (a CLI call per poll would compete with
    the workers for the CPU)."""
    db = Path(env["CLEARNOTE_HOME"]) / "clearnote.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        row = conn.execute("select stages from sessions where id = ?", (sid,)).fetchone()
    return dict(json.loads(row[0] or "{}")) if row else {}


def _final(marker: str | None) -> bool:
    return marker is not None and marker.startswith(("done", "skipped", "refused", "failed"))


def _vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def in_process(root: Path, audio: Path, sessions: int, model: str) -> float:
    env, cid = _practice(root, model)
    env.pop("CLEARNOTE_QUEUE_URL")
    t0 = time.perf_counter()
    for _ in range(sessions):
        _cli(env, "process", str(audio), "--client", cid, "--json")
    return time.perf_counter() - t0


def with_workers(
    root: Path, audio: Path, sessions: int, workers: int, model: str
) -> tuple[float, float]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.delete("asr", "text", "unacked", "unacked_index")
    env, cid = _practice(root, model)
    wenv = dict(env)
    if workers > 1:
        wenv["CLEARNOTE_ASR_CPU_THREADS"] = str(max(1, (os.cpu_count() or 2) // workers))
    procs = []
    for i in range(workers):
        log = (root / f"worker{i}.log").open("wb")
        procs.append(
            subprocess.Popen(
                [sys.executable, "-m", "clearnote", "worker", "--pool", "solo"],
                env=wenv,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        log.close()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(
            "ready" in (root / f"worker{i}.log").read_text(errors="replace") for i in range(workers)
        ):
            time.sleep(0.2)
        t0 = time.perf_counter()
        sids = [
            json.loads(_cli(env, "process", str(audio), "--client", cid, "--async", "--json"))[
                "session_id"
            ]
            for _ in range(sessions)
        ]
        pending = set(sids)
        while pending:
            time.sleep(0.5)
            pending = {
                s for s in pending if not all(_final(_stages(env, s).get(x)) for x in STAGES)
            }
        elapsed = time.perf_counter() - t0
        peak = max(_vm_hwm_mb(p.pid) for p in procs)
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        client.close()
    return elapsed, peak


def _recording(path: Path, minutes: float) -> Path:
    import wave

    import numpy as np

    from clearnote.audio import load_audio
    from clearnote.commands.demo import sample_session

    audio = load_audio(sample_session(), max_seconds=3600, name="sample")
    reps = max(1, round(minutes * 60 / audio.duration))
    pcm = (np.clip(np.tile(audio.samples, reps), -1, 1) * 32767).astype("<i2").tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(pcm)
    return path


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--sessions", type=int, default=2)
    ap.add_argument("--model", default="tiny.en")
    ap.add_argument(
        "--workers",
        default="0,1,2",
        help="comma-separated runs: 0 = in-process, N = Celery with N workers (default 0,1,2)",
    )
    args = ap.parse_args(argv if argv is not None else [])
    runs = [int(w) for w in args.workers.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as tmp:
        root = Path(tmp)
        audio = _recording(root / "session.wav", args.minutes)
        rows: list[tuple[str, float, float | None]] = []
        for n in runs:
            if n == 0:
                t = in_process(root / "inproc", audio, args.sessions, args.model)
                rows.append(("in-process (clearnote process)", t, None))
            else:
                t, peak = with_workers(root / f"w{n}", audio, args.sessions, n, args.model)
                rows.append((f"Celery/Redis, {n} worker{'s' if n > 1 else ''}", t, peak))
    base = rows[0][1]
    print(
        f"{args.sessions} sessions of {args.minutes:g} min, ASR {args.model}, "
        f"{os.cpu_count()} cores"
    )
    print(f"{'run':<32} {'wall s':>8} {'sessions/h':>11} {'vs first':>10} {'peak RSS MB':>12}")
    for name, wall, hwm in rows:
        per_hour = args.sessions * 3600 / wall
        rss = f"{hwm:.0f}" if hwm is not None else "-"
        print(f"{name:<32} {wall:8.1f} {per_hour:11.1f} {base / wall:10.2f} {rss:>12}")


if __name__ == "__main__":
    main(sys.argv[1:])
