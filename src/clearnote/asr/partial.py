"""Join ASR results of consecutive pieces of one recording into one result (pure).

A recording transcribed while it is being made is decoded piece by piece, each piece cut at a
pause (:func:`clearnote.asr.windows.next_cut`). Each piece's :class:`AsrOutput` has times
relative to the piece; :class:`AsrPart` says where the piece starts. :func:`merge_parts` puts
every time on the recording's clock, clips what a recogniser stamped past its piece's end, and
gives one output covering [0, end of the last piece], as if the recording had been decoded at
once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from clearnote.asr.base import AsrOutput, AsrSegment, AsrWord

CONTIGUOUS = 0.05  # seconds: parts must meet this closely (sample rounding)


@dataclass(frozen=True)
class AsrPart:
    """The ASR output of the audio from ``start`` for ``output.duration`` seconds; the output's
    times are relative to ``start``."""

    start: float
    output: AsrOutput

    @property
    def end(self) -> float:
        return self.start + self.output.duration


def _shift_word(word: AsrWord, offset: float, limit: float) -> AsrWord:
    start = min(word.start + offset, limit)
    return replace(word, start=start, end=max(start, min(word.end + offset, limit)))


def _shift_segment(seg: AsrSegment, offset: float, limit: float) -> AsrSegment:
    start = min(seg.start + offset, limit)
    return replace(
        seg,
        start=start,
        end=max(start, min(seg.end + offset, limit)),
        words=tuple(_shift_word(w, offset, limit) for w in seg.words),
    )


def merge_parts(parts: Sequence[AsrPart]) -> AsrOutput:
    """One output for consecutive parts (in order, each starting where the previous ended).

    Raises ValueError for no parts, or parts that leave a gap or overlap (a bug in the caller:
    audio would be lost or decoded twice)."""
    speech = join_speech(parts)  # checks the parts first
    segments: list[AsrSegment] = []
    for part in parts:
        segments.extend(_shift_segment(s, part.start, part.end) for s in part.output.segments)
    first = next((p.output for p in parts if p.output.segments), parts[0].output)
    return AsrOutput(
        segments=tuple(segments),
        language=first.language,
        duration=parts[-1].end,
        speech=speech,
        model=parts[0].output.model,
        engine=parts[0].output.engine,
    )


def join_speech(parts: Sequence[AsrPart]) -> tuple[tuple[float, float], ...]:
    """The parts' speech regions on the recording's clock, as :func:`merge_parts` gives them
    (and only them: cheap enough to call after every part). Raises as :func:`merge_parts`."""
    _check_contiguous(parts)
    speech: list[tuple[float, float]] = []
    for part in parts:
        limit = part.end
        for lo, hi in part.output.speech:
            lo, hi = min(lo + part.start, limit), min(hi + part.start, limit)
            if speech and lo - speech[-1][1] <= 0.0:  # a region cut at the join: one again
                speech[-1] = (speech[-1][0], max(hi, speech[-1][1]))
            elif hi > lo:
                speech.append((lo, hi))
    return tuple(speech)


def _check_contiguous(parts: Sequence[AsrPart]) -> None:
    if not parts:
        raise ValueError("merge_parts: no parts")
    expected = 0.0
    for part in parts:
        if abs(part.start - expected) > CONTIGUOUS:
            raise ValueError(
                f"merge_parts: a part starts at {part.start:.3f} s, expected {expected:.3f} s"
            )
        expected = part.end
