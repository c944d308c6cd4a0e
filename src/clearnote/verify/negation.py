"""Negated statements ("denies X", "no X") and how the transcript speaks about X: affirmed by the
client, denied, only discussed, or absent."""

from __future__ import annotations

import re
from typing import Literal

from clearnote.verify.index import TranscriptIndex
from clearnote.verify.text import CANON, STOPWORDS, content_stems, stem, tokens

Polarity = Literal["affirmed", "denied", "discussed", "absent"]

_CUE = re.compile(
    r"\b(?:denie[sd]|deny|denying|negative for|without|nil|free of|absence of|no(?! (?:other |"
    r"further |more )?(?:further|"
    r"need|longer|more|one|change|changes|problem|problems|issue|issues|concern|concerns|question|"
    r"questions|matter|way|doubt|idea|plan|plans|reason|time|significant change|acute distress)\b)"
    r"|(?:does|did|do|has|have|had)(?:\s+not|\s*n't)\s+(?:have|had|experience|experienced|"
    r"report|notice|noticed|get|got|feel|felt)"
    r"|not (?:having|ever having|been having)(?: had| experienced| noticed| felt)?)\b",
    re.IGNORECASE,
)
# a negation's scope ends at the clause: sentence punctuation, a contrast, or a comma that opens a
# new clause with its own subject ("no meal in weeks, their diet was poor": the diet is not denied)
_CLAUSE_END = re.compile(
    r"[.;:!?]|\bbut\b|\bhowever\b|\balthough\b|\bexcept\b|\bbecause\b|\bso\b|\bwhen\b"
    r"|,\s*(?:and\s+|or\s+)?(?:i|you|he|she|they|we|it|their|his|her|my|your|there|this|that|"
    r"(?:the\s+)?(?:patient|client))\b",
    re.IGNORECASE,
)
# the denied thing is the noun phrase after the cue: a modifier ("in weeks", "with exertion") or
# a run-on clause ("... breath it just seems") is not part of it
_ITEM_END = re.compile(
    r"\b(?:in|for|since|at|during|after|before|over|from|until|while|lately|recently|it|i|they|"
    r"he|she|we|you|which|who|just)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;!?]+|\bbut\b|\bhowever\b|\balthough\b", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r",|/|\bor\b|\band\b|\bnor\b", re.IGNORECASE)
_NEG_TOKENS = frozenset(
    {"no", "not", "never", "none", "nope", "nothing", "nah", "nil", "without", "deny", "denies",
     "neither", "nor", "nobody"}
)  # fmt: skip
# hesitation before an answer ("uh, I have not") does not change it
_FILLERS = r"^\W*(?:(?:uh+|um+|uhm|er|erm|hmm+|oh|well|so|okay|ok)\b\W*)*"
_NO_ANSWER = re.compile(
    _FILLERS + r"(?:no|nope|nah|not really|not at all|never|none|nothing|i don't|i do not|"
    r"i do n't|i haven't|i have not|i have n't|i've not|i didn't|i did not|i did n't|i'm not|"
    r"i 'm not|i am not|i have never|i've never|i never|no no)\b",
    re.IGNORECASE,
)
# "No, I don't know anything", "I'm not sure": the answer is unknown, not a denial
_UNSURE = re.compile(
    r"\b(?:(?:don't|do not|dont|didn't|did not|do n't) (?:know|remember|recall)|not sure|"
    r"no idea|no clue|(?:can't|cannot) (?:remember|recall|say)|couldn't tell)\b",
    re.IGNORECASE,
)


def says_no(answer: str) -> bool:
    """Whether an answer is a "no" (and not "no, I don't know")."""
    return bool(_NO_ANSWER.search(answer)) and not _UNSURE.search(answer)


def says_unsure(answer: str) -> bool:
    """Whether an answer says "I don't know", "I have no clue"."""
    return bool(_UNSURE.search(answer))


_YES_ANSWER = re.compile(
    _FILLERS + r"(?:yes|yeah|yep|yup|mm-hmm|mhm|uh-huh|correct|right|sometimes|a little|a bit|"
    r"i do|i have|i did|definitely|absolutely|sure|kind of|sort of|i think so|i guess|"
    r"occasionally|quite)\b(?![\s,]*(?:not|n't|never|no)\b)",
    re.IGNORECASE,
)
_QUESTION = re.compile(
    r"\?|^\W*(?:do|does|did|are|is|have|has|any|ever|were|was|can|could|would|how|what|when)\b",
    re.IGNORECASE,
)
# words that name the kind of thing denied rather than the thing ("suicidal ideation", "swallowing
# difficulties", "alcohol use", "bowel habits"): a session says "suicidal?", "trouble swallowing?"
_GENERIC = frozenset(
    {"history", "hx", "symptom", "sign", "complaint", "issu", "problem", "other", "current",
     "recent", "acut", "new", "report", "evidence", "associated", "ide", "difficulty", "troubl",
     "use", "habit", "chang"}
)  # fmt: skip
# "nonsmoker", "non-drinker": a denial of smoking, drinking
_NON_PREFIX = re.compile(r"\bnon-?(?=smok|drink)", re.IGNORECASE)


_HYPOTHETICAL = re.compile(
    r"\b(?:if|unless|whether|will|would|could|should|might|can|hopefully)\b", re.IGNORECASE
)


def _clause_before(text: str, pos: int) -> str:
    """The part of the clause that precedes ``pos``."""
    starts = [m.end() for m in _CLAUSE_END.finditer(text[:pos])]
    return text[starts[-1] if starts else 0 : pos]


