"""Clustering, speaker-count estimate and the per-word vote, on synthetic embeddings."""

from __future__ import annotations

import numpy as np
import pytest

from clearnote.diarize.cluster import (
    centroids,
    estimate_speakers,
    kmeans,
    l2_normalise,
    speaker_runs,
)
from clearnote.diarize.vote import smooth_words, vote_words


def _voices(n: int, seed: int, spread: float = 0.35) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return l2_normalise(np.abs(rng.normal(size=(n, 256))))  # distinct nonnegative directions


def _windows(
    turns: list[tuple[int, int]], voices: np.ndarray, noise: float, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Window embeddings in time order for turns of (speaker, windows)."""
    rng = np.random.default_rng(seed)
    labels = np.concatenate([np.full(n, spk) for spk, n in turns])
    emb = voices[labels] + noise * rng.normal(size=(len(labels), voices.shape[1])) / 16
    return l2_normalise(emb), labels


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        ([(0, 40)], 1),
        ([(0, 8), (1, 6), (0, 9), (1, 7), (0, 5), (1, 8)], 2),
        ([(0, 6), (1, 6), (2, 6), (0, 6), (1, 6), (2, 6), (1, 4)], 3),
        ([(0, 5), (1, 5), (2, 5), (3, 5), (0, 5), (1, 5), (2, 5), (3, 5)], 4),
    ],
)
def test_speaker_count_estimate(turns: list[tuple[int, int]], expected: int) -> None:
    emb, _ = _windows(turns, _voices(4, seed=1), noise=1.0, seed=2)
    assert estimate_speakers(emb, max_speakers=5) == expected


def test_one_voice_drifting_with_the_recording_stays_one_speaker() -> None:
    # A…B…A: the same reader in two recording conditions; no turn taking.
    base = _voices(1, seed=3)[0]
    shifted = l2_normalise(base + 0.6 * _voices(1, seed=4)[0])
    voices = np.stack([base, shifted])
    emb, _ = _windows([(0, 15), (1, 15), (0, 15)], voices, noise=1.0, seed=5)
    assert estimate_speakers(emb) == 1


def test_max_speakers_caps_the_estimate() -> None:
    emb, _ = _windows([(0, 5), (1, 5), (2, 5), (0, 5), (1, 5), (2, 5)], _voices(3, 6), 1.0, 7)
    assert estimate_speakers(emb, max_speakers=2) <= 2
    assert estimate_speakers(emb, max_speakers=1) == 1


def test_kmeans_recovers_speakers_and_numbers_them_by_appearance() -> None:
    emb, truth = _windows([(1, 10), (0, 10), (1, 10), (0, 10)], _voices(2, 8), 1.0, 9)
    labels = kmeans(emb, 2)
    assert labels[0] == 0
    assert (labels == (truth == 0).astype(int)).all()  # speaker "1" seen first becomes 0
    cents = centroids(emb, labels, 2)
    assert cents.shape == (2, 256)
    np.testing.assert_allclose(np.linalg.norm(cents, axis=1), 1.0, atol=1e-5)


def test_speaker_runs_ignore_single_window_blips() -> None:
    labels = np.array([0, 0, 1, 0, 0, 1, 1, 0, 0])
    # The lone 1 at index 2 is dropped, so 0 runs twice (before and after the 1 1) and 1 once.
    assert speaker_runs(labels, 2).tolist() == [2, 1]


def test_vote_takes_the_label_with_most_overlap() -> None:
    starts = [0.0, 0.5, 1.0]
    ends = [1.6, 2.1, 2.6]
    labels = [0, 1, 1]
    words = [(0.1, 0.4), (1.2, 1.5), (2.2, 2.5), (5.0, 5.2)]
    out = vote_words(words, starts, ends, labels, 2)
    # (0.1, 0.4) lies only in window 0; (1.2, 1.5) in all three: 1 wins 2:1; the last word
    # overlaps nothing and takes the nearest window.
    assert out.tolist() == [0, 1, 1, 1]


def test_single_stray_word_inside_a_turn_is_smoothed() -> None:
    words = [(0.0, 0.3), (0.35, 0.6), (0.65, 0.9), (0.95, 1.2), (1.25, 1.5)]
    assert smooth_words(words, [0, 0, 1, 0, 0]).tolist() == [0, 0, 0, 0, 0]


def test_one_word_reply_after_a_pause_keeps_its_speaker() -> None:
    words = [(0.0, 0.3), (0.35, 0.6), (1.8, 2.1), (3.0, 3.3), (3.35, 3.6)]
    assert smooth_words(words, [0, 0, 1, 0, 0]).tolist() == [0, 0, 1, 0, 0]


def test_two_word_run_is_not_smoothed() -> None:
    words = [(float(i) * 0.3, float(i) * 0.3 + 0.25) for i in range(6)]
    assert smooth_words(words, [0, 0, 1, 1, 0, 0]).tolist() == [0, 0, 1, 1, 0, 0]
