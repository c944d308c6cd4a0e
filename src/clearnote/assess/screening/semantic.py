"""A model-based screening backend: sentence embeddings against written prototype sentences.

Each sentence a non-clinician says is embedded (all-MiniLM-L6-v2 through the ``Embedder`` port)
and compared with prototype sentences written per clinical concept (C-SSRS screener concepts:
wish to be dead, indirect ideation, active ideation, method, intent, plan, preparatory behaviour,
attempt) and with negative prototypes (figurative speech, someone else, media, supportive talk to
another person, denials, recovery, everyday stress). A sentence raises a flag at the concept's
level when its best positive cosine is at least ``threshold`` and beats the best negative cosine
by at least ``margin``. The flag's rule reads ``<concept>@<cosine>`` (``semantic:<concept>@0.71``
once :func:`~clearnote.assess.screening.backends.screen_with` prefixes the backend name).

It only adds recall on top of the rule layer and defers to the rule layer's reading of a
sentence: sentences the rules read as a denial or a third-party/media mention are skipped (a bare
topic mention, the word "suicide" with no reading of whose it is, is not such a reading), and so
are segments the rules already flagged for the domain, figurative idioms (masked by the rules'
figurative patterns before embedding), sentences whose subject is someone else, and sentences
addressed to another person ("you ...") with no first person in them.
"""

from __future__ import annotations

import importlib
import importlib.resources
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearnote.assess.screening.aggregate import Aggregate, aggregate_flag, weak_signs
from clearnote.assess.screening.rules import RulesError, RuleSet
from clearnote.assess.screening.text import Sentence, analyse, split_sentences
from clearnote.domain.screening import LEVELS, BackendInfo, Domain, RiskFlag, ScreeningReport
from clearnote.domain.transcript import Role, Segment, Transcript
from clearnote.embed import Embedder
from clearnote.files import parse_yaml, read_yaml_mapping

BACKEND_NAME = "semantic"
DEFAULT_PROTOTYPES = "screening_prototypes.yaml"
MAX_PIECE_WORDS = 40  # longer sentences (run-on typed text) are embedded in clause pieces
_TOKEN = re.compile(r"[\w'-]+")
_SECOND = frozenset({"you", "you're", "your", "yours", "yourself", "you've", "you'll", "you'd"})
_FIRST = frozenset({"i", "i'm", "i've", "i'd", "i'll", "me", "myself", "my", "mine"})
_PIECE_BREAK = re.compile(r",|;|:|\s-\s|\b(?:but|and then|so|because|cause|although|though)\b")


class PrototypesError(RulesError):
    """A prototypes file is malformed (names the file and the field, never text)."""


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ConceptSpec(_Spec):
    id: str
    domain: Domain
    level: str
    source: str
    examples: tuple[str, ...] = Field(min_length=1)


class NegativeSpec(_Spec):
    id: str
    source: str
    examples: tuple[str, ...] = Field(min_length=1)


class AggregateSpec(_Spec):
    """Several weak signs in one transcript (see aggregate.py)."""

    id: str
    domain: Domain
    level: str
    source: str
    k: int = Field(ge=2)
    threshold: float = Field(gt=0, le=1)


class PrototypeSetSpec(_Spec):
    name: str
    version: str
    source: str
    model: str
    threshold: float = Field(gt=0, le=1)
    margin: float = Field(ge=0, le=1)
    top_k: int = Field(default=5, ge=1)
    negative_top_k: int = Field(default=3, ge=1)
    min_words: int = Field(default=4, ge=1)
    concepts: tuple[ConceptSpec, ...] = Field(min_length=1)
    negatives: tuple[NegativeSpec, ...] = ()
    aggregate: AggregateSpec | None = None


