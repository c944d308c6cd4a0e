"""Consistent placeholders within one document: the same person is ``[NAME 1]`` everywhere, so a
supervisor can follow who is who without learning who anyone is."""

from __future__ import annotations

import re

from clearnote.deid.keeplist import normalise
from clearnote.deid.types import EntityType, placeholder

_TITLE_RE = re.compile(
    r"^(?:dr|mr|mrs|ms|miss|mx|prof|professor|doctor|nurse|coach|pastor)\.?\s+", re.IGNORECASE
)
_NON_WORD = re.compile(r"[^\w@.:/+-]+")


def entity_key(entity: EntityType, text: str) -> str:
    """What makes two mentions the same entity: case, titles, articles, possessives and
    punctuation do not count; for numbers, neither do separators."""
    norm = normalise(_TITLE_RE.sub("", text.strip()))
    if entity in ("NAME", "LOCATION", "ORGANIZATION", "DATE", "AGE"):
        return _NON_WORD.sub(" ", norm).strip()
    return re.sub(r"[\s().-]+", "", norm)


class Numberer:
    """Hands out ``[TYPE n]`` placeholders in reading order, one number per distinct entity.

    A one-word name that is the first or last word of exactly one longer name seen before
    (or after, within the document) is the same person: "Maria" after "Maria Gonzalez".
    """

    def __init__(self) -> None:
        self._numbers: dict[tuple[EntityType, str], int] = {}
        self._count: dict[EntityType, int] = {}

    def number(self, entity: EntityType, text: str) -> str:
        key = entity_key(entity, text)
        linked = self._link(entity, key)
        if linked is not None:
            self._numbers[(entity, key)] = linked
            return placeholder(entity, linked)
        n = self._count.get(entity, 0) + 1
        self._count[entity] = n
        self._numbers[(entity, key)] = n
        return placeholder(entity, n)

    def _link(self, entity: EntityType, key: str) -> int | None:
        if (entity, key) in self._numbers:
            return self._numbers[(entity, key)]
        if entity != "NAME" or not key:
            return None
        words = key.split()
        candidates: set[int] = set()
        for (kind, known), n in self._numbers.items():
            if kind != "NAME":
                continue
            known_words = known.split()
            if len(words) == 1 and len(known_words) > 1 and words[0] in known_words:
                candidates.add(n)
            elif len(known_words) == 1 and len(words) > 1 and known_words[0] in words:
                candidates.add(n)
        return candidates.pop() if len(candidates) == 1 else None
