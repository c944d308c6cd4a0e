"""The clearnote.deidentified/1 contract: review required, offsets not words, roles kept."""

from __future__ import annotations

import json

from clearnote.deid import DEID_SCHEMA
from clearnote.deid.render import to_markdown
from clearnote.deid.service import Deidentifier
from clearnote.domain.note import Note
from clearnote.domain.transcript import AsrInfo, Segment, Speaker, Transcript, Word

SECRET = ["Jenna", "312-555-0142", "jenna@example.com", "March 3rd"]


def _transcript() -> Transcript:
    return Transcript(
        duration=12.0,
        asr=AsrInfo(engine="faster-whisper", model="tiny.en"),
        speakers=(
            Speaker(id="S1", role="clinician", label="Dr Ortiz"),
            Speaker(id="S2", role="client", label="Jenna"),
        ),
        segments=(
            Segment(
                id="seg-0001",
                start=0.0,
                end=4.0,
                speaker="S1",
                text="How was the week since March 3rd?",
                words=(Word(text="How", start=0.0, end=0.2, p=0.9),),
            ),
            Segment(
                id="seg-0002",
                start=4.0,
                end=12.0,
                speaker="S2",
                text="My sister Jenna said call 312-555-0142 or jenna@example.com. "
                "I slept four hours a night for two weeks.",
            ),
        ),
    )


def test_transcript_document(patterns_only: Deidentifier) -> None:
    result = patterns_only.transcript(_transcript())
    doc = result.to_document()
    assert doc["schema"] == DEID_SCHEMA
    assert doc["review_required"] is True
    assert doc["source_kind"] == "transcript"
    assert [s["role"] for s in doc["transcript"]["speakers"]] == ["clinician", "client"]
    assert all("label" not in s for s in doc["transcript"]["speakers"])
    assert all(seg["words"] == [] for seg in doc["transcript"]["segments"])
    assert "segments[].words" in doc["dropped_fields"]
    assert doc["counts"] == {"DATE": 1, "EMAIL": 1, "NAME": 1, "PHONE": 1}
    client_text = doc["transcript"]["segments"][1]["text"]
    assert "four hours a night for two weeks" in client_text
    rep = doc["replacements"][0]
    assert set(rep) >= {"entity_type", "segment_id", "start", "end", "placeholder"}
    dumped = json.dumps(doc)
    for secret in SECRET:
        assert secret not in dumped
    assert "Dr Ortiz" not in dumped


def test_replacement_list_carries_offsets_never_words(patterns_only: Deidentifier) -> None:
    result = patterns_only.transcript(_transcript())
    listing = json.dumps([r.model_dump() for r in result.replacements]) + json.dumps(
        [k.model_dump() for k in result.kept]
    )
    for secret in [*SECRET, "four hours"]:
        assert secret not in listing
    assert "Jenna" not in repr(result) and "Jenna" not in repr(result.replacements[0])


def test_note_document(patterns_only: Deidentifier) -> None:
    note = Note.model_validate(
        {
            "schema": "clearnote.note/1",
            "format": "soap",
            "sections": [
                {
                    "key": "subjective",
                    "title": "Subjective",
                    "statements": [
                        {
                            "id": "st-001",
                            "text": "Client's sister Jenna visited on March 3rd.",
                            "evidence": ["seg-0002"],
                        }
                    ],
                }
            ],
            "client_name": "Jenna",
        }
    )
    result = patterns_only.note(note)
    doc = result.to_document()
    st = doc["note"]["sections"][0]["statements"][0]
    assert st["text"] == "Client's sister [NAME 1] visited on [DATE 1]."
    assert st["evidence"] == ["seg-0002"]
    assert doc["replacements"][0]["segment_id"] == "st-001"
    assert "client_name" not in doc["note"] and "Jenna" not in json.dumps(doc)


def test_text_keeps_lines(patterns_only: Deidentifier) -> None:
    result = patterns_only.text("# Note\n\nMy sister Jenna called.\nSlept 3 hours.")
    assert result.text == "# Note\n\nMy sister [NAME 1] called.\nSlept 3 hours."
    assert result.replacements[0].segment_id == "line-0003"


def test_markdown_says_review_required(patterns_only: Deidentifier) -> None:
    md = to_markdown(patterns_only.transcript(_transcript()))
    assert md.startswith("# De-identified export — REVIEW REQUIRED")
    assert "**Client** (seg-0002): My sister [NAME 1]" in md
    for secret in SECRET:
        assert secret not in md
