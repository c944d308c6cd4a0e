"""Hypothesis fuzzing of the typed-transcript importer and the transcript document loader."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearnote.errors import TranscriptFormatError
from clearnote.transcripts.document import transcript_from_obj
from clearnote.transcripts.importer import parse_turns

CANARY = "zebracanary"
names = st.sampled_from(["Therapist", "client", "DOCTOR", "Patient", "Mother", "Dr", "x"])
words = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
line = st.one_of(
    st.builds(lambda n, w: f"{n}: {w}", names, words),
    st.builds(lambda n, w: f"[{n}] {w}", names, words),
    st.builds(
        lambda a, b, n, w: f"[{a:8.2f}-{b:8.2f}] {n}: {w}",
        st.floats(0, 1e4),
        st.floats(0, 1e4),
        names,
        words,
    ),
    words,
    st.just(f"{CANARY} <UNSURE>{CANARY}</UNSURE> <UNIN/>"),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(line, max_size=30))
def test_importer_either_parses_or_raises_a_clean_format_error(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        t = parse_turns(text, source="fuzz.txt")
    except TranscriptFormatError as err:
        assert err.message.startswith("fuzz.txt")
        assert CANARY not in err.message
        return
    assert [s.id for s in t.segments] == [f"seg-{i:04d}" for i in range(1, len(t.segments) + 1)]
    known = {s.id for s in t.speakers}
    assert all(s.speaker in known and s.text and s.end >= s.start for s in t.segments)
    assert all("<UNSURE>" not in s.text for s in t.segments)
    assert CANARY not in repr(t)


json_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["schema", "duration", "asr", "speakers", "segments", "language", CANARY]),
        json_values,
        max_size=6,
    )
)
def test_document_loader_never_crashes_or_echoes(doc: dict[str, object]) -> None:
    doc = {**doc, "schema": "clearnote.transcript/1"} if "schema" not in doc else doc
    try:
        transcript_from_obj(json.loads(json.dumps(doc)), source="doc.json")
    except TranscriptFormatError as err:
        assert err.message.startswith("doc.json") and CANARY not in err.message
