"""Diarization benchmark: speaker accuracy, speaker count and encoder speed on ../shared/eval.

Run: ``OPENBLAS_NUM_THREADS=1 .venv/bin/python -m tests.bench.bench_diarize``.
Words are 0.25 s frames tiling the VAD speech (the real pipeline passes Whisper words), so
reference speech that VAD misses counts against the accuracy.
"""

from __future__ import annotations

import time

import numpy as np

from clearnote.diarize import Diarizer
from clearnote.diarize.mel import mel_spectrogram
from tests.conftest import SHARED_EVAL
from tests.diarize.evalaudio import cases, load

TARGETS = {
    "dialogue_espeak_16k": 0.95,
    "dialogue_samegender_16k": 0.90,
    "realvoices_mix_16k": 0.85,
    "pyannote sample": 0.75,
}


def encoder_rtf(diarizer: Diarizer, seconds: float = 60.0) -> float:
    """Encoder time per audio second at the diarizer's window density (2 windows a second)."""
    audio = load(SHARED_EVAL / "speech-synth" / "dialogue_espeak_16k.wav")[: int(seconds * 16000)]
    mel = mel_spectrogram(audio)
    mels = np.stack([mel[s : s + 160] for s in range(0, len(mel) - 160, 50)])
    start = time.perf_counter()
    diarizer.encoder.embed_mels(mels)
    return (time.perf_counter() - start) / (len(audio) / 16000)


def main() -> None:
    if not SHARED_EVAL.is_dir():
        print(f"evaluation data not present at {SHARED_EVAL}; skipped")
        return
    diarizer = Diarizer()
    header = (
        f"{'file':26s} {'spk':>3s} {'est':>3s} {'acc(est)':>8s} {'acc(given)':>10s} "
        f"{'covered':>7s} {'target':>6s} {'RTF':>6s}"
    )
    print(header)
    print("-" * len(header))
    from tests.diarize.evalaudio import score

    for case in cases(SHARED_EVAL):
        if not case.audio.exists():
            print(f"{case.name:26s} (absent)")
            continue
        start = time.perf_counter()
        est, found, duration = score(diarizer, case, None)
        rtf = (time.perf_counter() - start) / duration
        given, _, _ = score(diarizer, case, case.speakers)
        target = TARGETS.get(case.name)
        print(
            f"{case.name:26s} {case.speakers:3d} {found:3d} {est.accuracy:8.1%} "
            f"{given.accuracy:10.1%} {est.covered:7.1%} "
            f"{(f'{target:.0%}' if target else '-'):>6s} {rtf:6.3f}"
        )
    print(
        f"\nencoder alone: RTF {encoder_rtf(diarizer):.4f} (windows 1.6 s every 0.5 s, one thread)"
    )
    print("RTF per file: decode + VAD + mel + encoder + speaker-count estimate + clustering + vote")


if __name__ == "__main__":
    main()
