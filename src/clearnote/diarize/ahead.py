"""Embed a recording's voice windows while it is being made, so that little is left at its end.

A recording transcribed while it is made grows by parts, each cut at a pause
(:mod:`clearnote.transcription.live`). After each part, :meth:`RunningWindows.extend` is given the
speech regions found so far (on the recording's clock) and how far the parts reach; it embeds the
windows of every region that is *finished*: one that ends before the last cut (the region at the
cut may still be joined to speech in the next part, as
:func:`~clearnote.asr.partial.merge_parts` joins them). Windows are embedded at the recording's
level, which is known once ``GAIN_SPEECH_S`` of speech has been heard
(:func:`~clearnote.diarize.diarizer.speech_gain`); until then the finished regions wait.

At the end, :meth:`RunningWindows.prefix` hands the windows to
:meth:`~clearnote.diarize.diarizer.Diarizer.diarize` as ``precomputed``: it embeds only the speech
after them, and checks they fit (the same regions and level as the whole recording's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from clearnote.diarize.diarizer import (
    Diarizer,
    Embedded,
    VoicePrefix,
    clean_regions,
    embed_windows,
    join_embedded,
    speech_gain,
)
from clearnote.diarize.mel import SAMPLE_RATE

Reader = Callable[[int, int], npt.NDArray[np.float32]]  # samples [lo, hi) of the recording
# A region ending this close to the last cut may continue in the next part (merge_parts joins
# parts that meet within this much; see clearnote.asr.partial.CONTIGUOUS).
OPEN_END_S = 0.05


class RunningWindows:
    """The voice windows of a recording in progress (one per recording; not thread-safe)."""

    def __init__(self, diarizer: Diarizer) -> None:
        self._diarizer = diarizer
        self._regions: list[tuple[float, float]] = []  # finished regions, in order
        self._embedded = 0  # how many of them have their windows in _windows
        self._gain: float | None = None
        self._windows: Embedded | None = None

    @property
    def embedded_regions(self) -> int:
        return self._embedded

    def extend(self, read: Reader, speech: Sequence[tuple[float, float]], covered: float) -> None:
        """``speech``: every speech region so far (recording clock), ``covered``: seconds of
        the recording that are transcribed; ``read`` gives its samples. Embeds the windows of
        the regions that are finished, once the recording's level is known.

        Raises ValueError when ``speech`` does not begin with the regions finished before (a bug
        in the caller: the windows would not be the recording's)."""
        regions = clean_regions(speech, covered)
        if regions and regions[-1][1] >= covered - OPEN_END_S:
            regions = regions[:-1]  # may still grow into the next part
        known = len(self._regions)
        if regions[:known] != self._regions:
            raise ValueError("RunningWindows: the speech regions changed behind the last cut")
        self._regions = regions
        if self._gain is None:
            if not regions:
                return
            lo = _first_sample(regions[0])
            gain, final = speech_gain(read(lo, _last_sample(regions[-1])), regions, offset=lo)
            if not final:
                return  # not enough speech yet to know the recording's level
            self._gain = gain
        todo = regions[self._embedded :]
        if not todo:
            return
        lo = _first_sample(todo[0])
        new = embed_windows(
            self._diarizer.encoder,
            read(lo, _last_sample(todo[-1])),
            todo,
            self._gain,
            offset=lo,
        )
        self._windows = new if self._windows is None else join_embedded(self._windows, new)
        self._embedded = len(regions)

    def prefix(self) -> VoicePrefix | None:
        """The windows embedded so far, or None when there are none (yet)."""
        if self._gain is None or self._windows is None or not self._embedded:
            return None
        return VoicePrefix(tuple(self._regions[: self._embedded]), self._gain, self._windows)


def _first_sample(region: tuple[float, float]) -> int:
    """The first sample :func:`speech_gain` or a window of ``region`` reads (int() and round())."""
    return min(int(region[0] * SAMPLE_RATE), int(round(region[0] * SAMPLE_RATE)))


def _last_sample(region: tuple[float, float]) -> int:
    """One past the last sample anything reads of ``region``."""
    return max(int(region[1] * SAMPLE_RATE), int(round(region[1] * SAMPLE_RATE)))
