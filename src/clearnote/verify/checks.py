"""Deterministic checks that similarity misses: numbers, drug and condition names, negation and
speaker. Each returns a ``Finding`` or ``None``; messages never quote transcript words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from clearnote.verify.index import Grounding, TranscriptIndex
from clearnote.verify.lexicons import RISK_TERMS, entities_in, lay_terms
from clearnote.verify.negation import (
    _QUESTION,
    _YES_ANSWER,
    mention_polarity,
    negated_items,
    polarity,
    says_no,
    says_unsure,
)
from clearnote.verify.numbers import numbers_in, said_forms, significant
from clearnote.verify.text import content_stems

Outcome = Literal["contradicted", "unsupported", "unverified_negative", "supported_negative"]


@dataclass(frozen=True)
class Finding:
    outcome: Outcome
    reason: str  # a message without transcript words
    segments: tuple[int, ...] = ()


_CLIENT_ATTRIBUTION = re.compile(
    r"^\W*(?:the\s+)?(?:client|patient|pt|he|she|they|mr\.?\s+\w+|ms\.?\s+\w+|mrs\.?\s+\w+)\s+"
    r"(?:reported|reports|stated|states|said|says|described|describes|endorsed|endorses|shared|"
    r"shares|expressed|expresses|mentioned|mentions|indicated|indicates|admitted|admits|"
    r"complained|complains|disclosed|discloses|explained|explains|noted|notes|identified)\b",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^\s*[A-Za-z][A-Za-z /&]{0,24}:\s+")


def checking_text(text: str) -> str:
    """The statement without a leading "Label:" (``PMH: Asthma`` → ``Asthma``)."""
    return _LABEL.sub("", text, count=1)


def checkable(text: str) -> bool:
    """Whether the statement names anything to look for: a content word or a number ("He is",
    "The patient comes in today for followup." do not)."""
    return bool(content_stems(text) or significant(numbers_in(text)))


# a whole statement that says "nothing found" about its topic: "Noncontributory.", "Chest: Normal."
_BLANKET_NEGATIVE = re.compile(
    r"^\W*(?:otherwise\s+|essentially\s+|all\s+)?(?:non-?contributory|unremarkable|negative|"
    r"normal|none|nil|within normal limits|wnl|no complaints?|no (?:significant )?changes?|"
    r"nothing (?:new|abnormal|significant|of note))\W*$",
    re.IGNORECASE,
)
_BLANKET_UNKNOWN = re.compile(
    r"^\W*(?:unknown|not known|not obtainable|unobtainable|unable to obtain)\W*$", re.IGNORECASE
)
# how a session says "nothing found" without a question and answer
_NEGATIVE_REMARK = re.compile(
    r"\b(?:no|not|nothing|none)\b[^.?!]{0,30}\b(?:abnormal|changed|changes|wrong)\b"
    r"|\b(?:everything|all|everyone)\b[^.?!]{0,30}\b(?:normal|fine|healthy)\b"
    r"|\b(?:is|are|was|were)\s+(?:\w+\s+)?healthy\b",
    re.IGNORECASE,
)


# a history section's name is not a topic the session says aloud
_SECTION_LABEL = re.compile(
    r"^(?:ros|review of systems|(?:past\s+)?(?:medical|surgical|family|social)\s+history|history|"
    r"[pf]mhx?|p?shx?|fhx?|hx)$",
    re.IGNORECASE,
)


def _answers(index: TranscriptIndex, unknown: bool = False) -> list[int]:
    """Segments where the session says "no" (an answer of no to a question, and the question, or
    a remark that nothing was found), or with ``unknown``, "I don't know" to a question."""
    out: list[int] = []
    segs = index.segments
    for j, seg in enumerate(segs):
        if not unknown and _NEGATIVE_REMARK.search(seg.text):
            out.append(j)
        if not (says_unsure(seg.text) if unknown else says_no(seg.text)):
            continue
        # the question may come a turn or two earlier ("Do you mean X?" "Yes." "No, none.")
        asked = [
            i
            for i in range(max(0, j - 3), j)
            if segs[i].speaker != seg.speaker and _QUESTION.search(segs[i].text)
        ]
        if asked:
            out.extend((asked[-1], j))
    return list(dict.fromkeys(out))


def check_blanket_negative(index: TranscriptIndex, text: str) -> Finding | None:
    """ "Noncontributory.", "ROS: Negative.": supported by a "no" in the session (near where the
    label's topic is discussed; a history section's name the session never says, like "ROS", is
    no topic), else a negative the session never contained. "Unknown." needs an "I don't know"."""
    labels: list[str] = []
    body = text
    while m := _LABEL.match(body):  # "CARDIOVASCULAR: Chest: Negative."
        labels.append(m.group(0).strip().rstrip(":").strip())
        body = body[m.end() :]
    unknown = bool(_BLANKET_UNKNOWN.match(body))
    if not unknown and not _BLANKET_NEGATIVE.match(body):
        return None
    found = _answers(index, unknown=unknown)
    if labels:  # "Chest: Normal." needs the answer where the chest is discussed
        topic = [i for s in content_stems(labels[-1]) for i in index.containing(s)]
        if topic:
            near = set(_window(index, tuple(topic), 2))
            found = [i for i in found if i in near]
        elif not _SECTION_LABEL.match(labels[-1]):
            found = []
    if found:
        return Finding("supported_negative", "answered so in the session", tuple(found[:4]))
    if unknown:
        return Finding("unsupported", "no answer in the session says that this is not known")
    return Finding(
        "unverified_negative",
        "the statement asserts a negative that no question and answer in the session contains",
    )


def _window(index: TranscriptIndex, evidence: tuple[int, ...], radius: int = 1) -> list[int]:
    out: set[int] = set()
    for i in evidence:
        out.update(range(max(0, i - radius), min(len(index), i + radius + 1)))
    return sorted(out)


def check_numbers(index: TranscriptIndex, text: str, g: Grounding) -> Finding | None:
    """A number in the note that the evidence does not contain."""
    wanted = significant(numbers_in(text))
    if not wanted:
        return None
    local_ids = _window(index, g.evidence)
    local: set[float] = set().union(*(index.numbers[i] for i in local_ids)) if local_ids else set()
    missing = [v for v in wanted if not said_forms(v) & local]
    if not missing:
        return None
    nowhere = [v for v in missing if not said_forms(v) & index.all_numbers]
    if local - wanted and nowhere:
        return Finding(
            "contradicted",
            f"{len(missing)} number(s) in the statement differ from those in the cited evidence",
            tuple(g.evidence),
        )
    if nowhere:
        return Finding("unsupported", f"{len(nowhere)} number(s) in the statement were never said")
    return None


def check_entities(index: TranscriptIndex, text: str) -> Finding | None:
    """Drug and condition names the transcript never mentions (nor any usual lay term for them)."""
    missing: list[str] = []
    for ent in entities_in(text):
        ok = any(
            all(s in index.all_stems for s in alt)
            and any(all(s in index.stem_sets[i] for s in alt) for i in index.containing(alt[0]))
            for alt in ent.alternatives
        )
        if not ok:
            missing.append(ent.kind)
    if not missing:
        return None
    kinds = " and ".join(sorted(set(missing)))
    return Finding("unsupported", f"{len(missing)} {kinds} name(s) not found in the transcript")


def _polarity_or_lay(index: TranscriptIndex, item: tuple[str, ...]) -> tuple[str, list[int]]:
    """How the session treats ``item``, or, when it never names it, the lay words for it
    ("denies hypertension" answered at "high blood pressure? no"). Lay words are looser ("blood
    sugar" is not diabetes), so only their denial counts: they never contradict a denial."""
    pol, segs = polarity(index, item)
    if pol != "absent":
        return pol, segs
    for alt in lay_terms(item):
        pol, segs = polarity(index, alt)
        said = frozenset().union(*(index.stem_sets[i] for i in segs))
        if pol == "denied" and set(alt) <= said:  # every word of it, not just "sleep"
            return pol, segs
    return "absent", []


def check_negation(index: TranscriptIndex, text: str) -> Finding | None:
    """A denial the client contradicted, or one the session never contained."""
    items = negated_items(text)
    if not items:
        return None
    results = [_polarity_or_lay(index, item) for item in items]
    affirmed = [segs for pol, segs in results if pol == "affirmed"]
    if affirmed:
        segs = tuple(dict.fromkeys(i for s in affirmed for i in s))[:4]
        return Finding("contradicted", "the statement denies something the client affirmed", segs)
    if any(pol == "absent" for pol, _ in results):  # one item never asked is unverified
        return Finding(
            "unverified_negative",
            "the statement asserts a negative that no question and answer in the session contains",
        )
    if any(pol == "denied" for pol, _ in results):
        segs = tuple(dict.fromkeys(i for pol, s in results if pol == "denied" for i in s))[:4]
        return Finding("supported_negative", "denied in the session", segs)
    return None


_POSITIVE_LIST = re.compile(
    r"\b(?:significant for|positive for|endorse[sd]?|complain(?:s|ed|ing)? of|reports?|reported|"
    r"history of|presents? with|experiencing|notes?|noted|has had|suffers? from)\b",
    re.IGNORECASE,
)
_LIST_SPLIT = re.compile(r",|/|\bor\b|\band\b", re.IGNORECASE)


def _positive_items(text: str) -> list[tuple[str, ...]]:
    items: list[tuple[str, ...]] = []
    risk = RISK_TERMS.search(text)
    if risk:
        risk_stems = content_stems(risk.group(0))
        if risk_stems:
            items.append(tuple(risk_stems[-2:]))
    for ent in entities_in(text):
        items.append(ent.alternatives[0])
    m = _POSITIVE_LIST.search(text)
    if m:
        clause = re.split(r"[.;:]|\bbut\b", text[m.end() :])[0]
        for part in _LIST_SPLIT.split(clause):
            stems = tuple(content_stems(part))
            if 1 <= len(stems) <= 3:
                items.append(stems)
    return list(dict.fromkeys(items))


def check_flipped(index: TranscriptIndex, text: str) -> Finding | None:
    """A positive statement (a risk, a named condition, a listed finding) the session denied."""
    if negated_items(text):
        return None
    for item in _positive_items(text):
        if "negated" in mention_polarity(text, item):
            continue  # the statement carries its own negation ("does not think they can walk")
        pol, segs = polarity(index, item)
        if pol == "denied":
            return Finding(
                "contradicted",
                "the statement affirms something the session denied",
                tuple(segs[:4]),
            )
    return None


def check_speaker(index: TranscriptIndex, text: str) -> Finding | None:
    """ "Client reported X" where only the clinician said X."""
    if not _CLIENT_ATTRIBUTION.search(text):
        return None
    query = [q for q in dict.fromkeys(content_stems(text)) if q in index.all_stems]
    if len(query) < 2:
        return None
    w = {q: index.idf(q) for q in query}
    total = sum(w.values())
    client_said: set[str] = set()
    best_clin = 0.0
    clin_seg = -1
    for i in sorted({i for q in query for i in index.containing(q)}):
        st = index.stem_sets[i]
        if index.roles[i] == "clinician":
            c = sum(w[q] for q in query if q in st) / total
            if c > best_clin:
                best_clin, clin_seg = c, i
            # a "yes" to a question makes the question's words the client's report
            j = i + 1
            if (
                j < len(index)
                and index.roles[j] != "clinician"
                and _QUESTION.search(index.segments[i].text)
                and _YES_ANSWER.search(index.segments[j].text)
            ):
                client_said |= st
        else:
            client_said |= st
    clinician_only = sum(w[q] for q in query if q not in client_said) / total
    if best_clin >= 0.6 and clinician_only >= 0.4:
        return Finding(
            "unsupported",
            "attributed to the client, but only the clinician said this",
            (clin_seg,),
        )
    return None
