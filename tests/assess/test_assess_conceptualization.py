"""Case conceptualization per framework: elements with evidence, or not assessed."""

from __future__ import annotations

import pytest

from clearnote.assess.screening import RuleScreener
from clearnote.domain.assessment import ConceptualizationPart, Element, Framework
from tests.assess.assess_helpers import client, run

CASES: list[tuple[Framework, str, str]] = [
    ("cbt", "When my boss emailed me yesterday I panicked.", "situations"),
    ("cbt", "I kept thinking they're going to fire me.", "automatic_thoughts"),
    ("cbt", "I felt so ashamed.", "emotions"),
    ("cbt", "So I just stayed in bed all weekend.", "behaviours"),
    ("cbt", "I'm a failure, I've always been a failure.", "core_beliefs"),
    ("family-systems", "My mom and I fight all the time.", "members"),
    ("family-systems", "My mom and I fight all the time.", "conflicts"),
    ("family-systems", "I'm really close with my grandma.", "relationships"),
    ("family-systems", "My dad always takes her side.", "alliances"),
    ("family-systems", "His dad drank too, it runs in the family.", "generations"),
    ("narrative", "I always mess things up, that's just who I am.", "dominant_story"),
    ("narrative", "For once I didn't let it win.", "unique_outcomes"),
    ("narrative", "It's like a fog that rolls in.", "own_language"),
]


def _element(part: object, name: str) -> Element:
    assert isinstance(part, ConceptualizationPart)
    return next(e for e in part.elements if e.name == name)


@pytest.mark.parametrize(("framework", "sentence", "element"), CASES)
def test_element_assessed(
    screener: RuleScreener, framework: Framework, sentence: str, element: str
) -> None:
    part = run(screener, client(sentence), framework=framework).conceptualization
    el = _element(part, element)
    assert el.status == "assessed"
    assert el.items and el.items[0].evidence == ("seg-0001",)
    assert sentence in el.items[0].text  # the client's words, quoted


@pytest.mark.parametrize("framework", ["cbt", "family-systems", "narrative"])
def test_nothing_revealed_is_not_assessed(screener: RuleScreener, framework: Framework) -> None:
    part = run(screener, client("The weather was fine."), framework=framework).conceptualization
    assert isinstance(part, ConceptualizationPart)
    assert part.framework == framework
    assert part.elements
    assert all(e.status == "not_assessed" and not e.items for e in part.elements)


def test_emotions_are_only_those_the_client_named(screener: RuleScreener) -> None:
    # no emotion word: nothing is inferred from the content
    part = run(screener, client("My dog died on Tuesday.")).conceptualization
    assert _element(part, "emotions").status == "not_assessed"


def test_emotion_element_disabled_in_illinois(screener: RuleScreener) -> None:
    part = run(screener, client("I felt so ashamed."), jurisdictions=("US-IL",)).conceptualization
    el = _element(part, "emotions")
    assert el.status == "disabled"
    assert el.reason is not None and "225 ILCS 155/20(b)(4)" in el.reason
    assert not el.items


def test_family_members_listed_once_each(screener: RuleScreener) -> None:
    doc = client("My mom called.", "My mom and my brother argued.", "My brother left.")
    part = run(screener, doc, framework="family-systems").conceptualization
    kinds = [i.text for i in _element(part, "members").items]
    assert len(kinds) == 2
    assert "mom" in kinds[0] and "brother" in kinds[1]
