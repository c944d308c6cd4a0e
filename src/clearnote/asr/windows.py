"""Where to cut a recording for decoding: at pauses between speech regions (pure).

Speech regions come from the VAD, in seconds. A cut is always the midpoint between two
neighbouring regions (so it falls in a pause of at least the VAD's minimum silence) or lies in
silence after the last region; never inside a region.

* :func:`pause_windows` cuts a whole recording into windows of at most ``limit`` seconds
  (windowed decoding of a finished recording).
* :func:`next_cut` finds how far a recording still being made can be decoded now: the latest
  pause that is settled (enough audio has arrived after it) and leaves at least ``min_span``
  seconds to decode (incremental decoding while recording).
"""

from __future__ import annotations

from collections.abc import Sequence

Regions = Sequence[tuple[float, float]]
MIN_TRAILING_PAUSE = 0.5  # seconds of silence after the last region before it counts as a pause


def pause_windows(speech: Regions, duration: float, limit: float) -> list[tuple[float, float]]:
    """Cut [0, duration] into windows of at most ``limit`` s (longer only where one region is
    longer), at pauses between speech; no windows when there is no speech."""
    if not speech:
        return []
    windows: list[tuple[float, float]] = []
    lo = 0.0
    last_end = 0.0
    for start, end in speech:
        if end - lo > limit and last_end > lo:
            cut = (last_end + start) / 2
            windows.append((lo, cut))
            lo = cut
        last_end = end
    windows.append((lo, duration))
    return windows


def next_cut(speech: Regions, *, available: float, min_span: float, guard: float) -> float | None:
    """The latest cut point in [``min_span``, ``available - guard``] for audio of which
    ``available`` seconds have arrived so far (times relative to where decoding stands), or None.

    Only pauses that are settled count: before the first region; between two regions when
    the later one starts before ``available - guard``; or after the last region when at least
    ``MIN_TRAILING_PAUSE`` of silence follows it before ``available - guard`` (the cut then
    goes halfway into that silence). Audio with no speech before ``available - guard`` is cut
    there.
    """
    settled = available - guard
    if settled < min_span:
        return None
    speech = [r for r in speech if r[0] < settled]
    if not speech:
        return settled
    candidates: list[float] = [speech[0][0] / 2]  # silence before the first region
    for (_, end), (start, _) in zip(speech, speech[1:], strict=False):
        if start <= settled:
            candidates.append((end + start) / 2)
    last_end = speech[-1][1]
    if settled - last_end >= MIN_TRAILING_PAUSE:
        candidates.append((last_end + settled) / 2)
    good = [c for c in candidates if min_span <= c <= settled]
    return max(good) if good else None
