"""Contextual rules, the two-tier warning-sign rule, and echoed counter-questions."""

from __future__ import annotations

import copy
import importlib
from typing import Any

import pytest

from clearnote.assess.screening import RuleScreener, RulesError, compile_rules
from clearnote.assess.screening.loader import DEFAULT_RULES
from tests.assess.conftest import screen_text


def _levels(screener: RuleScreener, text: str, domain: str = "suicide") -> set[str]:
    return {f.level for f in screen_text(screener, text).domain(domain).flags}


def _rules(screener: RuleScreener, text: str) -> list[str]:
    return [f.rule for f in screen_text(screener, text).domain("suicide").flags]


# -- contextual rules -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "words",
    [
        "I'm going to do it anyway, because this is what I need to make friends.",
        "I've made up my mind, I'm quitting on Monday.",
        "Could you help me set a date to quit?",
        "I've got a plan. I've picked a date.",
    ],
)
def test_intent_and_plan_words_alone_raise_nothing(screener: RuleScreener, words: str) -> None:
    report = screen_text(screener, f"Client: {words}\n")
    assert [d.domain for d in report.domains if d.status == "flagged"] == []


def test_intent_words_flag_once_suicide_has_come_up(screener: RuleScreener) -> None:
    text = (
        "Therapist: Have you had thoughts of suicide?\n"
        "Client: Can we come back to that?\n"
        "Therapist: Of course.\n"
        "Client: I've made up my mind. I've set a date.\n"
    )
    levels = _levels(screener, text)
    assert {"intent", "plan"} <= levels


def test_context_in_the_same_sentence_counts(screener: RuleScreener) -> None:
    text = "Client: The suicidal thoughts are back and I'm going to do it.\n"
    assert "intent" in _levels(screener, text)


def test_context_of_another_domain_does_not_count(screener: RuleScreener) -> None:
    text = "Client: I drink every night. I'm going to do it, I've made up my mind.\n"
    assert screen_text(screener, text).domain("suicide").status == "not_discussed"


def test_bare_he_did_it_needs_partner_violence_on_the_table(screener: RuleScreener) -> None:
    ipv = "intimate_partner_violence"
    alone = "Client: He did it, he finally fixed the sink.\n"
    assert screen_text(screener, alone).domain(ipv).status == "not_discussed"
    asked = (
        "Therapist: Has your partner ever hit you?\n"
        "Client: I'd rather not say.\n"
        "Therapist: That's all right.\n"
        "Client: He did it again on Sunday.\n"
    )
    assert screen_text(screener, asked).domain(ipv).status == "flagged"


# -- two tiers --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "words",
    [
        "I feel hopeless about my job search.",
        "I've been so lonely since the move.",
        "I hate myself for missing the deadline.",
        "I feel trapped in this contract.",
    ],
)
def test_one_warning_sign_alone_raises_nothing(screener: RuleScreener, words: str) -> None:
    assert screen_text(screener, f"Client: {words}\n").domain("suicide").status == ("not_discussed")


def test_two_warning_sign_concepts_raise_passive_ideation(screener: RuleScreener) -> None:
    text = (
        "Client: I feel completely hopeless.\n"
        "Therapist: Say more.\n"
        "Client: Nobody cares about me, honestly.\n"
    )
    result = screen_text(screener, text).domain("suicide")
    assert result.status == "flagged"
    (flag,) = result.flags
    assert flag.level == "passive_ideation"
    assert flag.rule.startswith("suicide.warning_signs[")
    assert "hopelessness" in flag.rule and "belongingness" in flag.rule
    assert flag.segment_ids == ("seg-0001", "seg-0003")  # both places, for the clinician
    assert flag.speaker_role == "client"


def test_the_same_concept_twice_is_not_two(screener: RuleScreener) -> None:
    text = "Client: I feel hopeless. Nothing is ever going to get better.\n"
    assert screen_text(screener, text).domain("suicide").status == "not_discussed"


def test_one_warning_sign_with_self_harm_context(screener: RuleScreener) -> None:
    text = "Client: I cut my arms again last night. I feel so hopeless.\n"
    rules = _rules(screener, text)
    assert any(r.startswith("suicide.warning_signs[") and r.endswith("+context") for r in rules)


def test_one_warning_sign_with_death_talk(screener: RuleScreener) -> None:
    text = "Client: I think about death all the time. I feel so worthless.\n"
    assert "passive_ideation" in _levels(screener, text)


@pytest.mark.parametrize(
    "words",
    [
        "I don't feel hopeless anymore. Nobody cares about me, though.",  # negated sign
        "My brother feels hopeless. He says he's a burden.",  # someone else's
    ],
)
def test_negated_and_third_party_signs_do_not_count(screener: RuleScreener, words: str) -> None:
    assert screen_text(screener, f"Client: {words}\n").domain("suicide").status != "flagged"


def test_clinician_words_never_count_as_warning_signs(screener: RuleScreener) -> None:
    text = (
        "Therapist: Some people feel hopeless, or that nobody cares about them.\n"
        "Client: I've been okay this week.\n"
    )
    assert screen_text(screener, text).domain("suicide").status != "flagged"


def test_a_denial_is_not_turned_into_a_weak_flag(screener: RuleScreener) -> None:
    text = (
        "Therapist: Do you ever think about suicide?\n"
        "Client: No, never.\n"
        "Therapist: Okay.\n"
        "Client: Work has me feeling hopeless though.\n"
    )
    assert screen_text(screener, text).domain("suicide").status == "discussed_denied"


# -- echoed counter-questions ------------------------------------------------------------------
def test_echoed_counter_question_is_a_mention(screener: RuleScreener) -> None:
    text = "Therapist: Any thoughts like that?\nClient: What, like suicidal?\n"
    assert screen_text(screener, text).domain("suicide").status == "mentioned"


def test_a_real_question_from_the_client_still_flags(screener: RuleScreener) -> None:
    text = "Client: What's the point of going on?\n"
    assert screen_text(screener, text).domain("suicide").status == "flagged"


# -- the rules file --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    from importlib.resources import files

    text = files("clearnote.assess").joinpath("data", DEFAULT_RULES).read_text(encoding="utf-8")
    yaml: Any = importlib.import_module("yaml")  # no type stubs installed
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def test_every_weak_rule_and_tier_has_a_source(screener: RuleScreener) -> None:
    weak = [r for r in screener.rules.rules if r.kind == "weak"]
    assert len({r.concept for r in weak}) >= 5
    assert all(r.source.strip() for r in weak)
    tier = screener.rules.weak_tiers["suicide"]
    assert tier.source.strip() and tier.min_distinct >= 2


def test_weak_rules_without_a_tier_are_refused(shipped: dict[str, Any]) -> None:
    data = copy.deepcopy(shipped)
    del data["domains"]["suicide"]["weak_tier"]
    with pytest.raises(RulesError, match="weak rules but no weak_tier"):
        compile_rules(data)


def test_bad_tier_level_and_context_domain_are_refused(shipped: dict[str, Any]) -> None:
    data = copy.deepcopy(shipped)
    data["domains"]["suicide"]["weak_tier"]["level"] = "no_such_level"
    with pytest.raises(RulesError, match="no_such_level"):
        compile_rules(data)
    data = copy.deepcopy(shipped)
    data["domains"]["suicide"]["risk"][0]["context"] = ["weather"]
    with pytest.raises(RulesError, match="invalid field"):
        compile_rules(data)
    data = copy.deepcopy(shipped)
    data["domains"]["suicide"]["weak_tier"]["min_distinct"] = 1
    with pytest.raises(RulesError, match="invalid field"):
        compile_rules(data)
