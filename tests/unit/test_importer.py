from __future__ import annotations

from pathlib import Path

import pytest

from clearnote.errors import TranscriptFormatError
from clearnote.transcripts.importer import parse_turns, read_typed_transcript
from tests.conftest import eval_file


@pytest.mark.parametrize(
    ("line", "label", "role", "text"),
    [
        ("Therapist: How was your week?", "Therapist", "clinician", "How was your week?"),
        ("counselor: Go on.", "counselor", "clinician", "Go on."),
        ("Dr: Hello.", "Dr", "clinician", "Hello."),
        ("[doctor] hi , brian .", "doctor", "clinician", "hi , brian ."),
        ("[patient] good to see you", "patient", "client", "good to see you"),
        ("Client: Not great.", "Client", "client", "Not great."),
        ("PATIENT: Fine.", "PATIENT", "client", "Fine."),
        ("Mother: He was late again.", "Mother", "other", "He was late again."),
        ("[    2.53-   12.50] DOCTOR: Good morning.", "DOCTOR", "clinician", "Good morning."),
    ],
)
def test_each_line_shape_gives_speaker_role_and_text(
    line: str, label: str, role: str, text: str
) -> None:
    t = parse_turns(line)
    assert [s.text for s in t.segments] == [text]
    assert t.speakers[0].label == label
    assert t.speakers[0].role == role


def test_segments_numbered_in_line_order_and_speakers_reused() -> None:
    t = parse_turns("Therapist: a\nClient: b\n\nTherapist: c\n")
    assert [s.id for s in t.segments] == ["seg-0001", "seg-0002", "seg-0003"]
    assert [s.speaker for s in t.segments] == ["S1", "S2", "S1"]
    assert len(t.speakers) == 2


def test_continuation_lines_join_the_previous_turn() -> None:
    t = parse_turns("Client: I have been\nsleeping badly\nTherapist: I see")
    assert t.segments[0].text == "I have been sleeping badly"
    assert len(t.segments) == 2


def test_timed_lines_keep_times_and_untimed_files_warn() -> None:
    timed = parse_turns("[ 1.0- 2.5] DOCTOR: a\n[ 3.0- 4.0] PATIENT: b")
    assert (timed.segments[1].start, timed.segments[1].end) == (3.0, 4.0)
    assert timed.duration == 4.0 and not timed.warnings
    assert parse_turns("Client: a").warnings


def test_transcriber_marks_unsure_and_inaudible() -> None:
    t = parse_turns("PATIENT: <UNSURE>Oh</UNSURE> hey <UNIN/> there")
    seg = t.segments[0]
    assert seg.text == "Oh hey there"
    assert seg.low_confidence and "transcriber_unsure" in seg.flags


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no speaker turns"),
        ("   \n\n", "no speaker turns"),
        ("just some words without a speaker", "line 1"),
        ("[ 5.0- 2.0] DOCTOR: backwards", "end time before start"),
    ],
)
def test_bad_transcripts_name_the_problem_without_content(text: str, problem: str) -> None:
    with pytest.raises(TranscriptFormatError) as err:
        parse_turns(text, source="x.txt")
    assert problem in err.value.message
    assert err.value.message.startswith("x.txt")
    assert "without a speaker" not in err.value.message  # never echoes the content


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(TranscriptFormatError, match="file not found"):
        read_typed_transcript(tmp_path / "missing.txt")
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(TranscriptFormatError, match="not UTF-8"):
        read_typed_transcript(binary)


def test_reads_a_real_primock57_transcript() -> None:
    path = eval_file("primock57/joined_transcripts/day1_consultation01.txt")
    t = read_typed_transcript(path)
    assert {s.role for s in t.speakers} == {"clinician", "client"}
    assert len(t.segments) > 50
    assert all(s.end >= s.start for s in t.segments)
    assert not any("<UNSURE>" in s.text or "<UNIN/>" in s.text for s in t.segments)
