"""Diagnostic considerations: criteria from client speech, candidates, and the wording."""

from __future__ import annotations

import re

import pytest

from clearnote.assess.diagnostic import default_table, duration_days
from clearnote.assess.lexicon import default_lexicon
from clearnote.assess.matching import SessionText
from clearnote.assess.screening import RuleScreener, default_rules
from clearnote.domain.assessment import DiagnosticCandidate, DiagnosticPart
from tests.assess.assess_helpers import client, run, transcript

# (client sentence, symptom id, expected: True = a finding, False = no finding)
CRITERIA = [
    ("I've been feeling really down lately.", "depressed_mood", True),
    ("I'm not depressed, just busy.", "depressed_mood", False),
    ("My sister has been so depressed since the divorce.", "depressed_mood", False),
    ("I don't enjoy anything anymore.", "anhedonia", True),
    ("I've lost all interest in my hobbies.", "anhedonia", True),
    ("I can't sleep at night.", "sleep", True),
    ("I wake up at 3 every night.", "sleep", True),
    ("I'm sleeping fine.", "sleep", False),
    ("My roommate can't sleep.", "sleep", False),
    ("I have no appetite.", "appetite", True),
    ("I've lost weight.", "appetite", True),
    ("I'm exhausted all the time.", "energy", True),
    ("I'm dead tired after that shift.", "energy", False),
    ("I can't concentrate at work.", "concentration", True),
    ("I feel worthless.", "worthlessness_guilt", True),
    ("I worry about everything.", "excessive_worry", True),
    ("I had a panic attack on the train.", "panic_attacks", True),
    ("I keep having nightmares about the crash.", "intrusions", True),
    ("I always end up drinking more than I planned.", "sud_more_than_intended", True),
    ("I get the shakes in the morning.", "sud_withdrawal", True),
    ("I drink a lot of coffee.", "alcohol_use", False),
    ("I drink most nights.", "alcohol_use", True),
    ("I wash my hands over and over.", "compulsions", True),
]


@pytest.mark.parametrize(("sentence", "symptom", "expected"), CRITERIA)
def test_symptom_findings(sentence: str, symptom: str, expected: bool) -> None:
    session = SessionText(client(sentence), default_rules())
    hits = session.hits(default_lexicon().symptoms[symptom], "symptoms")
    assert bool(hits) is expected


def test_yes_to_a_clinician_question_supports_the_criterion() -> None:
    doc = transcript("Therapist: Have you been having trouble sleeping?\nClient: Yeah.")
    hits = SessionText(doc, default_rules()).hits(default_lexicon().symptoms["sleep"], "symptoms")
    assert [h.segment_ids for h in hits] == [("seg-0001", "seg-0002")]


def test_no_to_a_clinician_question_is_a_denial() -> None:
    doc = transcript("Therapist: How is your appetite?\nClient: No, it's fine.")
    found = SessionText(doc, default_rules()).match(
        default_lexicon().symptoms["appetite"], "symptoms"
    )
    assert found and all(h.denied for h in found)


@pytest.mark.parametrize(
    ("n", "unit", "days"),
    [("two", "weeks", 14), ("6", "months", 180), (None, "months", 60), ("a", "year", 365)],
)
def test_duration_days(n: str | None, unit: str, days: int) -> None:
    assert duration_days(n, unit) == days


# (client lines, candidates expected among the suggestions, candidates expected absent)
CANDIDATES = [
    (
        (
            "I've been feeling really down for the past two months.",
            "I don't enjoy anything anymore.",
            "I can't sleep and I'm exhausted all day.",
        ),
        {"major_depressive_disorder"},
        {"generalized_anxiety_disorder", "alcohol_use_disorder"},
    ),
    (
        (
            "I drink most nights.",
            "I always end up drinking more than I planned.",
            "I get the shakes in the morning.",
        ),
        {"alcohol_use_disorder"},
        {"major_depressive_disorder", "cannabis_use_disorder"},
    ),
    (
        (
            "I was in a car accident last year.",
            "I keep having nightmares and flashbacks.",
            "I'm jumpy all the time.",
        ),
        {"posttraumatic_stress_disorder"},
        {"obsessive_compulsive_disorder"},
    ),
    (
        (
            "I'm not depressed at all.",
            "That exam murdered me but I passed.",
            "My brother drinks too much and can't sleep.",
        ),
        set(),
        {"major_depressive_disorder", "alcohol_use_disorder", "insomnia_disorder"},
    ),
]


