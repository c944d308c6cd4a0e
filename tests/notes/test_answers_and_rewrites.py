"""The drafter reads hesitant answers correctly and does not draft procedure or greetings."""

from __future__ import annotations

from clearnote.notes.extract import extract
from clearnote.notes.rewrite import clinician_statement, gerund
from clearnote.transcripts.importer import parse_turns

SESSION = """Doctor: How are you doing today?
Patient: I'm doing well.
Doctor: Have you had any fever or chills?
Patient: Uh, I have not.
Doctor: And had you ever had that before?
Patient: No, I never have.
Doctor: Let's go ahead and we'll do a quick physical exam.
Doctor: Have you had any thoughts of hurting yourself?
Patient: No.
"""


def _texts() -> list[str]:
    return [it.text for it in extract(parse_turns(SESSION, source="answers"))]


def test_i_have_not_is_a_denial_not_an_endorsement() -> None:
    texts = _texts()
    assert any("denied fever or chills" in t for t in texts), texts
    assert not any("endorsed fever" in t for t in texts), texts


def test_no_pronoun_topics_greetings_or_exam_announcements() -> None:
    texts = _texts()
    assert not any("denied that" in t for t in texts), texts
    assert not any("doing well" in t for t in texts), texts
    assert not any("physical exam" in t for t in texts), texts
    assert any("denied thoughts of hurting themselves" in t for t in texts), texts


def test_gerund_of_a_gerund_and_let_us_with_a_pronoun() -> None:
    assert gerund("doing") == "doing"
    assert gerund("going") == "going"
    assert gerund("bring") == "bringing"
    out = clinician_statement("Let's go ahead and we will review your diary.") or ""
    assert "weing" not in out
