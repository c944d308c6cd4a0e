"""faster-whisper (CTranslate2) adapter.

Two decoding modes, both over Silero-VAD speech only:

* ``windowed`` (default): the recording is cut at pauses into windows of at most
  ``window_seconds`` and each window is decoded sequentially with the previous text as context.
  Memory stays bounded on 90-minute sessions (plain ``transcribe()`` on a whole 31-minute file
  built features at 2.25 GB peak), and no turn is lost: on a file with a 10 s pause, batched
  decoding without timestamps dropped the whole second turn with tiny.en.
* ``batched``: ``BatchedInferencePipeline`` (faster on a GPU; chunks are decoded independently).

Models load by path only (``local_files_only``): never a hub download.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.vad import VadOptions, get_speech_timestamps

from clearnote.asr.base import AsrOutput, AsrSegment, AsrWord, ProgressCallback
from clearnote.asr.windows import pause_windows
from clearnote.audio import SAMPLE_RATE
from clearnote.errors import ModelError

log = logging.getLogger(__name__)

# the VAD settings BatchedInferencePipeline uses by default (chunks of at most 30 s)
_VAD = VadOptions(max_speech_duration_s=30, min_silence_duration_ms=160)
_VAD_BLOCK = 300 * SAMPLE_RATE  # samples of audio per VAD pass
_JOIN_GAP = 0.3  # seconds: regions this close across a block edge are one


@dataclass(frozen=True)
class WhisperOptions:
    device: str = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = 0
    batch_size: int = 8
    beam_size: int = 5
    language: str | None = "en"
    mode: Literal["windowed", "batched"] = "windowed"
    window_seconds: float = 300.0


class FasterWhisperEngine:
    """Loads one CTranslate2 Whisper model; reuse the instance for many files."""

    engine = "faster-whisper"

    def __init__(self, model_dir: Path, model_name: str, options: WhisperOptions) -> None:
        self.model_name = model_name
        self.options = options
        try:
            self._model = WhisperModel(
                str(model_dir),
                device=options.device,
                compute_type=options.compute_type,
                cpu_threads=options.cpu_threads,
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"cannot load Whisper model '{model_name}' ({type(exc).__name__})"
            ) from exc
        self._pipeline = BatchedInferencePipeline(model=self._model)
        self.multilingual = bool(self._model.model.is_multilingual)

    def speech_regions(self, audio: np.ndarray) -> tuple[tuple[float, float], ...]:
        """Silero VAD over the recording, ``_VAD_BLOCK`` at a time: on a whole 90-minute array
        it took 620 MB on top of the audio; per block it stays small. Regions that meet at a
        block edge are joined again."""
        regions: list[tuple[float, float]] = []
        for lo in range(0, audio.shape[0], _VAD_BLOCK):
            piece = audio[lo : lo + _VAD_BLOCK]
            offset = lo / SAMPLE_RATE
            for stamp in get_speech_timestamps(piece, _VAD):
                start = offset + stamp["start"] / SAMPLE_RATE
                end = offset + stamp["end"] / SAMPLE_RATE
                if (
                    regions
                    and start - regions[-1][1] < _JOIN_GAP
                    and lo
                    and (abs(start - offset) < _JOIN_GAP)
                ):
                    regions[-1] = (regions[-1][0], end)
                else:
                    regions.append((start, end))
        return tuple(regions)

    def transcribe(
        self, audio: np.ndarray, *, progress: ProgressCallback | None = None
    ) -> AsrOutput:
        duration = audio.shape[0] / SAMPLE_RATE
        language = self.options.language
        if language and language != "en" and not self.multilingual:
            raise ModelError(
                f"model '{self.model_name}' is English-only; language '{language}' needs a "
                "multilingual model (e.g. base)"
            )
        log.info("transcribing %.1f s with %s (%s)", duration, self.model_name, self.options.mode)
        speech = self.speech_regions(audio)
        decode_language = language if self.multilingual else None
        segments: list[AsrSegment] = []
        detected = decode_language
        if self.options.mode == "batched":
            iterator, info = self._pipeline.transcribe(
                audio,
                language=decode_language,
                batch_size=self.options.batch_size,
                beam_size=self.options.beam_size,
                word_timestamps=True,
                vad_filter=True,
                vad_parameters=_VAD,
            )
            detected = info.language
            segments.extend(self._collect(iterator, 0.0, progress))
        else:
            for lo, hi in pause_windows(speech, duration, self.options.window_seconds):
                piece = audio[int(lo * SAMPLE_RATE) : int(hi * SAMPLE_RATE)]
                iterator, info = self._model.transcribe(
                    piece,
                    language=decode_language or detected,
                    beam_size=self.options.beam_size,
                    word_timestamps=True,
                    vad_filter=True,
                )
                detected = detected or info.language
                segments.extend(self._collect(iterator, lo, progress))
        if progress is not None:
            progress(duration)
        return AsrOutput(
            segments=tuple(segments),
            language=str(detected or "en"),
            duration=duration,
            speech=speech,
            model=self.model_name,
            engine=self.engine,
        )

    @staticmethod
    def _collect(
        iterator: Any, offset: float, progress: ProgressCallback | None
    ) -> list[AsrSegment]:
        out: list[AsrSegment] = []
        for seg in iterator:  # a lazy generator: the decoding happens here
            words = tuple(
                AsrWord(
                    text=w.word.strip(),
                    start=offset + float(w.start),
                    end=offset + float(w.end),
                    p=float(w.probability),
                )
                for w in (seg.words or [])
                if w.word.strip()
            )
            out.append(
                AsrSegment(
                    start=offset + float(seg.start),
                    end=offset + float(seg.end),
                    text=seg.text.strip(),
                    words=words,
                    avg_logprob=float(seg.avg_logprob),
                    no_speech_prob=float(seg.no_speech_prob),
                    compression_ratio=float(seg.compression_ratio),
                )
            )
            if progress is not None:
                progress(offset + float(seg.end))
        return out
