"""Service needs and client strengths, table-driven, and crisis resources from screening."""

from __future__ import annotations

import pytest

from clearnote.assess.screening import RuleScreener
from clearnote.domain.assessment import CategoryPart
from tests.assess.assess_helpers import client, run, transcript

NEEDS = [
    ("We got evicted last month.", "housing"),
    ("I'm behind on the rent again.", "housing"),
    ("I lost my job in March.", "employment"),
    ("I ran out of my meds two weeks ago.", "medical"),
    ("My court date is on Friday.", "legal"),
    ("Money is tight and the bills are piling up.", "financial"),
    ("We've been going to the food bank.", "food"),
    ("I can't get to my appointments without a car.", "transportation"),
    ("I'm thinking about going to rehab.", "substance_use_treatment"),
]
NOT_NEEDS = [
    ("I'm not worried about money at all, we're fine.", "financial"),
    ("My friend got evicted, it was awful.", "housing"),
    ("I'm not homeless, I live with my parents.", "housing"),
]


def _needs(screener: RuleScreener, *lines: str) -> CategoryPart:
    part = run(screener, client(*lines)).service_needs
    assert isinstance(part, CategoryPart)
    return part


@pytest.mark.parametrize(("sentence", "need"), NEEDS)
def test_need_found(screener: RuleScreener, sentence: str, need: str) -> None:
    part = _needs(screener, sentence)
    assert need in {i.kind for i in part.items}
    assert need not in {n.name for n in part.not_assessed}


@pytest.mark.parametrize(("sentence", "need"), NOT_NEEDS)
def test_need_not_found(screener: RuleScreener, sentence: str, need: str) -> None:
    part = _needs(screener, sentence)
    assert need not in {i.kind for i in part.items}
    assert need in {n.name for n in part.not_assessed}


def test_crisis_resources_whenever_screening_flags_suicide(screener: RuleScreener) -> None:
    part = _needs(screener, "Honestly I've been thinking about killing myself.")
    crisis = [i for i in part.items if i.kind == "crisis_resources"]
    assert crisis and crisis[0].rule.startswith("screening:suicide:")
    assert crisis[0].evidence == ("seg-0001",)


def test_crisis_resources_for_harm_to_others(screener: RuleScreener) -> None:
    part = _needs(screener, "I swear I'm going to kill him when he gets home.")
    assert "crisis_resources" in {i.kind for i in part.items}


def test_no_crisis_resources_without_a_flag(screener: RuleScreener) -> None:
    doc = transcript("Therapist: Any thoughts of suicide?\nClient: No, never.")
    part = run(screener, doc).service_needs
    assert isinstance(part, CategoryPart)
    assert "crisis_resources" not in {i.kind for i in part.items}
    reason = next(n.reason for n in part.not_assessed if n.name == "crisis_resources")
    assert "not a finding that risk is absent" in reason


STRENGTHS = [
    ("My sister has been really supportive.", "supports"),
    ("I can always call my best friend.", "supports"),
    ("When I'm stressed I go for a walk.", "coping_skills"),
    ("Breathing exercises help me calm down.", "coping_skills"),
    ("Being a good dad is really important to me.", "values"),
    ("I was sober for two years before this.", "past_successes"),
    ("I really want to cut down.", "motivation_for_change"),
]


@pytest.mark.parametrize(("sentence", "strength"), STRENGTHS)
def test_strength_found(screener: RuleScreener, sentence: str, strength: str) -> None:
    part = run(screener, client(sentence)).strengths
    assert isinstance(part, CategoryPart)
    assert strength in {i.kind for i in part.items}


def test_strengths_not_revealed_are_not_assessed(screener: RuleScreener) -> None:
    part = run(screener, client("It was an ordinary week.")).strengths
    assert isinstance(part, CategoryPart)
    assert not part.items
    assert {n.name for n in part.not_assessed} == {
        "supports",
        "coping_skills",
        "values",
        "past_successes",
        "motivation_for_change",
    }
