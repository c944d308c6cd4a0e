"""The transcription service: decode → ASR (with VAD) → diarize → segments → roles.

``Transcriber`` holds the loaded models; build it once with ``build_transcriber(settings)`` and
reuse it. Only metadata (durations, counts, model names) is logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from clearnote.asr.base import AsrEngine, AsrOutput, ProgressCallback
from clearnote.asr.partial import AsrPart, merge_parts
from clearnote.audio import SAMPLE_RATE, DecodedAudio, load_audio
from clearnote.config import Settings
from clearnote.domain.transcript import AsrInfo, Segment, Speaker, Transcript
from clearnote.errors import BadInputError
from clearnote.transcription.segments import assemble, speaker_order, words_for_diarization

if TYPE_CHECKING:
    from clearnote.diarize import Diarizer
    from clearnote.diarize.diarizer import VoicePrefix

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timings:
    decode: float = 0.0
    asr: float = 0.0
    diarize: float = 0.0
    total: float = 0.0


@dataclass(frozen=True)
class TranscriptionResult:
    transcript: Transcript
    timings: Timings


ProgressFactory = Callable[[float], ProgressCallback | None]


class Transcriber:
    def __init__(
        self,
        engine: AsrEngine,
        diarizer: Diarizer | None,
        *,
        low_confidence_threshold: float,
        max_audio_seconds: float,
        language: str,
        compute: tuple[str, str] = ("cpu", "int8"),
    ) -> None:
        self.engine = engine
        self.diarizer = diarizer
        self.low_confidence_threshold = low_confidence_threshold
        self.max_audio_seconds = max_audio_seconds
        self.language = language
        self.compute = compute

    def transcribe_file(
        self,
        path: Path,
        *,
        speakers: int | None = None,
        clinician_voice: Path | None = None,
        progress: ProgressFactory | None = None,
    ) -> TranscriptionResult:
        t0 = time.perf_counter()
        audio = load_audio(path, max_seconds=self.max_audio_seconds, name=str(path))
        return self.transcribe_decoded(
            audio,
            speakers=speakers,
            clinician_voice=clinician_voice,
            progress=progress,
            decode_seconds=time.perf_counter() - t0,
        )

    def transcribe_decoded(
        self,
        audio: DecodedAudio,
        *,
        speakers: int | None = None,
        clinician_voice: Path | None = None,
        progress: ProgressFactory | None = None,
        decode_seconds: float = 0.0,
        prefix: AsrOutput | None = None,
        voices: VoicePrefix | None = None,
    ) -> TranscriptionResult:
        """``prefix``: ASR already done for the audio's first ``prefix.duration`` seconds (a
        recording transcribed while it was made); only the rest is recognised. ``voices``: the
        voice windows of its first speech, embedded while it was made; only the speech after
        them is embedded for diarization."""
        t0 = time.perf_counter()
        voice = self.enroll(clinician_voice) if clinician_voice is not None else None
        result = self.transcribe_samples(
            audio.samples,
            speakers=speakers,
            clinician_voice=voice,
            progress=progress(audio.duration) if progress else None,
            prefix=prefix,
            voices=voices,
        )
        timings = Timings(
            decode=decode_seconds,
            asr=result.timings.asr,
            diarize=result.timings.diarize,
            total=decode_seconds + time.perf_counter() - t0,
        )
        return TranscriptionResult(result.transcript, timings)

    def enroll(self, path: Path) -> np.ndarray:
        """Embed an enrolled clinician voice sample (any supported audio file)."""
        if self.diarizer is None:
            raise BadInputError("--clinician-voice needs diarization (it is switched off)")
        sample = load_audio(path, max_seconds=600, name=str(path))
        if sample.duration < 2.0:
            raise BadInputError(f"{path}: voice sample is under 2 seconds; record at least 5")
        return self.diarizer.embed_utterance(sample.samples)

    def transcribe_samples(
        self,
        samples: np.ndarray,
        *,
        speakers: int | None = None,
        clinician_voice: np.ndarray | None = None,
        progress: ProgressCallback | None = None,
        prefix: AsrOutput | None = None,
        voices: VoicePrefix | None = None,
    ) -> TranscriptionResult:
        if speakers is not None and speakers < 1:
            raise BadInputError("--speakers must be at least 1")
        t0 = time.perf_counter()
        output = self._recognise(samples, prefix, progress)
        t1 = time.perf_counter()
        spans = words_for_diarization(output)
        labels, centroids = self._diarize(samples, output, spans, speakers, voices)
        t2 = time.perf_counter()
        ids = speaker_order(labels)
        assembly = assemble(
            output, labels, ids, low_confidence_threshold=self.low_confidence_threshold
        )
        roles = self._roles(assembly.segments, ids, centroids, clinician_voice)
        warnings: list[str] = []
        if not assembly.segments:
            warnings.append("no_speech: no speech was recognised in the recording")
            log.warning("no speech recognised in %.1f s of audio", output.duration)
        if assembly.dropped:
            warnings.append(
                f"dropped_hallucinations: {assembly.dropped} segment(s) matching known Whisper "
                "phrases invented on silence or noise were removed"
            )
        if assembly.flagged:
            warnings.append(
                f"flagged_segments: {assembly.flagged} segment(s) look like recogniser loops or "
                "invented text; they are marked low-confidence"
            )
        used = {seg.speaker for seg in assembly.segments}
        transcript = Transcript(
            duration=round(output.duration, 3),
            language=output.language,
            asr=AsrInfo(
                engine=output.engine,
                model=output.model,
                device=self.compute[0],
                compute_type=self.compute[1],
                low_confidence_threshold=self.low_confidence_threshold,
            ),
            speakers=tuple(
                Speaker(id=sid, role=roles.get(sid, "unknown"))
                for sid in ids.values()
                if sid in used
            ),
            segments=tuple(assembly.segments),
            warnings=tuple(warnings),
        )
        log.info(
            "transcribed %.1f s: %d segments, %d speakers, asr %.1f s, diarize %.1f s",
            output.duration,
            len(transcript.segments),
            len(transcript.speakers),
            t1 - t0,
            t2 - t1,
        )
        return TranscriptionResult(transcript, Timings(asr=t1 - t0, diarize=t2 - t1))

    def _recognise(
        self, samples: np.ndarray, prefix: AsrOutput | None, progress: ProgressCallback | None
    ) -> AsrOutput:
        """ASR over ``samples``, or only over the part after ``prefix``, joined to it."""
        start = round(prefix.duration * SAMPLE_RATE) if prefix is not None else 0
        if prefix is None or start > samples.shape[0]:
            if prefix is not None:
                log.warning("precomputed ASR is longer than the audio; transcribing it all")
            return self.engine.transcribe(samples, progress=progress)
        parts = [AsrPart(0.0, prefix)]
        if start < samples.shape[0]:
            offset = start / SAMPLE_RATE

            def tick(done: float) -> None:
                if progress is not None:
                    progress(offset + done)

            tail = self.engine.transcribe(samples[start:], progress=tick)
            parts.append(AsrPart(offset, tail))
        log.info(
            "reused ASR for %.1f s; recognised the last %.1f s",
            prefix.duration,
            (samples.shape[0] - start) / SAMPLE_RATE,
        )
        return merge_parts(parts)

    def _diarize(
        self,
        samples: np.ndarray,
        output: AsrOutput,
        spans: list[tuple[float, float]],
        speakers: int | None,
        voices: VoicePrefix | None = None,
    ) -> tuple[list[int], np.ndarray | None]:
        if self.diarizer is None or speakers == 1 or not spans:
            return [0] * len(spans), None
        speech = output.speech or self.engine.speech_regions(samples)
        result = self.diarizer.diarize(
            samples,
            speech,
            spans,
            num_speakers=speakers,
            sample_rate=SAMPLE_RATE,
            precomputed=voices,
        )
        return list(result.word_speakers), result.centroids

    def _roles(
        self,
        segments: list[Segment],
        ids: dict[int, str],
        centroids: np.ndarray | None,
        clinician_voice: np.ndarray | None,
    ) -> dict[str, str]:
        from clearnote.diarize.roles import Turn, assign_roles

        by_id = {sid: label for label, sid in ids.items()}
        turns = [
            Turn(speaker=by_id[s.speaker], start=s.start, end=s.end, text=s.text) for s in segments
        ]
        if not turns:
            return {}
        roles = assign_roles(turns, len(ids), centroids=centroids, clinician_voice=clinician_voice)
        return {ids[label]: role for label, role in roles.items() if label in ids}


def build_transcriber(
    settings: Settings, *, model: str | None = None, diarize: bool | None = None
) -> Transcriber:
    """The composition root for transcription: load the configured engine and diarizer."""
    from clearnote.asr.faster_whisper_engine import FasterWhisperEngine, WhisperOptions
    from clearnote.asr.models import resolve_model

    folder, name = resolve_model(model or settings.asr_model, settings.model_cache)
    engine = FasterWhisperEngine(
        folder,
        name,
        WhisperOptions(
            device=settings.asr_device,
            compute_type=settings.asr_compute_type,
            cpu_threads=settings.asr_cpu_threads,
            batch_size=settings.asr_batch_size,
            beam_size=settings.asr_beam_size,
            language=settings.language,
            mode=settings.asr_mode,
            window_seconds=settings.asr_window_seconds,
        ),
    )
    diarizer = None
    if settings.diarize if diarize is None else diarize:
        from clearnote.diarize import Diarizer

        diarizer = Diarizer(max_speakers=settings.max_speakers)
    return Transcriber(
        engine,
        diarizer,
        low_confidence_threshold=settings.low_confidence_threshold,
        max_audio_seconds=settings.max_audio_seconds,
        language=settings.language,
        compute=(settings.asr_device, settings.asr_compute_type),
    )
