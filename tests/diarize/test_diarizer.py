"""The Diarizer end to end with a stand-in encoder (tones instead of voices)."""

from __future__ import annotations

import numpy as np
import pytest

from clearnote.diarize import Diarizer
from clearnote.diarize.cluster import l2_normalise
from clearnote.errors import BadInputError

SR = 16000


class ToneEncoder:
    """Embeds a mel window by its loudest band: two tones → two 'voices'."""

    def embed_mels(self, mels: np.ndarray) -> np.ndarray:
        out = np.full((len(mels), 256), 0.05, dtype=np.float32)
        for i, m in enumerate(mels):
            out[i, int(m.mean(axis=0).argmax())] = 1.0
        return l2_normalise(out)

    def embed_utterance(self, wav: np.ndarray) -> np.ndarray:
        return self.embed_mels(np.zeros((1, 160, 40), dtype=np.float32))[0]


def _tone(freq: float, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _dialogue() -> tuple[np.ndarray, list[tuple[float, float]], list[int]]:
    """Six 3 s turns alternating between a 300 Hz and a 2 kHz 'speaker', 0.5 s pauses."""
    parts, speech, who = [], [], []
    t = 0.0
    for i in range(6):
        spk = i % 2
        parts.append(_tone(300.0 if spk == 0 else 2000.0, 3.0))
        parts.append(np.zeros(SR // 2, dtype=np.float32))
        speech.append((t, t + 3.0))
        who.append(spk)
        t += 3.5
    return np.concatenate(parts), speech, who


@pytest.fixture
def diarizer() -> Diarizer:
    """A Diarizer on the tone encoder (no model load)."""
    return Diarizer(ToneEncoder())  # type: ignore[arg-type]


def _words(speech: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [
        (s + 0.25 * i, s + 0.25 * i + 0.2) for s, e in speech for i in range(int((e - s) / 0.25))
    ]


def test_labels_every_word_by_its_turn(diarizer: Diarizer) -> None:
    audio, speech, who = _dialogue()
    words = _words(speech)
    result = diarizer.diarize(audio, speech, words)
    assert result.num_speakers == 2
    assert len(result.word_speakers) == len(words)
    expected = [who[j] for j, (s, e) in enumerate(speech) for _ in range(int((e - s) / 0.25))]
    assert list(result.word_speakers) == expected
    assert result.centroids.shape == (2, 256)


def test_given_speaker_count_is_used(diarizer: Diarizer) -> None:
    audio, speech, _ = _dialogue()
    assert diarizer.diarize(audio, speech, _words(speech), num_speakers=1).num_speakers == 1


def test_no_speech_and_no_words_gives_no_speakers(diarizer: Diarizer) -> None:
    result = diarizer.diarize(np.zeros(SR, dtype=np.float32), [], [])
    assert result.num_speakers == 0
    assert result.word_speakers == ()
    assert result.centroids.shape == (0, 256)


def test_words_without_vad_speech_still_get_a_speaker(diarizer: Diarizer) -> None:
    audio, speech, _ = _dialogue()
    result = diarizer.diarize(audio, [], [(0.5, 0.8), (0.9, 1.3)])
    assert result.num_speakers == 1
    assert result.word_speakers == (0, 0)


def test_empty_words_are_fine(diarizer: Diarizer) -> None:
    audio, speech, _ = _dialogue()
    result = diarizer.diarize(audio, speech, [])
    assert result.word_speakers == ()
    assert result.num_speakers == 2


def test_other_sample_rates_are_resampled(diarizer: Diarizer) -> None:
    audio, speech, who = _dialogue()
    audio_8k = audio[::2].copy()
    result = diarizer.diarize(
        audio_8k, speech, [(s + 1.0, s + 1.3) for s, _ in speech], sample_rate=8000
    )
    assert list(result.word_speakers) == who


def test_bad_arguments_are_bad_input(diarizer: Diarizer) -> None:
    audio, speech, _ = _dialogue()
    with pytest.raises(BadInputError, match="num_speakers"):
        diarizer.diarize(audio, speech, [], num_speakers=0)
    with pytest.raises(BadInputError, match="audio"):
        diarizer.diarize(np.zeros((2, 10), dtype=np.float32), speech, [])
    with pytest.raises(BadInputError, match="max_speakers"):
        Diarizer(ToneEncoder(), max_speakers=0)  # type: ignore[arg-type]


def test_repr_carries_no_content(diarizer: Diarizer) -> None:
    audio, speech, _ = _dialogue()
    text = repr(diarizer.diarize(audio, speech, _words(speech)))
    assert "num_speakers=2" in text and "array" not in text
