"""Retention schedule: defaults per artefact kind, legal hold, retain_audio, state record rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from clearnote.domain.retention import ARTEFACT_KINDS, Artefact, RetentionFacts, RetentionPolicy
from clearnote.retention.loader import shipped_schedule
from clearnote.retention.policy import (
    DEFAULT_POLICIES,
    RetentionSchedule,
    add_years,
    decide,
    due_at,
    due_now,
    explain,
    record_retention_due,
)

T0 = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
D = timedelta(days=1)


def art(kind: str, created: datetime = T0, id: str = "a-1") -> Artefact:
    return Artefact(kind=kind, id=id, created_at=created, key_id=f"k-{id}")  # type: ignore[arg-type]


# (case, kind, facts, expected due)
CASES = [
    ("audio unsigned: 7 days", "audio", RetentionFacts(), T0 + 7 * D),
    (
        "audio signed on day 2: at signing",
        "audio",
        RetentionFacts(note_signed_at=T0 + 2 * D),
        T0 + 2 * D,
    ),
    (
        "audio signed on day 9: the 7-day cap came first",
        "audio",
        RetentionFacts(note_signed_at=T0 + 9 * D),
        T0 + 7 * D,
    ),
    (
        "audio kept with retain_audio consent",
        "audio",
        RetentionFacts(retain_audio=True),
        add_years(T0, 7),
    ),
    ("audio on legal hold", "audio", RetentionFacts(legal_hold=True), None),
    (
        "transcript signed day 1: +30 days",
        "transcript",
        RetentionFacts(note_signed_at=T0 + D),
        T0 + 31 * D,
    ),
    ("transcript never signed: 90 days", "transcript", RetentionFacts(), T0 + 90 * D),
    (
        "draft signed day 80: 90-day cap first",
        "draft",
        RetentionFacts(note_signed_at=T0 + 80 * D),
        T0 + 90 * D,
    ),
    ("screening signed", "screening", RetentionFacts(note_signed_at=T0), T0 + 30 * D),
    ("assessment signed", "assessment", RetentionFacts(note_signed_at=T0), T0 + 30 * D),
    ("export: 30 days after made", "export", RetentionFacts(note_signed_at=T0), T0 + 30 * D),
    (
        "signed note: APA floor 7 years",
        "signed_note",
        RetentionFacts(note_signed_at=T0),
        add_years(T0, 7),
    ),
    (
        "signed note after later service",
        "signed_note",
        RetentionFacts(last_service_at=T0 + 400 * D),
        add_years(T0 + 400 * D, 7),
    ),
    ("psychotherapy note: record rule", "psychotherapy_note", RetentionFacts(), add_years(T0, 7)),
    ("signed note on legal hold", "signed_note", RetentionFacts(legal_hold=True), None),
    (
        "retain_audio does not extend a transcript",
        "transcript",
        RetentionFacts(retain_audio=True),
        T0 + 90 * D,
    ),
]


@pytest.mark.parametrize(
    ("kind", "facts", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_due_at(kind, facts, expected) -> None:
    assert due_at(art(kind), facts) == expected


def test_every_kind_has_a_default_policy() -> None:
    assert set(DEFAULT_POLICIES) == set(ARTEFACT_KINDS)


# --- state record-retention rules ------------------------------------------------------------

BORN_2014 = date(2014, 6, 10)  # 11 at the session: a minor


@pytest.mark.parametrize(
    ("jurisdictions", "birth", "expected", "rule"),
    [
        ((), None, datetime(2033, 3, 2, 15, tzinfo=UTC), "record:APA"),
        (("US-NY",), None, datetime(2033, 3, 2, 15, tzinfo=UTC), "record:APA"),  # 6 < floor 7
        # minor, APA: majority (2032) + 3 = 2035
        ((), BORN_2014, datetime(2035, 6, 10, tzinfo=UTC), "record:APA"),
        # NV: until age 23 = 2037
        (("US-NV",), BORN_2014, datetime(2037, 6, 10, tzinfo=UTC), "record:US-NV"),
        # CA: 7 years after 18 = 2039; strictest of CA and NV wins
        (("US-NV", "CA"), BORN_2014, datetime(2039, 6, 10, tzinfo=UTC), "record:US-CA"),
        # TX: 5 years after majority = 2037 (CA's 2039 still later)
        (("US-TX",), BORN_2014, datetime(2037, 6, 10, tzinfo=UTC), "record:US-TX"),
        # Mississippi: majority 21 raises the floor's minor date: 2035 + 3 = 2038
        (("US-MS",), BORN_2014, datetime(2038, 6, 10, tzinfo=UTC), "record:APA"),
    ],
)
def test_record_retention(jurisdictions, birth, expected, rule) -> None:
    due, applied = record_retention_due(T0, jurisdictions, birth, shipped_schedule())
    assert (due, applied) == (expected, rule)


def test_signed_note_of_a_minor_uses_the_strictest_state() -> None:
    facts = RetentionFacts(jurisdictions=("US-CA",), birth_date=BORN_2014)
    due, rule, _ = explain(art("signed_note"), facts)
    assert due == datetime(2039, 6, 10, tzinfo=UTC) and rule == "signed_note:record:US-CA"


def test_shipped_table_has_sources_and_no_rule_shorter_than_the_floor_is_applied() -> None:
    schedule = shipped_schedule()
    assert {"US-CA", "US-NV", "US-NY", "US-TX"} <= set(schedule.record_rules)
    for rule in schedule.record_rules.values():
        assert rule.source
        due, _ = record_retention_due(T0, [rule.jurisdiction], None, schedule)
        assert due >= add_years(T0, 7)


def test_add_years_rolls_leap_day_forward() -> None:
    leap = datetime(2028, 2, 29, tzinfo=UTC)
    assert add_years(leap, 1) == datetime(2029, 3, 1, tzinfo=UTC)
    assert add_years(leap, 4) == datetime(2032, 2, 29, tzinfo=UTC)


# --- decisions and due_now -------------------------------------------------------------------


def test_due_now_picks_only_what_is_due_earliest_first() -> None:
    items = [
        (art("audio", id="a-late"), RetentionFacts()),  # day 7
        (art("audio", id="a-signed"), RetentionFacts(note_signed_at=T0 + D)),  # day 1
        (art("audio", id="a-held"), RetentionFacts(legal_hold=True)),
        (art("audio", id="a-kept"), RetentionFacts(retain_audio=True)),
        (art("transcript", id="t-1"), RetentionFacts(note_signed_at=T0 + D)),  # day 31
        (art("signed_note", id="n-1"), RetentionFacts(note_signed_at=T0 + D)),
    ]
    assert due_now(items, T0) == ()
    assert [d.artefact_id for d in due_now(items, T0 + 2 * D)] == ["a-signed"]
    got = due_now(items, T0 + 40 * D)
    assert [d.artefact_id for d in got] == ["a-signed", "a-late", "t-1"]
    assert all(d.status == "erase" for d in got)
    assert got[0].rule == "audio:signed+0d|created+7d" and got[0].reason == "note signed"


def test_legal_hold_blocks_erasure_even_long_after() -> None:
    decision = decide(art("audio"), RetentionFacts(legal_hold=True), T0 + 3650 * D)
    assert (decision.status, decision.due_at, decision.rule) == ("hold", None, "legal_hold")


def test_revoking_retain_audio_makes_kept_audio_due() -> None:
    a = art("audio")
    now = T0 + 30 * D
    assert decide(a, RetentionFacts(retain_audio=True), now).status == "keep"
    assert decide(a, RetentionFacts(retain_audio=False), now).status == "erase"


def test_custom_policy() -> None:
    schedule = RetentionSchedule().with_policy(
        RetentionPolicy(kind="transcript", after_signing=timedelta(0), max_age=14 * D)
    )
    assert due_at(art("transcript"), RetentionFacts(note_signed_at=T0 + D), schedule) == T0 + D
    assert due_at(art("transcript"), RetentionFacts(), schedule) == T0 + 14 * D


def test_a_policy_must_erase_sometime() -> None:
    with pytest.raises(ValidationError, match="never erased"):
        RetentionPolicy(kind="audio")
    with pytest.raises(ValidationError, match="negative"):
        RetentionPolicy(kind="audio", max_age=-D)


def test_only_after_signing_waits_for_signature() -> None:
    schedule = RetentionSchedule().with_policy(RetentionPolicy(kind="draft", after_signing=D))
    assert due_at(art("draft"), RetentionFacts(), schedule) is None
    assert decide(art("draft"), RetentionFacts(), T0 + 9999 * D, schedule).status == "keep"


def test_facts_repr_hides_birth_date() -> None:
    facts = RetentionFacts(birth_date=BORN_2014, jurisdictions=("US-CA",))
    assert "2014" not in repr(facts)
