"""Transcribe a recording while it is being made, so that little is left to do at its end.

One :class:`LiveTranscription` per recording in progress. Its :class:`StreamDecoder` decodes the
bytes as they arrive; whenever at least ``min_span`` seconds past the last cut have been
decoded, a *step* is queued on a shared executor (its size bounds the CPU spent; each recording
has at most one step queued or running):

1. ``check()`` runs first (the caller's consent check); a refusal stops all further steps and is
   kept in ``refusal`` for the caller to act on;
2. VAD over the audio not yet transcribed, and :func:`~clearnote.asr.windows.next_cut` picks the
   latest settled pause;
3. ASR of the audio up to that pause; the result is kept as an :class:`AsrPart` (absolute times
   via its start);
4. with a diarizer, the voice windows of the speech now finished are embedded
   (:class:`~clearnote.diarize.ahead.RunningWindows`).

Steps 2-4 are :meth:`Ahead.step` (no threads; a benchmark drives it directly). At the end,
:meth:`LiveTranscription.result` waits for a running step, drops a queued one, and returns all
the decoded audio with the parts joined (:func:`~clearnote.asr.partial.merge_parts`) and the
voice windows: the pipeline then recognises only the audio after the last cut, and embeds only
the speech after the windows. Any failure here only means less was done ahead: the pipeline does
whatever the result does not cover.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from clearnote.asr.base import AsrEngine, AsrOutput
from clearnote.asr.partial import AsrPart, join_speech, merge_parts
from clearnote.asr.windows import next_cut
from clearnote.audio import SAMPLE_RATE, DecodedAudio
from clearnote.audio.stream import ByteStream, StreamDecoder
from clearnote.errors import PolicyError

if TYPE_CHECKING:
    from clearnote.diarize import Diarizer
    from clearnote.diarize.ahead import RunningWindows
    from clearnote.diarize.diarizer import VoicePrefix

log = logging.getLogger(__name__)
# Transcribe at least this much at once: each part is decoded without the text before it.
# On 222 s of distinct synthetic and LibriVox speech (tiny.en) the joined parts' WER was 8.1 %
# with 20-s parts, 7.7 % with 30-s parts, against 7.6 % decoding it all at once.
MIN_SPAN_S = 30.0
GUARD_S = 1.0  # a pause counts once this much audio has arrived after it
RETRY_S = 5.0  # after a step found no pause, wait for this much more audio


Reader = Callable[[int, int], npt.NDArray[np.float32]]  # samples [lo, hi) decoded so far


@dataclass(frozen=True)
class LiveResult:
    """The whole recording decoded, the ASR of its first ``asr.duration`` seconds (None when
    nothing was transcribed ahead), and the voice windows of its first speech (None when none
    were embedded ahead)."""

    audio: DecodedAudio
    asr: AsrOutput | None
    voices: VoicePrefix | None = None


class Ahead:
    """One recording's work done ahead, a step at a time (not thread-safe: one step at once)."""

    def __init__(self, *, min_span: float = MIN_SPAN_S, guard: float = GUARD_S) -> None:
        self._min_span = min_span
        self._guard = guard
        self.parts: list[AsrPart] = []
        self.done = 0  # samples transcribed (the last cut)
        self._voices: RunningWindows | None = None
        self._voices_off = False  # embedding failed once: the pipeline embeds it all

    def step(
        self, engine: AsrEngine, diarizer: Diarizer | None, read: Reader, decoded: int
    ) -> bool:
        """Transcribe from the last cut up to the latest settled pause in the ``decoded``
        samples (``read`` gives them), then embed the voice windows now finished. False when
        no pause is settled yet (nothing done)."""
        tail = read(self.done, decoded)
        speech = engine.speech_regions(tail)
        cut = next_cut(
            speech,
            available=tail.shape[0] / SAMPLE_RATE,
            min_span=self._min_span,
            guard=self._guard,
        )
        if cut is None:
            return False
        n = min(round(cut * SAMPLE_RATE), tail.shape[0])
        output = engine.transcribe(tail[:n])
        self.parts.append(AsrPart(self.done / SAMPLE_RATE, output))
        self.done += n
        if diarizer is not None:
            self._embed(diarizer, read)
        return True

    def _embed(self, diarizer: Diarizer, read: Reader) -> None:
        if self._voices_off:
            return
        from clearnote.diarize.ahead import RunningWindows

        if self._voices is None:
            self._voices = RunningWindows(diarizer)
        try:
            self._voices.extend(read, self.asr_speech(), self.done / SAMPLE_RATE)
        except Exception as exc:  # ahead-of-time work only: the pipeline embeds it all
            log.warning("voice windows ahead stopped: %s", type(exc).__name__)
            self._voices, self._voices_off = None, True

    def asr_speech(self) -> tuple[tuple[float, float], ...]:
        return join_speech(self.parts) if self.parts else ()

    def asr(self) -> AsrOutput | None:
        return merge_parts(self.parts) if self.parts else None

    def voices(self) -> VoicePrefix | None:
        return self._voices.prefix() if self._voices is not None else None


