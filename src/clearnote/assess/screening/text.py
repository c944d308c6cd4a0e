"""Pure text helpers for screening: sentences, clauses, masking, negation and subject scope."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from clearnote.assess.screening.rules import RuleSet

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=\S)")
# typed text often has no space after a full stop ("...at night.Then I"): a lower-case word, the
# stop (or an ellipsis) and a capitalised word right after it is a sentence end too; "U.S.",
# "e.g.", "3.5", "a.m." and web addresses are not (no lower-case word + capital pair around them)
_GLUED_END = re.compile(r"(?<=[a-z][a-z)'\"][.!?])(?=(?:I|[A-Z][a-z']))|(?<=[a-z]\.\.\.)(?=[A-Z])")
_CLAUSE_BREAK = re.compile(
    r";|\s-\s|\s--\s|\b(?:but|although|though|except|however|whereas|yet|although)\b"
)
# a comma, colon or dash followed by a new subject starts an independent clause (a comma splice,
# common in speech and typed text: "no, I want to die", "I'm not okay, I want it over"); negation
# does not scope across it ("you know" / "you see" are fillers, not a new subject)
_SUBJECT_BREAK = re.compile(
    r"(?:,|:|\.\.+)\s*(?=(?:i|i'm|i've|i'd|i'll|we|we're|we've|he|she|they|he's|she's|they're|"
    r"it|it's|that's|everything|everyone|nobody|life|you(?! know| see)|you're)\b)"
)
_TOKEN = re.compile(r"[\w'-]+")
_QUOTES = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2014": " - ",
        "\u2013": " - ",
    }
)
_SPACES = re.compile(r"\s+")
# contractions typed without the apostrophe ("cant", "im"), common in typed and forum text
_BARE = {
    "cant": "can't",
    "dont": "don't",
    "wont": "won't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "wouldnt": "wouldn't",
    "couldnt": "couldn't",
    "shouldnt": "shouldn't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "arent": "aren't",
    "werent": "weren't",
    "aint": "ain't",
    "im": "i'm",
    "ive": "i've",
    "id": "i'd",
    "youre": "you're",
    "theyre": "they're",
    "thats": "that's",
    "whats": "what's",
    "theres": "there's",
    "shes": "she's",
    "itll": "it'll",
    "youll": "you'll",
    "youve": "you've",
    "theyve": "they've",
    "weve": "we've",
    "wouldve": "would've",
    "shouldve": "should've",
    "couldve": "could've",
}
_BARE_RE = re.compile(r"\b(" + "|".join(_BARE) + r")\b")
NEGATION_WINDOW = 5  # tokens before a match that a negation cue may scope over


def normalize(text: str) -> str:
    """Lower case, straight quotes, single spaces. Length may change; work on the result only."""
    text = _SPACES.sub(" ", text.translate(_QUOTES)).strip().lower()
    return _BARE_RE.sub(lambda m: _BARE[m.group(1)], text)


def split_sentences(text: str) -> list[str]:
    """Split a turn into sentences (original text, trimmed)."""
    parts = _SENTENCE_END.split(text.strip())
    return [q.strip() for p in parts for q in _GLUED_END.split(p) if q.strip()]


def mask(text: str, patterns: Iterable[re.Pattern[str]]) -> str:
    """Blank out every match (same length, so offsets stay valid)."""
    for pattern in patterns:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


@dataclass(frozen=True)
class Sentence:
    """One sentence of one speaker: original words, normalized and figurative-masked forms."""

    original: str
    norm: str
    masked: str
    clause_starts: tuple[int, ...]
    negations: tuple[tuple[int, int], ...]
    scope_starts: tuple[int, ...]  # clause starts plus comma splices: negation scope only
    pseudo_negations: tuple[tuple[int, int], ...] = ()  # "can't promise I won't", "never told"

    def __repr__(self) -> str:
        return f"Sentence(chars={len(self.norm)})"

    def in_pseudo_negation(self, pos: int) -> bool:
        """Is ``pos`` inside a pseudo-negation (its negation words negate nothing here)?"""
        return any(a <= pos < b for a, b in self.pseudo_negations)

    def clause_start(self, pos: int) -> int:
        start = 0
        for s in self.clause_starts:
            if s <= pos:
                start = s
            else:
                break
        return start

    def scope_start(self, pos: int) -> int:
        """Where the negation scope holding ``pos`` begins (a clause or a comma-spliced one)."""
        start = 0
        for s in self.scope_starts:
            if s <= pos:
                start = s
            else:
                break
        return start

    def clause_end(self, pos: int) -> int:
        for s in self.clause_starts:
            if s > pos:
                return s
        return len(self.masked)


def analyse(original: str, rules: RuleSet, *, figurative: bool = True) -> Sentence:
    norm = normalize(original)
    masked = mask(norm, rules.figurative) if figurative else norm
    starts = tuple(m.end() for m in _CLAUSE_BREAK.finditer(masked))
    scopes = tuple(sorted({*starts, *(m.end() for m in _SUBJECT_BREAK.finditer(masked))}))
    pseudo = tuple((m.start(), m.end()) for p in rules.pseudo_negation for m in p.finditer(masked))
    negs = tuple(
        (m.start(), m.end())
        for m in rules.negation.finditer(masked)
        if not any(a <= m.start() < b for a, b in pseudo)
    )
    return Sentence(
        original=original,
        norm=norm,
        masked=masked,
        clause_starts=starts,
        negations=negs,
        scope_starts=scopes,
        pseudo_negations=pseudo,
    )


def negated(sentence: Sentence, start: int, end: int) -> bool:
    """A negation cue within NEGATION_WINDOW tokens before the match, or inside it, in the same
    clause (NegEx-style scope; a comma splice with a new subject ends the scope)."""
    clause = sentence.scope_start(start)
    before = sentence.masked[clause:start]
    tokens = list(_TOKEN.finditer(before))
    window_start = (
        clause + tokens[-NEGATION_WINDOW].start() if len(tokens) >= NEGATION_WINDOW else clause
    )
    return any(window_start <= a < end for a, _ in sentence.negations)


def past_marked(sentence: Sentence, pos: int, rules: RuleSet) -> bool:
    clause = sentence.masked[sentence.clause_start(pos) : sentence.clause_end(pos)]
    return rules.past_markers.search(clause) is not None


def third_party(sentence: Sentence, start: int, rules: RuleSet) -> bool:
    """Is the nearest subject before ``start`` (same clause) someone other than the speaker, or a
    film, book or news item?"""
    clause = sentence.clause_start(start)
    tokens = [t.group(0) for t in _TOKEN.finditer(sentence.masked[clause:start])]
    for i in range(len(tokens) - 1, -1, -1):
        tok = tokens[i]
        if tok in rules.first_person:
            return False
        if tok in rules.third_person or tok in rules.media:
            return True
        base = tok[:-2] if tok.endswith("'s") else tok[:-1] if tok.endswith("s'") else tok
        if base in rules.relations:
            if base != tok:  # "my sister's", "the neighbors'"
                return True
            if any(t in rules.determiners for t in tokens[max(0, i - 3) : i]):
                return True  # "my best friend", "a kid"
    return False


def word_count(text: str) -> int:
    return len(_TOKEN.findall(text))
