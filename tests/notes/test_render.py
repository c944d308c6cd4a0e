"""The terminal renderer shows evidence (times, speaker role) and verification flags."""

from __future__ import annotations

from clearnote.domain.transcript import Transcript
from clearnote.llm.extractive import ExtractiveBackend
from clearnote.notes.drafting import draft_note
from clearnote.notes.formats import BUILTIN_FORMATS
from clearnote.notes.render import render_note


def test_render_with_evidence_and_flags(session: Transcript) -> None:
    note = draft_note(session, BUILTIN_FORMATS["soap"], ExtractiveBackend())
    first = note.statements()[0]
    report = {
        "schema": "clearnote.verification/1",
        "statements": [{"id": first.id, "verdict": "unsupported", "score": 0.31, "evidence": []}],
        "flags": [
            {"kind": "unsupported", "statement_id": first.id, "message": "support score low"},
            {"kind": "omission", "segment_ids": ["seg-0003"], "message": "not covered"},
        ],
    }
    out = render_note(note, session, report)
    assert "Subjective" in out and "Plan" in out
    assert "<- seg-0002 00:06-00:14 client" in out
    assert "verdict: unsupported (0.31)" in out
    assert "FLAG unsupported: support score low" in out
    assert "FLAG omission: not covered [seg-0003]" in out
    assert "mse.observed_affect: not observable from audio" in out
    assert "\033[" not in out
    assert "\033[" in render_note(note, session, color=True)
