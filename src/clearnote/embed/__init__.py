"""Sentence embeddings behind one small port (``Embedder``); the MiniLM adapter runs in numpy."""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray


class Embedder(Protocol):
    """Maps sentences to L2-normalised vectors (one row per sentence)."""

    name: str

    def embed(self, texts: list[str]) -> NDArray[np.float32]: ...


__all__ = ["Embedder"]
