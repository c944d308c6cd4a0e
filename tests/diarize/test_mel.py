"""Mel features as Resemblyzer (librosa defaults) computes them."""

from __future__ import annotations

import numpy as np
import pytest

from clearnote.diarize.mel import hz_to_mel, mel_filterbank, mel_spectrogram, mel_to_hz


def test_filterbank_shape_and_sanity() -> None:
    fb = mel_filterbank()
    assert fb.shape == (40, 201)
    assert (fb >= 0).all()
    assert (fb.sum(axis=1) > 0).all()  # no empty filter
    peaks = fb.argmax(axis=1)
    assert (np.diff(peaks) >= 0).all()  # centres rise with the band index
    # Slaney area normalisation: wider (higher) filters are lower.
    assert fb[0].max() > fb[-1].max()


def test_slaney_scale_is_linear_below_1khz_and_invertible() -> None:
    assert hz_to_mel(1000.0) == pytest.approx(15.0)
    assert hz_to_mel(500.0) == pytest.approx(7.5)
    freqs = np.array([0.0, 300.0, 1000.0, 4000.0, 8000.0])
    np.testing.assert_allclose(mel_to_hz(hz_to_mel(freqs)), freqs, rtol=1e-9, atol=1e-9)


def test_spectrogram_frames_and_tone_band() -> None:
    t = np.arange(16000) / 16000.0
    tone = (0.5 * np.sin(2 * np.pi * 1000.0 * t)).astype(np.float32)
    mel = mel_spectrogram(tone)
    assert mel.shape == (1 + 16000 // 160, 40)
    assert mel.dtype == np.float32
    band = int(mel[10:-10].mean(axis=0).argmax())
    centre = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(8000.0), 42))[band + 1]
    assert 800 < centre < 1250


def test_silence_gives_zero_power() -> None:
    assert not mel_spectrogram(np.zeros(3200, dtype=np.float32)).any()
