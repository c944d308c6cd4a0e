"""Cut points at pauses: whole-recording windows and the next cut of a recording in progress."""

from __future__ import annotations

import pytest

from clearnote.asr.windows import next_cut, pause_windows

SPEECH = [(1.0, 9.0), (10.0, 18.0), (19.5, 28.0), (30.0, 44.0)]


@pytest.mark.parametrize(
    ("speech", "available", "expected", "why"),
    [
        (SPEECH, 50.0, 46.5, "silence after the last region: halfway into it"),
        (SPEECH, 44.6, 29.0, "trailing pause too short: the last pause between regions"),
        (SPEECH, 31.0, 29.0, "the next region started before available - guard"),
        (SPEECH, 30.5, 28.75, "the region at 30 s starts inside the guard: silence to 29.5"),
        (SPEECH, 20.0, 18.5, "a trailing pause of 1 s"),
        (SPEECH, 15.5, None, "under min_span + guard: nothing yet"),
        ([(0.5, 60.0)], 60.8, None, "speech all along: no pause to cut at"),
        ([], 40.0, 39.0, "no speech at all: everything settled"),
        ([(45.0, 50.0)], 44.5, 43.5, "speech only after the settled point"),
        ([(30.0, 40.0), (40.0, 55.0)], 55.8, 40.0, "adjacent regions (a short pause)"),
        ([(24.0, 70.0)], 70.5, None, "leading silence shorter than min_span"),
    ],
)
def test_next_cut(
    speech: list[tuple[float, float]], available: float, expected: float | None, why: str
) -> None:
    cut = next_cut(speech, available=available, min_span=15.0, guard=1.0)
    assert cut == (pytest.approx(expected) if expected is not None else None), why


def test_next_cut_is_never_inside_speech_nor_past_the_guard() -> None:
    for available in [x / 2 for x in range(30, 120)]:
        cut = next_cut(SPEECH, available=available, min_span=15.0, guard=1.0)
        if cut is None:
            continue
        assert 15.0 <= cut <= available - 1.0
        assert not any(lo < cut < hi for lo, hi in SPEECH), (available, cut)


def test_leading_silence_is_a_pause() -> None:
    assert next_cut([(40.0, 70.0)], available=70.9, min_span=15.0, guard=1.0) == 20.0


def test_pause_windows_cut_between_regions_under_the_limit() -> None:
    windows = pause_windows(SPEECH, 50.0, 20.0)
    assert windows == [(0.0, 18.75), (18.75, 29.0), (29.0, 50.0)]
    assert pause_windows([], 50.0, 20.0) == []
    assert pause_windows(SPEECH, 50.0, 300.0) == [(0.0, 50.0)]