def negated_items(text: str) -> list[tuple[str, ...]]:
    """The stem tuples a statement denies ("denies fever or chills" → (fever,), (chill,))."""
    items: list[tuple[str, ...]] = []
    text = _NON_PREFIX.sub("no ", text)
    for m in _CUE.finditer(text):
        if _HYPOTHETICAL.search(_clause_before(text, m.start())):
            continue  # "if it does not get better", "will heal without surgery": no denial
        rest = text[m.end() :]
        end = _CLAUSE_END.search(rest)
        clause = rest[: end.start()] if end else rest
        for part in _ITEM_SPLIT.split(clause):
            part = _ITEM_END.split(part, maxsplit=1)[0]
            stems = tuple(s for s in content_stems(part) if s not in _GENERIC)
            if stems:
                items.append(stems[:4])
    return list(dict.fromkeys(items))


def is_negative(text: str) -> bool:
    return bool(negated_items(text))


def is_negative_cue(text: str) -> bool:
    """Whether the text has a negation word ("no", "denies", "without"), denying anything or not."""
    return bool(_CUE.search(_NON_PREFIX.sub("no ", text)))


def _mentions(stems: frozenset[str], item: tuple[str, ...]) -> bool:
    if len(item) == 1:
        return item[0] in stems
    head = item[-1]
    have = sum(1 for s in item if s in stems)
    return head in stems and have * 2 >= len(item)


def mention_polarity(text: str, item: tuple[str, ...], *, strict: bool = False) -> set[str]:
    """How each mention of the item's head word is said: {"negated"}, {"plain"} or both (had it,
    not now). A mention is negated when a negation word precedes it within six words of the same
    sentence ("I don't take medicines. I tried Tylenol": Tylenol is not denied). ``strict`` (for the
    clinician's words) accepts only a negation of the thing itself ("no edema", "you don't have any
    edema"), not of an action about it ("don't stop the metformin")."""
    # the negation precedes the phrase: anchor on its first word that the text contains
    present = {CANON.get(w) or stem(w) for w in tokens(text)}
    head = next((x for x in item if x in present), item[-1])
    out: set[str] = set()
    for part in _SENTENCE_END.split(text):
        words = tokens(part)
        for i, w in enumerate(words):
            if (CANON.get(w) or stem(w)) != head:
                continue
            window = words[max(0, i - 6) : i]
            if strict:
                near = words[max(0, i - 4) : i]
                neg = any(x in _STRICT_NEG for x in near) or any(
                    a in {"not", "n't"}
                    and b in {"have", "see", "hear", "feel", "appreciate"}
                    or a.endswith("n't")
                    and a != "n't"
                    and b == "have"
                    for a, b in zip(window, window[1:], strict=False)
                )
            else:
                neg = any(x in _NEG_TOKENS or x.endswith("n't") for x in window)
            out.add("negated" if neg else "plain")
    return out


_STRICT_NEG = frozenset({"no", "without", "negative", "denies", "denied", "nor", "absent"})


def _asks_about(text: str, item: tuple[str, ...]) -> bool:
    """True when a sentence of the clinician's turn that mentions the item is a question."""
    for sent in re.findall(r"[^.!?]+[.!?]*", text):
        stems = {CANON.get(w) or stem(w) for w in tokens(sent)}
        if any(x in stems for x in item) and _QUESTION.search(sent.strip()):
            return True
    return False


def polarity(index: TranscriptIndex, item: tuple[str, ...]) -> tuple[Polarity, list[int]]:
    """How the transcript treats ``item``, and the segments that show it."""
    affirmed: list[int] = []
    denied: list[int] = []
    discussed: list[int] = []
    unknown = False  # asked, and the answer was "I don't know"
    segs = index.segments
    for i in index.containing(item[-1]):
        st = index.stem_sets[i]
        if not _mentions(st, item):
            continue
        role = index.roles[i]
        text = segs[i].text
        if role == "clinician" and _asks_about(text, item):
            nxt = next(
                (j for j in range(i + 1, min(i + 3, len(segs))) if index.roles[j] != role), None
            )
            if nxt is not None:
                answer = segs[nxt].text
                if says_no(answer):
                    denied.extend([i, nxt])
                    continue
                if _YES_ANSWER.search(answer):
                    affirmed.extend([i, nxt])
                    continue
                unknown = unknown or bool(_UNSURE.search(answer))
            discussed.append(i)
            continue
        said = mention_polarity(text, item, strict=role == "clinician")
        if role == "clinician":
            # the clinician's own "no edema" is a finding of absence; their other words are
            # only discussion
            (denied if said == {"negated"} else discussed).append(i)
            continue
        if "negated" in said:
            denied.append(i)
        if "plain" in said or not said:
            affirmed.append(i)
    if denied and affirmed:  # mixed (e.g. had it, not now): neither direction is certain
        return "discussed", sorted(set(denied + affirmed))
    if denied:
        return "denied", denied
    if affirmed:
        return "affirmed", affirmed
    if unknown:  # nobody knows: a denial is no better supported than one never asked
        return "absent", []
    if discussed:
        return "discussed", discussed
    return "absent", []


__all__ = [
    "STOPWORDS",
    "is_negative",
    "is_negative_cue",
    "mention_polarity",
    "negated_items",
    "polarity",
    "says_no",
    "says_unsure",
]