@dataclass(frozen=True)
class PrototypeSet:
    """Validated prototypes: flat example lists with the concept/group index of each."""

    name: str
    version: str
    model: str
    threshold: float
    margin: float
    top_k: int
    negative_top_k: int
    min_words: int
    concepts: tuple[ConceptSpec, ...]
    negatives: tuple[NegativeSpec, ...]
    aggregate: Aggregate | None = None

    @property
    def positive_texts(self) -> list[str]:
        return [e for c in self.concepts for e in c.examples]

    @property
    def positive_index(self) -> list[int]:
        return [i for i, c in enumerate(self.concepts) for _ in c.examples]

    @property
    def negative_texts(self) -> list[str]:
        return [e for n in self.negatives for e in n.examples]

    @property
    def negative_index(self) -> list[int]:
        return [i for i, n in enumerate(self.negatives) for _ in n.examples]

    def with_decision(
        self,
        *,
        threshold: float | None = None,
        margin: float | None = None,
        aggregate: Aggregate | None | Literal["keep"] = "keep",
    ) -> PrototypeSet:
        """The same prototypes with another decision rule (for tuning and tests); ``aggregate``
        None turns the several-weak-signs rule off."""
        return PrototypeSet(
            name=self.name,
            version=self.version,
            model=self.model,
            threshold=self.threshold if threshold is None else threshold,
            margin=self.margin if margin is None else margin,
            top_k=self.top_k,
            negative_top_k=self.negative_top_k,
            min_words=self.min_words,
            concepts=self.concepts,
            negatives=self.negatives,
            aggregate=self.aggregate if aggregate == "keep" else aggregate,
        )

    def __repr__(self) -> str:
        return (
            f"PrototypeSet(name={self.name!r}, version={self.version!r}, "
            f"concepts={len(self.concepts)}, negatives={len(self.negatives)})"
        )


def compile_prototypes(data: Mapping[str, Any], *, source: str = "prototypes") -> PrototypeSet:
    """Validate a parsed prototypes document; errors name the field, never an example."""
    try:
        spec = PrototypeSetSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PrototypesError(f"{source}: invalid field '{where}' ({first['type']})") from None
    seen: set[str] = set()
    for gid in [c.id for c in spec.concepts] + [n.id for n in spec.negatives]:
        if gid in seen:
            raise PrototypesError(f"{source}: duplicate id '{gid}'")
        seen.add(gid)
    for concept in spec.concepts:
        if concept.level not in LEVELS[concept.domain]:
            raise PrototypesError(
                f"{source}: concept '{concept.id}': level '{concept.level}' is not a "
                f"{concept.domain} level"
            )
    agg = spec.aggregate
    if agg is not None:
        if agg.level not in LEVELS[agg.domain]:
            raise PrototypesError(
                f"{source}: aggregate '{agg.id}': level '{agg.level}' is not a {agg.domain} level"
            )
        if agg.threshold > spec.threshold:
            raise PrototypesError(
                f"{source}: aggregate '{agg.id}': threshold is above the sentence threshold"
            )
        if agg.domain not in {c.domain for c in spec.concepts}:
            raise PrototypesError(f"{source}: aggregate '{agg.id}': no concept of its domain")
    return PrototypeSet(
        name=spec.name,
        version=spec.version,
        model=spec.model,
        threshold=spec.threshold,
        margin=spec.margin,
        top_k=spec.top_k,
        negative_top_k=spec.negative_top_k,
        min_words=spec.min_words,
        concepts=spec.concepts,
        negatives=spec.negatives,
        aggregate=(
            None
            if agg is None
            else Aggregate(
                id=agg.id, domain=agg.domain, level=agg.level, k=agg.k, threshold=agg.threshold
            )
        ),
    )


def load_prototypes(path: Path) -> PrototypeSet:
    """Read and validate a prototypes file; errors name the file."""
    return compile_prototypes(read_yaml_mapping(path, error=PrototypesError), source=str(path))


@lru_cache(maxsize=1)
def default_prototypes() -> PrototypeSet:
    """The prototypes shipped with Clearnote (validated once per process)."""
    resource = importlib.resources.files("clearnote.assess").joinpath("data", DEFAULT_PROTOTYPES)
    data = parse_yaml(
        resource.read_text(encoding="utf-8"), DEFAULT_PROTOTYPES, error=PrototypesError
    )
    if not isinstance(data, dict):
        raise PrototypesError(f"{DEFAULT_PROTOTYPES}: expected a mapping at the top level")
    return compile_prototypes(data, source=DEFAULT_PROTOTYPES)


# -- which sentences are looked at ------------------------------------------------------------

Person = Literal["first", "second", "third", "none"]


def _base(tok: str) -> str:
    return tok[:-2] if tok.endswith("'s") else tok[:-1] if tok.endswith("s'") else tok


