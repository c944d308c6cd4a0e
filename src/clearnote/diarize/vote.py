"""Give each word the speaker of the windows that cover it, then smooth stray words."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# A lone word between two words of another speaker flips to them when it sits this close to both.
MAX_GAP_S = 0.5


def vote_words(
    words: Sequence[tuple[float, float]],
    win_start: npt.ArrayLike,
    win_end: npt.ArrayLike,
    win_label: npt.ArrayLike,
    num_speakers: int,
) -> IntArray:
    """Per word, the label with most window overlap (seconds); nearest window if none overlap."""
    starts = np.asarray(win_start, dtype=np.float64)
    ends = np.asarray(win_end, dtype=np.float64)
    labels = np.asarray(win_label, dtype=np.int64)
    out = np.zeros(len(words), dtype=np.int64)
    if len(starts) == 0 or num_speakers <= 1:
        return out
    order = np.argsort(starts, kind="stable")
    starts, ends, labels = starts[order], ends[order], labels[order]
    longest = float(np.max(ends - starts))
    centres = (starts + ends) / 2
    for i, (ws, we) in enumerate(words):
        lo = int(np.searchsorted(starts, ws - longest, side="left"))
        hi = int(np.searchsorted(starts, we, side="right"))
        scores = np.zeros(num_speakers, dtype=np.float64)
        if hi > lo:
            overlap = np.minimum(ends[lo:hi], we) - np.maximum(starts[lo:hi], ws)
            # A zero-length word still counts the windows that contain it.
            overlap = np.where(
                (starts[lo:hi] <= ws) & (ends[lo:hi] >= we), np.maximum(overlap, 1e-3), overlap
            )
            np.add.at(scores, labels[lo:hi], np.maximum(overlap, 0.0))
        if scores.max() > 0:
            out[i] = int(np.argmax(scores))
        else:
            out[i] = int(labels[int(np.argmin(np.abs(centres - (ws + we) / 2)))])
    return out


def smooth_words(
    words: Sequence[tuple[float, float]], labels: npt.ArrayLike, *, max_gap: float = MAX_GAP_S
) -> IntArray:
    """Flip a single word whose neighbours (both within ``max_gap`` s) share another label.

    Words are considered in time order; a one-word reply set off by a pause keeps its speaker.
    """
    lab = np.asarray(labels, dtype=np.int64).copy()
    n = len(words)
    if n < 3:
        return lab
    order = sorted(range(n), key=lambda i: (words[i][0], words[i][1]))
    seq = lab[order]
    result = seq.copy()
    for j in range(1, n - 1):
        prev_i, cur_i, next_i = order[j - 1], order[j], order[j + 1]
        if seq[j - 1] != seq[j + 1] or seq[j] == seq[j - 1]:
            continue
        gap_before = words[cur_i][0] - words[prev_i][1]
        gap_after = words[next_i][0] - words[cur_i][1]
        if gap_before <= max_gap and gap_after <= max_gap:
            result[j] = seq[j - 1]
    lab[order] = result
    return lab
