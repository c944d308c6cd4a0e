"""Voice windows embedded while recording, part by part, give the diarization of the whole audio.

A stand-in encoder (log band energies: a pure function of each window, and sensitive to the
level) on a synthetic dialogue of two tone "voices", quiet enough that the level is raised. The
recording is cut into parts as live transcription cuts it; one speech region is cut by a part
boundary and joined again, as :func:`~clearnote.asr.partial.merge_parts` joins it."""

from __future__ import annotations

import numpy as np
import pytest

from clearnote.asr.base import AsrOutput
from clearnote.asr.partial import AsrPart, join_speech
from clearnote.diarize import Diarizer
from clearnote.diarize import diarizer as diarizer_module
from clearnote.diarize.ahead import RunningWindows
from clearnote.diarize.cluster import l2_normalise
from clearnote.diarize.diarizer import GAIN_SPEECH_S, clean_regions, embed_windows, speech_gain

SR = 16000
Regions = list[tuple[float, float]]


class BandEncoder:
    """Log energy per mel band, first and second half of the window: level-sensitive, and each
    window's embedding depends on that window only. Counts the windows it embeds."""

    def __init__(self) -> None:
        self.windows = 0

    def embed_mels(self, mels: np.ndarray) -> np.ndarray:
        self.windows += len(mels)
        halves = np.concatenate([mels[:, :80].mean(axis=1), mels[:, 80:].mean(axis=1)], axis=1)
        out = np.zeros((len(mels), 256), dtype=np.float32)
        out[:, :80] = np.log(halves + 1e-9) + 25.0
        return l2_normalise(out)


