"""Negation scope and question/answer matching: what a denial covers and what answers it."""

from __future__ import annotations

import pytest

from clearnote.domain.transcript import Transcript
from clearnote.transcripts.importer import parse_turns
from clearnote.verify import Verifier, note_from_text
from clearnote.verify.negation import negated_items

SESSION = """Clinician: Have you had any thoughts of hurting yourself?
Client: Uh, I have not.
Clinician: Any fever or chills?
Client: No.
Client: I don't take any medicines. I tried Tylenol a few times for the headaches.
Client: My blood sugars are higher in the morning.
Clinician: On exam your lungs are clear and you don't have any leg swelling.
Clinician: Do you have any panic attacks?
Client: Yes, a few times a week.
"""


@pytest.fixture(scope="module")
def session() -> Transcript:
    return parse_turns(SESSION, source="negation-scope")


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("Patient denies chest pain, shortness of breath or fever.",
         [("chest", "pain"), ("short", "breath"), ("fev",)]),
        # the scope ends where a new clause with its own subject starts
        ("Patient has not had a home cooked meal in weeks, their diet was poor.",
         [("hom", "cook", "meal")]),
        # hypotheticals and plans are not denials
        ("If it does not get better, give them a call.", []),
        ("The fracture will heal without surgery.", []),
        ("Patient reported not having had any nausea.", [("nausea",)]),
    ],
)  # fmt: skip
def test_negated_items(text: str, items: list[tuple[str, ...]]) -> None:
    assert negated_items(text) == items


@pytest.mark.parametrize(
    ("text", "verdict", "flag"),
    [
        # "themselves" in the note, "yourself" in the question; "uh, I have not" is a no
        ("Patient denied thoughts of hurting themselves.", "supported", None),
        ("Patient denied thoughts of hurting himself.", "supported", None),
        # a positive that the client's own "no" contradicts
        ("Patient reported thoughts of hurting themselves.", "contradicted", "contradicted"),
        # "I don't take medicines. I tried Tylenol": Tylenol was not denied
        ("Patient tried Tylenol for the headaches.", "supported", None),
        # the clinician's "you don't have any leg swelling" supports the negative finding
        ("No leg swelling on exam.", "supported", None),
        # the client affirmed panic attacks: denying them stays a contradiction
        ("Patient denies panic attacks.", "contradicted", "contradicted"),
        # one item never asked about makes the denial unverified
        ("Patient denies fever, chills or weight loss.", "unsupported", "unverified_negative"),
    ],
)
def test_denials_against_the_session(
    session: Transcript, text: str, verdict: str, flag: str | None
) -> None:
    report = Verifier(None).verify(session, note_from_text(text))
    (result,) = report.statements
    kinds = {f.kind for f in report.flags if f.statement_id == result.id}
    assert result.verdict == verdict, kinds
    if flag is not None:
        assert flag in kinds
    else:
        assert not kinds & {"contradicted", "unverified_negative", "unsupported"}