class LiveTranscription:
    def __init__(
        self,
        source: ByteStream,
        *,
        engine_for: Callable[[], AsrEngine | None],
        pool: Executor,
        check: Callable[[], None],
        max_seconds: float,
        min_span: float = MIN_SPAN_S,
        guard: float = GUARD_S,
        diarizer_for: Callable[[], Diarizer | None] | None = None,
    ) -> None:
        self._engine_for = engine_for
        self._diarizer_for = diarizer_for
        self._pool = pool
        self._check = check
        self._min_span = min_span
        self._guard = guard
        self._ahead = Ahead(min_span=min_span, guard=guard)
        self._done = 0  # samples transcribed (the last cut), as of the last finished step
        self._tried = 0  # samples decoded when a step last found no pause
        self._future: Future[None] | None = None
        self._open = True  # steps may still be queued
        self._lock = threading.Lock()
        self.refusal: PolicyError | None = None
        self.steps = 0  # steps that transcribed something
        self._decoder = StreamDecoder(
            source, max_seconds=max_seconds, on_progress=lambda _s: self._schedule()
        )

    @property
    def transcribed_s(self) -> float:
        return self._done / SAMPLE_RATE

    @property
    def received_s(self) -> float:
        return self._decoder.seconds

    def _schedule(self) -> None:
        """Queue a step when enough new audio is decoded (called from the decoding thread and
        after each step)."""
        decoded = self._decoder.samples_decoded
        with self._lock:
            if not self._open or self._future is not None:
                return
            if decoded - self._done < (self._min_span + self._guard) * SAMPLE_RATE:
                return
            if decoded - self._tried < RETRY_S * SAMPLE_RATE:
                return
            try:
                self._future = self._pool.submit(self._step)
            except RuntimeError:  # the executor is shut down (process exit)
                self._open = False

    def _step(self) -> None:
        try:
            self._advance()
        except PolicyError as exc:
            self.refusal = exc
            self._open = False
        except Exception as exc:  # ahead-of-time work only: the pipeline does the rest
            log.warning("live transcription stopped: %s", type(exc).__name__)
            self._open = False
        finally:
            with self._lock:
                self._future = None
        self._schedule()

    def _advance(self) -> None:
        self._check()
        engine = self._engine_for()
        if engine is None:
            self._open = False
            return
        diarizer = self._diarizer_for() if self._diarizer_for is not None else None
        decoded = self._decoder.samples_decoded
        if not self._ahead.step(engine, diarizer, self._decoder.read, decoded):
            self._tried = decoded
            return
        with self._lock:
            self._done = self._ahead.done
            self.steps += 1
        log.info(
            "live transcription: %.1f s done of %.1f s",
            self.transcribed_s,
            decoded / SAMPLE_RATE,
        )

    def result(self) -> LiveResult | None:
        """At the end (the source is closed): wait for decoding and a running step; None when
        the audio could not be decoded here (the caller decodes it as an upload)."""
        with self._lock:
            self._open = False
            running = self._future
            if running is not None and running.cancel():
                self._future = running = None
        if running is not None:
            try:
                running.result()
            except Exception as exc:  # already recorded by the step itself
                log.debug("live step ended with %s", type(exc).__name__)
        audio = self._decoder.finish(timeout=120.0)
        if audio is None:
            return None
        return LiveResult(audio, self._ahead.asr(), self._ahead.voices())

    @property
    def active(self) -> bool:
        """Still transcribing ahead (no refusal, no failure, not ended)."""
        return self._open and self.refusal is None

    def abandon(self) -> None:
        """Stop queuing steps and overwrite the decoded audio (a discarded or refused
        recording); the caller wipes the source."""
        with self._lock:
            self._open = False
            if self._future is not None:
                self._future.cancel()
        self._decoder.discard()