def _third_party_word(tokens: Sequence[str], i: int, rules: RuleSet) -> bool:
    tok = tokens[i]
    if tok in rules.third_person or tok in rules.media:
        return True
    base = _base(tok)
    return base in rules.relations and (
        base != tok or any(t in rules.determiners for t in tokens[max(0, i - 3) : i])
    )


def person(sentence: Sentence, rules: RuleSet) -> Person:
    """Whose state a sentence may be about: ``first`` when the speaker appears in it at all (I,
    me, my...; "my" before a relation word is that person), else ``third`` when someone else or a
    film/book/news item does, ``second`` when it only addresses another person ("you ..."), else
    ``none`` (impersonal: "life isn't worth living"). Mixed sentences ("my friend told me she
    wants to die") count as first person: the model and its third-party negatives judge them."""
    tokens = _TOKEN.findall(sentence.masked)
    for i, tok in enumerate(tokens):
        if tok in _FIRST or tok in rules.first_person:
            if tok == "my" and any(_base(t) in rules.relations for t in tokens[i + 1 : i + 3]):
                continue  # "my brother", "my best friend's"
            return "first"
    if any(_third_party_word(tokens, i, rules) for i in range(len(tokens))):
        return "third"
    if _SECOND & set(tokens):
        return "second"
    return "none"


def _pieces(text: str) -> list[str]:
    """A sentence, or clause pieces of at most about MAX_PIECE_WORDS words when it is long."""
    words = text.split()
    if len(words) <= MAX_PIECE_WORDS:
        return [" ".join(words)]
    parts = [p.strip() for p in _PIECE_BREAK.split(text) if p.strip()]
    out: list[str] = []
    current: list[str] = []
    for part in parts:
        pw = part.split()
        if current and len(current) + len(pw) > MAX_PIECE_WORDS:
            out.append(" ".join(current))
            current = []
        while len(pw) > MAX_PIECE_WORDS:
            out.append(" ".join(pw[:MAX_PIECE_WORDS]))
            pw = pw[MAX_PIECE_WORDS:]
        current.extend(pw)
    if current:
        out.append(" ".join(current))
    return out


@dataclass(frozen=True)
class Candidate:
    """One piece of a non-clinician sentence to embed."""

    segment: Segment
    role: Role
    original: str  # the whole sentence, for the flag's quote
    text: str  # normalized, figurative idioms masked out: what is embedded

    def __repr__(self) -> str:
        return f"Candidate(segment={self.segment.id!r}, chars={len(self.text)})"


@dataclass(frozen=True)
class Match:
    """The best positive concept and best negative group for one candidate."""

    concept: int
    positive: float
    negative_group: int  # -1 when there are no negatives
    negative: float


def _skip_quotes(
    report: ScreeningReport, domains: frozenset[Domain], topic_rules: frozenset[str]
) -> set[tuple[str, str]]:
    """(segment id, sentence) pairs the rule layer read as a denial or as someone else's (a
    third party, a film). A topic mention (the word came up, e.g. "suicide ... on my mind") is
    no reading of whose experience it is, so it does not keep the sentence from the model."""
    out: set[tuple[str, str]] = set()
    for result in report.domains:
        if result.domain not in domains:
            continue
        for finding in result.evidence:
            if finding.kind == "denial" or (
                finding.kind == "mention" and finding.rule not in topic_rules
            ):
                for sid in finding.segment_ids:
                    out.add((sid, finding.quote))
    return out


def _denied_answers(report: ScreeningReport, domains: frozenset[Domain]) -> set[str]:
    """Answer segments the rule layer read as a "no" to a screening question."""
    out: set[str] = set()
    for result in report.domains:
        if result.domain not in domains:
            continue
        for finding in result.evidence:
            if finding.kind == "denial" and len(finding.segment_ids) > 1:
                out.add(finding.segment_ids[-1])
    return out


def _flagged_segments(report: ScreeningReport, domains: frozenset[Domain]) -> set[str]:
    return {
        sid
        for result in report.domains
        if result.domain in domains
        for flag in result.flags
        for sid in flag.segment_ids
    }


def _groups(index: Sequence[int]) -> list[NDArray[np.int64]]:
    """Column numbers of each group, in group order."""
    arr = np.asarray(index, dtype=np.int64)
    return [np.flatnonzero(arr == g) for g in range(int(arr.max()) + 1)] if len(arr) else []


