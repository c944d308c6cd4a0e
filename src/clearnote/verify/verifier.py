"""The verifier: grounds every note statement in the transcript, runs the deterministic checks,
and lists flags (statement flags in note order, then omissions with risk first)."""

from __future__ import annotations

import logging
import time

import numpy as np
from numpy.typing import NDArray

from clearnote.domain.note import Note
from clearnote.domain.transcript import Segment, Transcript
from clearnote.domain.verification import Flag, StatementResult, VerificationReport
from clearnote.embed import Embedder
from clearnote.verify import checks
from clearnote.verify.index import Grounding, TranscriptIndex
from clearnote.verify.negation import is_negative_cue
from clearnote.verify.omissions import LABELS, covered, salient_segments
from clearnote.verify.stigma import stigmatizing

log = logging.getLogger(__name__)

SUPPORT_THRESHOLD = 0.45
LOW_P = 0.5


def _times(segs: list[Segment]) -> str:
    if not segs or all(s.end == 0 for s in segs):
        return ""
    return f" at {segs[0].start:.1f}-{segs[-1].end:.1f} s"


class Verifier:
    """Checks notes against transcripts. ``embedder=None`` runs lexical signals only."""

    def __init__(self, embedder: Embedder | None = None, *, threshold: float = SUPPORT_THRESHOLD):
        self.embedder = embedder
        self.threshold = threshold
        self._cache: tuple[Transcript, TranscriptIndex] | None = None

    def index(self, transcript: Transcript) -> TranscriptIndex:
        """The index of ``transcript`` (the last one is kept, so ``ground`` calls are cheap)."""
        if self._cache is not None and self._cache[0] is transcript:
            return self._cache[1]
        idx = TranscriptIndex(transcript, self.embedder)
        self._cache = (transcript, idx)
        return idx

    def ground(
        self, transcript: Transcript, text: str, *, top_k: int = 3
    ) -> tuple[tuple[str, ...], float]:
        """Best evidence segment ids for one sentence, and its support score (0..1)."""
        idx = self.index(transcript)
        g = idx.ground(checks.checking_text(text), top_k=top_k)
        return tuple(idx.segments[i].id for i in g.evidence), round(g.score, 3)

    def verify(self, transcript: Transcript, note: Note) -> VerificationReport:
        t0 = time.perf_counter()
        idx = self.index(transcript)
        results: list[StatementResult] = []
        flags: list[Flag] = []
        covering: list[tuple[str, tuple[int, ...]]] = []
        statements = note.statements()
        vectors = None
        if self.embedder is not None and statements and len(idx):
            bodies = [checks.checking_text(st.text) for st in statements]
            idx.ensure_vectors({i for b in bodies for i in idx.candidates(b)})
            vectors = self.embedder.embed(bodies)
        for k, st in enumerate(statements):
            vec = vectors[k] if vectors is not None else None
            result, st_flags, evidence = self._statement(idx, st.id, st.text, vec)
            results.append(result)
            flags.extend(st_flags)
            if result.verdict != "unsupported":  # an unsupported statement covers nothing
                covering.append((st.text, evidence))
        for sal in salient_segments(idx):
            if covered(idx, sal, covering):
                continue
            segs = [idx.segments[i] for i in sal.segments]
            flags.append(
                Flag(
                    kind="omission",
                    segment_ids=tuple(s.id for s in segs),
                    message=f"possible omission: {LABELS[sal.category]}{_times(segs)} "
                    f"({len(segs)} segment(s)) is not covered by any statement",
                )
            )
        log.info(
            "verified %d statements against %d segments: %d flags in %.2f s",
            len(results),
            len(idx),
            len(flags),
            time.perf_counter() - t0,
        )
        return VerificationReport(statements=tuple(results), flags=tuple(flags))

    def _statement(
        self, idx: TranscriptIndex, sid: str, text: str, vec: NDArray[np.float32] | None = None
    ) -> tuple[StatementResult, list[Flag], tuple[int, ...]]:
        body = checks.checking_text(text)
        g = idx.ground(body, vec=vec)
        score = g.score
        evidence = g.evidence
        flags: list[Flag] = []
        verdict = "supported" if score >= self.threshold else "unsupported"
        reasons: list[str] = []
        blanket = checks.check_blanket_negative(idx, text)
        findings: list[checks.Finding | None]
        if blanket is not None:  # "Noncontributory.": a "no" in the session, or none
            findings = [blanket]
        elif not checks.checkable(body):
            # "Followup." is said as "I came in for a follow up"; "He is" and "No history of"
            # (a negative of nothing) say nothing at all
            findings = []
            g = Grounding((), 0.0, 0.0, 0.0, 0.0)
            if not is_negative_cue(body):
                g = idx.ground(body, vec=vec, conventions=True)
            score, evidence = g.score, g.evidence
            verdict = "supported" if score >= self.threshold else "unsupported"
            if verdict == "unsupported":
                reasons.append("the statement names no fact to check against the session")
        else:
            findings = [
                checks.check_negation(idx, body),
                checks.check_numbers(idx, body, g),
                checks.check_entities(idx, body),
                checks.check_flipped(idx, body),
                checks.check_speaker(idx, body),
            ]
        unverified = False
        for f in findings:
            if f is None:
                continue
            if f.outcome == "supported_negative":
                if verdict == "unsupported" and (g.globl > 0 or f is blanket):
                    verdict = "supported"
                    score = max(score, self.threshold)
                evidence = tuple(dict.fromkeys((*f.segments, *evidence)))[:4]
            elif f.outcome == "contradicted":
                verdict = "contradicted"
                score = min(score, 0.2)
                reasons.append(f.reason)
                if f.segments:
                    evidence = tuple(dict.fromkeys((*f.segments, *evidence)))[:4]
            elif f.outcome == "unverified_negative":
                unverified = True
                if verdict != "contradicted":
                    verdict = "unsupported"
                    score = min(score, 0.4)
            else:
                if verdict != "contradicted":
                    verdict = "unsupported"
                    score = min(score, 0.4)
                reasons.append(f.reason)
        if not g.evidence and not reasons and not unverified and verdict == "unsupported":
            reasons.append("no content words that the transcript contains")
        if verdict == "contradicted":
            flags.append(Flag(kind="contradicted", statement_id=sid, message="; ".join(reasons)))
        elif unverified:
            flags.append(
                Flag(
                    kind="unverified_negative",
                    statement_id=sid,
                    message="the statement asserts a negative that no question and answer in "
                    "the session contains; write 'not assessed' or ask",
                )
            )
        elif verdict == "unsupported":
            why = "; ".join(reasons) if reasons else f"support score {score:.2f} below threshold"
            flags.append(Flag(kind="unsupported", statement_id=sid, message=why))
        elif verdict == "supported":
            flags.extend(self._low_confidence(idx, sid, evidence))
        for hit in stigmatizing(text):
            flags.append(
                Flag(
                    kind="stigmatizing_language",
                    statement_id=sid,
                    message=f"'{hit.term}' can read as stigmatizing ({hit.category}); "
                    f"consider: {hit.use_instead}",
                    suggestion=hit.use_instead,
                )
            )
        result = StatementResult(
            id=sid,
            text=text,
            verdict=verdict,
            score=round(max(0.0, min(1.0, score)), 3),
            evidence=tuple(idx.segments[i].id for i in evidence),
        )
        return result, flags, evidence

    def _low_confidence(
        self, idx: TranscriptIndex, sid: str, evidence: tuple[int, ...]
    ) -> list[Flag]:
        shaky = [
            idx.segments[i]
            for i in evidence
            if idx.segments[i].low_confidence
            or any(w.low_confidence or w.p < LOW_P for w in idx.segments[i].words)
        ]
        if not shaky:
            return []
        where = ", ".join(
            f"{s.id}" + (f" ({s.start:.1f}-{s.end:.1f} s)" if s.end > 0 else "") for s in shaky
        )
        return [
            Flag(
                kind="low_confidence",
                statement_id=sid,
                segment_ids=tuple(s.id for s in shaky),
                message="the evidence rests on words the recogniser was unsure of: "
                f"listen at {where}",
            )
        ]
