"""Placeholders are consistent per entity within a document; overlapping spans merge."""

from __future__ import annotations

from clearnote.deid.placeholders import Numberer
from clearnote.deid.service import Deidentifier
from clearnote.deid.spans import Span, resolve


def test_same_entity_same_number_different_entity_next_number() -> None:
    n = Numberer()
    assert n.number("NAME", "Maria Gonzalez") == "[NAME 1]"
    assert n.number("NAME", "Tom") == "[NAME 2]"
    assert n.number("NAME", "maria gonzalez") == "[NAME 1]"
    assert n.number("NAME", "Maria") == "[NAME 1]"  # first name of a known full name
    assert n.number("NAME", "Gonzalez's") == "[NAME 1]"
    assert n.number("DATE", "March 3") == "[DATE 1]"
    assert n.number("PHONE", "(312) 555-0142") == "[PHONE 1]"
    assert n.number("PHONE", "312-555-0142") == "[PHONE 1]"  # separators do not count


def test_ambiguous_first_name_is_not_linked() -> None:
    n = Numberer()
    n.number("NAME", "Anna Berg")
    n.number("NAME", "Anna Lind")
    assert n.number("NAME", "Anna") == "[NAME 3]"


def test_numbering_runs_across_segments(patterns_only: Deidentifier) -> None:
    redacted, reps, _ = patterns_only.redact_units(
        [
            ("seg-0001", "My sister Jenna called."),
            ("seg-0002", "My friend Omar came over."),
            ("seg-0003", "Then my sister Jenna left."),
        ]
    )
    assert redacted == [
        "My sister [NAME 1] called.",
        "My friend [NAME 2] came over.",
        "Then my sister [NAME 1] left.",
    ]
    assert [r.segment_id for r in reps] == ["seg-0001", "seg-0002", "seg-0003"]


def test_offsets_point_at_the_original_and_the_placeholder(patterns_only: Deidentifier) -> None:
    text = "Call 312-555-0142 or 847-555-0100 today."
    redacted, reps, _ = patterns_only.redact_units([("line-0001", text)])
    for r in reps:
        assert text[r.start : r.end] in ("312-555-0142", "847-555-0100")
        assert redacted[0][r.redacted_start : r.redacted_end] == r.placeholder


def test_overlapping_spans_merge_to_their_union_with_the_strongest_type() -> None:
    spans = [
        Span(10, 20, "LOCATION", 0.85, "presidio:SpacyRecognizer"),
        Span(12, 24, "HEALTH_PLAN", 0.9, "pattern:cue:health_plan"),
        Span(30, 35, "NAME", 0.85, "presidio:SpacyRecognizer"),
    ]
    merged = resolve(spans)
    assert [(s.start, s.end, s.entity) for s in merged] == [
        (10, 24, "HEALTH_PLAN"),
        (30, 35, "NAME"),
    ]


def test_adjacent_spans_stay_apart() -> None:
    merged = resolve([Span(0, 5, "NAME", 0.85, "m"), Span(5, 9, "DATE", 0.85, "m")])
    assert len(merged) == 2
