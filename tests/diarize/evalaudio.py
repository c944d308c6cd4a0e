"""Shared by the slow diarization tests and the benchmark: decode, VAD, pseudo-words, scoring."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from faster_whisper import decode_audio
from faster_whisper.vad import VadOptions, get_speech_timestamps

from clearnote.diarize import Diarizer
from clearnote.diarize.metrics import (
    Interval,
    SpeakerScore,
    labelled_intervals,
    read_rttm,
    read_turns_json,
    speaker_accuracy,
)

SR = 16000
# The same VAD settings as the ASR adapter (src/clearnote/asr/faster_whisper_engine.py).
VAD = VadOptions(max_speech_duration_s=30, min_silence_duration_ms=160)
FRAME_S = 0.25


@dataclass(frozen=True)
class Case:
    name: str
    audio: Path
    reference: Path  # *.turns.json or *.rttm
    speakers: int


def cases(root: Path) -> list[Case]:
    synth = root / "speech-synth"
    fixtures = root / "speech-fixtures"
    return [
        Case(
            "dialogue_espeak_16k",
            synth / "dialogue_espeak_16k.wav",
            synth / "dialogue_espeak_16k.turns.json",
            2,
        ),
        Case(
            "dialogue_samegender_16k",
            synth / "dialogue_samegender_16k.wav",
            synth / "dialogue_samegender_16k.turns.json",
            2,
        ),
        Case(
            "realvoices_mix_16k",
            synth / "realvoices_mix_16k.wav",
            synth / "realvoices_mix_16k.turns.json",
            2,
        ),
        Case(
            "pyannote sample",
            fixtures / "pyannote-sample" / "sample.wav",
            fixtures / "pyannote-sample" / "sample.rttm",
            2,
        ),
        Case(
            "AMI mixture (4 spk)",
            fixtures / "pyannote-ami-seriously" / "mixture.wav",
            fixtures / "pyannote-ami-seriously" / "mixture.rttm",
            4,
        ),
    ]


def load(path: Path) -> np.ndarray:
    return np.asarray(decode_audio(str(path), sampling_rate=SR), dtype=np.float32)


def speech_regions(audio: np.ndarray) -> list[tuple[float, float]]:
    return [(t["start"] / SR, t["end"] / SR) for t in get_speech_timestamps(audio, VAD)]


def frames_over(
    regions: list[tuple[float, float]], step: float = FRAME_S
) -> list[tuple[float, float]]:
    """Fixed pseudo-words tiling the speech regions (the real pipeline passes Whisper words)."""
    out: list[tuple[float, float]] = []
    for s, e in regions:
        t = s
        while t < e - 1e-6:
            out.append((t, min(e, t + step)))
            t += step
    return out


def reference(path: Path) -> list[Interval]:
    return read_rttm(path) if path.suffix == ".rttm" else read_turns_json(path)


def score(
    diarizer: Diarizer, case: Case, num_speakers: int | None
) -> tuple[SpeakerScore, int, float]:
    """(score, speakers found, audio seconds) for one case."""
    audio = load(case.audio)
    regions = speech_regions(audio)
    words = frames_over(regions)
    result = diarizer.diarize(audio, regions, words, num_speakers=num_speakers)
    hyp = labelled_intervals(words, result.word_speakers)
    return speaker_accuracy(reference(case.reference), hyp), result.num_speakers, len(audio) / SR
