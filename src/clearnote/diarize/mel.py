"""Mel power spectrogram as Resemblyzer computes it (librosa defaults), in numpy.

16 kHz audio, 25 ms Hann window (n_fft 400, periodic), 10 ms hop, frames centred with zero
padding, power spectrum, 40 Slaney-scale mel bands with Slaney area normalisation. Not a
log-mel: the encoder was trained on linear mel power. Output is (frames, 40) float32.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16000
N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40

FloatArray = npt.NDArray[np.float32]


def hz_to_mel(freq: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Slaney mel scale: linear below 1 kHz, logarithmic above (librosa ``htk=False``)."""
    f = np.asarray(freq, dtype=np.float64)
    f_sp = 200.0 / 3
    mels = f / f_sp
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(
        f >= min_log_hz,
        min_log_mel + np.log(np.maximum(f, min_log_hz) / min_log_hz) / logstep,
        mels,
    )


def mel_to_hz(mels: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Inverse of :func:`hz_to_mel`."""
    m = np.asarray(mels, dtype=np.float64)
    f_sp = 200.0 / 3
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


@lru_cache(maxsize=4)
def mel_filterbank(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> FloatArray:
    """Triangular Slaney-normalised filters, shape (n_mels, n_fft // 2 + 1), like librosa's."""
    fftfreqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    mel_points = np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2.0), n_mels + 2)
    mel_f = mel_to_hz(mel_points)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    enorm = 2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels])
    weights *= enorm[:, None]
    out: FloatArray = np.asarray(weights, dtype=np.float32)
    out.setflags(write=False)
    return out


@lru_cache(maxsize=1)
def _hann(n_fft: int = N_FFT) -> FloatArray:
    n = np.arange(n_fft, dtype=np.float64)
    window = (0.5 - 0.5 * np.cos(2.0 * np.pi * n / n_fft)).astype(np.float32)  # periodic
    window.setflags(write=False)
    return window


def mel_spectrogram(wav: npt.ArrayLike) -> FloatArray:
    """Frames of mel power, shape (1 + len(wav) // 160, 40), float32."""
    y = np.asarray(wav, dtype=np.float32)
    if y.ndim != 1:
        raise ValueError("wav must be one-dimensional")
    padded = np.pad(y, (N_FFT // 2, N_FFT // 2), mode="constant")
    n_frames = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(
        padded,
        shape=(n_frames, N_FFT),
        strides=(padded.strides[0] * HOP, padded.strides[0]),
        writeable=False,
    )
    spec = np.fft.rfft(frames * _hann(), axis=1)
    power = (spec.real**2 + spec.imag**2).astype(np.float32)
    out: FloatArray = np.ascontiguousarray(power @ mel_filterbank().T, dtype=np.float32)
    return out
