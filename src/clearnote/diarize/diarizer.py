"""Speaker diarization: sliding-window voice embeddings over speech, k-means, a vote per word."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.signal import resample_poly

from clearnote.diarize.cluster import centroids, estimate_speakers, kmeans, l2_normalise
from clearnote.diarize.encoder import (
    AUDIO_NORM_DBFS,
    PARTIAL_FRAMES,
    VoiceEncoder,
    volume_gain,
)
from clearnote.diarize.mel import HOP, SAMPLE_RATE, mel_spectrogram
from clearnote.diarize.vote import smooth_words, vote_words
from clearnote.errors import BadInputError

FloatArray = npt.NDArray[np.float32]

WINDOW_HOP_FRAMES = 50  # 0.5 s between window starts
MIN_REGION_S = 0.2  # speech shorter than this gets no window of its own
EMBED_DIM = 256
BATCH = 128  # windows per encoder call


@dataclass(frozen=True)
class DiarizationResult:
    """Who spoke each word. ``centroids`` are the speakers' mean voice embeddings."""

    word_speakers: tuple[int, ...]
    num_speakers: int
    centroids: np.ndarray  # (num_speakers, 256), L2-normalised

    def __repr__(self) -> str:
        return (
            f"DiarizationResult(num_speakers={self.num_speakers}, words={len(self.word_speakers)})"
        )


@dataclass(frozen=True)
class Windows:
    """Mel windows cut from the speech regions, with their times in seconds."""

    mels: FloatArray  # (n, 160, 40)
    start: npt.NDArray[np.float64]
    end: npt.NDArray[np.float64]


