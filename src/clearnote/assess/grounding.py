"""Items for the clinician, each checked by the note verifier before it is shown.

``Grounder`` wraps ``clearnote.verify.Verifier.ground``: an item is ``verified`` when its text
reaches the verifier's support threshold and the verifier's evidence includes (or neighbours)
a segment the item cites. Anything else is kept, marked ``verified: false`` with its score.
"""

from __future__ import annotations

from typing import Protocol

from clearnote.assess.matching import Hit
from clearnote.domain.assessment import Item
from clearnote.domain.screening import RiskFlag
from clearnote.domain.transcript import Role, Transcript

SPEAKER_NAMES: dict[Role, str] = {
    "client": "Client",
    "other": "Another participant",
    "unknown": "A speaker",
    "clinician": "Clinician",
}


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


class GroundingVerifier(Protocol):
    """The part of ``clearnote.verify.Verifier`` the assessments use."""

    threshold: float

    def ground(
        self, transcript: Transcript, text: str, *, top_k: int = 3
    ) -> tuple[tuple[str, ...], float]: ...


class Grounder:
    """Builds verified items for one transcript."""

    def __init__(self, transcript: Transcript, verifier: GroundingVerifier) -> None:
        self.transcript = transcript
        self.verifier = verifier
        self._pos = {s.id: i for i, s in enumerate(transcript.segments)}
        self._count = 0
        self.checked = 0

    def verify(self, text: str, evidence: tuple[str, ...], quote: str = "") -> tuple[bool, float]:
        """Supported when the verifier's score reaches its threshold and its evidence is at (or
        next to) a cited segment, or, when the same words occur more than once in the session, a
        cited segment holds the quoted words verbatim."""
        self.checked += 1
        ids, score = self.verifier.ground(self.transcript, text)
        cited = {self._pos[e] for e in evidence if e in self._pos}
        near = any(abs(self._pos[g] - c) <= 1 for g in ids if g in self._pos for c in cited)
        if not near and quote:
            wanted = _squash(quote)
            near = bool(wanted) and any(
                wanted in _squash(self.transcript.segments[c].text) for c in cited
            )
        return bool(score >= self.verifier.threshold and near), float(round(score, 3))

    def item(
        self, kind: str, text: str, evidence: tuple[str, ...], rule: str, quote: str = ""
    ) -> Item:
        self._count += 1
        verified, score = self.verify(text, evidence, quote)
        return Item(
            id=f"as-{self._count:03d}",
            kind=kind,
            text=text,
            quote=quote,
            evidence=evidence,
            rule=rule,
            verified=verified,
            score=max(0.0, min(1.0, score)),
        )

    def from_hit(self, kind: str, hit: Hit, lead: str = "said") -> Item:
        who = SPEAKER_NAMES[hit.role]
        if hit.question:
            text = f'Asked "{hit.question}", {who.lower()} answered: "{hit.quote}"'
            if who == "Client":
                text = f'Asked "{hit.question}", the client answered: "{hit.quote}"'
        else:
            text = f'{who} {lead}: "{hit.quote}"'
        return self.item(kind, text, hit.segment_ids, hit.rule, hit.quote)


def flag_words(flag: RiskFlag, transcript: Transcript) -> str:
    """The flag's words; an answer that only makes sense after the clinician's question is
    given with the question (\"Asked '...', answered: 'Yes.'\")."""
    if flag.context_segment_ids:
        by_id = {s.id: s for s in transcript.segments}
        asked = by_id.get(flag.context_segment_ids[0])
        if asked is not None:
            return f'asked "{asked.text}", answered "{flag.quote}"'
    return f'"{flag.quote}"'
