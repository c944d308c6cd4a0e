"""Recall fixes of issue #4 (rule layer), one test per change, in our own words: typed text with
no space after a full stop, negation scope across a comma splice, hyphenated words that are not
negations, hypothetical "if" clauses, reasons for living as the only barrier, doubt about wanting
to live, a firearm at hand, overdose by number of tablets, "my last attempt" in context, looser
warning-sign wording, "suicide" as a topic the speaker owns, and forum shorthand."""

from __future__ import annotations

import copy
import importlib
from importlib.resources import files
from typing import Any

import pytest

from clearnote.assess.screening import RuleScreener, RulesError, compile_rules
from clearnote.assess.screening.loader import DEFAULT_RULES
from clearnote.assess.screening.text import split_sentences
from tests.assess.conftest import screen_text


def _suicide(screener: RuleScreener, text: str) -> tuple[str, set[str]]:
    result = screen_text(screener, text).domain("suicide")
    return result.status, {f.level for f in result.flags}


def _client(screener: RuleScreener, words: str) -> tuple[str, set[str]]:
    return _suicide(screener, f"Client: {words}\n")


def _flagged_domains(screener: RuleScreener, words: str) -> list[str]:
    report = screen_text(screener, f"Client: {words}\n")
    return [d.domain for d in report.domains if d.status == "flagged"]


# -- sentence splitting ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("I couldn't sleep at all.I wish I was dead.", 2),
        ("It was a long week (a really long one).Then it got worse.", 2),
        ("I waited for hours...Then I gave up.", 2),
        ("She moved to the U.S.A in May.", 1),
        ("The dose went from 2.5 to 5 mg.", 1),
        ("Dr.Smith said it was fine.", 1),
    ],
)
def test_a_full_stop_without_a_space_ends_a_sentence(text: str, parts: int) -> None:
    assert len(split_sentences(text)) == parts


def test_a_glued_sentence_is_not_negated_by_the_one_before(screener: RuleScreener) -> None:
    status, levels = _client(screener, "I couldn't sleep at all.I wish I was dead.")
    assert status == "flagged"
    assert "wish_to_be_dead" in levels


# -- negation scope ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "words",
    [
        "No, I want to die.",
        "I'm not okay, I want to end my life.",
        "Nothing helps, I just want to die.",
    ],
)
def test_a_comma_splice_ends_the_negation_scope(screener: RuleScreener, words: str) -> None:
    assert _client(screener, words)[0] == "flagged"


@pytest.mark.parametrize(
    "words",
    [
        "No, I don't want to die.",
        "I don't, you know, want to die.",
        "I'm not going to kill myself.",
    ],
)
def test_denials_stay_denials(screener: RuleScreener, words: str) -> None:
    assert _client(screener, words)[0] == "discussed_denied"


def test_a_hyphenated_never_is_not_a_negation(screener: RuleScreener) -> None:
    assert _client(screener, "This never-ending ache makes me want to die.")[0] == "flagged"


@pytest.mark.parametrize(
    "words",
    [
        "If it wasn't for my daughter I would have ended it already.",
        "If I don't get out of this house soon I'll kill myself.",
    ],
)
def test_a_negation_inside_an_if_clause_is_hypothetical(screener: RuleScreener, words: str) -> None:
    assert _client(screener, words)[0] == "flagged"


def test_ended_it_with_someone_is_not_ideation(screener: RuleScreener) -> None:
    assert _flagged_domains(screener, "I would have ended it with him sooner.") == []


