"""The ASR port: what any recogniser hands to the rest of the pipeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

ProgressCallback = Callable[[float], None]  # seconds of audio done


@dataclass(frozen=True)
class AsrWord:
    text: str
    start: float
    end: float
    p: float

    def __repr__(self) -> str:
        return f"AsrWord(start={self.start:.2f}, end={self.end:.2f}, p={self.p:.2f})"


@dataclass(frozen=True)
class AsrSegment:
    start: float
    end: float
    text: str
    words: tuple[AsrWord, ...]
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 1.0

    def __repr__(self) -> str:
        return f"AsrSegment(start={self.start:.2f}, end={self.end:.2f}, words={len(self.words)})"


@dataclass(frozen=True)
class AsrOutput:
    segments: tuple[AsrSegment, ...]
    language: str
    duration: float
    speech: tuple[tuple[float, float], ...] = field(default=())  # VAD speech regions, seconds
    model: str = ""
    engine: str = ""


class AsrEngine(Protocol):
    """A speech recogniser over 16 kHz mono float32 samples."""

    engine: str
    model_name: str

    def transcribe(
        self, audio: np.ndarray, *, progress: ProgressCallback | None = None
    ) -> AsrOutput: ...

    def speech_regions(self, audio: np.ndarray) -> tuple[tuple[float, float], ...]: ...