def _group_scores(
    sims: NDArray[np.float32], groups: Sequence[NDArray[np.int64]], k: int
) -> NDArray[np.float32]:
    """(rows, groups): the mean of each group's k highest cosines (all of them if fewer)."""
    out = np.empty((sims.shape[0], len(groups)), dtype=np.float32)
    for g, cols in enumerate(groups):
        sub = sims[:, cols]
        kk = min(k, sub.shape[1])
        top = np.partition(sub, sub.shape[1] - kk, axis=1)[:, sub.shape[1] - kk :]
        out[:, g] = top.mean(axis=1)
    return out


def open_sentences(
    transcript: Transcript,
    rule_report: ScreeningReport,
    rules: RuleSet,
    domains: frozenset[Domain],
) -> list[Candidate]:
    """The sentences a model-based backend may read: the non-clinician's, in segments the rule
    layer neither flagged for ``domains`` nor read as a "no" to a screening question, minus
    sentences it read as a denial or as someone else's, and minus sentences about someone else or
    addressed to another person (:func:`person`). ``text`` is the figurative-masked sentence."""
    topic = frozenset(r.id for r in rules.rules if r.topic)
    skip = _skip_quotes(rule_report, domains, topic)
    denied = _denied_answers(rule_report, domains)
    flagged = _flagged_segments(rule_report, domains)
    out: list[Candidate] = []
    for seg in transcript.segments:
        role = transcript.role_of(seg.speaker)
        if role == "clinician" or seg.id in flagged or seg.id in denied:
            continue
        for original in split_sentences(seg.text):
            if (seg.id, original) in skip:
                continue
            sentence = analyse(original, rules)
            if person(sentence, rules) in ("second", "third"):
                continue
            out.append(Candidate(seg, role, original, sentence.masked))
    return out


