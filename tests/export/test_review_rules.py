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
    code_mismatch,
    cpt_for_minutes,
    draft_diff,
    final_note,
    required_fields,
    review_flags,
    risk_fields,
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


@pytest.mark.parametrize(
    ("minutes", "code", "blocks"),
    [
        (15, None, False),
        (15, "90832", True),  # no psychotherapy code under 16 minutes
        (16, "90832", False),
        (37, "90832", False),
        (37, "90834", True),
        (38, "90834", False),
        (38, "90832", True),
        (52, "90834", False),
        (52, "90837", True),
        (53, "90837", False),
        (53, "90834", True),
    ],
)
def test_a_billed_code_that_does_not_match_the_minutes_blocks_signing(
    minutes: int, code: str | None, blocks: bool
) -> None:
    header = NoteHeader(
        session_date=date(2026, 7, 2),
        duration_minutes=minutes,
        modality="in_person",
        cpt_code=code,
        confirmed=True,
    )
    assert (code_mismatch(header) is not None) is blocks
    state = _done(ReviewState(session_id="s", draft_artefact_id="d"), ()).with_header(header)
    blockers = sign_blockers(state, (), NOTE)
    assert bool(blockers) is blocks
    if blocks:
        assert blockers == (code_mismatch(header),) and str(minutes) in blockers[0]


def _screening(domain: str, level: str) -> dict[str, object]:
    flag = {"level": level, "segment_ids": ["seg-0004"], "quote": "q", "start": 1.0}
    return {"domains": [{"domain": domain, "status": "flagged", "flags": [flag]}]}


def _done(state: ReviewState, flags: tuple[object, ...]) -> ReviewState:
    """Every flag accepted, the note's own field left blank with a reason, header confirmed."""
    for f in flags:
        state = state.with_resolution(
            Resolution(flag_id=f.id, action="accept", by="u", at=NOW)  # type: ignore[attr-defined]
        )
    state = state.with_field(FieldEntry(key="mse.affect", blank_reason="telehealth, audio only"))
    return state.with_header(
        NoteHeader(
            session_date=date(2026, 7, 2),
            duration_minutes=45,
            modality="in_person",
            cpt_code="90834",
            confirmed=True,
        )
    )


@pytest.mark.parametrize(
    ("domain", "level", "field"),
    [
        ("suicide", "plan", "risk.disposition"),
        ("suicide", "intent", "risk.disposition"),
        ("suicide", "preparatory_behavior", "risk.disposition"),
        ("suicide", "attempt", "risk.disposition"),
        ("self_harm", "self_harm", "risk.disposition"),
        ("harm_to_others", "intent_or_plan", "risk.disposition"),
        ("child_abuse", "physical_abuse", "risk.mandated_report"),
        ("elder_dependent_abuse", "financial_exploitation", "risk.mandated_report"),
        ("suicide", "passive_ideation", None),  # further evaluation, not a required disposition
        ("suicide", "past_history", None),
        ("child_abuse", "past_history", None),
        ("substance_use", "use", None),
    ],
)
def test_high_risk_flags_need_the_clinicians_documented_decision_before_signing(
    domain: str, level: str, field: str | None
) -> None:
    flags = review_flags(None, _screening(domain, level))
    state = _done(ReviewState(session_id="s", draft_artefact_id="d"), flags)
    assert [c.key for c in risk_fields(flags, state)] == ([field] if field else [])
    assert [c.key for c in required_fields(NOTE, flags, state)] == [
        "mse.affect",
        *([field] if field else []),
    ]
    if field is None:
        assert sign_blockers(state, flags, NOTE) == ()
        return
    assert sign_blockers(state, flags, NOTE) == (f"{field} not documented (a blank is not enough)",)
    blank = state.with_field(FieldEntry(key=field, blank_reason="client left early"))
    assert len(sign_blockers(blank, flags, NOTE)) == 1
    written = state.with_field(FieldEntry(key=field, value="decision and rationale"))
    assert sign_blockers(written, flags, NOTE) == ()
    # a flag the clinician dismissed (the AI misread the session) asks for nothing
    dismissed = state.with_resolution(
        Resolution(flag_id=flags[0].id, action="dismiss", reason="song lyrics", by="u", at=NOW)
    )
    assert risk_fields(flags, dismissed) == () and sign_blockers(dismissed, flags, NOTE) == ()


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
