"""Shared shape of service needs and strengths: lexicon categories → items or not assessed."""

from __future__ import annotations

from collections.abc import Iterable

from clearnote.assess.grounding import Grounder
from clearnote.assess.lexicon import Entry
from clearnote.assess.matching import SessionText
from clearnote.domain.assessment import Item, NotAssessed

MAX_ITEMS_PER_CATEGORY = 5


def category_items(
    session: SessionText,
    entries: Iterable[Entry],
    group: str,
    grounder: Grounder,
    extra: dict[str, list[Item]] | None = None,
) -> tuple[list[Item], list[NotAssessed]]:
    """Items per category (lexicon hits, then ``extra`` items from screening), and the
    categories the session did not reveal."""
    items: list[Item] = []
    missing: list[NotAssessed] = []
    extra = extra or {}
    for entry in entries:
        hits = session.hits(entry, group)
        found = [grounder.from_hit(entry.id, h) for h in hits[:MAX_ITEMS_PER_CATEGORY]]
        seen = {e for i in found for e in i.evidence}
        for item in extra.get(entry.id, []):
            if not set(item.evidence) <= seen:
                found.append(item)
        if found:
            items.extend(found)
        else:
            missing.append(NotAssessed(name=entry.id, reason=f"{entry.label}: not discussed"))
    return items, missing
