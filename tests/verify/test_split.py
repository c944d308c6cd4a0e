from __future__ import annotations

import pytest

from clearnote.errors import BadInputError
from clearnote.verify import note_from_text
from clearnote.verify.split import split_sentences

CASES = [
    ("3/7 hx of diarrhea. No blood in stool.", ["3/7 hx of diarrhea.", "No blood in stool."]),
    ("Seen by Dr. Smith today. Plan agreed.", ["Seen by Dr. Smith today.", "Plan agreed."]),
    ("Takes 2.5 mg b.i.d. for pain. Review.", ["Takes 2.5 mg b.i.d. for pain.", "Review."]),
    ("Stress, e.g. Work and money. Next.", ["Stress, e.g. Work and money.", "Next."]),
    ("Weight 72.5 kg. BP 120/80.", ["Weight 72.5 kg.", "BP 120/80."]),
    ("Met J. Smith. She cried!", ["Met J. Smith.", "She cried!"]),
    ("Is it better? Yes.", ["Is it better?", "Yes."]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_markdown_headings_bullets_and_ids() -> None:
    note = note_from_text(
        "# Subjective\n- Client reported poor sleep.\n- Mood 4/10.\n\nPMH: Asthma\n"
        "PLAN\n1. Sleep diary. Review in 2 weeks.\n",
        fmt="markdown",
    )
    assert [s.key for s in note.sections] == ["subjective", "plan"]
    texts = [st.text for st in note.statements()]
    assert texts == [
        "Client reported poor sleep.",
        "Mood 4/10.",
        "PMH: Asthma",
        "Sleep diary.",
        "Review in 2 weeks.",
    ]
    assert [st.id for st in note.statements()] == [f"st-{i:03d}" for i in range(1, 6)]


def test_unknown_format_is_bad_input() -> None:
    with pytest.raises(BadInputError, match="note format"):
        note_from_text("x", fmt="docx")
