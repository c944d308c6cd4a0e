from __future__ import annotations

import pytest

from clearnote.domain.transcript import AsrInfo, Segment, Speaker, Transcript, Word
from clearnote.errors import BadInputError
from clearnote.transcripts.render import clock, marked_text, render_transcript
from clearnote.transcripts.speakers import relabel, swap_roles


def _transcript() -> Transcript:
    return Transcript(
        duration=5.0,
        asr=AsrInfo(engine="e", model="m"),
        speakers=(Speaker(id="S1", role="client"), Speaker(id="S2", role="clinician")),
        segments=(
            Segment(
                id="seg-0001",
                start=0,
                end=1,
                speaker="S1",
                text="I slept",
                words=(
                    Word(text="I", start=0, end=0.1, p=0.9),
                    Word(text="slept", start=0.1, end=0.5, p=0.2, low_confidence=True),
                ),
                low_confidence=True,
            ),
        ),
    )


def test_swap_exchanges_roles() -> None:
    t = swap_roles(_transcript(), "S1", "S2")
    assert [s.role for s in t.speakers] == ["clinician", "client"]


def test_relabel_sets_names_and_rejects_unknowns() -> None:
    t = relabel(_transcript(), labels={"S2": "Dr. Lee"})
    assert t.speakers[1].label == "Dr. Lee"
    with pytest.raises(BadInputError, match="S9"):
        relabel(_transcript(), roles={"S9": "client"})
    with pytest.raises(BadInputError, match="one of"):
        relabel(_transcript(), roles={"S1": "boss"})


def test_render_marks_unsure_words_and_times() -> None:
    t = _transcript()
    assert marked_text(t.segments[0]) == "I [slept?]"
    text = render_transcript(t)
    assert "[00:00.0–00:01.0] Client (S1): I [slept?]" in text
    assert clock(3725.5) == "1:02:05.5"
