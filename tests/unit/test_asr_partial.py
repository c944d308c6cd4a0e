"""Joining the ASR of consecutive pieces into one result on the recording's clock."""

from __future__ import annotations

import pytest

from clearnote.asr.base import AsrOutput, AsrSegment, AsrWord
from clearnote.asr.partial import AsrPart, merge_parts


def seg(start: float, end: float, *words: tuple[str, float, float]) -> AsrSegment:
    return AsrSegment(
        start=start,
        end=end,
        text=" ".join(w[0] for w in words),
        words=tuple(AsrWord(text=t, start=s, end=e, p=0.9) for t, s, e in words),
    )


def out(
    duration: float, *segments: AsrSegment, speech: tuple[tuple[float, float], ...] = ()
) -> AsrOutput:
    return AsrOutput(
        segments=segments,
        language="en",
        duration=duration,
        speech=speech,
        model="tiny.en",
        engine="faster-whisper",
    )


def test_times_move_to_the_recording_clock() -> None:
    first = out(
        20.0, seg(1.0, 3.0, ("Hello", 1.0, 1.5), ("there.", 1.6, 3.0)), speech=((0.6, 3.4),)
    )
    second = out(15.0, seg(0.5, 2.0, ("How", 0.5, 0.9), ("are", 1.0, 1.2)), speech=((0.2, 2.4),))
    merged = merge_parts([AsrPart(0.0, first), AsrPart(20.0, second)])
    assert merged.duration == 35.0
    assert [s.start for s in merged.segments] == [1.0, 20.5]
    assert [(w.text, w.start, w.end) for s in merged.segments for w in s.words] == [
        ("Hello", 1.0, 1.5),
        ("there.", 1.6, 3.0),
        ("How", 20.5, 20.9),
        ("are", 21.0, 21.2),
    ]
    assert merged.speech == ((0.6, 3.4), (20.2, 22.4))
    assert (merged.language, merged.model, merged.engine) == ("en", "tiny.en", "faster-whisper")


def test_times_past_a_piece_are_clipped_to_it() -> None:
    # Whisper may stamp a last word a little past the audio it was given
    first = out(10.0, seg(8.0, 10.6, ("late", 9.5, 10.6)), speech=((7.8, 10.0),))
    second = out(5.0, seg(0.2, 1.0, ("next", 0.2, 1.0)), speech=((0.0, 1.2),))
    merged = merge_parts([AsrPart(0.0, first), AsrPart(10.0, second)])
    assert merged.segments[0].end == 10.0 and merged.segments[0].words[0].end == 10.0
    assert merged.segments[1].start == 10.2
    # a speech region cut at the join is one region again
    assert merged.speech == ((7.8, 11.2),)


def test_an_empty_part_keeps_the_clock_and_a_prefix_joins_a_tail() -> None:
    silence = out(25.0)
    tail = out(4.0, seg(1.0, 2.0, ("bye", 1.0, 2.0)))
    merged = merge_parts([AsrPart(0.0, silence), AsrPart(25.0, tail)])
    assert merged.duration == 29.0 and [s.start for s in merged.segments] == [26.0]
    # a merged result is itself a part starting at 0 (the pipeline joins it to the tail)
    again = merge_parts([AsrPart(0.0, merged), AsrPart(29.0, out(1.0))])
    assert again.duration == 30.0 and again.segments == merged.segments


@pytest.mark.parametrize("start", [0.0, 10.5, 9.0])
def test_a_gap_or_an_overlap_is_refused(start: float) -> None:
    parts = [AsrPart(0.0, out(10.0)), AsrPart(start, out(5.0))]
    if start == 0.0:
        parts = [AsrPart(1.0, out(10.0))]
    with pytest.raises(ValueError, match="expected"):
        merge_parts(parts)


def test_no_parts_is_a_bug() -> None:
    with pytest.raises(ValueError, match="no parts"):
        merge_parts([])
