"""Table-driven checks: each row is a one-statement note against the small session."""

from __future__ import annotations

import pytest

from clearnote.domain.transcript import AsrInfo, Segment, Speaker, Transcript, Word
from clearnote.verify import Verifier, note_from_text

from .conftest import make_transcript

# (statement, expected verdict, expected flag kind or None)
ROWS = [
    ("Client reported sleeping poorly for two weeks.", "supported", None),
    ("Client takes sertraline 50 mg every morning.", "supported", None),
    # numbers
    ("Client takes sertraline 100 mg every morning.", "contradicted", "contradicted"),
    ("Client reported sleeping about seven hours a night.", "contradicted", "contradicted"),
    # drug and condition names absent from the transcript
    ("Client takes lorazepam at night.", "unsupported", "unsupported"),
    ("Client has a history of epilepsy.", "unsupported", "unsupported"),
    ("Client was started on Zurzuvae.", "unsupported", "unsupported"),
    # negation
    ("Client denies thoughts of self-harm.", "supported", None),
    ("Client denies panic attacks.", "contradicted", "contradicted"),
    ("Client denies chest pain.", "unsupported", "unverified_negative"),
    # speaker: the clinician suggested the diary, the client did not report keeping one
    ("Client reported keeping a sleep diary this week.", "unsupported", "unsupported"),
    # a positive statement the session denied
    ("Client reported thoughts of hurting herself.", "contradicted", "contradicted"),
]


@pytest.mark.parametrize(("text", "verdict", "flag"), ROWS)
def test_statement_checks(lexical: Verifier, text: str, verdict: str, flag: str | None) -> None:
    report = lexical.verify(make_transcript(), note_from_text(text))
    (result,) = report.statements
    assert result.verdict == verdict
    kinds = [f.kind for f in report.flags if f.statement_id == result.id]
    support_kinds = [
        k for k in kinds if k in ("unsupported", "contradicted", "unverified_negative")
    ]
    assert support_kinds == ([flag] if flag else [])


def test_supported_statement_cites_the_segment(lexical: Verifier, session: Transcript) -> None:
    ids, score = lexical.ground(session, "Client takes sertraline 50 mg every morning.")
    assert "seg-0006" in ids
    assert score >= lexical.threshold


RISK = """\
Therapist: How have things been?
Client: Hard. Sometimes I think everyone would be better off if I was dead.
Therapist: Thank you for telling me. We will start a safety plan today.
Client: My doctor increased my medication last week.
Therapist: See you next Tuesday.
"""


def test_omissions_risk_first_with_segment_ids(lexical: Verifier) -> None:
    report = lexical.verify(make_transcript(RISK), note_from_text("Client reported a hard week."))
    omissions = [f for f in report.flags if f.kind == "omission"]
    assert omissions[0].segment_ids == ("seg-0002",)
    assert "risk" in omissions[0].message
    messages = " ".join(f.message for f in omissions)
    assert "medication" in messages and "safety" in messages and "appointment" in messages
    assert "dead" not in messages and "better off" not in messages  # no client words


def test_covered_risk_is_not_an_omission(lexical: Verifier) -> None:
    note = note_from_text(
        "Client reported thinking everyone would be better off if she was dead. "
        "A safety plan was started. Medication was increased by her doctor last week. "
        "Next appointment Tuesday."
    )
    report = lexical.verify(make_transcript(RISK), note)
    assert [f for f in report.flags if f.kind == "omission"] == []


def test_low_confidence_evidence_points_to_time(lexical: Verifier) -> None:
    words = tuple(
        Word(text=w, start=10.0 + i, end=10.5 + i, p=0.3 if w == "sertraline" else 0.95)
        for i, w in enumerate("I take sertraline every morning".split())
    )
    transcript = Transcript(
        duration=20.0,
        asr=AsrInfo(engine="test", model="none"),
        speakers=(Speaker(id="S1", role="client"),),
        segments=(
            Segment(id="seg-0001", start=10.0, end=15.0, speaker="S1",
                    text="I take sertraline every morning", words=words),
        ),
    )  # fmt: skip
    report = lexical.verify(transcript, note_from_text("Client takes sertraline every morning."))
    (flag,) = [f for f in report.flags if f.kind == "low_confidence"]
    assert flag.segment_ids == ("seg-0001",)
    assert "10.0-15.0 s" in flag.message


STIGMA = [
    ("Client is non-compliant with medication.", "non-compliant"),
    ("Client claims she slept well.", "claims"),
    ("Client refused the referral.", "refused"),
    ("He is a drug addict.", "drug addict"),
    ("Client appeared manipulative.", "manipulative"),
    ("Client has been clean for 90 days.", "clean"),
    # categories of R53 added with the person-first, authority and descriptor terms
    ("Client reportedly stopped drinking in May.", "reportedly"),
    ("Client failed to complete the thought record.", "failed to"),
    ("Client was agitated when discussing work.", "agitated"),
    ("I told the client to keep a sleep diary.", "told the client to"),
    ("Her brother is a schizophrenic.", "a schizophrenic"),
    ("She is a challenging client.", "challenging client"),
]
NOT_STIGMA = [
    "Client submitted the insurance claims last week.",
    "Client has treatment-resistant depression.",
    "Client keeps her house clean.",
    "Client reported a history of childhood abuse.",
    "Client described a challenging week at work.",
    "Her brother has schizophrenia.",
    "Client completed an aggressive treatment schedule for cancer last year.",
    "She does not appear anxious, agitated or depressed.",
]


@pytest.mark.parametrize(("text", "term"), STIGMA)
def test_stigmatizing_language(
    lexical: Verifier, session: Transcript, text: str, term: str
) -> None:
    report = lexical.verify(session, note_from_text(text))
    flags = [f for f in report.flags if f.kind == "stigmatizing_language"]
    assert [f.message.split("'")[1] for f in flags] == [term]
    assert flags[0].suggestion


@pytest.mark.parametrize("text", NOT_STIGMA)
def test_context_exempts_neutral_use(lexical: Verifier, session: Transcript, text: str) -> None:
    report = lexical.verify(session, note_from_text(text))
    assert [f for f in report.flags if f.kind == "stigmatizing_language"] == []


def test_report_document_shape(lexical: Verifier, session: Transcript) -> None:
    doc = lexical.verify(session, note_from_text("Client takes sertraline 50 mg.")).to_document()
    assert doc["schema"] == "clearnote.verification/1"
    st = doc["statements"][0]  # type: ignore[index]
    assert set(st) == {"id", "text", "verdict", "score", "evidence"}
