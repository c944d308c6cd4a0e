"""Transcription benchmark: WER, speed against bare faster-whisper, speaker accuracy, memory.

    python -m tests.bench.bench_asr [--models base,tiny.en] [--long-minutes 90]

Every ratio is against a baseline measured in the same run on the same machine. Reads audio
from ../shared/eval (skips what is absent); nothing is written but a temporary synthetic file
for the long-session memory run.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jiwer

from clearnote.config import Settings
from clearnote.diarize.metrics import (
    labelled_intervals,
    read_rttm,
    read_turns_json,
    speaker_accuracy,
)
from clearnote.domain.transcript import Transcript
from clearnote.transcription.service import Transcriber, build_transcriber
from tests.bench.wer import normalise, wer
from tests.conftest import SHARED_EVAL

SYNTH = SHARED_EVAL / "speech-synth"
FIXT = SHARED_EVAL / "speech-fixtures"

WER_FILES = {  # name: (audio, reference text file or literal, target)
    "jfk": (
        FIXT / "faster-whisper/jfk.flac",
        "And so, my fellow Americans, ask not what your "
        "country can do for you, ask what you can do for your country.",
        0.05,
    ),
    "librivox": (
        SYNTH / "librivox_austen_concat_16k.wav",
        SYNTH / "librivox_austen_concat_16k.txt",
        0.06,
    ),
    "real-voice mix": (SYNTH / "realvoices_mix_16k.wav", SYNTH / "realvoices_mix_16k.txt", 0.12),
    "synthetic dialogue": (
        SYNTH / "dialogue_espeak_16k.wav",
        SYNTH / "dialogue_espeak_16k.txt",
        0.06,
    ),
    "dialogue m4a": (SYNTH / "formats/dialogue.m4a", SYNTH / "dialogue_espeak_16k.txt", None),
    "dialogue mp3": (SYNTH / "formats/dialogue.mp3", SYNTH / "dialogue_espeak_16k.txt", None),
    "dialogue webm/opus": (
        SYNTH / "formats/dialogue.webm",
        SYNTH / "dialogue_espeak_16k.txt",
        None,
    ),
    "dialogue 8k mu-law": (
        SYNTH / "formats/dialogue_8k_mulaw.wav",
        SYNTH / "dialogue_espeak_16k.txt",
        None,
    ),
}

SPEAKER_FILES = {  # name: (audio, reference, target, clinician reference label or None)
    "dialogue_espeak_16k": (
        SYNTH / "dialogue_espeak_16k.wav",
        SYNTH / "dialogue_espeak_16k.turns.json",
        0.95,
        "THERAPIST",
    ),
    "dialogue_samegender_16k": (
        SYNTH / "dialogue_samegender_16k.wav",
        SYNTH / "dialogue_samegender_16k.turns.json",
        0.90,
        "THERAPIST",
    ),
    "realvoices_mix_16k": (
        SYNTH / "realvoices_mix_16k.wav",
        SYNTH / "realvoices_mix_16k.turns.json",
        0.85,
        None,
    ),
    "pyannote sample": (
        FIXT / "pyannote-sample/sample.wav",
        FIXT / "pyannote-sample/sample.rttm",
        0.75,
        None,
    ),
}


def _text(t: Transcript) -> str:
    return " ".join(s.text for s in t.segments)


def _reference(ref: Path | str) -> str:
    return ref.read_text() if isinstance(ref, Path) else ref


def _table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=False)))


def word_outcomes(reference: str, t: Transcript) -> list[tuple[float, bool]]:
    """(probability, recognised correctly) for every hypothesis token, by WER alignment."""
    tokens: list[tuple[str, float]] = []
    for seg in t.segments:
        for w in seg.words:
            tokens.extend((tok, w.p) for tok in normalise(w.text).split())
    ref = normalise(reference).split()
    if not ref or not tokens:
        return []
    out = jiwer.process_words(" ".join(ref), " ".join(tok for tok, _ in tokens))
    outcomes: list[tuple[float, bool]] = []
    for chunk in out.alignments[0]:
        for j in range(chunk.hyp_start_idx, chunk.hyp_end_idx):
            outcomes.append((tokens[j][1], chunk.type == "equal"))
    return outcomes


def _calibration(model: str, outcomes: list[tuple[float, bool]], threshold: float) -> list[str]:
    low = [ok for p, ok in outcomes if p < threshold]
    high = [ok for p, ok in outcomes if p >= threshold]

    def wrong(xs: list[bool]) -> str:
        return f"{(1 - sum(xs) / len(xs)) * 100:.1f} % of {len(xs)}" if xs else "n/a"

    return [model, f"p < {threshold}", wrong(low), f"p ≥ {threshold}", wrong(high)]


def bench_wer(models: list[str]) -> None:
    rows = []
    calibration = []
    threshold = Settings().low_confidence_threshold
    for model in models:
        transcriber = build_transcriber(Settings(), model=model, diarize=False)
        outcomes: list[tuple[float, bool]] = []
        for name, (audio, ref, target) in WER_FILES.items():
            if not audio.exists():
                continue
            t = transcriber.transcribe_file(audio).transcript
            score = wer(_reference(ref), _text(t))
            outcomes.extend(word_outcomes(_reference(ref), t))
            verdict = "" if target is None else ("ok" if score <= target else "MISS")
            rows.append(
                [
                    model,
                    name,
                    f"{score * 100:.1f} %",
                    "" if target is None else f"≤ {target * 100:.0f} %",
                    verdict,
                ]
            )
        calibration.append(_calibration(model, outcomes, threshold))
    _table(
        "Word error rate (normalised: case, punctuation, digits)",
        ["model", "audio", "WER", "target", ""],
        rows,
    )
    _table(
        "Low-confidence calibration: share of recognised words that are wrong, by probability",
        ["model", "band", "wrong", "band", "wrong"],
        calibration,
    )


def bench_speed(model: str, repeats: int = 2) -> None:
    """Bare faster-whisper vs ``clearnote transcribe`` (decode + ASR + diarization), same run."""
    from faster_whisper import WhisperModel

    from clearnote.asr.models import resolve_model

    audio = SYNTH / "dialogue_espeak_16k.wav"
    if not audio.exists():
        return
    settings = Settings()
    folder, _ = resolve_model(model, settings.model_cache)
    bare = WhisperModel(str(folder), device="cpu", compute_type="int8", local_files_only=True)
    transcriber = build_transcriber(settings, model=model)
    language = "en" if bare.model.is_multilingual else None

    def run_bare(**options: object) -> float:
        start = time.perf_counter()
        segments, _ = bare.transcribe(str(audio), language=language, **options)  # type: ignore[arg-type]
        list(segments)
        return time.perf_counter() - start

    def run_ours() -> tuple[float, float]:
        result = transcriber.transcribe_file(audio)
        return result.timings.total, result.transcript.duration

    run_ours()  # warm-up: model files in page cache, VAD session created
    bare_default = min(run_bare() for _ in range(repeats))
    bare_same = min(run_bare(word_timestamps=True, vad_filter=True) for _ in range(repeats))
    ours, duration = min(run_ours() for _ in range(repeats))
    rows = [
        [
            "bare faster-whisper, default options",
            f"{bare_default:.2f} s",
            f"{bare_default / duration:.3f}",
            "1.00",
        ],
        [
            "bare faster-whisper, word times + VAD",
            f"{bare_same:.2f} s",
            f"{bare_same / duration:.3f}",
            f"{bare_same / bare_default:.2f}",
        ],
        [
            "clearnote transcribe (decode, ASR, diarization, roles)",
            f"{ours:.2f} s",
            f"{ours / duration:.3f}",
            f"{ours / bare_default:.2f}",
        ],
    ]
    _table(
        f"Speed on dialogue_espeak_16k ({duration:.1f} s), model {model}, best of {repeats} "
        "(targets: clearnote ≤ 1.35× bare, RTF ≤ 0.15)",
        ["run", "time", "RTF", "× bare default"],
        rows,
    )


def _word_intervals(t: Transcript) -> list[tuple[float, float, object]]:
    words = [(w.start, w.end) for s in t.segments for w in s.words]
    labels = [s.speaker for s in t.segments for _ in s.words]
    return labelled_intervals(words, labels, bridge=1.0)


def bench_speakers(model: str) -> None:
    transcriber: Transcriber = build_transcriber(Settings(), model=model)
    rows = []
    for name, (audio, ref_path, target, clinician) in SPEAKER_FILES.items():
        if not audio.exists():
            continue
        ref = read_rttm(ref_path) if ref_path.suffix == ".rttm" else read_turns_json(ref_path)
        t = transcriber.transcribe_file(audio).transcript
        score = speaker_accuracy(ref, _word_intervals(t))
        labelled = score.accuracy / score.covered if score.covered else 0.0
        role = ""
        if clinician is not None:
            hyp = next((h for h, r in score.mapping.items() if r == clinician), None)
            role = "clinician ok" if hyp and t.role_of(str(hyp)) == "clinician" else "ROLE MISS"
        rows.append(
            [
                name,
                f"{labelled * 100:.1f} %",
                f"{score.covered * 100:.1f} %",
                f"{score.accuracy * 100:.1f} %",
                f"≥ {target * 100:.0f} %",
                "ok" if labelled >= target else "MISS",
                f"{len(t.speakers)} / {len({r[2] for r in ref})}",
                role,
            ]
        )
    _table(
        f"Speaker accuracy through the whole pipeline, model {model} (labelled speech time "
        "given the right speaker; coverage = reference time covered by recognised words)",
        ["audio", "accuracy", "coverage", "acc. × cov.", "target", "", "speakers est./ref", "role"],
        rows,
    )


def write_long_session(source: Path, minutes: float, target: Path) -> None:
    """Tile ``source`` to ``minutes`` and write it as FLAC, a minute at a time."""
    import av
    import numpy as np

    from clearnote.audio import load_audio

    audio = load_audio(source, max_seconds=1e6).samples
    total = int(minutes * 60 * 16000)
    with av.open(str(target), "w") as out:
        stream = out.add_stream("flac", rate=16000, layout="mono")
        for start in range(0, total, 16000 * 60):
            idx = np.arange(start, min(start + 16000 * 60, total)) % audio.shape[0]
            pcm = (audio[idx] * 32767).astype(np.int16)[None, :]
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            frame.sample_rate = 16000
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)


def probe_memory(path: Path, model: str) -> None:
    """Run in a fresh process: transcribe ``path`` and print peak RSS and timings as JSON."""
    result = build_transcriber(Settings(), model=model).transcribe_file(path)
    print(
        json.dumps(
            {
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "seconds": result.timings.total,
                "asr": result.timings.asr,
                "diarize": result.timings.diarize,
                "duration": result.transcript.duration,
                "segments": len(result.transcript.segments),
                "speakers": len(result.transcript.speakers),
            }
        )
    )


def bench_memory(model: str, minutes: float) -> None:
    """Peak RSS of a fresh process transcribing a synthetic session of ``minutes``."""
    source = SYNTH / "dialogue_espeak_16k.wav"
    if not source.exists() or minutes <= 0:
        return
    with tempfile.TemporaryDirectory() as tmp:
        long_file = Path(tmp) / "long.flac"
        write_long_session(source, minutes, long_file)
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.bench.bench_asr",
                "--probe-memory",
                str(long_file),
                "--models",
                model,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        stats = json.loads(out.stdout.strip().splitlines()[-1])
    _table(
        f"Memory on a {minutes:.0f}-minute session (tiled synthetic dialogue), model {model} "
        "(target: peak RSS < 1.5 GB for 90 min)",
        ["peak RSS", "wall time", "RTF", "ASR", "diarization", "segments", "speakers"],
        [
            [
                f"{stats['rss_mb']:.0f} MB",
                f"{stats['seconds']:.0f} s",
                f"{stats['seconds'] / stats['duration']:.3f}",
                f"{stats['asr']:.0f} s",
                f"{stats['diarize']:.0f} s",
                str(stats["segments"]),
                str(stats["speakers"]),
            ]
        ],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--models", default="base,tiny.en")
    parser.add_argument("--long-minutes", type=float, default=0.0)
    parser.add_argument("--only", choices=["wer", "speed", "speakers", "memory"], default=None)
    parser.add_argument("--probe-memory", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv if argv is not None else [])
    if args.probe_memory is not None:
        probe_memory(args.probe_memory, args.models.split(",")[0])
        return
    if not SHARED_EVAL.is_dir():
        print(f"skipped: evaluation data not present at {SHARED_EVAL}")
        return
    models = args.models.split(",")
    default = Settings().asr_model
    started = time.perf_counter()
    if args.only in (None, "wer"):
        bench_wer(models)
    if args.only in (None, "speed"):
        for model in models:
            bench_speed(model)
    if args.only in (None, "speakers"):
        bench_speakers(default)
    if args.only in (None, "memory"):
        bench_memory(default, args.long_minutes)
    print(
        f"\n(benchmark wall time {time.perf_counter() - started:.0f} s, peak RSS of this "
        f"process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
