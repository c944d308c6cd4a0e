"""The tricky cases from the issue, one table per behaviour."""

from __future__ import annotations

import pytest

from clearnote.assess.screening import RuleScreener
from tests.assess.conftest import screen_text

FIGURATIVE = [
    "That exam murdered me.",
    "I'm dying of embarrassment.",
    "I'm killing it at work.",
    "My feet are killing me.",
    "I'd kill for a coffee.",
    "That dessert was to die for.",
    "My phone died.",
]


@pytest.mark.parametrize("words", FIGURATIVE)
def test_figurative_speech_raises_no_flag(screener: RuleScreener, words: str) -> None:
    report = screen_text(screener, f"Client: {words}\n")
    assert [d.domain for d in report.domains if d.status == "flagged"] == []


@pytest.mark.parametrize(
    ("words", "level"),
    [
        ("No one would even notice if I was gone.", "passive_ideation"),
        ("I've been putting my affairs in order.", "preparatory_behavior"),
        ("I've been giving my things away.", "preparatory_behavior"),
        ("Everyone would be better off without me.", "passive_ideation"),
        ("I can't do this anymore.", "passive_ideation"),
        ("I wanted to die for a long time.", "wish_to_be_dead"),
        ("I tried to kill myself in 2019.", "attempt"),
    ],
)
def test_indirect_language_flags_suicide(screener: RuleScreener, words: str, level: str) -> None:
    result = screen_text(screener, f"Client: {words}\n").domain("suicide")
    assert result.status == "flagged"
    assert level in {f.level for f in result.flags}


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ("Sometimes, yeah.", "flagged"),
        ("I guess so.", "flagged"),
        ("Once.", "flagged"),
        ("No, never.", "discussed_denied"),
        ("Not really.", "discussed_denied"),
        ("Nope.", "discussed_denied"),
    ],
)
def test_answer_read_in_light_of_the_question(
    screener: RuleScreener, answer: str, status: str
) -> None:
    text = f"Therapist: Do you ever think about suicide?\nClient: {answer}\n"
    result = screen_text(screener, text).domain("suicide")
    assert result.status == status
    if status == "flagged":
        assert result.flags[0].segment_ids == ("seg-0001", "seg-0002")
        assert result.flags[0].context_segment_ids == ("seg-0001",)


def test_safe_at_home_has_inverted_polarity(screener: RuleScreener) -> None:
    q = "Therapist: Do you feel safe at home?\n"
    ipv = "intimate_partner_violence"
    assert screen_text(screener, q + "Client: Not really.\n").domain(ipv).status == "flagged"
    assert screen_text(screener, q + "Client: Yes, I do.\n").domain(ipv).status == (
        "discussed_denied"
    )


def test_flag_wins_over_earlier_denial(screener: RuleScreener) -> None:
    text = (
        "Therapist: Any thoughts of suicide?\nClient: No.\n"
        "Therapist: Okay.\nClient: Actually, yes. I lied.\n"
    )
    assert screen_text(screener, text).domain("suicide").status == "flagged"
    text2 = "Client: I'd never do anything to myself. But I wish I wouldn't wake up.\n"
    assert screen_text(screener, text2).domain("suicide").status == "flagged"


@pytest.mark.parametrize(
    ("words", "domain"),
    [
        ("My brother tried to kill himself.", "suicide"),
        ("We watched a movie about suicide.", "suicide"),
        ("My daughter cuts herself.", "self_harm"),
        ("My sister's husband beats her.", "intimate_partner_violence"),
        ("My dad was an alcoholic.", "substance_use"),
    ],
)
def test_third_party_and_media_are_mentions(
    screener: RuleScreener, words: str, domain: str
) -> None:
    assert screen_text(screener, f"Client: {words}\n").domain(domain).status == "mentioned"


def test_clinician_words_never_flag(screener: RuleScreener) -> None:
    text = (
        "Therapist: Some people tell me they want to kill themselves, or that they want to die.\n"
    )
    report = screen_text(screener, text)
    assert all(d.status != "flagged" for d in report.domains)


def test_other_participants_can_raise_flags(screener: RuleScreener) -> None:
    text = "Therapist: How has the week been?\nMother: He hits the kids when he's angry.\n"
    result = screen_text(screener, text).domain("child_abuse")
    assert result.status == "flagged"
    assert result.flags[0].speaker_role == "other"


def test_past_self_harm_is_flagged_as_history(screener: RuleScreener) -> None:
    result = screen_text(screener, "Client: I haven't cut in three months.\n").domain("self_harm")
    assert result.status == "flagged"
    assert result.flags[0].level == "past_history"


@pytest.mark.parametrize(
    ("words", "domain"),
    [
        ("My husband choked me last week.", "intimate_partner_violence"),
        ("My stepdad used to beat me.", "child_abuse"),
        ("My son takes my pension every month.", "elder_dependent_abuse"),
        ("I keep thinking about hurting my boss.", "harm_to_others"),
        ("I drink a bottle of wine every night.", "substance_use"),
        ("I burn myself when it gets bad.", "self_harm"),
    ],
)
def test_each_domain_has_a_direct_disclosure(
    screener: RuleScreener, words: str, domain: str
) -> None:
    assert screen_text(screener, f"Client: {words}\n").domain(domain).status == "flagged"


@pytest.mark.parametrize(
    "words",
    [
        "I never told my therapist that I tried to hang myself.",
        "Not a day goes by that I don't think about ending my life.",
        "I haven't told anyone I've been planning to kill myself.",
    ],
)
def test_a_negated_telling_is_not_a_denial_of_what_was_told(
    screener: RuleScreener, words: str
) -> None:
    assert screen_text(screener, f"Client: {words}\n").domain("suicide").status == "flagged"


def test_a_promise_refused_is_not_a_denial(screener: RuleScreener) -> None:
    report = screen_text(screener, "Client: I can't promise I won't hurt myself tonight.\n")
    assert report.domain("self_harm").status == "flagged"
    assert report.domain("suicide").status != "discussed_denied"
    promised = screen_text(screener, "Client: I would never hurt myself, I promise.\n")
    assert promised.domain("suicide").status == "discussed_denied"


@pytest.mark.parametrize(
    "words",
    [
        "I do not want to live in Boston anymore.",
        "I didn't want to go on the trip with them.",
        "I was so mad that I woke up late again.",
        "My first attempt at the driving test went badly.",
        "I took twenty minutes to calm down.",
    ],
)
def test_everyday_uses_of_risk_words_raise_no_flag(screener: RuleScreener, words: str) -> None:
    report = screen_text(screener, f"Client: {words}\n")
    assert [d.domain for d in report.domains if d.status == "flagged"] == []


@pytest.mark.parametrize(
    ("words", "level"),
    [
        ("Last spring I took about forty of my sleeping pills.", "attempt"),
        ("They pumped my stomach at the ER.", "attempt"),
        ("I OD'd on my meds in March.", "attempt"),
        ("My first attempt was when I was fifteen.", "attempt"),
        ("I shouldn't have survived.", "wish_to_be_dead"),
        ("I regret waking up every morning.", "wish_to_be_dead"),
        ("I never wanted to be alive in the first place.", "wish_to_be_dead"),
        ("I keep picturing my own funeral.", "passive_ideation"),
        ("Don't tell me how much it would hurt my kids.", "active_ideation"),
    ],
)
def test_more_clinical_phrasings_flag_suicide(
    screener: RuleScreener, words: str, level: str
) -> None:
    result = screen_text(screener, f"Client: {words}\n").domain("suicide")
    assert result.status == "flagged"
    assert level in {f.level for f in result.flags}
