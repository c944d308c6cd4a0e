"""Selection, section placement, the never-a-negative rule and clinician fields."""

from __future__ import annotations

import pytest

from clearnote.domain.transcript import Transcript
from clearnote.llm.extractive import ExtractiveBackend
from clearnote.notes.drafting import MSE_FIELDS, NOT_OBSERVABLE, draft_note
from clearnote.notes.extract import extract
from clearnote.notes.formats import BUILTIN_FORMATS
from clearnote.notes.templates import format_from_obj
from clearnote.transcripts.importer import parse_turns


def _kinds(t: Transcript) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for it in extract(t):
        out.setdefault(it.kind, []).append(it.text)
    return out


def test_selects_what_matters(session: Transcript) -> None:
    kinds = _kinds(session)
    assert any("sleeping poorly" in t for t in kinds["presenting_concern"])
    assert any("five" in t for t in kinds["score"])
    assert any("breathing exercise every night" in t for t in kinds["homework"])
    assert any("next Tuesday" in t for t in kinds["next_appointment"])
    assert kinds["denial"] == ["Client denied thoughts of hurting themselves."]


def test_every_statement_cites_real_segments_and_is_ai(session: Transcript) -> None:
    known = {s.id for s in session.segments}
    for name, fmt in BUILTIN_FORMATS.items():
        note = draft_note(session, fmt, ExtractiveBackend())
        assert note.format == name
        assert [s.key for s in note.sections] == [s.key for s in fmt.sections]
        assert note.statements()
        for st in note.statements():
            assert st.origin == "ai"
            assert st.evidence and set(st.evidence) <= known


def test_denial_cites_question_and_answer(session: Transcript) -> None:
    items = [it for it in extract(session) if it.kind == "denial"]
    assert items[0].evidence == ("seg-0007", "seg-0008")


@pytest.mark.parametrize(
    ("fmt", "kind_text", "section"),
    [
        ("soap", "sleeping poorly", "subjective"),
        ("soap", "five", "objective"),
        ("soap", "breathing exercise every night", "plan"),
        ("dap", "sleeping poorly", "data"),
        ("dap", "next Tuesday", "plan"),
        ("birp", "sleeping poorly", "behavior"),
        ("girp", "sleeping poorly", "goals"),
        ("pirp", "sleeping poorly", "problem"),
        ("pirp", "next Tuesday", "plan"),
    ],
)
def test_section_placement(session: Transcript, fmt: str, kind_text: str, section: str) -> None:
    note = draft_note(session, BUILTIN_FORMATS[fmt], ExtractiveBackend())
    where = {st.text: sec.key for sec in note.sections for st in sec.statements}
    assert [k for t, k in where.items() if kind_text in t] == [section]


def test_never_states_an_unasked_negative() -> None:
    t = parse_turns(
        "Therapist: How was your week?\nClient: I've been sleeping badly for two weeks.\n"
        "Therapist: Let's try a breathing exercise together.\nClient: That helped a bit.\n",
        source="t",
    )
    note = draft_note(t, BUILTIN_FORMATS["soap"], ExtractiveBackend())
    text = " ".join(st.text.lower() for st in note.statements())
    for word in ("denied", "denies", "no suicidal", "negative for"):
        assert word not in text
    keys = {f.key: f.reason for f in note.clinician_fields}
    assert "not assessed" in keys["risk.suicide"]


def test_not_assessed_only_where_the_format_calls_for_it(session: Transcript) -> None:
    fmt = format_from_obj(
        {
            "sections": [
                {
                    "key": "risk",
                    "title": "Risk",
                    "kinds": ["risk", "denial"],
                    "not_assessed": ["self_harm", "harm_to_others"],
                }
            ]
        },
        source="t.yaml",
    )
    note = draft_note(session, fmt, ExtractiveBackend())
    texts = [st.text for st in note.statements()]
    # harm to others never came up: written as not assessed, never as a denial
    assert "Risk of harm to others: not assessed in this session." in texts
    # self-harm came up (asked and answered), so no "not assessed" line for it
    assert not any(t.startswith("Self-harm") for t in texts)
    assert "Client denied thoughts of hurting themselves." in texts
    plain = draft_note(session, BUILTIN_FORMATS["soap"], ExtractiveBackend())
    assert not any("not assessed" in st.text for st in plain.statements())


def test_mse_fields_always_left_for_the_clinician(session: Transcript) -> None:
    note = draft_note(session, BUILTIN_FORMATS["soap"], ExtractiveBackend())
    fields = {f.key: f.reason for f in note.clinician_fields}
    for key in MSE_FIELDS:
        assert fields[key] == NOT_OBSERVABLE
    # "You look tired today" is an observation: not drafted
    assert not any("tired today" in st.text for st in note.statements())


class _Model:
    """A model backend (citations not trusted) that writes what only eyes could see."""

    name = "scripted-model"
    cites_by_construction = False

    def draft(self, transcript: Transcript, fmt: object) -> list[object]:
        from clearnote.llm.base import DraftedStatement

        return [
            DraftedStatement("subjective", "Client reported poor sleep for two weeks."),
            DraftedStatement("objective", "Client appeared anxious and tearful."),
            DraftedStatement("objective", "Affect was flat and eye contact was poor."),
            DraftedStatement("objective", "Client was casually dressed and well groomed."),
            DraftedStatement("subjective", "Client reported feeling tense and tearful."),
        ]


def test_a_model_never_writes_what_only_eyes_could_see(session: Transcript) -> None:
    note = draft_note(session, BUILTIN_FORMATS["soap"], _Model())  # type: ignore[arg-type]
    texts = [st.text for sec in note.sections for st in sec.statements]
    assert "Client reported poor sleep for two weeks." in texts
    assert "Client reported feeling tense and tearful." in texts  # the client's own account
    for seen in ("appeared anxious", "Affect was flat", "casually dressed"):
        assert not any(seen in t for t in texts), seen
    assert [f.key for f in note.clinician_fields][: len(MSE_FIELDS)] == list(MSE_FIELDS)
