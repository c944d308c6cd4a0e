"""Case conceptualization in one theoretical framework: CBT, family systems or narrative.

Each framework lists its elements; an element the session did not reveal is ``not_assessed``.
Emotions are only those the client named (attributed, quoted), never inferred; where policy
forbids emotion or mental-state detection (Illinois) that element is ``disabled``.
"""

from __future__ import annotations

from clearnote.assess.grounding import Grounder
from clearnote.assess.lexicon import Entry, Lexicon
from clearnote.assess.matching import SessionText
from clearnote.domain.assessment import ConceptualizationPart, Element, Framework, Item

MAX_ITEMS_PER_ELEMENT = 6
EMOTION_ELEMENT = "emotions"


def _element(session: SessionText, entry: Entry, group: str, grounder: Grounder) -> Element:
    hits = session.hits(entry, group)
    if not hits:
        return Element(name=entry.id, status="not_assessed", reason="not revealed in this session")
    items = tuple(grounder.from_hit(entry.id, h) for h in hits[:MAX_ITEMS_PER_ELEMENT])
    return Element(name=entry.id, status="assessed", items=items)


def _members(session: SessionText, entry: Entry, grounder: Grounder) -> Element:
    """One item per family member named (first mention), in order of first mention."""
    seen: dict[str, Item] = {}
    for hit in session.hits(entry, "family"):
        member = hit.matched
        if member and member not in seen:
            who = "their" if hit.role == "client" else "a"
            seen[member] = grounder.item(
                "member",
                f'Client mentioned {who} {member}: "{hit.quote}"',
                hit.segment_ids,
                hit.rule,
                hit.quote,
            )
    if not seen:
        return Element(name=entry.id, status="not_assessed", reason="not revealed in this session")
    return Element(name=entry.id, status="assessed", items=tuple(seen.values()))


def conceptualize(
    session: SessionText,
    lexicon: Lexicon,
    framework: Framework,
    grounder: Grounder,
    *,
    emotions_allowed: bool,
    emotions_reason: str = "",
) -> ConceptualizationPart:
    elements: list[Element] = []
    if framework == "cbt":
        for entry in lexicon.cbt.values():
            if entry.id == EMOTION_ELEMENT and not emotions_allowed:
                elements.append(Element(name=entry.id, status="disabled", reason=emotions_reason))
                continue
            elements.append(_element(session, entry, "cbt", grounder))
    elif framework == "family-systems":
        for entry in lexicon.family.values():
            if entry.id == "members":
                elements.append(_members(session, entry, grounder))
            else:
                elements.append(_element(session, entry, "family", grounder))
    else:
        for entry in lexicon.narrative.values():
            elements.append(_element(session, entry, "narrative", grounder))
    return ConceptualizationPart(framework=framework, elements=tuple(elements))
