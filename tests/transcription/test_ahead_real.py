"""The live steps (:class:`~clearnote.transcription.live.Ahead`) on the real sample session with
Whisper tiny.en and the real voice encoder: the transcript made with the voice windows embedded
while recording is the one made by embedding all the speech at the stop."""

from __future__ import annotations

import numpy as np
import pytest

from clearnote.audio import SAMPLE_RATE, load_audio
from clearnote.commands.demo import sample_session
from clearnote.config import Settings
from clearnote.diarize import diarizer as diarizer_module
from clearnote.diarize.diarizer import clean_regions, embed_windows, speech_gain
from clearnote.transcription.live import GUARD_S, MIN_SPAN_S, Ahead
from clearnote.transcription.service import build_transcriber

pytestmark = pytest.mark.slow
CHUNK = 5 * SAMPLE_RATE  # what a browser sends at a time


def test_voice_windows_ahead_give_the_transcript_of_embedding_it_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(diarizer_module, "GAIN_SPEECH_S", 40.0)  # a level known in 2 minutes
    tiny = build_transcriber(Settings(), model="tiny.en")
    assert tiny.diarizer is not None
    sample = load_audio(sample_session(), max_seconds=600, name="sample").samples
    samples = np.tile(sample, 2) * np.float32(0.2)  # quieter: the level is raised

    def read(lo: int, hi: int) -> np.ndarray:
        return samples[lo:hi].copy()

    ahead = Ahead()
    for decoded in range(CHUNK, samples.shape[0], CHUNK):  # the steps real time would run
        if decoded - ahead.done >= (MIN_SPAN_S + GUARD_S) * SAMPLE_RATE:
            ahead.step(tiny.engine, tiny.diarizer, read, decoded)
    asr, voices = ahead.asr(), ahead.voices()
    assert asr is not None and voices is not None and len(ahead.parts) >= 2
    assert voices.gain > 1.0

    with_voices = tiny.transcribe_samples(samples, prefix=asr, voices=voices)
    at_once = tiny.transcribe_samples(samples, prefix=asr)
    assert len(at_once.transcript.speakers) == 2
    assert with_voices.transcript == at_once.transcript

    # the windows themselves: those of embedding the whole recording, up to float rounding
    regions = clean_regions(asr.speech, samples.shape[0] / SAMPLE_RATE)
    gain, final = speech_gain(samples, regions)
    assert final and gain == voices.gain
    n = len(voices.regions)
    assert n >= len(regions) - 1  # all but a region open at the last cut
    assert voices.regions == tuple(regions[:n])
    whole = embed_windows(tiny.diarizer.encoder, samples, regions[:n], gain)
    np.testing.assert_allclose(voices.windows.embeddings, whole.embeddings, atol=1e-5)
    np.testing.assert_array_equal(voices.windows.start, whole.start)
