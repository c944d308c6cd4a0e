"""Safety-plan coverage: when screening flags suicide or self-harm, which Stanley-Brown
safety-plan elements the session covered (with evidence) and which are missing."""

from __future__ import annotations

from clearnote.assess.grounding import Grounder
from clearnote.assess.lexicon import Lexicon
from clearnote.assess.matching import SessionText
from clearnote.domain.assessment import SafetyElement, SafetyPlanPart, SkippedPart
from clearnote.domain.screening import Domain, ScreeningReport

TRIGGER_DOMAINS: tuple[Domain, ...] = ("suicide", "self_harm")
MAX_ITEMS_PER_ELEMENT = 3


def triggered_by(screening: ScreeningReport) -> tuple[str, ...]:
    return tuple(d for d in TRIGGER_DOMAINS if screening.domain(d).status == "flagged")


def safety_plan_coverage(
    session: SessionText, lexicon: Lexicon, screening: ScreeningReport, grounder: Grounder
) -> SafetyPlanPart | SkippedPart:
    domains = triggered_by(screening)
    if not domains:
        return SkippedPart(
            status="not_applicable",
            reason="screening raised no suicide or self-harm flag in this transcript; this is "
            "not a finding that risk is absent",
        )
    covered: list[SafetyElement] = []
    missing: list[SafetyElement] = []
    for entry in lexicon.safety_plan.values():
        hits = session.hits(entry, "safety_plan")
        if hits:
            items = tuple(grounder.from_hit(entry.id, h) for h in hits[:MAX_ITEMS_PER_ELEMENT])
            covered.append(
                SafetyElement(id=entry.id, label=entry.label, status="covered", items=items)
            )
        else:
            missing.append(SafetyElement(id=entry.id, label=entry.label, status="missing"))
    return SafetyPlanPart(triggered_by=domains, covered=tuple(covered), missing=tuple(missing))
