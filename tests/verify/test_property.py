"""Every statement and flag cites only segment ids that exist in the transcript."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearnote.domain.transcript import AsrInfo, Segment, Speaker, Transcript, segment_id
from clearnote.verify import Verifier, note_from_text

WORDS = [
    "sleep", "badly", "two", "weeks", "sertraline", "50", "mg", "no", "denies", "hurt", "myself",
    "kill", "panic", "yes", "work", "mother", "appointment", "next", "Tuesday", "increase",
    "medication", "safety", "plan", "client", "reported", "claims", "refused", "drunk", "fever",
    "not", "never", "dead", "better", "off", "?", ".", "seven", "hours", "night", "diary",
]  # fmt: skip
sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=12).map(" ".join)


@st.composite
def transcripts(draw: st.DrawFn) -> Transcript:
    turns = draw(st.lists(st.tuples(st.booleans(), sentence), min_size=1, max_size=12))
    lows = draw(st.lists(st.booleans(), min_size=len(turns), max_size=len(turns)))
    segs = tuple(
        Segment(
            id=segment_id(i + 1),
            start=float(i),
            end=float(i) + 0.5,
            speaker="S1" if clin else "S2",
            text=text,
            low_confidence=low,
        )
        for i, ((clin, text), low) in enumerate(zip(turns, lows, strict=True))
    )
    return Transcript(
        duration=float(len(segs)),
        asr=AsrInfo(engine="test", model="none"),
        speakers=(Speaker(id="S1", role="clinician"), Speaker(id="S2", role="client")),
        segments=segs,
    )


VERIFIER = Verifier(None)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transcripts(), st.lists(sentence, min_size=1, max_size=6))
def test_citations_exist(transcript: Transcript, sentences: list[str]) -> None:
    note = note_from_text("\n".join(f"- {s}" for s in sentences))
    report = VERIFIER.verify(transcript, note)
    ids = {s.id for s in transcript.segments}
    statement_ids = {s.id for s in note.statements()}
    assert [r.id for r in report.statements] == [s.id for s in note.statements()]
    for result in report.statements:
        assert set(result.evidence) <= ids
        assert 0.0 <= result.score <= 1.0
        if result.verdict == "supported":
            assert result.evidence, "a supported statement cites evidence"
    for flag in report.flags:
        assert set(flag.segment_ids) <= ids
        assert flag.statement_id is None or flag.statement_id in statement_ids
    flagged = {f.statement_id for f in report.flags}
    for result in report.statements:
        if result.verdict != "supported":
            assert result.id in flagged, "an unsupported statement is never silently kept"
