"""Clinical durations and times are not dates; years, younger ages and states are kept."""

from __future__ import annotations

import pytest

from clearnote.deid.keeplist import clinical_term, date_decision, location_keep
from clearnote.deid.service import Deidentifier
from tests.deid.corpus import CLINICAL

DATE_TABLE = [
    ("four hours", None, "duration"),
    ("two weeks", None, "duration"),
    ("3 a.m.", None, "clock_time"),
    ("10:30 p.m.", None, "clock_time"),
    ("every morning", None, "frequency"),
    ("twice a day", None, "frequency"),
    ("last Tuesday", None, "weekday"),
    ("yesterday", None, "relative_day"),
    ("last summer", None, "relative_day"),
    ("the first few days", None, "duration"),
    ("24/7", None, "frequency"),
    ("2019", None, "year_only"),
    ("since 2015", None, "year_only"),
    ("the 90s", None, "year_only"),
    ("45 years old", None, "age_under_90"),
    ("March 3rd", "DATE", None),
    ("June 14, 2021", "DATE", None),
    ("04/12/1987", "DATE", None),
    ("the fifth", "DATE", None),
    ("the 22nd of October", "DATE", None),
    ("Christmas", "DATE", None),
    ("January", "DATE", None),
    ("92 years old", "AGE", None),
    ("born in 1931", "AGE", None),
]


@pytest.mark.parametrize(("text", "entity", "reason"), DATE_TABLE)
def test_date_decision(text: str, entity: str | None, reason: str | None) -> None:
    got_entity, got_reason = date_decision(text, reference_year=2026)
    assert got_entity == entity
    if reason is not None:
        assert got_reason == reason


@pytest.mark.parametrize("place", ["Texas", "New Mexico", "the United States", "Mexico", "Europe"])
def test_states_and_larger_places_are_kept(place: str) -> None:
    assert location_keep(place)


@pytest.mark.parametrize("place", ["Springfield", "Cook County", "Evanston"])
def test_smaller_places_are_not_kept(place: str) -> None:
    assert not location_keep(place)


@pytest.mark.parametrize("term", ["CBT", "PHQ-9", "Zoloft", "lisinopril", "Sertraline", "GP"])
def test_clinical_terms(term: str) -> None:
    assert clinical_term(term)


@pytest.mark.parametrize("name", ["Maria", "Jenna Ortiz", "Caroline"])
def test_names_are_not_clinical_terms(name: str) -> None:
    assert not clinical_term(name)


def test_clinical_keep_set_passes_the_patterns_unchanged(patterns_only: Deidentifier) -> None:
    redacted, replacements, _ = patterns_only.redact_units(
        [(f"c{i}", s) for i, s in enumerate(CLINICAL)]
    )
    assert replacements == []
    assert redacted == list(CLINICAL)
