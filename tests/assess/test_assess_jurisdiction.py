"""Jurisdiction profiles: each shipped profile loads; several merge strictest-wins."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearnote.assess.jurisdiction import (
    known_jurisdictions,
    load_profile,
    merge_profiles,
    plan_parts,
    resolve,
)
from clearnote.assess.resources import AssessDataError
from clearnote.domain.assessment import PARTS

SHIPPED = ["US", "US-IL", "US-NV", "US-UT", "US-CA", "US-TX"]


def test_shipped_profiles_load_and_cite() -> None:
    assert set(SHIPPED) <= set(known_jurisdictions())
    for code in SHIPPED:
        profile = load_profile(code)
        assert profile.jurisdiction == code
        assert profile.citations
        assert profile.clinician_approval_required


# (jurisdictions, parts expected off)
CASES = [
    ((), set()),
    (("US-IL",), {"diagnostic_suggestions", "emotion_inference"}),
    (("US-NV",), {"diagnostic_suggestions", "conceptualization"}),
    (("US-TX",), set()),
    (("US-CA",), set()),
    (("US-UT",), set()),
    (("US-IL", "US-NV"), {"diagnostic_suggestions", "emotion_inference", "conceptualization"}),
    (("US-TX", "US-IL"), {"diagnostic_suggestions", "emotion_inference"}),
]


@pytest.mark.parametrize(("codes", "off"), CASES)
def test_parts_switched_off(codes: tuple[str, ...], off: set[str]) -> None:
    policy = resolve(codes)
    enabled, reasons = plan_parts(policy)
    assert set(PARTS) - enabled == off
    assert set(reasons) == off
    assert all(reasons[p] for p in off)


def test_illinois_reason_cites_the_statute() -> None:
    _, reasons = plan_parts(resolve(["us-il"]))
    assert "225 ILCS 155/20(b)" in reasons["diagnostic_suggestions"]


def test_flags_and_residency_merge_strictest() -> None:
    policy = resolve(["US-TX", "US-IL"])
    assert policy.client_disclosure_required
    assert policy.written_ai_consent_required  # from IL
    assert policy.data_residency == ("US",)  # from TX
    assert policy.jurisdictions == ("US", "US-TX", "US-IL")


def test_unknown_jurisdiction_names_the_option() -> None:
    with pytest.raises(AssessDataError, match="--jurisdiction: unknown jurisdiction 'US-XX'"):
        resolve(["US-XX"])


def test_consent_switches_parts_off() -> None:
    enabled, reasons = plan_parts(resolve(()), consented={"draft_note", "risk_screening"})
    assert "diagnostic_suggestions" not in enabled
    assert "conceptualization" not in enabled
    assert "service_needs" in enabled and "safety_plan" in enabled
    assert "no client consent" in reasons["diagnostic_suggestions"]


@given(st.lists(st.sampled_from(SHIPPED), min_size=1, max_size=4))
def test_merge_never_allows_what_a_profile_forbids(codes: list[str]) -> None:
    profiles = [load_profile(c) for c in codes]
    policy = merge_profiles(profiles)
    for profile in profiles:
        for part in profile.disabled:
            assert not policy.allows(part)
        if profile.client_disclosure_required:
            assert policy.client_disclosure_required
    assert set(policy.disabled) == set().union(*(set(p.disabled) for p in profiles))


def test_merge_is_order_independent() -> None:
    profiles = [load_profile(c) for c in SHIPPED]
    ref = merge_profiles(profiles)
    for perm in itertools.islice(itertools.permutations(profiles), 20):
        merged = merge_profiles(list(perm))
        assert set(merged.disabled) == set(ref.disabled)
        assert merged.data_residency == ref.data_residency
        assert merged.client_disclosure_required == ref.client_disclosure_required
