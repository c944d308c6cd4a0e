"""Note verification: support scores, deterministic checks, omissions, language lint.

Public API (used by drafting and the CLI)::

    Verifier(embedder=None).verify(transcript, note) -> VerificationReport
    Verifier.ground(transcript, text, top_k=3) -> (segment ids, score)
    note_from_text(text, fmt="text") -> Note
    default_verifier() -> Verifier   # loads the embedding model once when it is installed
"""

from __future__ import annotations

import logging
from functools import lru_cache

from clearnote.domain.verification import Flag, StatementResult, VerificationReport
from clearnote.embed import Embedder
from clearnote.errors import ModelError
from clearnote.verify.split import note_from_text
from clearnote.verify.verifier import Verifier

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def default_verifier() -> Verifier:
    """The composition root: MiniLM embeddings when the model package is installed, else lexical.

    A model that is present but fails its checksum raises ``ModelError``; an absent package
    falls back to lexical-only verification with a warning.
    """
    from clearnote.embed.minilm import model_dir, shared_embedder

    try:
        model_dir()
    except ModelError:
        log.warning("embedding model not installed: verifying with lexical signals only")
        return Verifier(None)
    return Verifier(shared_embedder())


__all__ = [
    "Embedder",
    "Flag",
    "StatementResult",
    "VerificationReport",
    "Verifier",
    "default_verifier",
    "note_from_text",
]
