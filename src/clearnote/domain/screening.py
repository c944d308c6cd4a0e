"""The screening document (``clearnote.screening/1``) as frozen value objects, and the pure rules
for combining findings into a per-domain status.

Status precedence, highest first: ``flagged`` > ``discussed_denied`` > ``mentioned`` >
``not_discussed``. A flag always wins over a denial; an extra backend (an LLM, later) may add flags
through :func:`merge_flags` but can never remove one or lower a status.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clearnote.domain.transcript import Role

SCREENING_SCHEMA: Literal["clearnote.screening/1"] = "clearnote.screening/1"

Domain = Literal[
    "suicide",
    "self_harm",
    "harm_to_others",
    "child_abuse",
    "elder_dependent_abuse",
    "intimate_partner_violence",
    "substance_use",
]
DOMAINS: tuple[Domain, ...] = (
    "suicide",
    "self_harm",
    "harm_to_others",
    "child_abuse",
    "elder_dependent_abuse",
    "intimate_partner_violence",
    "substance_use",
)

Status = Literal["flagged", "discussed_denied", "mentioned", "not_discussed"]
STATUS_RANK: dict[Status, int] = {
    "not_discussed": 0,
    "mentioned": 1,
    "discussed_denied": 2,
    "flagged": 3,
}

# Levels follow the concepts of the C-SSRS screener for suicide (named, not quoted) and plain
# clinical categories elsewhere. Ordered from least to most severe within a domain.
LEVELS: dict[Domain, tuple[str, ...]] = {
    "suicide": (
        "past_history",
        "wish_to_be_dead",
        "passive_ideation",
        "active_ideation",
        "method",
        "intent",
        "plan",
        "preparatory_behavior",
        "attempt",
    ),
    "self_harm": ("past_history", "urge", "concealment", "self_harm"),
    "harm_to_others": ("past_violence", "ideation", "threat", "intent_or_plan", "access_to_means"),
    "child_abuse": (
        "past_history",
        "emotional_abuse",
        "neglect",
        "physical_abuse",
        "sexual_abuse",
    ),
    "elder_dependent_abuse": (
        "emotional_abuse",
        "neglect",
        "financial_exploitation",
        "physical_abuse",
    ),
    "intimate_partner_violence": (
        "coercive_control",
        "fear",
        "threats",
        "perpetration",
        "physical_violence",
        "sexual_violence",
    ),
    "substance_use": (
        "past_use",
        "tobacco_use",
        "use",
        "problem_use",
        "dependence_or_withdrawal",
        "overdose",
    ),
}

FindingKind = Literal["mention", "denial", "question"]
Origin = Literal["ai"]

NOTICE = (
    "AI-generated decision support for the clinician's review, not a risk assessment or a "
    "diagnosis. Flags are rule-based indicators with the words they came from; the clinician "
    "decides. 'not_discussed' means the topic did not come up in this transcript, not that the "
    "risk is absent."
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RiskFlag(_Frozen):
    """A risk indicator in the non-clinician's speech, with the words it came from."""

    level: str = Field(description="severity concept within the domain, see LEVELS")
    segment_ids: tuple[str, ...] = Field(min_length=1)
    quote: str = Field(
        repr=False, description="the words that raised the flag (clinician's record only)"
    )
    start: float = Field(ge=0, description="seconds from the start of the recording")
    origin: Origin = "ai"
    rule: str = Field(description="id of the rule (or backend:rule) that raised the flag")
    speaker_role: Role
    context_segment_ids: tuple[str, ...] = Field(
        default=(), description="the clinician's question this answer depends on, if any"
    )

    def __repr__(self) -> str:  # never show the quote
        return f"RiskFlag(level={self.level!r}, rule={self.rule!r}, segments={self.segment_ids})"


class Finding(_Frozen):
    """Evidence for a status below ``flagged``: a mention, a denial, or a question asked."""

    kind: FindingKind
    segment_ids: tuple[str, ...] = Field(min_length=1)
    quote: str = Field(repr=False)
    start: float = Field(ge=0)
    rule: str
    speaker_role: Role

    def __repr__(self) -> str:
        return f"Finding(kind={self.kind!r}, rule={self.rule!r}, segments={self.segment_ids})"


class DomainResult(_Frozen):
    domain: Domain
    status: Status
    flags: tuple[RiskFlag, ...] = ()
    highest_level: str | None = None
    evidence: tuple[Finding, ...] = Field(
        default=(), description="denials, mentions and questions behind a non-flagged status"
    )


class BackendInfo(_Frozen):
    name: str
    version: str


class ScreeningReport(_Frozen):
    schema_: Literal["clearnote.screening/1"] = Field(default=SCREENING_SCHEMA, alias="schema")
    notice: str = NOTICE
    origin: Origin = "ai"
    backends: tuple[BackendInfo, ...] = ()
    domains: tuple[DomainResult, ...]

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def domain(self, name: str) -> DomainResult:
        for result in self.domains:
            if result.domain == name:
                return result
        raise KeyError(name)

    def to_document(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def __repr__(self) -> str:
        flagged = [d.domain for d in self.domains if d.status == "flagged"]
        return f"ScreeningReport(flagged={flagged})"


def highest_level(domain: Domain, flags: Iterable[RiskFlag]) -> str | None:
    """The most severe level among ``flags`` (unknown levels rank lowest)."""
    order = LEVELS[domain]
    best: str | None = None
    best_rank = -2
    for flag in flags:
        rank = order.index(flag.level) if flag.level in order else -1
        if rank > best_rank:
            best, best_rank = flag.level, rank
    return best


def status_of(flags: Sequence[RiskFlag], evidence: Sequence[Finding]) -> Status:
    """A flag wins over a denial, a denial over a mention, a mention over silence."""
    if flags:
        return "flagged"
    kinds = {f.kind for f in evidence}
    if "denial" in kinds:
        return "discussed_denied"
    if kinds:
        return "mentioned"
    return "not_discussed"


def build_result(
    domain: Domain, flags: Sequence[RiskFlag], evidence: Sequence[Finding]
) -> DomainResult:
    ordered = tuple(sorted(flags, key=lambda f: (f.start, f.segment_ids)))
    return DomainResult(
        domain=domain,
        status=status_of(ordered, evidence),
        flags=ordered,
        highest_level=highest_level(domain, ordered),
        evidence=tuple(sorted(evidence, key=lambda f: (f.start, f.segment_ids))),
    )


def merge_flags(
    report: ScreeningReport,
    extra: Sequence[tuple[Domain, RiskFlag]],
    backend: BackendInfo,
) -> ScreeningReport:
    """Add flags from another backend. Existing flags and findings are kept as they are, so a
    status can only rise: an extra backend adds recall and never removes a rule flag."""
    if not extra:
        return report.model_copy(update={"backends": (*report.backends, backend)})
    by_domain: dict[Domain, list[RiskFlag]] = {d: [] for d in DOMAINS}
    for domain, flag in extra:
        by_domain[domain].append(flag)
    merged: list[DomainResult] = []
    for result in report.domains:
        known = {(f.level, f.segment_ids) for f in result.flags}
        added = [f for f in by_domain[result.domain] if (f.level, f.segment_ids) not in known]
        merged.append(build_result(result.domain, (*result.flags, *added), result.evidence))
    return ScreeningReport(
        backends=(*report.backends, backend),
        domains=tuple(merged),
    )
