"""Pure review rules: CPT bands, blockers, the final note's origins, the AI-draft diff."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from clearnote.domain.note import Note
from clearnote.domain.review import (
    FieldEntry,
    NoteHeader,
    Resolution,
    ReviewState,
    StatementEdit,
    cpt_for_minutes,
    draft_diff,
    final_note,
    review_flags,
    sign_blockers,
)

NOW = datetime(2026, 7, 2, 12, tzinfo=UTC)
NOTE = Note.model_validate(
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
                        "text": "Client reported poor sleep.",
                        "evidence": ["seg-0002"],
                    },
                    {"id": "st-002", "text": "Client rated mood four.", "evidence": ["seg-0009"]},
                ],
            },
            {"key": "plan", "title": "Plan", "statements": []},
        ],
        "clinician_fields": [{"key": "mse.affect", "reason": "not observable from audio"}],
    }
)
VERIFICATION = {
    "flags": [
        {"kind": "low_confidence", "statement_id": "st-001", "message": "m"},
        {"kind": "omission", "segment_ids": ["seg-0004"], "message": "m"},
    ]
}
SCREENING = {
    "domains": [
        {
            "domain": "suicide",
            "status": "flagged",
            "flags": [
                {
                    "level": "passive_ideation",
                    "segment_ids": ["seg-0004"],
                    "quote": "zebra-quote",
                    "start": 1.0,
                }
            ],
        }
    ]
}


@pytest.mark.parametrize(
    ("minutes", "code"),
    [
        (15, None),
        (16, "90832"),
        (37, "90832"),
        (38, "90834"),
        (52, "90834"),
        (53, "90837"),
        (90, "90837"),
    ],
)
def test_cpt_by_time(minutes: int, code: str | None) -> None:
    assert cpt_for_minutes(minutes) == code


def test_flags_get_stable_ids_and_screening_flags_are_included() -> None:
    flags = review_flags(VERIFICATION, SCREENING)
    assert [f.id for f in flags] == ["vf-001", "vf-002", "rs-suicide-01"]
    assert flags[2].kind == "risk_screening" and "zebra" not in flags[2].message


def test_blockers_clear_only_when_everything_is_done() -> None:
    flags = review_flags(VERIFICATION, SCREENING)
    state = ReviewState(session_id="s", draft_artefact_id="d")
    assert len(sign_blockers(state, flags, NOTE)) == 3
    for f in flags:
        state = state.with_resolution(Resolution(flag_id=f.id, action="accept", by="u", at=NOW))
    state = state.with_field(FieldEntry(key="mse.affect", blank_reason="telehealth, audio only"))
    header = NoteHeader(
        session_date=date(2026, 7, 2), duration_minutes=45, modality="in_person", cpt_code="90834"
    )
    assert len(sign_blockers(state.with_header(header), flags, NOTE)) == 1  # not confirmed
    state = state.with_header(header.model_copy(update={"confirmed": True}))
    assert sign_blockers(state, flags, NOTE) == ()


def test_incomplete_resolutions_and_fields_are_invalid() -> None:
    with pytest.raises(ValidationError):
        Resolution(flag_id="vf-001", action="dismiss", reason="  ", by="u", at=NOW)
    with pytest.raises(ValidationError):
        Resolution(flag_id="vf-001", action="edit", by="u", at=NOW)
    with pytest.raises(ValidationError):
        FieldEntry(key="k")
    with pytest.raises(ValidationError):
        FieldEntry(key="k", value="v", blank_reason="r")
    with pytest.raises(ValidationError):
        NoteHeader(
            session_date=date(2026, 7, 2),
            duration_minutes=45,
            modality="in_person",
            cpt_code="99213",
        )


def test_final_note_tracks_clinician_text_and_diff_share() -> None:
    flags = review_flags(VERIFICATION, None)
    state = ReviewState(session_id="s", draft_artefact_id="d")
    state = state.with_resolution(
        Resolution(
            flag_id="vf-001",
            action="edit",
            text="Client reported sleeping four hours.",
            by="u",
            at=NOW,
        )
    )
    state = state.with_edit(StatementEdit(statement_id="st-002", text="", by="u", at=NOW))
    final = final_note(NOTE, state, flags)
    sts = final.statements()
    assert final.status == "signed"
    assert [(s.id, s.origin) for s in sts] == [("st-001", "clinician")]
    diff = draft_diff(NOTE, final)
    assert [d.status for d in diff.statements] == ["edited", "removed"]
    assert diff.signed_words == 5 and 0 < diff.edit_share <= 1
    assert draft_diff(NOTE, NOTE).edit_share == 0.0
