"""Salient transcript content that no note statement covers: risk disclosures first, then
medication changes, safety plans, appointments and named conditions or drugs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearnote.verify.index import TranscriptIndex
from clearnote.verify.lexicons import (
    APPOINTMENT,
    MEDICATION_CHANGE,
    MEDICATION_WORD,
    RISK_TERMS,
    SAFETY_PLAN,
    entities_in,
)
from clearnote.verify.negation import _NO_ANSWER, _QUESTION, _YES_ANSWER
from clearnote.verify.text import content_stems, tokens

CATEGORIES = ("risk", "medication", "safety_plan", "appointment", "clinical")
LABELS = {
    "risk": "a possible risk disclosure (suicide, self-harm, violence or abuse)",
    "medication": "a medication change",
    "safety_plan": "safety planning",
    "appointment": "an appointment or follow-up",
    "clinical": "a named condition or medication",
}
# what a statement must mention to count as covering the category
_COVERS = {
    "risk": re.compile(
        r"suicid|self[- ]?harm|harm|hurt|kill|die|dead|death|life|overdos|cut|violen|abus|assault|"
        r"hit|beat|threat|weapon|gun|knife|safety|risk|rape|molest|unsafe|danger",
        re.IGNORECASE,
    ),
    "medication": re.compile(
        r"medicat|\bmeds?\b|medicine|dose|mg\b|prescri|pill|tablet|refill|taper|start|stop|"
        r"increas|decreas|switch",
        re.IGNORECASE,
    ),
    "safety_plan": re.compile(
        r"safety|crisis|hotline|988|911|emergency|plan|warning sign|coping|support", re.IGNORECASE
    ),
    "appointment": re.compile(
        r"appointment|session|follow|return|next|week|month|schedul|review|see|visit|back",
        re.IGNORECASE,
    ),
    "clinical": re.compile(r".", re.IGNORECASE),
}
_NEG = frozenset({"no", "not", "never", "don't", "didn't", "haven't", "wouldn't", "won't", "nope"})


@dataclass(frozen=True)
class Salient:
    category: str
    segments: tuple[int, ...]


def _negated_risk(text: str, match: re.Match[str]) -> bool:
    if re.match(r"(?:not|don't|do not|didn't) ", match.group(0), re.IGNORECASE):
        return False  # the negation is part of the disclosure ("don't want to wake up")
    before = tokens(text[: match.start()])[-5:]
    return any(w in _NEG or w.endswith("n't") for w in before)


def _risk_segments(index: TranscriptIndex) -> list[int]:
    out: list[int] = []
    segs = index.segments
    for i, seg in enumerate(segs):
        m = RISK_TERMS.search(seg.text)
        if not m:
            continue
        if index.roles[i] != "clinician":
            if not all(_negated_risk(seg.text, x) for x in RISK_TERMS.finditer(seg.text)):
                out.append(i)
        elif _QUESTION.search(seg.text) and i + 1 < len(segs) and index.roles[i + 1] != "clinician":
            answer = segs[i + 1].text
            if _YES_ANSWER.search(answer) and not _NO_ANSWER.search(answer):
                out.extend([i, i + 1])
    return out


def salient_segments(index: TranscriptIndex) -> list[Salient]:
    """Salient segment groups (adjacent hits of one category merged), in category order."""
    cached = getattr(index, "_salient", None)
    if isinstance(cached, list):
        return cached
    index._salient = found = _salient(index)
    return found


def _salient(index: TranscriptIndex) -> list[Salient]:
    hits: dict[str, list[int]] = {c: [] for c in CATEGORIES}
    hits["risk"] = _risk_segments(index)
    for i, seg in enumerate(index.segments):
        text = seg.text
        ents = entities_in(text)
        if MEDICATION_CHANGE.search(text) and (
            MEDICATION_WORD.search(text) or any(e.kind == "drug" for e in ents)
        ):
            hits["medication"].append(i)
        if SAFETY_PLAN.search(text):
            hits["safety_plan"].append(i)
        if APPOINTMENT.search(text) and index.roles[i] == "clinician":
            hits["appointment"].append(i)
        if ents and index.roles[i] != "clinician":
            hits["clinical"].append(i)
    out: list[Salient] = []
    taken: set[int] = set()
    for cat in CATEGORIES:
        group: list[int] = []
        for i in sorted(set(hits[cat]) - (taken if cat != "risk" else set())):
            if group and i - group[-1] > 2:
                out.append(Salient(cat, tuple(group)))
                group = []
            group.append(i)
        if group:
            out.append(Salient(cat, tuple(group)))
        taken.update(hits[cat])
    return out


def covered(
    index: TranscriptIndex,
    salient: Salient,
    statements: list[tuple[str, tuple[int, ...]]],
) -> bool:
    """Whether some statement (text, evidence indices) speaks to this salient group."""
    near = {j for i in salient.segments for j in range(i - 1, i + 2)}
    group_stems: set[str] = set()
    for i in salient.segments:
        group_stems.update(index.stem_sets[i])
    cue = _COVERS[salient.category]
    for text, evidence in statements:
        if not cue.search(text):
            continue
        stems = set(content_stems(text))
        overlap = len(stems & group_stems)
        if near.intersection(evidence) and overlap >= 1:
            return True
        if overlap >= min(3, max(1, len(group_stems) // 3)):
            return True
    return False
