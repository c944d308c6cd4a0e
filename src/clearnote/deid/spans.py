"""Candidate spans from every detector, and how overlapping ones become one redaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clearnote.deid.types import PRIORITY, EntityType


@dataclass(frozen=True, slots=True)
class Span:
    """A detected identifier: character offsets into one text, never the text itself."""

    start: int
    end: int
    entity: EntityType
    score: float
    source: str  # the recogniser's name, e.g. "SpacyRecognizer" or "pattern:phone"

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"span offsets out of order ({self.start}, {self.end})")


STRONG_SCORE = 0.9


def _rank(span: Span) -> tuple[int, int, int, float, int]:
    tier = 0 if span.score >= STRONG_SCORE else 1
    cued = 0 if span.source.startswith("pattern:cue") else 1
    return (tier, cued, PRIORITY[span.entity], -span.score, -(span.end - span.start))


def resolve(spans: Iterable[Span]) -> list[Span]:
    """Merge overlapping spans into one redaction each, in text order.

    A cluster of overlapping spans is redacted as a whole (their union: no part of a detection is
    left showing) and takes the type of its best member: a strong detection (score >= 0.9: a
    pattern with its cue word) before a weak one (a model's guess, a bare number), then a type
    told by a cue word before ("IMEI", "member ID") over one told by shape, then the more
    specific type (an SSN beats a LOCATION guess), then the higher score, then the longer span.
    """
    ordered = sorted(spans, key=lambda s: (s.start, -s.end))
    merged: list[Span] = []
    cluster: list[Span] = []
    end = -1
    for span in ordered:
        if cluster and span.start >= end:
            merged.append(_merge(cluster))
            cluster = []
        cluster.append(span)
        end = max(end, span.end) if len(cluster) > 1 else span.end
    if cluster:
        merged.append(_merge(cluster))
    return merged


def _merge(cluster: list[Span]) -> Span:
    best = min(cluster, key=_rank)
    return Span(
        start=min(s.start for s in cluster),
        end=max(s.end for s in cluster),
        entity=best.entity,
        score=best.score,
        source=best.source,
    )
