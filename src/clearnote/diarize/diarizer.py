"""Speaker diarization: sliding-window voice embeddings over speech, k-means, a vote per word.

The windows of a recording's beginning may be embedded while it is being made
(:class:`~clearnote.diarize.ahead.RunningWindows`); :meth:`Diarizer.diarize` then takes them as
``precomputed`` and embeds only the speech after them. Each window depends only on its speech
region and the recording's level (measured over its first ``GAIN_SPEECH_S`` of speech), so the
result is the one of embedding the whole audio at once.
"""

from __future__ import annotations

import logging
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

log = logging.getLogger(__name__)
FloatArray = npt.NDArray[np.float32]

WINDOW_HOP_FRAMES = 50  # 0.5 s between window starts
MIN_REGION_S = 0.2  # speech shorter than this gets no window of its own
EMBED_DIM = 256
BATCH = 128  # windows per encoder call
# The recording's level is measured over its first this many seconds of speech (all of it when
# shorter), so windows can be embedded while a recording is made once that much has been heard.
GAIN_SPEECH_S = 120.0


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


def clean_regions(
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
    audio: FloatArray,
    regions: Sequence[tuple[float, float]],
    gain: float = 1.0,
    *,
    offset: int = 0,
) -> Iterator[tuple[FloatArray, float, float]]:
    """1.6 s mel windows every 0.5 s inside each region, the last flush with the region's end.

    A region shorter than 1.6 s gives one window whose frames repeat the region cyclically, so the
    encoder hears only that speech rather than silence or a neighbour. Yields (mel, start, end).
    ``audio`` holds the recording from sample ``offset`` on (regions are on the recording's clock,
    none before ``offset``).
    """
    frame_s = HOP / SAMPLE_RATE
    for rs, re_ in regions:
        if re_ - rs < MIN_REGION_S:
            continue
        a = int(round(rs * SAMPLE_RATE)) - offset
        b = int(round(re_ * SAMPLE_RATE)) - offset
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
    *,
    offset: int = 0,
) -> Embedded:
    """Embed every window, BATCH windows at a time (a 90-minute session never holds all mels,
    nor a scaled copy of the audio: ``gain`` is applied one speech region at a time).
    ``offset``: as for :func:`iter_windows`."""
    chunks: list[FloatArray] = []
    starts: list[float] = []
    ends: list[float] = []
    batch: list[FloatArray] = []
    for mel, s, e in iter_windows(audio, regions, gain, offset=offset):
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


def join_embedded(first: Embedded, second: Embedded) -> Embedded:
    """The windows of ``first`` followed by those of ``second``."""
    return Embedded(
        np.concatenate([first.embeddings, second.embeddings]).astype(np.float32),
        np.concatenate([first.start, second.start]),
        np.concatenate([first.end, second.end]),
    )


def speech_gain(
    audio: FloatArray, regions: Sequence[tuple[float, float]], *, offset: int = 0
) -> tuple[float, bool]:
    """The factor that puts the speech at Resemblyzer's -30 dBFS (raise only), measured over the
    first ``GAIN_SPEECH_S`` of speech in ``regions`` (clean, in order), region by region so no
    copy of the recording is made. Also says whether that much speech was there: the gain is
    then final, whatever speech follows. ``offset``: as for :func:`iter_windows`."""
    limit = GAIN_SPEECH_S * SAMPLE_RATE
    total = 0.0
    count = 0
    for s, e in regions:
        part = audio[int(s * SAMPLE_RATE) - offset : int(e * SAMPLE_RATE) - offset]
        wide = part.astype(np.float64)
        total += float(np.dot(wide, wide))
        count += part.size
        if count >= limit:
            return volume_gain(total, count, AUDIO_NORM_DBFS), True
    return volume_gain(total, count, AUDIO_NORM_DBFS), False


@dataclass(frozen=True)
class VoicePrefix:
    """The windows of a recording's first speech ``regions`` (clean, on the recording's clock),
    embedded at ``gain`` while it was being made."""

    regions: tuple[tuple[float, float], ...]
    gain: float
    windows: Embedded

    def __repr__(self) -> str:
        return f"VoicePrefix(regions={len(self.regions)}, windows={len(self.windows.start)})"

    def fits(self, regions: Sequence[tuple[float, float]], gain: float) -> bool:
        """Whether these are the windows of the first of ``regions`` at ``gain`` (the whole
        recording's speech regions and level)."""
        n = len(self.regions)
        return gain == self.gain and n <= len(regions) and tuple(regions[:n]) == self.regions


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
        precomputed: VoicePrefix | None = None,
    ) -> DiarizationResult:
        """Label each word with a speaker index (0 = the first voice heard).

        ``precomputed``: the windows of the recording's first speech regions, embedded while it
        was made; only the speech after them is embedded here. Windows that do not fit (other
        regions or level than this recording's) are not used: all the speech is embedded."""
        if num_speakers is not None and num_speakers < 1:
            raise BadInputError("num_speakers: must be at least 1")
        wav = _as_16k(audio, sample_rate)
        duration = len(wav) / SAMPLE_RATE
        regions = clean_regions(speech, duration)
        if not regions:
            # No VAD speech but words: the words are the only evidence of speech.
            regions = clean_regions(words, duration)
        if not regions:
            return DiarizationResult(
                tuple(0 for _ in words),
                1 if words else 0,
                np.zeros((1 if words else 0, EMBED_DIM), dtype=np.float32),
            )
        gain, _ = speech_gain(wav, regions)
        windows = self._embed(wav, regions, gain, precomputed)
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

    def _embed(
        self,
        wav: FloatArray,
        regions: Sequence[tuple[float, float]],
        gain: float,
        precomputed: VoicePrefix | None,
    ) -> Embedded:
        if precomputed is None:
            return embed_windows(self.encoder, wav, regions, gain)
        if not precomputed.fits(regions, gain):
            log.info("voice windows embedded ahead do not fit the recording; embedding all")
            return embed_windows(self.encoder, wav, regions, gain)
        rest = regions[len(precomputed.regions) :]
        log.info(
            "reused %d voice windows; embedding %d more speech regions",
            len(precomputed.windows.start),
            len(rest),
        )
        return join_embedded(precomputed.windows, embed_windows(self.encoder, wav, rest, gain))