def _diag(screener: RuleScreener, lines: tuple[str, ...]) -> DiagnosticPart:
    part = run(screener, client(*lines)).diagnostic_impressions
    assert isinstance(part, DiagnosticPart)
    return part


@pytest.mark.parametrize(("lines", "present", "absent"), CANDIDATES)
def test_candidates(
    screener: RuleScreener, lines: tuple[str, ...], present: set[str], absent: set[str]
) -> None:
    ids = {c.id for c in _diag(screener, lines).candidates}
    assert present <= ids
    assert not ids & absent


FORBIDDEN = re.compile(
    r"\b(?:diagnosed with|diagnosis is|meets (?:the )?criteria|client has|the client suffers|"
    r"confirms?|is (?:a|an) (?:case|instance) of)\b",
    re.IGNORECASE,
)


def _all_candidates(screener: RuleScreener) -> list[DiagnosticCandidate]:
    out: list[DiagnosticCandidate] = []
    for lines, _, _ in CANDIDATES:
        out.extend(_diag(screener, lines).candidates)
    return out


def test_wording_is_a_suggestion_never_a_diagnosis(screener: RuleScreener) -> None:
    candidates = _all_candidates(screener)
    assert candidates
    for cand in candidates:
        assert cand.suggestion.startswith("Consider ")
        assert "not a diagnosis" in cand.suggestion
        assert "Criteria not assessed:" in cand.suggestion
        assert FORBIDDEN.search(cand.suggestion) is None
        assert cand.origin == "ai"


def test_criteria_not_assessed_are_listed(screener: RuleScreener) -> None:
    cand = next(c for c in _diag(screener, CANDIDATES[0][0]).candidates if c.id.startswith("major"))
    not_assessed = {c.id for c in cand.criteria_not_assessed}
    assert "appetite" in not_assessed  # never mentioned
    assert "suicidal_thoughts" in not_assessed  # never discussed: not assessed, never "denied"
    assert any(c.id.startswith("clinician.") for c in cand.criteria_not_assessed)
    supported = {c.id for c in cand.criteria_supported}
    assert {"depressed_mood", "anhedonia", "sleep", "energy", "duration"} <= supported
    for crit in cand.criteria_supported:
        assert crit.items and all(i.evidence for i in crit.items)


def test_suicidal_thoughts_come_from_screening(screener: RuleScreener) -> None:
    lines = (*CANDIDATES[0][0], "Sometimes I wish I was dead.")
    cand = next(c for c in _diag(screener, lines).candidates if c.id.startswith("major"))
    crit = next(c for c in cand.criteria_supported if c.id == "suicidal_thoughts")
    assert crit.items[0].rule.startswith("screening:suicide:")


def test_denied_suicidal_thoughts_are_discussed_not_supported(screener: RuleScreener) -> None:
    doc = transcript(
        "Client: I've been feeling really down.\nClient: I don't enjoy anything anymore.\n"
        "Therapist: Any thoughts of killing yourself?\nClient: No, never."
    )
    part = run(screener, doc).diagnostic_impressions
    assert isinstance(part, DiagnosticPart)
    cand = next(c for c in part.candidates if c.id.startswith("major"))
    assert "suicidal_thoughts" in {c.id for c in cand.criteria_discussed_not_supported}


def test_code_table_has_source_version_and_valid_codes() -> None:
    table = default_table()
    assert "CDC" in table.info.source and "public domain" in table.info.source
    assert table.info.version
    for code in table.codes:
        assert re.fullmatch(r"[FZ]\d{2}(?:\.[0-9A-Z]{1,4})?", code), code
    for cand in table.candidates:
        assert all(code in table.codes for code in cand.codes)
    families = {c[:3] for c in table.codes}
    for needed in ("F32", "F41", "F43", "F10", "F90", "F31", "F42", "F51"):
        assert needed in families
