"""A transcript-level signal for the semantic backend: several weak indications in one session.

Warning-sign guidance (the NIMH / 988 Lifeline warning-sign lists; Rudd et al., "Warning signs
for suicide", Suicide Life Threat Behav 2006) reads risk as rising with the number of signs
present, and a clinician reviews a session with several of them even when no single statement
is explicit. This module turns that into one decision over the semantic backend's sentence
scores: when the client's ``k`` best distinct sentences are each at least ``threshold`` similar
to a concept of the aggregate's domain (and no closer to a negative group than the per-sentence
margin allows), while nothing else flagged the domain, it raises one flag at the aggregate's
level citing those ``k`` sentences.

Only sentences the semantic backend already looks at are counted (client speech the rule layer
did not read as a denial, someone else's, a film's or a figure of speech; no "you ..." or
third-person sentences), and only the client's: another person in the room is not the client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clearnote.domain.screening import Domain, RiskFlag

if TYPE_CHECKING:
    from clearnote.assess.screening.semantic import Candidate, ConceptSpec, Match


@dataclass(frozen=True)
class Sign:
    """One weak sign: the best piece of a client sentence, with its place in the transcript."""

    order: int
    cand: Candidate
    match: Match


@dataclass(frozen=True)
class Aggregate:
    """The decision rule: ``k`` distinct client sentences each scoring at least ``threshold``."""

    id: str
    domain: Domain
    level: str
    k: int
    threshold: float


def weak_signs(
    rule: Aggregate,
    concepts: Sequence[ConceptSpec],
    cands: Sequence[Candidate],
    matches: Sequence[Match],
    margin: float,
) -> list[Sign]:
    """The best piece of each distinct client sentence that is a weak sign for ``rule``'s domain,
    highest score first (a repeated sentence counts once)."""
    best: dict[str, Sign] = {}
    for i, (cand, m) in enumerate(zip(cands, matches, strict=True)):
        if cand.role != "client" or concepts[m.concept].domain != rule.domain:
            continue
        if m.positive < rule.threshold or m.positive - m.negative < margin:
            continue
        key = " ".join(cand.original.lower().split())
        if key not in best or m.positive > best[key].match.positive:
            best[key] = Sign(i, cand, m)
    return sorted(best.values(), key=lambda s: (-s.match.positive, s.order))


def aggregate_flag(rule: Aggregate, signs: Sequence[Sign]) -> RiskFlag | None:
    """One flag citing the ``k`` strongest weak signs, in transcript order, or None when there
    are fewer than ``k``. Its rule reads ``<id>[<k> sentences, lowest <score>]``."""
    if len(signs) < rule.k:
        return None
    chosen = sorted(signs[: rule.k], key=lambda s: s.order)
    lowest = min(s.match.positive for s in chosen)
    return RiskFlag(
        level=rule.level,
        segment_ids=tuple(dict.fromkeys(s.cand.segment.id for s in chosen)),
        quote=" … ".join(s.cand.original for s in chosen),
        start=min(s.cand.segment.start for s in chosen),
        rule=f"{rule.id}[{rule.k} sentences, lowest {lowest:.2f}]",
        speaker_role="client",
    )


__all__ = ["Aggregate", "Sign", "aggregate_flag", "weak_signs"]
