"""Role assignment: enrolled voice first, then conversational cues."""

from __future__ import annotations

import numpy as np
import pytest

from clearnote.diarize.roles import Turn, assign_roles, is_question, phrase_hits

THERAPIST_LINES = [
    "Hi, it's good to see you. How have things been since our last session?",
    "It sounds like that week was hard. What comes up for you when you think about it?",
    "Let's look at the homework together.",
]
CLIENT_LINES = [
    "Honestly it was a rough couple of weeks.",
    "I kept waking up at three in the morning and I couldn't get back to sleep.",
    "I did some of it but not all.",
]


def _alternate(first: int, a_lines: list[str], b_lines: list[str]) -> list[Turn]:
    turns, t = [], 0.0
    for a, b in zip(a_lines, b_lines, strict=True):
        for spk, text in ((first, a), (1 - first, b)):
            turns.append(Turn(spk, t, t + 0.3 * len(text.split()), text))
            t = turns[-1].end + 0.5
    return turns


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("How was your week?", True),
        ("Did you sleep", True),
        ("what comes up for you", True),
        ("I slept badly.", False),
        ("It was fine?", True),
        ("", False),
    ],
)
def test_question_detection(sentence: str, expected: bool) -> None:
    assert is_question(sentence) is expected


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("It sounds like that was hard.", 1),
        ("Let’s pick up from last session.", 2),
        ("I went to the shop.", 0),
    ],
)
def test_therapist_phrases(text: str, hits: int) -> None:
    assert phrase_hits([text]) == hits


@pytest.mark.parametrize("therapist", [0, 1])
def test_cues_find_the_therapist_whichever_index(therapist: int) -> None:
    turns = _alternate(therapist, THERAPIST_LINES, CLIENT_LINES)
    roles = assign_roles(turns, 2)
    assert roles[therapist] == "clinician"
    assert roles[1 - therapist] == "client"


def test_cues_win_even_when_the_client_opens() -> None:
    turns = _alternate(1, CLIENT_LINES, THERAPIST_LINES)  # client (1) speaks first
    assert assign_roles(turns, 2) == {0: "clinician", 1: "client"}


def test_enrolled_voice_overrides_cues() -> None:
    turns = _alternate(0, THERAPIST_LINES, CLIENT_LINES)
    cents = np.eye(2, 256, dtype=np.float32)
    voice = np.eye(2, 256, dtype=np.float32)[1]  # the enrolled clinician sounds like speaker 1
    roles = assign_roles(turns, 2, centroids=cents, clinician_voice=voice)
    assert roles == {0: "client", 1: "clinician"}


def test_unmatched_enrolled_voice_falls_back_to_cues() -> None:
    turns = _alternate(0, THERAPIST_LINES, CLIENT_LINES)
    cents = np.eye(2, 256, dtype=np.float32)
    voice = np.eye(3, 256, dtype=np.float32)[2]  # similar to neither speaker
    assert assign_roles(turns, 2, centroids=cents, clinician_voice=voice)[0] == "clinician"


def test_family_session_all_regular_speakers_are_clients() -> None:
    turns = _alternate(0, THERAPIST_LINES, CLIENT_LINES)
    t = turns[-1].end
    turns += [
        Turn(2, t + 1, t + 8, "We argue every morning about school."),
        Turn(3, t + 9, t + 9.4, "Yes."),
    ]
    turns += [Turn(2, t + 10, t + 16, "And then nobody talks at dinner.")]
    roles = assign_roles(turns, 4)
    assert roles[0] == "clinician"
    assert roles[1] == roles[2] == "client"
    assert roles[3] == "other"  # under 5 % of the talk time


def test_edge_counts() -> None:
    assert assign_roles([], 0) == {}
    assert assign_roles([], 1) == {0: "clinician"}
    assert sorted(assign_roles([], 2).values()) == ["client", "clinician"]


def test_turn_repr_hides_text() -> None:
    assert "secret" not in repr(Turn(0, 0.0, 1.0, "secret words"))
