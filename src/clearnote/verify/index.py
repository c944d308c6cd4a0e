"""A per-transcript index: content stems, BM25 statistics, numbers and (optionally) embeddings of
every segment, so that many statements can be grounded against one transcript cheaply."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from clearnote.domain.transcript import Role, Segment, Transcript
from clearnote.embed import Embedder
from clearnote.verify.lexicons import entities_in, lay_terms
from clearnote.verify.numbers import numbers_in, significant
from clearnote.verify.text import content_stems

CANDIDATES = 8  # lexical candidates per statement that are embedded
EMBED_ALL_UPTO = 80  # a transcript this short is embedded whole (paraphrases with no shared word)
# a summary sentence often joins what one exchange said over a few turns ("How old are you?"
# "Nineteen." "What happened?" "I was in a fight."): up to this many consecutive segments
EXCHANGE = 4
_K1 = 1.2
_B = 0.75


@dataclass(frozen=True)
class Grounding:
    """Where one statement's content is found: best segments first, and how well."""

    evidence: tuple[int, ...]  # segment indices, best first
    score: float  # combined support, 0..1
    local: float  # weighted share of the statement's words in the best unit
    globl: float  # weighted share of the statement's words anywhere in the transcript
    similarity: float  # best embedding cosine (0 when no embedder)


def _shift(a: NDArray[Any], by: int) -> NDArray[Any]:
    """``a`` moved down ``by`` rows (zeros on top): row i holds row i - by."""
    out = np.zeros_like(a)
    if by < len(a):
        out[by:] = a[: len(a) - by]
    return out