def dialogue(seconds: float, seed: int = 0) -> tuple[np.ndarray, Regions]:
    """Turns of 2-7 s alternating between a low and a high tone mixture, 0.4-1.2 s pauses, at
    about -45 dBFS (so the level is raised); the speech regions."""
    rng = np.random.default_rng(seed)
    pieces: list[np.ndarray] = [np.zeros(SR // 2, dtype=np.float32)]
    regions: Regions = []
    t, who = 0.5, 0
    while t < seconds:
        turn = float(rng.uniform(2.0, 7.0))
        n = int(turn * SR)
        x = np.arange(n) / SR
        base = 220.0 if who == 0 else 1400.0
        wave = np.sin(2 * np.pi * base * x) + 0.5 * np.sin(2 * np.pi * 2.7 * base * x)
        wave *= 0.8 + 0.2 * np.sin(2 * np.pi * 3.0 * x)  # syllable-like wobble
        pieces.append((0.006 * wave).astype(np.float32))
        regions.append((t, t + n / SR))
        pause = float(rng.uniform(0.4, 1.2))
        pieces.append(np.zeros(int(pause * SR), dtype=np.float32))
        t += n / SR + pause
        who = 1 - who
    return np.concatenate(pieces), regions


def words_of(regions: Regions) -> Regions:
    """A 'word' every 0.3 s of speech."""
    return [
        (s + 0.3 * i, s + 0.3 * i + 0.25) for s, e in regions for i in range(int((e - s) / 0.3))
    ]


def parts_of(audio: np.ndarray, regions: Regions, *, every: float) -> list[AsrPart]:
    """Parts cut at the pause after each ``every`` seconds, but the third cut inside a region
    (its two halves touch the cut, as VAD padding can make them); each part's speech relative
    to it. Cuts fall on 1/8 s, so part boundaries add up exactly."""
    duration = audio.shape[0] / SR
    cuts: list[float] = []
    for (_, end), (start, _) in zip(regions, regions[1:], strict=False):
        if end - (cuts[-1] if cuts else 0.0) >= every:
            cuts.append(round((end + start) / 2 * 8) / 8)
    inside = next(r for r in regions if r[0] > cuts[1] + 1.0)
    cuts[2] = round((inside[0] + inside[1]) / 2 * 8) / 8
    bounds = [0.0, *cuts, duration]
    parts = []
    for lo, hi in zip(bounds, bounds[1:], strict=False):
        local = [(max(s, lo) - lo, min(e, hi) - lo) for s, e in regions if e > lo and s < hi]
        output = AsrOutput(
            segments=(), language="en", duration=hi - lo, speech=tuple(local), model="m", engine="e"
        )
        parts.append(AsrPart(lo, output))
    return parts


def run_ahead(diarizer: Diarizer, audio: np.ndarray, parts: list[AsrPart]) -> RunningWindows:
    """What live transcription does after each part but the last (the tail left for the stop)."""
    running = RunningWindows(diarizer)

    def read(lo: int, hi: int) -> np.ndarray:
        return audio[lo:hi].copy()

    for k in range(1, len(parts)):
        running.extend(read, join_speech(parts[:k]), parts[k - 1].end)
    return running


@pytest.fixture
def encoder() -> BandEncoder:
    return BandEncoder()


def test_windows_embedded_part_by_part_equal_the_whole_audio_at_once(
    encoder: BandEncoder,
) -> None:
    audio, regions = dialogue(240.0)
    diarizer = Diarizer(encoder)  # type: ignore[arg-type]
    parts = parts_of(audio, regions, every=30.0)
    speech = join_speech(parts)
    assert len(speech) == len(regions)  # the region cut by a part boundary is joined again
    running = run_ahead(diarizer, audio, parts)
    prefix = running.prefix()
    assert prefix is not None

    whole_regions = clean_regions(speech, audio.shape[0] / SR)
    gain, final = speech_gain(audio, whole_regions)
    assert final and gain > 2.0  # quiet audio: the level is raised, and known early
    assert prefix.gain == gain
    n = len(prefix.regions)
    assert 0 < n < len(whole_regions) and prefix.regions == tuple(whole_regions[:n])
    whole = embed_windows(encoder, audio, whole_regions, gain)  # type: ignore[arg-type]
    m = len(prefix.windows.start)
    np.testing.assert_array_equal(prefix.windows.embeddings, whole.embeddings[:m])
    np.testing.assert_array_equal(prefix.windows.start, whole.start[:m])
    np.testing.assert_array_equal(prefix.windows.end, whole.end[:m])

    words = words_of(regions)
    encoder.windows = 0
    at_once = diarizer.diarize(audio, speech, words)
    all_windows = encoder.windows
    encoder.windows = 0
    ahead = diarizer.diarize(audio, speech, words, precomputed=prefix)
    assert encoder.windows == all_windows - m  # only the speech after the prefix
    assert ahead.num_speakers == at_once.num_speakers == 2
    assert ahead.word_speakers == at_once.word_speakers
    np.testing.assert_array_equal(ahead.centroids, at_once.centroids)


def test_windows_that_do_not_fit_the_recording_are_not_used(encoder: BandEncoder) -> None:
    audio, regions = dialogue(200.0, seed=1)
    diarizer = Diarizer(encoder)  # type: ignore[arg-type]
    parts = parts_of(audio, regions, every=30.0)
    speech = join_speech(parts)
    words = words_of(regions)
    at_once = diarizer.diarize(audio, speech, words)
    louder = run_ahead(diarizer, audio * 3.0, parts).prefix()  # another level
    assert louder is not None
    encoder.windows = 0
    result = diarizer.diarize(audio, speech, words, precomputed=louder)
    assert encoder.windows == len(embed_windows(encoder, audio, clean_regions(speech, 1e9)).start)
    assert result.word_speakers == at_once.word_speakers
    shifted = run_ahead(diarizer, audio, parts).prefix()
    assert shifted is not None
    other_speech = [(s + 0.01, e) for s, e in speech]  # other regions
    encoder.windows = 0
    diarizer.diarize(audio, other_speech, words, precomputed=shifted)
    assert encoder.windows > len(shifted.windows.start)  # all embedded again


def test_nothing_is_embedded_until_the_level_is_known(
    encoder: BandEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    audio, regions = dialogue(GAIN_SPEECH_S * 0.8, seed=2)  # less speech than the level needs
    diarizer = Diarizer(encoder)  # type: ignore[arg-type]
    parts = parts_of(audio, regions, every=20.0)
    assert run_ahead(diarizer, audio, parts).prefix() is None
    assert encoder.windows == 0
    monkeypatch.setattr(diarizer_module, "GAIN_SPEECH_S", 30.0)  # a level known sooner
    prefix = run_ahead(diarizer, audio, parts).prefix()
    assert prefix is not None and len(prefix.regions) > 0
    speech = join_speech(parts)
    words = words_of(regions)
    ahead = diarizer.diarize(audio, speech, words, precomputed=prefix)
    assert ahead.word_speakers == diarizer.diarize(audio, speech, words).word_speakers


def test_speech_that_changes_behind_the_cut_is_refused(encoder: BandEncoder) -> None:
    audio, regions = dialogue(60.0, seed=3)
    running = RunningWindows(Diarizer(encoder))  # type: ignore[arg-type]

    def read(lo: int, hi: int) -> np.ndarray:
        return audio[lo:hi]

    running.extend(read, regions[:4], regions[4][0])
    with pytest.raises(ValueError, match="changed"):
        running.extend(read, [(s + 0.1, e) for s, e in regions[:6]], regions[6][0])
