"""The numpy voice encoder: weights integrity, locating them without torch, equivalence to torch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from clearnote.diarize.encoder import (
    VoiceEncoder,
    default_weights_path,
    normalize_volume,
    verify_sha256,
)
from clearnote.diarize.mel import mel_spectrogram
from clearnote.errors import ModelError

DATA = Path(__file__).parent / "data"


def harmonic_signal() -> np.ndarray:
    """A deterministic voiced-like sound (vibrato harmonics, tremolo), 2 s at 16 kHz."""
    t = np.arange(int(16000 * 2.0)) / 16000.0
    f0 = 140.0 + 20.0 * np.sin(2 * np.pi * 3.0 * t)
    phase = 2 * np.pi * np.cumsum(f0) / 16000.0
    wav = sum((0.3 / h) * np.sin(h * phase) for h in range(1, 12))
    wav *= 0.6 + 0.4 * np.sin(2 * np.pi * 4.0 * t) ** 2
    return np.asarray(wav, dtype=np.float32)


@pytest.fixture(scope="module")
def encoder() -> VoiceEncoder:
    """The real encoder from the installed resemblyzer weights (loads in well under a second)."""
    return VoiceEncoder()


@pytest.mark.slow
def test_weights_are_found_without_importing_resemblyzer_or_torch() -> None:
    code = (
        "import sys; from clearnote.diarize.encoder import default_weights_path; "
        "p = default_weights_path(); "
        "assert p.is_file(), p; "
        "assert 'resemblyzer' not in sys.modules and 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_sha_mismatch_raises_model_error_naming_file_and_make_install(tmp_path: Path) -> None:
    fake = tmp_path / "pretrained.pt"
    fake.write_bytes(b"not the weights")
    with pytest.raises(ModelError) as info:
        VoiceEncoder(fake)
    assert "pretrained.pt" in info.value.message
    assert "make install" in info.value.message


def test_missing_weights_raise_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="make install"):
        verify_sha256(tmp_path / "absent.pt")


def test_pinned_hash_matches_installed_weights() -> None:
    verify_sha256(default_weights_path())  # raises on mismatch


def test_embeddings_are_unit_length_and_nonnegative(encoder: VoiceEncoder) -> None:
    mels = mel_spectrogram(harmonic_signal())[:160][None]
    emb = encoder.embed_mels(np.concatenate([mels, mels * 0.5]))
    assert emb.shape == (2, 256)
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-5)
    assert (emb >= 0).all()


def test_matches_torch_resemblyzer_on_reference_signal(encoder: VoiceEncoder) -> None:
    """Reference computed once with resemblyzer 0.1.4 on torch 2.13.0 (see the JSON's source)."""
    ref = np.array(json.loads((DATA / "torch_reference_embedding.json").read_text())["embedding"])
    mels = mel_spectrogram(harmonic_signal())[:160][None]
    ours = encoder.embed_mels(mels)[0]
    cosine = float(ours @ ref / np.linalg.norm(ref))
    assert cosine >= 0.9999


def test_bad_mel_shape_is_refused(encoder: VoiceEncoder) -> None:
    with pytest.raises(ValueError):
        encoder.embed_mels(np.zeros((2, 160, 39), dtype=np.float32))


def test_utterance_embedding_is_stable_across_loudness(encoder: VoiceEncoder) -> None:
    wav = harmonic_signal()
    a = encoder.embed_utterance(wav * 0.01)
    b = encoder.embed_utterance(wav * 0.02)
    assert float(a @ b) > 0.999  # both raised to -30 dBFS before the mel


def test_normalize_volume_only_raises() -> None:
    loud = np.full(1600, 0.5, dtype=np.float32)
    assert normalize_volume(loud) is loud
    quiet = np.full(1600, 0.001, dtype=np.float32)
    raised = normalize_volume(quiet)
    rms_db = 20 * np.log10(np.sqrt(np.mean(raised.astype(np.float64) ** 2)))
    assert rms_db == pytest.approx(-30.0, abs=0.1)