class TranscriptIndex:
    """Everything the checks need to look up quickly in one transcript."""

    def __init__(self, transcript: Transcript, embedder: Embedder | None = None) -> None:
        self.transcript = transcript
        self.segments: tuple[Segment, ...] = transcript.segments
        self.roles: list[Role] = [transcript.role_of(s.speaker) for s in self.segments]
        self.stems: list[list[str]] = [content_stems(s.text) for s in self.segments]
        self.stem_sets: list[frozenset[str]] = [frozenset(x) for x in self.stems]
        self.numbers: list[set[float]] = [significant(numbers_in(s.text)) for s in self.segments]
        self.all_numbers: set[float] = set().union(*self.numbers) if self.numbers else set()
        self.all_stems: frozenset[str] = frozenset().union(*self.stem_sets)
        n = len(self.segments)
        self.df: dict[str, int] = {}
        self.postings: dict[str, list[tuple[int, int]]] = {}  # stem -> [(segment, tf)]
        for i, stems in enumerate(self.stems):
            counts: dict[str, int] = {}
            for s in stems:
                counts[s] = counts.get(s, 0) + 1
            for s, tf in counts.items():
                self.df[s] = self.df.get(s, 0) + 1
                self.postings.setdefault(s, []).append((i, tf))
        self.lengths = np.array([len(x) for x in self.stems], dtype=np.float64)
        self._salient: object | None = None
        self._convention_sets: list[frozenset[str]] | None = None
        self.avg_len = (sum(len(x) for x in self.stems) / n) if n else 1.0
        self.idf_missing = math.log(n + 1.0) + 1.0
        self.embedder = embedder
        # segment vectors are computed lazily, only for lexical candidates, and kept
        self._vectors: dict[int, NDArray[np.float32]] = {}

    def __len__(self) -> int:
        return len(self.segments)

    def idf(self, stem: str) -> float:
        df = self.df.get(stem, 0)
        if df == 0:
            return self.idf_missing
        n = len(self.segments)
        return math.log((n - df + 0.5) / (df + 0.5) + 1.0)

    def bm25(self, query: list[str]) -> NDArray[np.float64]:
        """Okapi BM25 of every segment for the query stems."""
        scores = np.zeros(len(self.segments))
        norm = _K1 * (1 - _B + _B * self.lengths / max(self.avg_len, 1e-9))
        for q in set(query):
            idf = self.idf(q)
            for i, tf in self.postings.get(q, ()):
                scores[i] += idf * tf * (_K1 + 1) / (tf + norm[i])
        return scores

    def hits(self, query: list[str]) -> NDArray[np.float64]:
        """segments x query-stems matrix: 1 where the segment contains the stem."""
        out = np.zeros((len(self.segments), len(query)))
        for j, q in enumerate(query):
            for i, _tf in self.postings.get(q, ()):
                out[i, j] = 1.0
        return out

    def with_lay_terms(self, text: str, query: list[str], hits: NDArray[np.float64]) -> None:
        """Count a condition or operation the note names as found where the session says it in
        lay words ("cholecystectomy" where "my gallbladder removed" was said)."""
        for ent in entities_in(text):
            name = tuple(content_stems(ent.surface))
            cols = [query.index(s) for s in name if s in query]
            if not cols or all(s in self.all_stems for s in name):
                continue
            for alt in lay_terms(name):
                for i in self.containing(alt[0]):
                    if all(s in self.stem_sets[i] for s in alt):
                        hits[i, cols] = 1.0

    def _convention_hits(self, query: list[str]) -> NDArray[np.float64]:
        """Like ``hits``, counting the words of note convention too (computed on first use)."""
        if self._convention_sets is None:
            self._convention_sets = [
                frozenset(content_stems(s.text, conventions=True)) for s in self.segments
            ]
        return np.array(
            [[1.0 if q in have else 0.0 for q in query] for have in self._convention_sets]
        ).reshape(len(self.segments), len(query))

    def containing(self, stem: str) -> list[int]:
        return [i for i, _ in self.postings.get(stem, ())]

    def candidates(self, text: str, k: int = CANDIDATES) -> list[int]:
        """The ``k`` segments most lexically similar to ``text``."""
        if len(self.segments) <= EMBED_ALL_UPTO:
            return list(range(len(self.segments)))
        query = list(dict.fromkeys(content_stems(text)))
        if not query or not len(self.segments):
            return []
        w = np.array([self.idf(q) for q in query])
        score = self.hits(query) @ w + 0.5 * self.bm25(query)
        top = [int(i) for i in np.argsort(-score, kind="stable")[:k] if score[i] > 0]
        return sorted(top)

    def ensure_vectors(self, indices: list[int] | set[int]) -> None:
        """Embed the listed segments that are not embedded yet, in one batch."""
        if self.embedder is None:
            return
        todo = sorted(i for i in set(indices) if i not in self._vectors)
        if not todo:
            return
        vecs = self.embedder.embed([self.segments[i].text for i in todo])
        for i, v in zip(todo, vecs, strict=True):
            self._vectors[i] = v

    def similarity(
        self, text: str, vec: NDArray[np.float32] | None = None
    ) -> NDArray[np.float32] | None:
        """Cosine of ``text`` with each candidate segment (0 for segments not embedded)."""
        if self.embedder is None:
            return None
        cands = self.candidates(text)
        self.ensure_vectors(cands)
        if vec is None:
            vec = self.embedder.embed([text])[0]
        sims = np.zeros(len(self.segments), dtype=np.float32)
        if cands:
            mat = np.stack([self._vectors[i] for i in cands])
            sims[cands] = mat @ vec
        return sims

    def ground(
        self,
        text: str,
        *,
        top_k: int = 3,
        vec: NDArray[np.float32] | None = None,
        conventions: bool = False,
    ) -> Grounding:
        """Best evidence segments for ``text`` and a support score in [0, 1] (``conventions``:
        count the words of note convention too, for a statement made only of them)."""
        n = len(self.segments)
        query = list(dict.fromkeys(content_stems(text, conventions=conventions)))
        if n == 0 or not query:
            return Grounding((), 0.0, 0.0, 0.0, 0.0)
        w = np.array([self.idf(q) for q in query])
        total = float(w.sum())
        hits = self.hits(query) if not conventions else self._convention_hits(query)
        self.with_lay_terms(text, query, hits)
        globl = float(hits.max(axis=0) @ w / total)
        bm = self.bm25(query)
        bm_norm = bm / bm.max() if bm.max() > 0 else bm
        sims = self.similarity(text, vec)
        emb = np.clip((sims - 0.2) / 0.45, 0.0, 1.0) if sims is not None else None
        # a unit is a run of consecutive segments ending at each segment, a longer run used only
        # when it covers clearly more of the statement than a shorter one; runs of a whole
        # exchange only join words the session all says (never a word it never says, like a new
        # drug name, to scattered common ones)
        longest = EXCHANGE if globl >= 0.999 else 2
        best, local, span, end = -1.0, 0.0, 1, 0
        covered, near = hits, emb
        unit_single = np.zeros(n)
        for length in range(1, longest + 1):
            if length > 1:
                covered = np.maximum(covered, _shift(hits, length - 1))
                if near is not None and emb is not None:
                    near = np.maximum(near, _shift(emb, length - 1))
            cover = covered @ w / total
            unit = (
                0.55 * cover + 0.35 * near + 0.1 * bm_norm
                if near is not None
                else 0.9 * cover + 0.1 * bm_norm
            )
            at = int(np.argmax(unit))
            if length == 1 or (at >= length - 1 and unit[at] > best + 0.08):
                best, local, span, end = float(unit[at]), float(cover[at]), length, at
            if length == 1:
                unit_single = unit
        run = range(end - span + 1, end + 1)
        evidence: list[int] = [i for i in run if hits[i].any()] or [end]
        for i in np.argsort(-unit_single, kind="stable")[: top_k + 2]:
            if len(evidence) >= top_k:
                break
            if int(i) not in evidence and unit_single[i] >= 0.75 * best and unit_single[i] > 0:
                evidence.append(int(i))
        score = float(np.clip(0.8 * best + 0.2 * globl, 0.0, 1.0))
        sim = float(sims.max()) if sims is not None else 0.0
        if best <= 0:
            return Grounding((), score, local, globl, sim)
        return Grounding(tuple(evidence[:top_k]), score, local, globl, sim)
