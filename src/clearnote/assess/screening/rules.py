"""The screening rule set: validated from plain data, compiled into regular expressions.

Pure: takes an already-parsed mapping (the adapter in ``loader`` reads the file). Errors name the
rule id and the field, never text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearnote.domain.screening import DOMAINS, LEVELS, Domain
from clearnote.errors import BadInputError

_FRAGMENT = re.compile(r"\{([a-z_]+)\}")
RuleKind = Literal["risk", "mention", "denial", "question", "weak"]


class RulesError(BadInputError):
    """A screening rules file is malformed (names the rule id and field)."""


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RuleSpec(_Spec):
    id: str
    level: str
    source: str
    patterns: str
    subject_check: bool = False
    negated_form: bool = False
    requires: str | None = None
    exclude_if: str | None = None
    polarity: Literal["normal", "inverted"] = "normal"
    context: tuple[Domain, ...] = ()
    concept: str | None = None
    topic: bool = False


class WeakTierSpec(_Spec):
    """How weak indicators combine into a flag: ``min_distinct`` different weak concepts in the
    non-clinician speech of one transcript, or one weak rule together with a context (a flag in
    one of ``context_domains``, or a ``context`` pattern in the same speech)."""

    id: str
    level: str
    source: str
    min_distinct: int = Field(default=2, ge=2)
    context_domains: tuple[Domain, ...] = ()
    context: str | None = None


class DomainSpec(_Spec):
    past_level: str | None = None
    risk: tuple[RuleSpec, ...] = ()
    weak: tuple[RuleSpec, ...] = ()
    weak_tier: WeakTierSpec | None = None
    mention: tuple[RuleSpec, ...] = ()
    denial: tuple[RuleSpec, ...] = ()
    question: tuple[RuleSpec, ...] = ()


class FigurativeSpec(_Spec):
    source: str
    patterns: str


class AnswerSpec(_Spec):
    uncertain: str
    deny: str
    nonanswer: str
    filler: str
    reversal: str
    affirm_word: str


class SubjectSpec(_Spec):
    first: tuple[str, ...]
    third: tuple[str, ...]
    relation: tuple[str, ...]
    determiners: tuple[str, ...]
    media: tuple[str, ...]


class RuleSetSpec(_Spec):
    name: str
    version: str
    fragments: dict[str, str] = Field(default_factory=dict)
    figurative: FigurativeSpec
    pseudo_negation: str
    echo_question: str | None = None
    negation_cues: str
    past_markers: str
    answer: AnswerSpec
    subjects: SubjectSpec
    domains: dict[Domain, DomainSpec]


@dataclass(frozen=True)
class Rule:
    id: str
    domain: Domain
    kind: RuleKind
    level: str
    source: str
    patterns: tuple[re.Pattern[str], ...]
    subject_check: bool = False
    negated_form: bool = False
    requires: re.Pattern[str] | None = None
    exclude_if: re.Pattern[str] | None = None
    inverted: bool = False
    context: frozenset[Domain] = frozenset()
    concept: str = ""  # weak rules: distinct concepts are counted (defaults to the id)
    topic: bool = False  # mention rules: the word came up, whose experience is left open

    def __repr__(self) -> str:
        return f"Rule(id={self.id!r}, kind={self.kind!r}, patterns={len(self.patterns)})"


@dataclass(frozen=True)
class WeakTier:
    id: str
    domain: Domain
    level: str
    source: str
    min_distinct: int
    context_domains: frozenset[Domain]
    context: re.Pattern[str] | None


@dataclass(frozen=True)
class Answer:
    uncertain: re.Pattern[str]
    deny: re.Pattern[str]
    nonanswer: re.Pattern[str]
    filler: re.Pattern[str]
    reversal: re.Pattern[str]
    affirm_word: re.Pattern[str]


@dataclass(frozen=True)
class RuleSet:
    """Everything the engine needs, compiled once."""

    name: str
    version: str
    figurative: tuple[re.Pattern[str], ...]
    pseudo_negation: tuple[re.Pattern[str], ...]
    negation: re.Pattern[str]
    past_markers: re.Pattern[str]
    answer: Answer
    first_person: frozenset[str]
    third_person: frozenset[str]
    relations: frozenset[str]
    determiners: frozenset[str]
    media: frozenset[str]
    past_levels: Mapping[Domain, str]
    rules: tuple[Rule, ...]
    weak_tiers: Mapping[Domain, WeakTier]
    echo_question: re.Pattern[str] | None = None

    def of_kind(self, kind: RuleKind) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.kind == kind)

    def __repr__(self) -> str:
        return f"RuleSet(name={self.name!r}, version={self.version!r}, rules={len(self.rules)})"


def _compile(pattern: str, fragments: Mapping[str, str], where: str) -> re.Pattern[str]:
    def expand(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in fragments:
            raise RulesError(f"{where}: unknown fragment '{name}'")
        return fragments[name]

    text = _FRAGMENT.sub(expand, pattern)
    try:
        return re.compile(text)
    except re.error as exc:
        raise RulesError(f"{where}: invalid pattern ({exc.msg})") from None


def _lines(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines() if line.strip()]


def compile_rules(data: Mapping[str, Any], *, source: str = "rules") -> RuleSet:
    """Validate and compile a parsed rules document."""
    try:
        spec = RuleSetSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise RulesError(f"{source}: invalid field '{where}' ({first['type']})") from None
    frag = spec.fragments
    missing = [d for d in DOMAINS if d not in spec.domains]
    if missing:
        raise RulesError(f"{source}: domains missing: {', '.join(missing)}")
    rules: list[Rule] = []
    seen: set[str] = set()
    past_levels: dict[Domain, str] = {}
    tiers: dict[Domain, WeakTier] = {}
    for domain, dspec in spec.domains.items():
        if dspec.past_level:
            past_levels[domain] = dspec.past_level
        if dspec.weak and dspec.weak_tier is None:
            raise RulesError(f"{source}: domain '{domain}' has weak rules but no weak_tier")
        if dspec.weak_tier is not None:
            ts = dspec.weak_tier
            where = f"{source}: weak_tier '{ts.id}'"
            if ts.level not in LEVELS[domain]:
                raise RulesError(f"{where}: level '{ts.level}' is not a {domain} level")
            tiers[domain] = WeakTier(
                id=ts.id,
                domain=domain,
                level=ts.level,
                source=ts.source,
                min_distinct=ts.min_distinct,
                context_domains=frozenset(ts.context_domains),
                context=_compile(ts.context, frag, where) if ts.context else None,
            )
        groups: tuple[tuple[RuleKind, tuple[RuleSpec, ...]], ...] = (
            ("risk", dspec.risk),
            ("weak", dspec.weak),
            ("mention", dspec.mention),
            ("denial", dspec.denial),
            ("question", dspec.question),
        )
        for kind, specs in groups:
            for rs in specs:
                where = f"{source}: rule '{rs.id}'"
                if rs.id in seen:
                    raise RulesError(f"{where}: duplicate id")
                seen.add(rs.id)
                if kind in ("risk", "question", "weak") and rs.level not in LEVELS[domain]:
                    raise RulesError(f"{where}: level '{rs.level}' is not a {domain} level")
                if rs.topic and kind != "mention":
                    raise RulesError(f"{where}: only mention rules can be topic rules")
                pats = tuple(_compile(p, frag, where) for p in _lines(rs.patterns))
                if not pats:
                    raise RulesError(f"{where}: no patterns")
                rules.append(
                    Rule(
                        id=rs.id,
                        domain=domain,
                        kind=kind,
                        level=rs.level,
                        source=rs.source,
                        patterns=pats,
                        subject_check=rs.subject_check,
                        negated_form=rs.negated_form,
                        requires=_compile(rs.requires, frag, where) if rs.requires else None,
                        exclude_if=_compile(rs.exclude_if, frag, where) if rs.exclude_if else None,
                        inverted=rs.polarity == "inverted",
                        context=frozenset(rs.context),
                        concept=rs.concept or rs.id,
                        topic=rs.topic,
                    )
                )
    ans = spec.answer
    subj = spec.subjects
    return RuleSet(
        name=spec.name,
        version=spec.version,
        figurative=tuple(
            _compile(p, frag, f"{source}: figurative") for p in _lines(spec.figurative.patterns)
        ),
        pseudo_negation=tuple(
            _compile(p, frag, f"{source}: pseudo_negation") for p in _lines(spec.pseudo_negation)
        ),
        negation=_compile(spec.negation_cues, frag, f"{source}: negation_cues"),
        past_markers=_compile(spec.past_markers, frag, f"{source}: past_markers"),
        answer=Answer(
            uncertain=_compile(ans.uncertain, frag, f"{source}: answer.uncertain"),
            deny=_compile(ans.deny, frag, f"{source}: answer.deny"),
            nonanswer=_compile(ans.nonanswer, frag, f"{source}: answer.nonanswer"),
            filler=_compile(ans.filler, frag, f"{source}: answer.filler"),
            reversal=_compile(ans.reversal, frag, f"{source}: answer.reversal"),
            affirm_word=_compile(ans.affirm_word, frag, f"{source}: answer.affirm_word"),
        ),
        first_person=frozenset(subj.first),
        third_person=frozenset(subj.third),
        relations=frozenset(subj.relation),
        determiners=frozenset(subj.determiners),
        media=frozenset(subj.media),
        past_levels=past_levels,
        rules=tuple(rules),
        weak_tiers=tiers,
        echo_question=(
            _compile(spec.echo_question, frag, f"{source}: echo_question")
            if spec.echo_question
            else None
        ),
    )
