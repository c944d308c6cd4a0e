"""The consent ledger: grants, revocations, participants, prerequisites, time travel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from clearnote.domain.consent import (
    ConsentEvent,
    ConsentLedger,
    Purpose,
    dependents,
    prerequisites,
    purposes_for_stage,
    require,
    revocation_effects,
)
from clearnote.errors import BadInputError, PolicyError

from .factories import CLIENT_ID, SIGNER, at, chain, grant, revoke

R, T, D = Purpose.RECORD, Purpose.TRANSCRIBE, Purpose.DRAFT_NOTE

# (case, events, purposes asked, participants, at-day or None, allowed?)
CASES = [
    ("nothing granted", [], [R], [None], None, False),
    ("record granted", chain("record"), [R], [None], None, True),
    ("draft chain granted", chain("draft_note"), [D], [None], None, True),
    (
        "draft granted, asked for more",
        chain("draft_note"),
        [D, Purpose.RISK_SCREENING],
        [None],
        None,
        False,
    ),
    ("revoked", [*chain("record"), revoke(R, 1)], [R], [None], None, False),
    (
        "revoked then re-granted",
        [*chain("record"), revoke(R, 1), grant(R, 2)],
        [R],
        [None],
        None,
        True,
    ),
    ("before the grant", chain("record", day=5), [R], [None], 4, False),
    ("after the grant, before revoke", [*chain("record"), revoke(R, 3)], [R], [None], 2, True),
    ("after the revoke", [*chain("record"), revoke(R, 3)], [R], [None], 3, False),
    (
        "prerequisite revoked stops draft",
        [*chain("draft_note"), revoke(T, 1)],
        [D],
        [None],
        None,
        False,
    ),
    ("prerequisite revoked, before", [*chain("draft_note"), revoke(T, 1)], [D], [None], 0.5, True),
    ("client only, partner asked", chain("record"), [R], [None, "p2"], None, False),
    (
        "client and partner",
        [*chain("record"), *chain("record", participant="p2")],
        [R],
        [None, "p2"],
        None,
        True,
    ),
    ("partner only, client asked", chain("record", participant="p2"), [R], [None], None, False),
    (
        "partner revoked",
        [*chain("record"), *chain("record", participant="p2"), revoke(R, 1, "p2")],
        [R],
        [None, "p2"],
        None,
        False,
    ),
    (
        "partner revoked, client still",
        [*chain("record"), *chain("record", participant="p2"), revoke(R, 1, "p2")],
        [R],
        [None],
        None,
        True,
    ),
    (
        "revocation of never-granted is harmless",
        [revoke(Purpose.RETAIN_AUDIO), *chain("record")],
        [R],
        [None],
        None,
        True,
    ),
    (
        "remote processing independent",
        [grant(Purpose.REMOTE_PROCESSING)],
        [Purpose.REMOTE_PROCESSING],
        [None],
        None,
        True,
    ),
]


@pytest.mark.parametrize(
    ("events", "purposes", "participants", "day", "allowed"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_allows(events, purposes, participants, day, allowed) -> None:
    ledger = ConsentLedger(CLIENT_ID, events)
    when = None if day is None else at(day)
    assert ledger.allows(purposes, participants, when) is allowed
    assert (ledger.missing(purposes, participants, when) == ()) is allowed


def test_state_reports_since_and_form_version() -> None:
    ledger = ConsentLedger(CLIENT_ID, [grant(R, 0), revoke(R, 2), grant(R, 4, version=2)])
    s = ledger.state()[(None, R)]
    assert (s.granted, s.since, s.form_version) == (True, at(4), 2)
    past = ledger.state(at(3))[(None, R)]
    assert (past.granted, past.since, past.form_version) == (False, at(2), None)
    assert ledger.state(at(-1)) == {}


def test_events_are_ordered_by_time_not_insertion() -> None:
    ledger = ConsentLedger(CLIENT_ID, [revoke(R, 2), grant(R, 0)])
    assert ledger.state()[(None, R)].granted is False


def test_missing_reasons() -> None:
    ledger = ConsentLedger(CLIENT_ID, [*chain("draft_note"), revoke(T, 1)])
    got = {
        (m.participant_id, m.purpose, m.reason)
        for m in ledger.missing([T, D, Purpose.CONCEPTUALIZATION], [None, "p2"])
    }
    assert (None, T, "revoked") in got
    assert (None, D, "prerequisite") in got
    assert (None, Purpose.CONCEPTUALIZATION, "never_granted") in got
    assert ("p2", D, "never_granted") in got
    revoked = next(m for m in ledger.missing([T]) if m.reason == "revoked")
    assert revoked.revoked_at == at(1)
    assert "revoked at 2026-03-03" in revoked.describe()
    pre = next(m for m in ledger.missing([D]))
    assert pre.prerequisite is T and "needs transcribe" in pre.describe()


@pytest.mark.parametrize(
    ("existing", "new", "refused"),
    [
        ([], grant(T), True),
        ([grant(R)], grant(T), False),
        ([grant(R)], grant(D), True),
        ([*chain("transcribe")], grant(D), False),
        ([*chain("transcribe"), revoke(T, 1)], grant(D, 2), True),
        ([*chain("transcribe")], grant(D, participant="p2"), True),  # per participant
        ([], grant(Purpose.RETAIN_AUDIO), True),
        ([grant(R)], grant(Purpose.RETAIN_AUDIO), False),
        ([], grant(Purpose.REMOTE_PROCESSING), False),
        ([], revoke(D), False),
    ],
)
def test_append_enforces_prerequisites(existing, new, refused) -> None:
    ledger = ConsentLedger(CLIENT_ID, existing)
    if refused:
        with pytest.raises(PolicyError) as info:
            ledger.append(new)
        assert new.purpose.value in info.value.message
        assert info.value.exit_code == 3
        assert ledger.check(new) is not None
    else:
        after = ledger.append(new)
        assert len(after.events) == len(existing) + 1
        assert len(ledger.events) == len(existing)  # immutable


def test_prerequisite_refusal_message_is_clear() -> None:
    with pytest.raises(
        PolicyError, match="cannot grant draft_note for client before transcribe, record is granted"
    ):
        ConsentLedger(CLIENT_ID).append(grant(D))


def test_require_names_purposes_and_ids_never_names() -> None:
    ledger = ConsentLedger(CLIENT_ID, [*chain("transcribe"), *chain("record", participant="p2")])
    with pytest.raises(PolicyError) as info:
        require(ledger, [D, Purpose.RISK_SCREENING, R], [None, "p2"])
    msg = info.value.message
    assert msg.startswith("consent missing for draft_note, risk_screening")
    assert "participant p2" in msg
    assert SIGNER not in msg and SIGNER.split()[0] not in msg
    assert SIGNER not in repr(info.value)
    require(ledger, [T])  # allowed: no error


def test_require_shows_revocation_time() -> None:
    ledger = ConsentLedger(CLIENT_ID, [*chain("record"), revoke(R, 1)])
    with pytest.raises(
        PolicyError, match=r"record for client: revoked at 2026-03-03T09:00:00\+00:00"
    ):
        require(ledger, "record")


def test_signer_name_never_in_reprs() -> None:
    ev = grant(R)
    ledger = ConsentLedger(CLIENT_ID, [ev])
    for text in (repr(ev), str(ev), repr(ledger), repr(ledger.state()), repr(ledger.missing([D]))):
        assert SIGNER not in text
    assert ev.signed_by == SIGNER


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("form_sha256", None),
        ("form_id", None),
        ("form_version", None),
        ("signed_by", None),
        ("signed_by", ""),
    ],
)
def test_grant_needs_form_and_signer(field, value) -> None:
    data = grant(R).model_dump()
    data[field] = value
    with pytest.raises(ValidationError):
        ConsentEvent.model_validate(data)


def test_naive_time_and_empty_participant_are_refused() -> None:
    data = grant(R).model_dump()
    with pytest.raises(ValidationError):
        ConsentEvent.model_validate({**data, "at": datetime(2026, 1, 1)})
    with pytest.raises(ValidationError):
        ConsentEvent.model_validate({**data, "participant_id": ""})
    with pytest.raises(ValidationError):
        ConsentEvent.model_validate({**data, "purpose": "train_models"})


def test_events_are_frozen_and_for_one_client() -> None:
    ev = grant(R)
    with pytest.raises(ValidationError):
        ev.purpose = T  # type: ignore[misc]
    other = grant(R).model_copy(update={"client_id": "c-999"})
    with pytest.raises(BadInputError):
        ConsentLedger(CLIENT_ID, [other])
    assert ConsentLedger(CLIENT_ID).check(other) is not None


def test_purpose_graph() -> None:
    assert prerequisites(D) == (T, R)
    for p in (Purpose.RISK_SCREENING, Purpose.DIAGNOSTIC_SUGGESTIONS, Purpose.CONCEPTUALIZATION):
        assert prerequisites(p) == (T, R)
    assert prerequisites(Purpose.RETAIN_AUDIO) == (R,)
    assert prerequisites(R) == () and prerequisites(Purpose.REMOTE_PROCESSING) == ()
    assert set(dependents(T)) == {
        D,
        Purpose.RISK_SCREENING,
        Purpose.DIAGNOSTIC_SUGGESTIONS,
        Purpose.CONCEPTUALIZATION,
    }
    assert set(dependents(R)) == set(Purpose) - {R, Purpose.REMOTE_PROCESSING}


@pytest.mark.parametrize(
    ("stage", "remote", "expected"),
    [
        ("ingest", False, (R,)),
        ("transcribe", False, (R, T)),
        ("diarize", True, (R, T, Purpose.REMOTE_PROCESSING)),
        ("draft", False, (R, T, D)),
        ("screen", False, (R, T, Purpose.RISK_SCREENING)),
        ("assess.diagnostic", False, (R, T, Purpose.DIAGNOSTIC_SUGGESTIONS)),
        ("assess.conceptualization", False, (R, T, Purpose.CONCEPTUALIZATION)),
    ],
)
def test_purposes_for_stage(stage, remote, expected) -> None:
    assert purposes_for_stage(stage, remote=remote) == expected


def test_unknown_stage_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown stage"):
        purposes_for_stage("telepathy")


def test_revocation_effects() -> None:
    eff = revocation_effects("transcribe")
    assert eff.stops[0] is T and set(eff.stops) == {T, *dependents(T)}
    assert {"transcribe", "draft", "screen"} <= set(eff.stages)
    assert set(eff.erasable) == {"transcript", "draft", "screening", "assessment"}
    assert "signed_note" in eff.kept and "signed_note" not in eff.erasable
    assert revocation_effects(Purpose.RETAIN_AUDIO).erasable == ("audio",)
    assert revocation_effects(Purpose.REMOTE_PROCESSING).erasable == ()
    assert "audio" in revocation_effects(R).erasable


# --- property: the state is the last event per (participant, purpose) ---------------------

_events = st.lists(
    st.tuples(
        st.sampled_from([None, "p2", "p3"]),
        st.sampled_from(list(Purpose)),
        st.sampled_from(["grant", "revoke"]),
        st.integers(min_value=0, max_value=20),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(_events, st.one_of(st.none(), st.integers(min_value=-1, max_value=21)))
def test_state_is_last_event_per_pair(raw, day) -> None:
    events = [
        grant(p, d, who) if action == "grant" else revoke(p, d, who) for who, p, action, d in raw
    ]
    ledger = ConsentLedger(CLIENT_ID, events)
    when = None if day is None else at(day)
    expected: dict[tuple[str | None, Purpose], ConsentEvent] = {}
    for ev in sorted(events, key=lambda e: e.at):  # stable: ties keep given order
        if when is None or ev.at <= when:
            expected[(ev.participant_id, ev.purpose)] = ev
    state = ledger.state(when)
    assert set(state) == set(expected)
    for key, ev in expected.items():
        assert state[key].granted is (ev.action == "grant")
        assert state[key].since == ev.at
        assert state[key].form_sha256 == ev.form_sha256
    # allows() agrees with the state and the prerequisite graph
    for (who, purpose), s in state.items():
        chain_ok = s.granted and all(
            state.get((who, q)) is not None and state[(who, q)].granted
            for q in prerequisites(purpose)
        )
        assert ledger.allows([purpose], [who], when) is chain_ok


def test_time_zone_aware_comparison() -> None:
    ledger = ConsentLedger(CLIENT_ID, chain("record"))
    assert ledger.allows("record", at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
