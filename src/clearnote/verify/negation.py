"""Negated statements ("denies X", "no X") and how the transcript speaks about X: affirmed by the
client, denied, only discussed, or absent."""

from __future__ import annotations

import re
from typing import Literal

from clearnote.verify.index import TranscriptIndex
from clearnote.verify.text import CANON, STOPWORDS, content_stems, stem, tokens

Polarity = Literal["affirmed", "denied", "discussed", "absent"]

_CUE = re.compile(
    r"\b(?:denie[sd]|deny|denying|negative for|without|nil|free of|absence of|no(?! (?:further|"
    r"need|longer|more|one|change|changes|problem|problems|issue|issues|concern|concerns|question|"
    r"questions|matter|way|doubt|idea|plan|plans|reason|time|significant change|acute distress)\b)"
    r"|(?:does|did|do|has|have|had)(?:\s+not|\s*n't)\s+(?:have|had|experience|experienced|"
    r"report|notice|noticed|get|got|feel|felt))\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[.;:!?]|\bbut\b|\bhowever\b|\balthough\b|\bexcept\b", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r",|/|\bor\b|\band\b|\bnor\b", re.IGNORECASE)
_NEG_TOKENS = frozenset(
    {"no", "not", "never", "none", "nope", "nothing", "nah", "nil", "without", "deny", "denies",
     "neither", "nor", "nobody"}
)  # fmt: skip
_NO_ANSWER = re.compile(
    r"^\W*(?:no|nope|nah|not really|not at all|never|none|nothing|i don't|i do not|i haven't|"
    r"i have not|i didn't|i'm not|i am not|uh no|um no|no no)\b",
    re.IGNORECASE,
)
_YES_ANSWER = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|mm-hmm|mhm|uh-huh|correct|right|sometimes|a little|a bit|i do|i have|"
    r"i did|definitely|absolutely|sure|kind of|sort of|i think so|i guess|occasionally|quite)\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"\?|^\W*(?:do|does|did|are|is|have|has|any|ever|were|was|can|could|would|how|what|when)\b",
    re.IGNORECASE,
)
_GENERIC = frozenset(
    {"history", "hx", "symptom", "sign", "complaint", "issu", "problem", "other", "current",
     "recent", "acut", "new", "report", "evidence", "associated"}
)  # fmt: skip


def negated_items(text: str) -> list[tuple[str, ...]]:
    """The stem tuples a statement denies ("denies fever or chills" → (fever,), (chill,))."""
    items: list[tuple[str, ...]] = []
    for m in _CUE.finditer(text):
        rest = text[m.end() :]
        end = _CLAUSE_END.search(rest)
        clause = rest[: end.start()] if end else rest
        for part in _ITEM_SPLIT.split(clause):
            stems = tuple(s for s in content_stems(part) if s not in _GENERIC)
            if stems:
                items.append(stems[:4])
    return list(dict.fromkeys(items))


def is_negative(text: str) -> bool:
    return bool(negated_items(text))


def _mentions(stems: frozenset[str], item: tuple[str, ...]) -> bool:
    if len(item) == 1:
        return item[0] in stems
    head = item[-1]
    have = sum(1 for s in item if s in stems)
    return head in stems and have * 2 >= len(item)


def _negated_near(text: str, item: tuple[str, ...]) -> bool:
    """True when a negation word precedes the item's first mention within six words."""
    words = tokens(text)
    for i, w in enumerate(words):
        if (CANON.get(w) or stem(w)) in item:
            window = words[max(0, i - 6) : i]
            return any(x in _NEG_TOKENS or x.endswith("n't") for x in window)
    return False


def polarity(index: TranscriptIndex, item: tuple[str, ...]) -> tuple[Polarity, list[int]]:
    """How the transcript treats ``item``, and the segments that show it."""
    affirmed: list[int] = []
    denied: list[int] = []
    discussed: list[int] = []
    segs = index.segments
    for i in index.containing(item[-1]):
        st = index.stem_sets[i]
        if not _mentions(st, item):
            continue
        role = index.roles[i]
        text = segs[i].text
        if role == "clinician" and _QUESTION.search(text):
            nxt = next(
                (j for j in range(i + 1, min(i + 3, len(segs))) if index.roles[j] != role), None
            )
            if nxt is not None:
                answer = segs[nxt].text
                if _NO_ANSWER.search(answer):
                    denied.extend([i, nxt])
                    continue
                if _YES_ANSWER.search(answer):
                    affirmed.extend([i, nxt])
                    continue
            discussed.append(i)
            continue
        if _negated_near(text, item):
            (denied if role != "clinician" else discussed).append(i)
        elif role == "clinician":
            discussed.append(i)
        else:
            affirmed.append(i)
    if denied and affirmed:  # mixed (e.g. had it, not now): neither direction is certain
        return "discussed", sorted(set(denied + affirmed))
    if denied:
        return "denied", denied
    if affirmed:
        return "affirmed", affirmed
    if discussed:
        return "discussed", discussed
    return "absent", []


__all__ = ["STOPWORDS", "is_negative", "negated_items", "polarity"]