# -- euphemisms and indirect statements --------------------------------------------------------
@pytest.mark.parametrize(
    ("words", "level"),
    [
        ("My cat is the only thing keeping me alive.", "passive_ideation"),
        ("Honestly I don't see the point in living.", "passive_ideation"),
        ("I'm not sure I want to be alive anymore.", "wish_to_be_dead"),
        ("I don't even know if I want to live.", "wish_to_be_dead"),
        ("Suicide has been on my mind a lot lately.", "active_ideation"),
        ("Suicide seems like the only way out.", "active_ideation"),
        ("I think I'm going to ctb this weekend.", "active_ideation"),
        ("There's a loaded pistol in my lap right now.", "preparatory_behavior"),
        ("I've been sitting here with my dad's gun.", "preparatory_behavior"),
        ("I took 60 of my sleeping pills on Sunday.", "attempt"),
        ("I swallowed the whole bottle and waited.", "attempt"),
        ("I keep thinking I could swallow all of my pills.", "method"),
    ],
)
def test_indirect_disclosures_flag_suicide(screener: RuleScreener, words: str, level: str) -> None:
    status, levels = _client(screener, words)
    assert status == "flagged"
    assert level in levels


@pytest.mark.parametrize(
    "words",
    [
        "I'm not sure I want to live with my in-laws.",
        "I don't know if I want to live in the city.",
        "Coffee is the only thing keeping me going this week.",
        "I took 2 tablets for my headache.",
        "I took all my pills this morning like the doctor said.",
        "I swallowed the whole bottle of water after the run.",
        "I went to the range with my gun on Saturday.",
        "I read about suicide prevention week at school.",
        "Suicide has never crossed my mind.",
    ],
)
def test_look_alikes_do_not_flag_suicide(screener: RuleScreener, words: str) -> None:
    assert _client(screener, words)[0] != "flagged"


def test_suicide_never_on_my_mind_is_a_denial(screener: RuleScreener) -> None:
    assert _client(screener, "Suicide has never crossed my mind.")[0] == "discussed_denied"


def test_the_bare_word_is_a_topic_mention(screener: RuleScreener) -> None:
    result = screen_text(screener, "Client: I read about suicide prevention week.\n")
    suicide = result.domain("suicide")
    assert suicide.status == "mentioned"
    assert [f.rule for f in suicide.evidence] == ["suicide.mention.topic"]


# -- contextual attempt ------------------------------------------------------------------------
def test_my_last_attempt_counts_once_suicide_is_on_the_table(screener: RuleScreener) -> None:
    text = "Client: Suicide is something I think about. My last attempt was in college.\n"
    assert "attempt" in _suicide(screener, text)[1]
    assert _flagged_domains(screener, "My last attempt at the driving test went badly.") == []


def test_a_deterrent_counts_once_suicide_is_on_the_table(screener: RuleScreener) -> None:
    context = "Client: My uncle died by suicide last year. "
    for words in (
        "The only thing stopping me is my mum.",
        "Honestly the only reason I haven't done it is my little sister.",
    ):
        assert _suicide(screener, context + words + "\n") == ("flagged", {"active_ideation"})
        assert _client(screener, words)[0] != "flagged"


# -- warning signs (two-tier) ------------------------------------------------------------------
def test_looser_warning_sign_wording_counts(screener: RuleScreener) -> None:
    status, levels = _client(screener, "Everything just feels so hopeless. I keep hating myself.")
    assert status == "flagged"
    assert levels == {"passive_ideation"}
    status, _ = _client(screener, "I'm a complete and utter failure and I'm feeling so isolated.")
    assert status == "flagged"


def test_one_warning_sign_alone_still_raises_nothing(screener: RuleScreener) -> None:
    assert _flagged_domains(screener, "It feels hopeless, this old printer.") == []
    assert _flagged_domains(screener, "I'm not feeling lonely since I joined the choir.") == []


def test_only_mention_rules_can_be_topic_rules() -> None:
    text = files("clearnote.assess").joinpath("data", DEFAULT_RULES).read_text(encoding="utf-8")
    yaml: Any = importlib.import_module("yaml")  # no type stubs installed
    shipped: dict[str, Any] = yaml.safe_load(text)
    assert any(r.topic for r in compile_rules(shipped).rules)
    data = copy.deepcopy(shipped)
    data["domains"]["suicide"]["risk"][0]["topic"] = True
    with pytest.raises(RulesError, match="only mention rules can be topic rules"):
        compile_rules(data)
