"""Safety-plan coverage (Stanley-Brown elements) when screening flags suicide or self-harm."""

from __future__ import annotations

from clearnote.assess.screening import RuleScreener
from clearnote.domain.assessment import SafetyPlanPart, SkippedPart
from tests.assess.assess_helpers import run, transcript

SESSION = """Therapist: Have you had thoughts of ending your life?
Client: Yeah, sometimes I think about killing myself.
Therapist: What are the warning signs that things are getting worse?
Client: When I start to isolate and stop answering texts.
Therapist: Who could you call?
Client: I could call my sister.
Therapist: And you can always call or text 988.
Client: My kids keep me going."""

ELEMENTS = {
    "warning_signs",
    "internal_coping",
    "social_distraction",
    "help_contacts",
    "professionals_crisis",
    "means_safety",
    "reasons_for_living",
}


def test_covered_and_missing(screener: RuleScreener) -> None:
    part = run(screener, transcript(SESSION)).safety_plan
    assert isinstance(part, SafetyPlanPart)
    assert part.triggered_by == ("suicide",)
    covered = {e.id for e in part.covered}
    missing = {e.id for e in part.missing}
    assert covered | missing == ELEMENTS and not covered & missing
    assert {"warning_signs", "help_contacts", "professionals_crisis", "reasons_for_living"} <= (
        covered
    )
    assert {"means_safety", "social_distraction"} <= missing
    for el in part.covered:
        assert el.items and all(i.evidence for i in el.items)


def test_not_applicable_without_a_flag(screener: RuleScreener) -> None:
    part = run(screener, transcript("Client: I go to 988 Main Street for work.")).safety_plan
    assert isinstance(part, SkippedPart)
    assert part.status == "not_applicable"
    assert "not a finding that risk is absent" in part.reason
