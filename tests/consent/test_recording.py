"""Recording consent: every participant where any involved jurisdiction is all-party."""

from __future__ import annotations

import pytest

from clearnote.consent.loader import recording_rules
from clearnote.consent.recording import (
    RecordingRules,
    normalize_jurisdiction,
    recording_consent_required_from,
    strictest_rule,
)
from clearnote.domain.consent import ConsentLedger, Purpose, require
from clearnote.errors import PolicyError

from .factories import CLIENT_ID, chain

ALL_PARTY = {"CA", "DE", "FL", "IL", "MD", "MA", "MI", "MT", "NV", "NH", "OR", "PA", "WA", "CT"}
STATES_AND_DC = 51


def test_table_lists_the_all_party_states_and_every_state() -> None:
    rules = recording_rules()
    assert set(rules.all_party()) == {f"US-{s}" for s in ALL_PARTY}
    assert len([k for k in rules.jurisdictions if k.startswith("US-")]) == STATES_AND_DC
    assert all(entry.source for entry in rules.jurisdictions.values())


@pytest.mark.parametrize(
    ("jurisdictions", "participants", "expected"),
    [
        (["US-CA"], ["p2", "p3"], (None, "p2", "p3")),
        (["CA"], ["p2"], (None, "p2")),
        (["us-fl"], [], (None,)),
        (["US-NY"], ["p2"], (None,)),
        (["US-TX", "US-NY"], ["p2"], (None,)),
        (["US-NY", "US-WA"], ["p2"], (None, "p2")),  # strictest applies
        (["US"], ["p2"], (None,)),
        (["US-ZZ"], ["p2"], (None, "p2")),  # unknown: all-party
        ([], ["p2"], (None, "p2")),  # nothing known: all-party
        (["US-IL"], [None, "p2", "p2"], (None, "p2")),  # client first, no duplicates
    ],
)
def test_required_participants(jurisdictions, participants, expected) -> None:
    assert recording_consent_required_from(jurisdictions, participants) == expected


@pytest.mark.parametrize("state", sorted(ALL_PARTY))
def test_each_all_party_state(state: str) -> None:
    assert strictest_rule(recording_rules(), [state]) == "all_party"


def test_normalize() -> None:
    assert [normalize_jurisdiction(x) for x in ("ca", " US-ca ", "US", "GB")] == [
        "US-CA",
        "US-CA",
        "US",
        "GB",
    ]


def test_custom_rules_table() -> None:
    rules = RecordingRules.model_validate(
        {
            "version": 1,
            "effective": "2026-01-01",
            "default_unknown": "one_party",
            "jurisdictions": {"US-CA": {"rule": "all_party", "source": "x"}},
        }
    )
    assert recording_consent_required_from(["US-XX"], ["p2"], rules) == (None,)
    assert recording_consent_required_from(["US-CA"], ["p2"], rules) == (None, "p2")


def test_recording_refused_when_a_partner_has_not_consented_in_an_all_party_state() -> None:
    ledger = ConsentLedger(CLIENT_ID, chain("record"))
    need = recording_consent_required_from(["US-CA"], ["p2"])
    with pytest.raises(PolicyError, match="record for participant p2: never granted"):
        require(ledger, Purpose.RECORD, need)
    require(ledger, Purpose.RECORD, recording_consent_required_from(["US-NY"], ["p2"]))
