"""The extractive drafter: select what matters in a transcript, rewrite it in clinical third
person and tag each statement with a content kind and the segments it came from.

No model: every statement is built from one sentence of one segment (or a question and its
answer), so its evidence is exact by construction. It never writes a negative the session did not
contain: a denial is written only from a clinician's question answered "no", citing both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearnote.domain.transcript import Segment, Transcript
from clearnote.notes import lexicon as lx
from clearnote.notes.rewrite import client_statement, clinician_statement, topic_phrase
from clearnote.notes.text import (
    expand_contractions,
    finish,
    normalize,
    split_sentences,
    strip_lead,
    words,
)

_KIND_WEIGHT = {
    "risk": 10.0,
    "score": 8.0,
    "next_appointment": 7.0,
    "homework": 6.0,
    "medication": 5.0,
    "denial": 3.5,
    "plan": 4.5,
    "intervention": 4.0,
    "symptom": 4.0,
    "presenting_concern": 4.5,
    "finding": 4.0,
    "assessment": 3.5,
    "response": 3.5,
    "goal": 3.5,
    "stressor": 3.0,
    "history": 2.0,
}
_ALWAYS = frozenset({"risk", "score", "next_appointment", "homework"})
_NO_WORDS = re.compile(
    r"^[ ,.]*(?:no|nope|nah|not really|no,? not really|never|none|not at all|no,? never|negative|"
    r"(?:no,? )?i (?:do not|did not|have not|had not|am not|was not|have never|never|don't|"
    r"didn't|haven't|hadn't|wasn't)|(?:no,? )?i'm not|(?:no,? )?not that i (?:know|recall))"
    r"\b[ ,.!]*",
    re.I,
)
_PRAISE = re.compile(
    r"^(?:that|this|it) (?:is|was|sounds|seems) (?:a |really |very |so )*"
    r"(?:good|great|wonderful|excellent|fantastic|understandable|helpful)\b",
    re.I,
)
_IMPERATIVE = re.compile(
    r"^(?:show|tell|give|look|hold|take|lie|sit|stand|breathe in|push|"
    r"squeeze|open|close|follow|let me)\b",
    re.I,
)
_PROCEDURAL = re.compile(
    r"(?:^|\b(?=let ))(?:let us|let me|I am going to|I will|I want to|we will|we are going to)\s+"
    r"(?:just |go ahead and |quickly )*(?:take a (?:quick )?look|look|talk|go over|get|come|have|"
    r"check|start|chat|review (?:the|my|your|some))\b|come this way|if not\b"
    r"|\b(?:do|perform|have|take) (?:a |an |your |the )?(?:quick |brief |full )?"
    r"(?:physical )?(?:exam|examination)\b(?! (?:shows|showed|revealed|is|was))"
    r"|\b(?:we|I) (?:just )?(?:did|went over|reviewed|went through) (?:the |a |your )?"
    r"(?:review of systems|ros|exam)\b",
    re.I,
)
_YES_WORDS = re.compile(
    r"^[ ,.]*(?:yes|yeah|yep|yup|i do|i have|i am|sure|correct|right)\b"
    r"(?![ ,]*(?:not|n't|never|no)\b)",
    re.I,
)
_YN_TOPIC = tuple(
    re.compile(p, re.I)
    for p in (
        r"^(?:do|did|does) you (?:have|get|experience|notice|take) (?:any )?(.+)$",
        r"^(?:do|did) you (feel|ever feel|think about|use|drink|smoke) (.+)$",
        r"^(?:have|had) you (?:had|noticed|experienced|been having|felt|ever had) (?:any )?(.+)$",
        r"^(?:are|were) you (having|experiencing|taking|using|drinking|smoking|feeling) "
        r"(?:any )?(.+)$",
        r"^(?:any|and any|no) (.+)$",
        r"^(?:is|was) there (?:any )?(.+)$",
    )
)
_WH_AUX = re.compile(
    r"^(what|how(?: long| often| much| many| far| well)?|when|where|why|which|who)\s+"
    r"(is|are|was|were|do|does|did|have|has|had|would|will|can|could|should)\s+"
    r"(you|it|that|this|he|she|they|things|(?:your|the|this|that) \w+)\b(.*)$",
    re.I,
)


@dataclass(frozen=True)
class DraftItem:
    """One drafted statement before it is placed in a section."""

    kind: str
    text: str
    evidence: tuple[str, ...]
    score: float
    order: int  # index of the first cited segment, to keep transcript order


def _client_label(transcript: Transcript) -> str:
    for sp in transcript.speakers:
        if sp.role == "client" and sp.label and sp.label.strip().lower() == "patient":
            return "Patient"
    return "Client"


def _is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?")


def _content_words(text: str) -> int:
    return sum(1 for w in words(text) if len(w) > 2)


def _kind_client(sentence: str, early: bool, after_intervention: bool) -> str | None:
    if lx.RISK.search(sentence):
        return "risk"
    if lx.SCORE.search(sentence):
        return "score"
    if lx.MEDICATION.search(sentence):
        return "medication"
    if after_intervention and lx.RESPONSE.search(sentence):
        return "response"
    if lx.GOAL.search(expand_contractions(sentence)):
        return "goal"
    if lx.SYMPTOM.search(sentence):
        return "presenting_concern" if early else "symptom"
    if lx.STRESSOR.search(sentence):
        return "presenting_concern" if early else "stressor"
    if lx.HISTORY.search(sentence):
        return "history"
    if after_intervention and re.search(r"\b(?:helped|tried|try|noticed|felt)\b", sentence, re.I):
        return "response"
    return None


def _kind_clinician(sentence: str) -> str | None:
    text = expand_contractions(sentence)
    if lx.MSE_OBSERVATION.search(text):
        return None  # observational mental status is the clinician's to write
    if _PRAISE.match(strip_lead(text)) or _IMPERATIVE.match(strip_lead(text)):
        return None
    if _PROCEDURAL.search(strip_lead(text)) and not lx.INTERVENTION.search(text):
        return None
    if lx.NEXT_APPT.search(text):
        return "next_appointment"
    if lx.SCORE.search(text) and re.search(
        r"\d|\b(?:one|two|three|four|five|six|seven|eight|"
        r"nine|ten|eleven|twelve|fifteen|twenty)\b",
        text,
        re.I,
    ):
        return "score"
    if re.search(r"year[- ]old|past medical history|history of", text, re.I):
        return "history"
    if lx.HOMEWORK.search(text):
        return "homework"
    if lx.PLAN.search(text):
        return "plan"
    if lx.INTERVENTION.search(text):
        return "intervention"
    if lx.FINDING.search(text):
        return "finding"
    if lx.HISTORY.search(text):
        return "history"
    if lx.ASSESSMENT.search(text):
        return "assessment"
    return None


def _salience(kind: str, sentence: str) -> float:
    score = _KIND_WEIGHT.get(kind, 1.0)
    if lx.DURATION.search(sentence):
        score += 1.5
    if lx.SEVERITY.search(sentence):
        score += 0.5
    if re.search(r"\d", sentence):
        score += 0.5
    score += min(_content_words(sentence), 20) / 10.0
    return score


def _yn_topic(question: str) -> str | None:
    q = strip_lead(expand_contractions(normalize(question))).rstrip("?. ").strip()
    q = re.sub(r",?\s*(?:or anything(?: like that)?|at all|lately|recently)$", "", q, flags=re.I)
    for pattern in _YN_TOPIC:
        m = pattern.match(q)
        if not m:
            continue
        if m.re.groups == 2:
            verb, rest = m[1].lower(), m[2]
            topic = f"{'feeling' if 'feel' in verb else verb} {rest}" if verb != "having" else rest
        else:
            topic = m[1]
        topic = topic_phrase(topic).strip(" ,")
        if re.fullmatch(
            r"(?:any ?)?(?:that|this|it|those|these|them|one|anything|something|else|that before|"
            r"it before|this before|anything else|any of that|any of those|other symptoms|"
            r"issues with (?:that|this|it))",
            topic,
        ):
            return None  # a pronoun topic ("denied that before") says nothing checkable
        if re.search(r"\bclinician\b|\bquestions?\b|^(?:medications? )?themselves$", topic):
            return None  # "any questions for me?", "like me?": not a clinical denial
        if 1 <= len(topic.split()) <= 12 and "?" not in topic:
            return topic
    return None


def _wh_indirect(question: str) -> str | None:
    q = strip_lead(expand_contractions(normalize(question))).rstrip("?. ").strip()
    m = _WH_AUX.match(q)
    if not m:
        return None
    wh, aux, subj, rest = m[1], m[2].lower(), m[3], m[4]
    if re.fullmatch(r"\s*(?:doing|going|feeling)?(?: today| now| this morning)?", rest, re.I):
        return None  # "how are you doing?": a greeting, not history
    aux_part = "" if aux in {"do", "does", "did"} else f" {aux}"
    out = f"{wh.lower()} {subj}{aux_part}{rest}"
    out = topic_phrase(out)
    out = re.sub(r"\bthey is\b", "they are", out)
    out = re.sub(r"\bthey has\b", "they have", out)
    out = re.sub(r"\bthey was\b", "they were", out)
    return out if len(out.split()) <= 16 else None


def _fragment(text: str) -> bool:
    t = strip_lead(expand_contractions(normalize(text)))
    return not re.match(r"^(?:I|my|it|we|our|he|she|they|there|that|this|me)\b", t, re.I)


def _qa_statement(question: str, answer: str, subject: str) -> tuple[str, str] | None:
    """(kind-hint, text) for a client's short answer to a clinician's question."""
    ans = normalize(answer)
    if _NO_WORDS.match(ans):
        topic = _yn_topic(question)
        if topic is None:
            return None
        return "denial", finish(f"{subject} denied {topic}")
    frag = strip_lead(expand_contractions(ans))
    frag = re.sub(r"[?]+$", "", frag)
    if re.search(r"\byou\b|\b(?:hi|hello|hey|thanks|thank|bye)\b", frag, re.I):
        return None
    if not frag or len(words(frag)) > 30:
        return None
    topic = _yn_topic(question)
    if topic is not None:
        if _YES_WORDS.match(ans) and len(words(frag)) <= 3:
            return "symptom", finish(f"{subject} endorsed {topic}")
        body = client_statement(frag, subject) or ""
        body = re.sub(rf"^{subject} reported (?:that )?", "", body).rstrip(".")
        return "symptom", finish(f"When asked about {topic}, {subject.lower()} reported {body}")
    indirect = _wh_indirect(question)
    if indirect is None or _content_words(frag) < 2:
        return None
    body = client_statement(frag, subject) or ""
    body = re.sub(rf"^{subject} reported (?:that )?", "", body).rstrip(".")
    return "symptom", finish(f"When asked {indirect}, {subject.lower()} reported {body}")


def _jaccard(a: str, b: str) -> float:
    wa, wb = set(words(a)), set(words(b))
    return len(wa & wb) / max(1, len(wa | wb))


def _budget_words(transcript: Transcript) -> int:
    total = sum(len(s.text.split()) for s in transcript.segments)
    return int(min(900, max(120, 0.32 * total)))


def extract(transcript: Transcript) -> list[DraftItem]:
    """Select and rewrite what matters; each item cites the segments it came from."""
    subject = _client_label(transcript)
    client_name = f"the {subject.lower()}"
    segs = transcript.segments
    roles = [transcript.role_of(s.speaker) for s in segs]
    n_client = sum(1 for r in roles if r == "client")
    items: list[DraftItem] = []
    client_seen = 0
    last_intervention = -10
    opening = False
    for i, seg in enumerate(segs):
        role = roles[i]
        sentences = split_sentences(normalize(seg.text))
        if role == "clinician":
            if lx.OPENING_Q.search(expand_contractions(seg.text)):
                opening = True
            for sent in sentences:
                if _is_question(sent) or _content_words(sent) < 4:
                    continue
                kind = _kind_clinician(sent)
                if kind is None:
                    continue
                if kind in ("intervention", "homework", "plan"):
                    last_intervention = i
                text = clinician_statement(sent, client_name)
                if text:
                    items.append(DraftItem(kind, text, (seg.id,), _salience(kind, sent), i))
            continue
        if role != "client":
            continue
        client_seen += 1
        early = opening and client_seen <= max(3, n_client // 8)
        prev = segs[i - 1] if i > 0 else None
        prev_q = (
            prev is not None and roles[i - 1] == "clinician" and _is_question(prev.text.strip())
        )
        after_iv = 0 < i - last_intervention <= 3
        for j, sent in enumerate(sentences):
            if _is_question(sent):
                continue
            if (
                j == 0
                and prev_q
                and prev is not None
                and (_fragment(sent) or len(words(sent)) <= 4)
            ):
                q_sents = split_sentences(normalize(prev.text))
                qa = _qa_statement(q_sents[-1] if q_sents else prev.text, sent, subject)
                if qa is not None:
                    hint, text = qa
                    kind = hint
                    if hint != "denial":
                        both = f"{prev.text} {sent}"
                        kind = _kind_client(both, early, after_iv) or (
                            "score" if lx.SCORE.search(prev.text) else "symptom"
                        )
                        if kind == "risk" and not lx.RISK.search(sent):
                            kind = "symptom"  # a question about risk answered with something else
                    ev = (prev.id, seg.id)
                    items.append(DraftItem(kind, text, ev, _salience(kind, sent) + 0.5, i - 1))
                continue
            if (
                _fragment(sent)
                and j > 0
                and items
                and items[-1].order >= i - 1
                and seg.id in items[-1].evidence
            ):
                tail = client_statement(sent, subject) or ""
                tail = re.sub(rf"^{subject} reported (?:that )?", "", tail).rstrip(".")
                if tail and not re.search(r"\byou\b", tail):
                    last = items[-1]
                    merged = finish(f"{last.text.rstrip('.')}; {tail[0].lower()}{tail[1:]}")
                    items[-1] = DraftItem(last.kind, merged, last.evidence, last.score, last.order)
                continue
            if _content_words(sent) < 3 or _fragment(sent) and _content_words(sent) < 8:
                continue
            if re.search(r"\byou\b", expand_contractions(sent), re.I) and not lx.RISK.search(sent):
                continue  # "you" in client speech is the clinician or generic: not reportable
            kind = _kind_client(sent, early, after_iv)
            if kind is None:
                if _content_words(sent) < 6:
                    continue
                kind = "history"
            text = client_statement(sent, subject)
            if text:
                items.append(DraftItem(kind, text, (seg.id,), _salience(kind, sent), i))
    return _select(items, _budget_words(transcript))


def _select(items: list[DraftItem], budget: int) -> list[DraftItem]:
    ranked = sorted(items, key=lambda it: (it.kind not in _ALWAYS, -it.score, it.order))
    chosen: list[DraftItem] = []
    used = 0
    denials = 0
    for it in ranked:
        if any(_jaccard(it.text, c.text) > 0.6 for c in chosen):
            continue
        n = len(it.text.split())
        if it.kind not in _ALWAYS and used + n > budget:
            continue
        if it.kind == "denial":
            if denials >= 10:
                continue
            denials += 1
        chosen.append(it)
        used += n
    return sorted(chosen, key=lambda it: (it.order, it.evidence))


def segment_by_id(transcript: Transcript) -> dict[str, Segment]:
    return {s.id: s for s in transcript.segments}
