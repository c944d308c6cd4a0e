"""Stigmatizing-language lint with suggested alternatives (never a silent rewrite)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearnote.verify.lexicons import stigma_terms

# "clean"/"dirty" stigmatize only when they describe a person or a drug test
_PERSON_OR_TEST = re.compile(
    r"urine|tox|screen|test|drug|sober|sobriety|using|substance|alcohol|relapse|"
    r"\b(?:days|weeks|months|years)\b|\b(?:is|was|been|stayed|staying|being|got|get)\s+(?:clean|dirty)",
    re.IGNORECASE,
)
_NEEDS_CONTEXT = frozenset({"clean", "dirty"})


@dataclass(frozen=True)
class StigmaHit:
    term: str  # the note's own wording (lower-cased lexicon entry)
    use_instead: str
    category: str


def stigmatizing(text: str) -> list[StigmaHit]:
    """Stigmatizing terms in a note statement, with context exemptions applied."""
    low = text.lower()
    hits: list[StigmaHit] = []
    spans: list[tuple[int, int]] = []
    for term in stigma_terms():
        for m in term.pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in spans):
                continue
            if any(x in low for x in term.exempt):
                continue
            if term.term in _NEEDS_CONTEXT and not _PERSON_OR_TEST.search(text):
                continue
            spans.append((m.start(), m.end()))
            hits.append(StigmaHit(term.term, term.use_instead, term.category))
            break
    return hits