class SemanticScreener:
    """The semantic backend (a ``ScreeningBackend``): prototypes are embedded once, each
    transcript's candidate sentences in one batch."""

    def __init__(self, embedder: Embedder, prototypes: PrototypeSet, rules: RuleSet) -> None:
        self.embedder = embedder
        self.prototypes = prototypes
        self.rules = rules
        self._domains = frozenset(c.domain for c in prototypes.concepts)
        self._pos = embedder.embed(prototypes.positive_texts)
        self._pos_groups = _groups(prototypes.positive_index)
        neg_texts = prototypes.negative_texts
        self._neg = embedder.embed(neg_texts) if neg_texts else None
        self._neg_groups = _groups(prototypes.negative_index)

    @property
    def info(self) -> BackendInfo:
        p = self.prototypes
        agg = p.aggregate
        several = "" if agg is None else f",{agg.id}={agg.k}x{agg.threshold:.2f}"
        return BackendInfo(
            name=BACKEND_NAME,
            version=(
                f"{p.name}/{p.version}/{self.embedder.name}/threshold={p.threshold:.2f},"
                f"margin={p.margin:.2f},top_k={p.top_k}/{p.negative_top_k}{several}"
            ),
        )

    def with_decision(
        self,
        *,
        threshold: float | None = None,
        margin: float | None = None,
        aggregate: Aggregate | None | Literal["keep"] = "keep",
    ) -> SemanticScreener:
        """A copy with another decision rule that reuses the embedded prototypes."""
        clone = object.__new__(SemanticScreener)
        clone.__dict__.update(self.__dict__)
        clone.prototypes = self.prototypes.with_decision(
            threshold=threshold, margin=margin, aggregate=aggregate
        )
        return clone

    # -- selection -------------------------------------------------------------------------
    def candidates(self, transcript: Transcript, rule_report: ScreeningReport) -> list[Candidate]:
        """Non-clinician sentences the rule layer left open, in transcript order (long ones in
        clause pieces)."""
        return [
            Candidate(c.segment, c.role, c.original, piece)
            for c in open_sentences(transcript, rule_report, self.rules, self._domains)
            for piece in _pieces(c.text)
            if len(_TOKEN.findall(piece)) >= self.prototypes.min_words
        ]

    # -- scoring ---------------------------------------------------------------------------
    def match(self, vectors: NDArray[np.float32]) -> list[Match]:
        """Best positive concept and best negative group per row of ``vectors``. A group's score
        is the mean of its ``top_k`` highest cosines (``negative_top_k`` for negatives), so one
        prototype with a similar shape but another meaning cannot decide alone."""
        if len(vectors) == 0:
            return []
        pos = _group_scores(vectors @ self._pos.T, self._pos_groups, self.prototypes.top_k)
        best_pos = pos.argmax(axis=1)
        if self._neg is not None:
            neg = _group_scores(
                vectors @ self._neg.T, self._neg_groups, self.prototypes.negative_top_k
            )
            best_neg = neg.argmax(axis=1)
        rows = range(len(vectors))
        return [
            Match(
                concept=int(best_pos[i]),
                positive=float(pos[i, best_pos[i]]),
                negative_group=int(best_neg[i]) if self._neg is not None else -1,
                negative=float(neg[i, best_neg[i]]) if self._neg is not None else 0.0,
            )
            for i in rows
        ]

    def decide(self, m: Match) -> bool:
        p = self.prototypes
        return m.positive >= p.threshold and m.positive - m.negative >= p.margin

    def flags_for(
        self, cands: Sequence[Candidate], matches: Sequence[Match]
    ) -> list[tuple[Domain, RiskFlag]]:
        """One flag per (segment, sentence): the best-scoring piece that passes."""
        best: dict[tuple[str, str], tuple[Candidate, Match]] = {}
        for cand, m in zip(cands, matches, strict=True):
            if not self.decide(m):
                continue
            key = (cand.segment.id, cand.original)
            if key not in best or m.positive > best[key][1].positive:
                best[key] = (cand, m)
        out: list[tuple[Domain, RiskFlag]] = []
        for cand, m in best.values():
            concept = self.prototypes.concepts[m.concept]
            out.append(
                (
                    concept.domain,
                    RiskFlag(
                        level=concept.level,
                        segment_ids=(cand.segment.id,),
                        quote=cand.original,
                        start=cand.segment.start,
                        rule=f"{concept.id}@{m.positive:.2f}",
                        speaker_role=cand.role,
                    ),
                )
            )
        return out

    def several_weak_signs(
        self,
        cands: Sequence[Candidate],
        matches: Sequence[Match],
        rule_report: ScreeningReport,
        flags: Sequence[tuple[Domain, RiskFlag]],
    ) -> list[tuple[Domain, RiskFlag]]:
        """The aggregate flag (aggregate.py), only for a domain nothing else flagged."""
        agg = self.prototypes.aggregate
        if agg is None or any(d == agg.domain for d, _ in flags):
            return []
        if rule_report.domain(agg.domain).status == "flagged":
            return []
        signs = weak_signs(agg, self.prototypes.concepts, cands, matches, self.prototypes.margin)
        flag = aggregate_flag(agg, signs)
        return [] if flag is None else [(agg.domain, flag)]

    def propose(
        self, transcript: Transcript, rule_report: ScreeningReport
    ) -> list[tuple[Domain, RiskFlag]]:
        cands = self.candidates(transcript, rule_report)
        if not cands:
            return []
        vectors = self.embedder.embed([c.text for c in cands])
        matches = self.match(vectors)
        flags = self.flags_for(cands, matches)
        return flags + self.several_weak_signs(cands, matches, rule_report, flags)

    def __repr__(self) -> str:
        return f"SemanticScreener(prototypes={self.prototypes!r}, embedder={self.embedder.name!r})"


__all__ = [
    "BACKEND_NAME",
    "Candidate",
    "Match",
    "PrototypeSet",
    "PrototypesError",
    "SemanticScreener",
    "compile_prototypes",
    "default_prototypes",
    "default_semantic",
    "load_prototypes",
    "open_sentences",
    "person",
]


@lru_cache(maxsize=1)
def _shared_semantic() -> SemanticScreener:
    from clearnote.assess.screening.loader import default_rules
    from clearnote.embed.minilm import shared_embedder

    return SemanticScreener(shared_embedder(), default_prototypes(), default_rules())


def default_semantic(rules: RuleSet) -> SemanticScreener:
    """The shipped prototypes with the bundled MiniLM model, loaded and embedded once per process
    (ModelError when the model package is not installed)."""
    shared = _shared_semantic()
    if rules is shared.rules:
        return shared
    clone = object.__new__(SemanticScreener)
    clone.__dict__.update(shared.__dict__)
    clone.rules = rules
    return clone
