"""Finding lexicon entries in a session's speech. Pure.

Reuses the screening text utilities: the same normalizer, figurative masking (figures of speech
never count), NegEx-style negation scope (a negated match is a denial, not a finding) and
subject scope (someone else's sleep or drinking is not the client's report).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from clearnote.assess.lexicon import Entry
from clearnote.assess.screening.rules import RuleSet
from clearnote.assess.screening.text import (
    Sentence,
    analyse,
    negated,
    normalize,
    split_sentences,
    third_party,
    word_count,
)
from clearnote.domain.transcript import Role, Segment, Transcript

MAX_SHORT_ANSWER_WORDS = 8  # a "yes" answer longer than this is read for its own content only
# a new first-person clause ends a negation's scope: "I can't sleep and I'm exhausted"
_NEW_CLAUSE = re.compile(r"\b(?:and|so|then|now)\s+(?:i|i'm|i've|i'd|i was|i am|i feel|i get)\b")


def scoped_negation(sentence: Sentence, start: int, end: int) -> bool:
    """Screening's NegEx scope, ended early by a new first-person clause."""
    if not negated(sentence, start, end):
        return False
    cues = [a for a, _ in sentence.negations if a < start]
    if not cues:
        return True  # the cue is inside the match
    between = sentence.masked[max(cues) : start]
    return _NEW_CLAUSE.search(between) is None


@dataclass(frozen=True)
class Utterance:
    """One sentence of one segment, analysed once for every entry."""

    index: int
    segment: Segment
    role: Role
    sentence: Sentence

    def __repr__(self) -> str:
        return f"Utterance(segment={self.segment.id!r}, role={self.role!r})"


@dataclass(frozen=True)
class Hit:
    """Where an entry matched: the segment(s), the sentence and how."""

    entry: str
    segment_ids: tuple[str, ...]
    quote: str
    start: float
    role: Role
    rule: str
    denied: bool = False
    matched: str = ""
    question: str = ""
    index: int = 0

    def __repr__(self) -> str:
        return f"Hit(entry={self.entry!r}, segments={self.segment_ids}, denied={self.denied})"


class SessionText:
    """Every sentence of a transcript analysed once; entries are matched against it."""

    def __init__(self, transcript: Transcript, rules: RuleSet) -> None:
        self.transcript = transcript
        self.rules = rules
        self.utterances: list[Utterance] = []
        self.roles: list[Role] = []
        for i, seg in enumerate(transcript.segments):
            role = transcript.role_of(seg.speaker)
            self.roles.append(role)
            for original in split_sentences(seg.text):
                self.utterances.append(Utterance(i, seg, role, analyse(original, rules)))
        self.known_ids = frozenset(s.id for s in transcript.segments)

    def __repr__(self) -> str:
        return f"SessionText(utterances={len(self.utterances)})"

    def client_utterances(self) -> list[Utterance]:
        return [u for u in self.utterances if u.role != "clinician"]

    def _match_one(self, entry: Entry, group: str, u: Utterance) -> Hit | None:
        text = u.sentence.masked
        if entry.requires is not None and entry.requires.search(text) is None:
            return None
        if entry.exclude_if is not None and entry.exclude_if.search(text) is not None:
            return None
        rule = f"{group}.{entry.id}"

        def hit(matched: str, denied: bool = False) -> Hit:
            return Hit(
                entry=entry.id,
                segment_ids=(u.segment.id,),
                quote=u.sentence.original,
                start=u.segment.start,
                role=u.role,
                rule=rule,
                denied=denied,
                matched=matched,
                index=u.index,
            )

        for pattern in entry.negated_patterns:
            m = pattern.search(text)
            if m is None:
                continue
            if entry.subject_check and third_party(u.sentence, m.start(), self.rules):
                return None
            return hit(m.group(0))
        for pattern in entry.patterns:
            m = pattern.search(text)
            if m is None:
                continue
            if scoped_negation(u.sentence, m.start(), m.end()):
                return hit(m.group(0), denied=True)
            if entry.subject_check and third_party(u.sentence, m.start(), self.rules):
                return None
            return hit(m.group(0))
        return None

    def match(self, entry: Entry, group: str) -> list[Hit]:
        """Hits and denials of ``entry`` in the speech it applies to, then question answers."""
        out: list[Hit] = []
        for u in self.utterances:
            if entry.speakers == "client" and u.role == "clinician":
                continue
            if u.role != "clinician" and u.sentence.original.rstrip().endswith("?"):
                continue  # a client's question is not a self-report
            found = self._match_one(entry, group, u)
            if found is not None:
                out.append(found)
        if entry.questions:
            out.extend(self._answers(entry, group))
        return out

    def hits(self, entry: Entry, group: str) -> list[Hit]:
        return [h for h in self.match(entry, group) if not h.denied]

    def _answers(self, entry: Entry, group: str) -> list[Hit]:
        """A clinician question on the entry's topic, answered with a short "yes" (a hit) or a
        clear "no" (a denial) in the next non-clinician turn."""
        out: list[Hit] = []
        segs = self.transcript.segments
        answer = self.rules.answer
        for i, seg in enumerate(segs[:-1]):
            if self.roles[i] != "clinician" or "?" not in seg.text:
                continue
            asked = [s for s in split_sentences(seg.text) if "?" in s]
            question = next(
                (q for q in asked if any(p.search(normalize(q)) for p in entry.questions)), None
            )
            if question is None or self.roles[i + 1] == "clinician":
                continue
            reply = segs[i + 1]
            first = (split_sentences(reply.text) or [""])[0]
            text = answer.filler.sub("", normalize(first))
            if not text or answer.nonanswer.search(text):
                continue
            denied = answer.deny.search(text) is not None
            if not denied and not (
                answer.affirm_word.search(text)
                and word_count(text) <= MAX_SHORT_ANSWER_WORDS
                and self.rules.negation.search(text) is None
            ):
                continue
            out.append(
                Hit(
                    entry=entry.id,
                    segment_ids=(seg.id, reply.id),
                    quote=first,
                    start=seg.start,
                    role=self.roles[i + 1],
                    rule=f"{group}.{entry.id}+answer.{'no' if denied else 'yes'}",
                    denied=denied,
                    question=question,
                    index=i + 1,
                )
            )
        return out
