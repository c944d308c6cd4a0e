"""Resemblyzer's voice encoder (GE2E, 3-layer LSTM 40→256, linear, ReLU, L2) run in numpy.

The weights are the ``pretrained.pt`` shipped in the ``resemblyzer`` wheel (installed with
``--no-deps``; importing it would import torch, so we only locate its folder). The file's sha256 is
pinned and checked before it is parsed by the restricted reader in :mod:`.checkpoint`.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from clearnote.diarize.checkpoint import load_legacy_checkpoint_file
from clearnote.diarize.mel import HOP, SAMPLE_RATE, mel_spectrogram
from clearnote.errors import ModelError

WEIGHTS_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
WEIGHTS_FILE = "pretrained.pt"
PARTIAL_FRAMES = 160  # 1.6 s of 10 ms frames
HIDDEN = 256
LAYERS = 3
AUDIO_NORM_DBFS = -30.0
_INT16_MAX = 2**15 - 1

FloatArray = npt.NDArray[np.float32]


def default_weights_path() -> Path:
    """Where the resemblyzer wheel put ``pretrained.pt`` (found without importing the package)."""
    try:
        spec = importlib.util.find_spec("resemblyzer")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"voice encoder weights {WEIGHTS_FILE} not found: the resemblyzer package is not "
            "installed (run `make install`)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / WEIGHTS_FILE


def verify_sha256(path: Path, expected: str = WEIGHTS_SHA256) -> None:
    """Raise ModelError unless ``path`` exists and hashes to ``expected``."""
    if not path.is_file():
        raise ModelError(f"voice encoder weights missing: {path} (run `make install`)")
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise ModelError(
            f"voice encoder weights {path} fail their sha256 check (reinstall with `make install`)"
        )


def volume_gain(sum_squares: float, count: int, target_dbfs: float = AUDIO_NORM_DBFS) -> float:
    """The factor that raises audio with this energy to ``target_dbfs`` RMS (1.0: never lowers),
    from a sum of squared samples, so long audio needs no scaled copy to measure."""
    if count <= 0 or sum_squares <= 0.0:
        return 1.0
    rms = float(np.sqrt(sum_squares / count))  # full scale = 1.0, the same dBFS as int16
    change = target_dbfs - 20.0 * np.log10(rms)
    return float(10 ** (change / 20.0)) if change > 0 else 1.0


def normalize_volume(wav: FloatArray, target_dbfs: float = AUDIO_NORM_DBFS) -> FloatArray:
    """Raise quiet audio to ``target_dbfs`` RMS (never lowers it), as Resemblyzer does."""
    if wav.size == 0:
        return wav
    x = wav.astype(np.float64)
    gain = volume_gain(float(np.dot(x, x)), int(wav.size), target_dbfs)
    if gain == 1.0:
        return wav
    return (wav * np.float32(gain)).astype(np.float32)


class VoiceEncoder:
    """Maps mel windows of a voice to 256-d L2-normalised speaker embeddings."""

    def __init__(self, weights: Path | None = None, *, expected_sha256: str = WEIGHTS_SHA256):
        path = weights if weights is not None else default_weights_path()
        verify_sha256(path, expected_sha256)
        state = load_legacy_checkpoint_file(path).get("model_state")
        if not isinstance(state, Mapping):
            raise ModelError(f"voice encoder weights {path.name}: no model_state")
        self._load(state, path.name)

    def _load(self, state: Mapping[str, Any], name: str) -> None:
        def get(key: str, shape: tuple[int, ...]) -> FloatArray:
            value = state.get(key)
            if not isinstance(value, np.ndarray) or value.shape != shape:
                raise ModelError(f"voice encoder weights {name}: bad or missing {key}")
            return np.ascontiguousarray(value, dtype=np.float32)

        four_h = 4 * HIDDEN
        self._w_ih: list[FloatArray] = []
        self._w_hh: list[FloatArray] = []
        self._bias: list[FloatArray] = []
        for layer in range(LAYERS):
            n_in = 40 if layer == 0 else HIDDEN
            # Stored transposed so every step is one (batch, in) @ (in, 4H) product.
            self._w_ih.append(get(f"lstm.weight_ih_l{layer}", (four_h, n_in)).T.copy())
            self._w_hh.append(get(f"lstm.weight_hh_l{layer}", (four_h, HIDDEN)).T.copy())
            self._bias.append(
                get(f"lstm.bias_ih_l{layer}", (four_h,)) + get(f"lstm.bias_hh_l{layer}", (four_h,))
            )
        self._lin_w = get("linear.weight", (HIDDEN, HIDDEN)).T.copy()
        self._lin_b = get("linear.bias", (HIDDEN,))

    def embed_mels(self, mels: FloatArray, batch_size: int = 64) -> FloatArray:
        """Embeddings for a batch of mel windows (batch, frames, 40) → (batch, 256)."""
        mels = np.asarray(mels, dtype=np.float32)
        if mels.ndim != 3 or mels.shape[2] != 40:
            raise ValueError("mels must have shape (batch, frames, 40)")
        out = np.empty((mels.shape[0], HIDDEN), dtype=np.float32)
        # Small per-step matrix products: threads only add overhead (and fight the ASR for cores).
        with threadpool_limits(limits=1, user_api="blas"):
            for lo in range(0, mels.shape[0], batch_size):
                out[lo : lo + batch_size] = self._forward(mels[lo : lo + batch_size])
        return out

    def _forward(self, x: FloatArray) -> FloatArray:
        batch, steps, _ = x.shape
        seq = x
        h = np.zeros((batch, HIDDEN), dtype=np.float32)
        for layer in range(LAYERS):
            last = layer == LAYERS - 1
            # Input projections for all steps at once; then the recurrence step by step.
            gates_x = (seq.reshape(batch * steps, -1) @ self._w_ih[layer]).reshape(
                batch, steps, 4 * HIDDEN
            )
            gates_x += self._bias[layer]
            w_hh = self._w_hh[layer]
            h = np.zeros((batch, HIDDEN), dtype=np.float32)
            c = np.zeros((batch, HIDDEN), dtype=np.float32)
            outputs = None if last else np.empty((batch, steps, HIDDEN), dtype=np.float32)
            gates = np.empty((batch, 4 * HIDDEN), dtype=np.float32)
            for t in range(steps):
                np.matmul(h, w_hh, out=gates)
                gates += gates_x[:, t]
                # PyTorch gate order: input, forget, cell, output. sigmoid(x) = (tanh(x/2)+1)/2.
                ifo = gates[:, : 2 * HIDDEN]
                ifo *= 0.5
                np.tanh(ifo, out=ifo)
                ifo += 1.0
                ifo *= 0.5
                o = gates[:, 3 * HIDDEN :]
                o *= 0.5
                np.tanh(o, out=o)
                o += 1.0
                o *= 0.5
                g = gates[:, 2 * HIDDEN : 3 * HIDDEN]
                np.tanh(g, out=g)
                c *= gates[:, HIDDEN : 2 * HIDDEN]
                g *= gates[:, :HIDDEN]
                c += g
                np.tanh(c, out=h)
                h *= o
                if outputs is not None:
                    outputs[:, t] = h
            if outputs is not None:
                seq = outputs
        raw = np.maximum(h @ self._lin_w + self._lin_b, 0.0)
        norm = np.linalg.norm(raw, axis=1, keepdims=True)
        out: FloatArray = (raw / np.maximum(norm, 1e-12)).astype(np.float32)
        return out

    def embed_utterance(
        self, wav: FloatArray, rate: float = 1.3, min_coverage: float = 0.75
    ) -> FloatArray:
        """One embedding for a whole utterance: mean of 1.6 s partials, L2-normalised.

        Follows Resemblyzer's ``embed_utterance`` (partials at ``rate`` per second, the last one
        zero-padded when it covers at least ``min_coverage``), on volume-normalised audio.
        """
        wav = normalize_volume(np.asarray(wav, dtype=np.float32))
        n_samples = len(wav)
        n_frames = int(np.ceil((n_samples + 1) / HOP))
        frame_step = max(1, int(np.round((SAMPLE_RATE / rate) / HOP)))
        starts = list(range(0, max(1, n_frames - PARTIAL_FRAMES + frame_step + 1), frame_step))
        coverage = (n_samples - starts[-1] * HOP) / (PARTIAL_FRAMES * HOP)
        if coverage < min_coverage and len(starts) > 1:
            starts = starts[:-1]
        needed = (starts[-1] + PARTIAL_FRAMES) * HOP
        if needed >= n_samples:
            wav = np.pad(wav, (0, needed - n_samples))
        mel = mel_spectrogram(wav)
        mels = np.stack([mel[s : s + PARTIAL_FRAMES] for s in starts])
        partials = self.embed_mels(mels)
        mean = partials.mean(axis=0)
        out: FloatArray = (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)
        return out
