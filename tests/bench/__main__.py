"""Run benchmark and evaluation modules: ``python -m tests.bench [asr diarize ...]``.

``make bench`` runs the speed/accuracy benchmarks of transcription and diarization;
``make eval`` runs the evaluation harnesses of drafting, verification and screening.
"""

from __future__ import annotations

import importlib
import sys
import time

BENCH = ("asr", "diarize", "api", "jobs", "live")
EVAL = ("verify", "draft", "screen", "assess", "deid", "consent")


def main(argv: list[str]) -> int:
    names = argv or list(BENCH)
    if names == ["eval"]:
        names = list(EVAL)
    for name in names:
        try:
            module = importlib.import_module(f"tests.bench.bench_{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.bench.bench_{name}":
                raise
            print(f"== {name}: no benchmark module yet")
            continue
        print(f"\n== {name} ==", flush=True)
        started = time.perf_counter()
        sys.argv = [f"tests.bench.bench_{name}"]  # each module parses its own defaults
        module.main()
        print(f"== {name}: {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
