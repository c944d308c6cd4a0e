"""Re-grounding: which transcript segments support a statement, and how well.

Model citations are never trusted; every model statement is grounded here. The verifier
(``clearnote.verify``) owns the retrieval; ``lexical_ground`` is a small stand-alone fallback
kept for tests and tools that must not load the verifier.
"""

from __future__ import annotations

import math
from collections import Counter

from clearnote.domain.transcript import Transcript
from clearnote.notes.text import words
from clearnote.verify import default_verifier

_STOP = frozenset(
    "the a an and or but of to in on at for with is are was were be been being it that this "
    "they them their client clinician patient reported stated noted he she his her i you your "
    "my me we our as by from not have has had do does did will would can could so just".split()
)


def ground(transcript: Transcript, text: str, top_k: int = 3) -> tuple[tuple[str, ...], float]:
    """Evidence segment ids for ``text`` and a support score in [0, 1]."""
    ids, score = default_verifier().ground(transcript, text, top_k=top_k)
    return tuple(ids), float(score)


def lexical_ground(
    transcript: Transcript, text: str, top_k: int = 3
) -> tuple[tuple[str, ...], float]:
    """Fallback: segments sharing the most content words (idf-weighted) with ``text``."""
    query = {w for w in words(text) if w not in _STOP and len(w) > 2}
    if not query or not transcript.segments:
        return (), 0.0
    docs = [{w for w in words(s.text) if w not in _STOP} for s in transcript.segments]
    df: Counter[str] = Counter(w for d in docs for w in d)
    n = len(docs)
    idf = {w: math.log(1 + n / (1 + df[w])) for w in query}
    total = sum(idf.values()) or 1.0
    scored = sorted(
        ((sum(idf[w] for w in query & d) / total, i) for i, d in enumerate(docs)),
        key=lambda x: (-x[0], x[1]),
    )
    best = [(s, i) for s, i in scored[:top_k] if s > 0.2]
    if not best:
        return (), 0.0
    covered = set().union(*(docs[i] & query for _, i in best))
    score = sum(idf[w] for w in covered) / total
    ids = tuple(transcript.segments[i].id for _, i in sorted(best, key=lambda x: x[1]))
    return ids, round(score, 3)