def _clean_regions(
    speech: Sequence[tuple[float, float]], duration: float
) -> list[tuple[float, float]]:
    """Clip to the audio, drop empty ones, merge overlaps; sorted."""
    spans = sorted(
        (max(0.0, float(s)), min(duration, float(e)))
        for s, e in speech
        if min(duration, float(e)) > max(0.0, float(s))
    )
    merged: list[tuple[float, float]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def iter_windows(
    audio: FloatArray, regions: Sequence[tuple[float, float]], gain: float = 1.0
) -> Iterator[tuple[FloatArray, float, float]]:
    """1.6 s mel windows every 0.5 s inside each region, the last flush with the region's end.

    A region shorter than 1.6 s gives one window whose frames repeat the region cyclically, so the
    encoder hears only that speech rather than silence or a neighbour. Yields (mel, start, end).
    """
    frame_s = HOP / SAMPLE_RATE
    for rs, re_ in regions:
        if re_ - rs < MIN_REGION_S:
            continue
        a, b = int(round(rs * SAMPLE_RATE)), int(round(re_ * SAMPLE_RATE))
        piece = audio[a:b] if gain == 1.0 else audio[a:b] * np.float32(gain)
        mel = mel_spectrogram(piece)
        n = len(mel)
        if n <= PARTIAL_FRAMES:
            yield np.resize(mel, (PARTIAL_FRAMES, mel.shape[1])), rs, re_
            continue
        offsets = list(range(0, n - PARTIAL_FRAMES + 1, WINDOW_HOP_FRAMES))
        if offsets[-1] != n - PARTIAL_FRAMES:
            offsets.append(n - PARTIAL_FRAMES)
        for off in offsets:
            end = min(re_, rs + (off + PARTIAL_FRAMES) * frame_s)
            yield mel[off : off + PARTIAL_FRAMES], rs + off * frame_s, end


def cut_windows(audio: FloatArray, regions: Sequence[tuple[float, float]]) -> Windows:
    """All windows of :func:`iter_windows` stacked (for tests and short clips)."""
    items = list(iter_windows(audio, regions))
    if not items:
        return Windows(
            np.zeros((0, PARTIAL_FRAMES, 40), dtype=np.float32), np.zeros(0), np.zeros(0)
        )
    return Windows(
        np.stack([m for m, _, _ in items]).astype(np.float32),
        np.array([s for _, s, _ in items]),
        np.array([e for _, _, e in items]),
    )


@dataclass(frozen=True)
class Embedded:
    """Window embeddings with their times; mels are dropped batch by batch to bound memory."""

    embeddings: FloatArray  # (n, 256)
    start: npt.NDArray[np.float64]
    end: npt.NDArray[np.float64]


def embed_windows(
    encoder: VoiceEncoder,
    audio: FloatArray,
    regions: Sequence[tuple[float, float]],
    gain: float = 1.0,
) -> Embedded:
    """Embed every window, BATCH windows at a time (a 90-minute session never holds all mels,
    nor a scaled copy of the audio: ``gain`` is applied one speech region at a time)."""
    chunks: list[FloatArray] = []
    starts: list[float] = []
    ends: list[float] = []
    batch: list[FloatArray] = []
    for mel, s, e in iter_windows(audio, regions, gain):
        batch.append(mel)
        starts.append(s)
        ends.append(e)
        if len(batch) == BATCH:
            chunks.append(encoder.embed_mels(np.stack(batch)))
            batch = []
    if batch:
        chunks.append(encoder.embed_mels(np.stack(batch)))
    emb = np.concatenate(chunks) if chunks else np.zeros((0, EMBED_DIM), dtype=np.float32)
    return Embedded(emb.astype(np.float32), np.array(starts), np.array(ends))


def _as_16k(audio: npt.ArrayLike, sample_rate: int) -> FloatArray:
    wav = np.asarray(audio, dtype=np.float32)
    if wav.ndim != 1:
        raise BadInputError("audio: expected mono samples (one dimension)")
    if sample_rate <= 0:
        raise BadInputError("sample_rate: must be positive")
    if sample_rate != SAMPLE_RATE:
        g = int(np.gcd(sample_rate, SAMPLE_RATE))
        wav = resample_poly(wav, SAMPLE_RATE // g, sample_rate // g).astype(np.float32)
    return wav


class Diarizer:
    """Holds the loaded voice encoder; load once, reuse for every session."""

    def __init__(self, encoder: VoiceEncoder | None = None, *, max_speakers: int = 5) -> None:
        if max_speakers < 1:
            raise BadInputError("max_speakers: must be at least 1")
        self.encoder = encoder if encoder is not None else VoiceEncoder()
        self.max_speakers = max_speakers

    def diarize(
        self,
        audio: np.ndarray,
        speech: Sequence[tuple[float, float]],
        words: Sequence[tuple[float, float]],
        num_speakers: int | None = None,
        sample_rate: int = 16000,
    ) -> DiarizationResult:
        """Label each word with a speaker index (0 = the first voice heard)."""
        if num_speakers is not None and num_speakers < 1:
            raise BadInputError("num_speakers: must be at least 1")
        wav = _as_16k(audio, sample_rate)
        duration = len(wav) / SAMPLE_RATE
        regions = _clean_regions(speech, duration)
        if not regions:
            # No VAD speech but words: the words are the only evidence of speech.
            regions = _clean_regions(words, duration)
        if not regions:
            return DiarizationResult(
                tuple(0 for _ in words),
                1 if words else 0,
                np.zeros((1 if words else 0, EMBED_DIM), dtype=np.float32),
            )
        gain = self._speech_gain(wav, regions)
        windows = embed_windows(self.encoder, wav, regions, gain)
        if len(windows.embeddings) == 0:  # only very short speech: give it one window anyway
            longer = [(s, max(e, s + MIN_REGION_S)) for s, e in regions]
            windows = embed_windows(self.encoder, wav, longer, gain)
        embeddings = windows.embeddings
        if num_speakers is None:
            k = estimate_speakers(embeddings, self.max_speakers)
        else:
            k = min(num_speakers, len(embeddings))
        labels = kmeans(embeddings, k)
        k = int(labels.max()) + 1 if len(labels) else 1
        word_list = [(float(s), float(e)) for s, e in words]
        voted = vote_words(word_list, windows.start, windows.end, labels, k)
        smoothed = smooth_words(word_list, voted)
        return DiarizationResult(
            tuple(int(v) for v in smoothed), k, centroids(embeddings, labels, k)
        )

    def embed_utterance(self, audio: np.ndarray, sample_rate: int = 16000) -> np.ndarray:
        """One L2-normalised embedding for a voice sample (e.g. an enrolled clinician)."""
        wav = _as_16k(audio, sample_rate)
        if len(wav) == 0:
            raise BadInputError("audio: the voice sample is empty")
        return l2_normalise(self.encoder.embed_utterance(wav))

    @staticmethod
    def _speech_gain(wav: FloatArray, regions: Sequence[tuple[float, float]]) -> float:
        """The factor that puts the speech at Resemblyzer's -30 dBFS (raise only), measured
        region by region so no copy of the whole recording is made."""
        total = 0.0
        count = 0
        for s, e in regions:
            part = wav[int(s * SAMPLE_RATE) : int(e * SAMPLE_RATE)].astype(np.float64)
            total += float(np.dot(part, part))
            count += part.size
        return volume_gain(total, count, AUDIO_NORM_DBFS)
