"""Cluster window embeddings into speakers, and estimate how many speakers there are."""

from __future__ import annotations

import warnings

import numpy as np
import numpy.typing as npt
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int64]

# A second speaker is accepted only when the split is clearly better than noise within one voice.
MIN_SILHOUETTE = 0.12
# Each further speaker must improve the silhouette by this much over the best smaller count.
MIN_GAIN = 0.02
# Clusters smaller than this share of the windows are not counted as a speaker of their own.
MIN_CLUSTER_SHARE = 0.04
# Speakers take turns: each cluster must come back at least this often (runs of ≥ 2 windows).
MIN_RUNS_PER_SPEAKER = 2
# The silhouette is quadratic in windows: long sessions are scored on a fixed sample.
SILHOUETTE_SAMPLE = 3000


def l2_normalise(x: npt.ArrayLike) -> FloatArray:
    arr = np.asarray(x, dtype=np.float32)
    norm = np.linalg.norm(arr, axis=-1, keepdims=True)
    out: FloatArray = (arr / np.maximum(norm, 1e-12)).astype(np.float32)
    return out


def kmeans(embeddings: FloatArray, k: int, *, seed: int = 0) -> IntArray:
    """Labels 0..k-1 from k-means on L2-normalised embeddings, relabelled by first appearance."""
    n = len(embeddings)
    if k <= 1 or n <= 1:
        return np.zeros(n, dtype=np.int64)
    k = min(k, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning on duplicate points
        model = KMeans(n_clusters=k, n_init=10, random_state=seed)
        raw = model.fit_predict(l2_normalise(embeddings))
    return relabel_by_appearance(np.asarray(raw, dtype=np.int64))


def relabel_by_appearance(labels: IntArray) -> IntArray:
    """Renumber labels so the first label seen is 0, the next new one 1, and so on."""
    mapping: dict[int, int] = {}
    for value in labels.tolist():
        mapping.setdefault(int(value), len(mapping))
    return np.array([mapping[int(v)] for v in labels.tolist()], dtype=np.int64)


def centroids(embeddings: FloatArray, labels: IntArray, k: int) -> FloatArray:
    """L2-normalised mean embedding per label, shape (k, dim)."""
    dim = embeddings.shape[1] if embeddings.ndim == 2 else 256
    out = np.zeros((k, dim), dtype=np.float32)
    for label in range(k):
        members = embeddings[labels == label]
        if len(members):
            out[label] = members.mean(axis=0)
    return l2_normalise(out)


def speaker_runs(labels: IntArray, k: int) -> IntArray:
    """Per label, how many separate runs it has once one-window blips are dropped."""
    runs = np.zeros(k, dtype=np.int64)
    seq = labels.tolist()
    # Drop single-window runs (a window straddling a turn change), then count maximal runs.
    kept = [
        v
        for i, v in enumerate(seq)
        if (i > 0 and seq[i - 1] == v) or (i + 1 < len(seq) and seq[i + 1] == v)
    ]
    previous = None
    for v in kept:
        if v != previous:
            runs[v] += 1
            previous = v
    return runs


def estimate_speakers(embeddings: FloatArray, max_speakers: int = 5) -> int:
    """Number of speakers in 1..max_speakers, conservative towards fewer.

    ``embeddings`` are window embeddings in time order. For each k ≥ 2, k-means is scored by the
    cosine silhouette. k = 1 wins unless some split reaches MIN_SILHOUETTE and looks like turn
    taking: every cluster returns (MIN_RUNS_PER_SPEAKER runs), which one voice drifting with
    recording conditions (A…B…A) does not do. A larger k must beat the best smaller one by
    MIN_GAIN. A split leaving a cluster under MIN_CLUSTER_SHARE of the windows, or without turn
    taking, ends the search: larger k is not tried.
    """
    n = len(embeddings)
    if n < 4 or max_speakers <= 1:
        return 1
    x = l2_normalise(embeddings)
    best_k, best_score = 1, MIN_SILHOUETTE
    for k in range(2, min(max_speakers, n - 1) + 1):
        labels = kmeans(x, k)
        if np.bincount(labels, minlength=k).min() < max(2, MIN_CLUSTER_SHARE * n):
            break
        if speaker_runs(labels, k).min() < MIN_RUNS_PER_SPEAKER:
            break  # no turn taking at k: more clusters would only split voices further
        score = float(
            silhouette_score(
                x, labels, metric="cosine", sample_size=min(n, SILHOUETTE_SAMPLE), random_state=0
            )
        )
        if k == 2 and score < MIN_SILHOUETTE:
            break
        threshold = best_score if best_k == 1 else best_score + MIN_GAIN
        if score >= threshold:
            best_k, best_score = k, score
    return best_k
