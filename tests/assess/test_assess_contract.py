"""The clearnote.assessment/1 document: shape, evidence, disabled parts, verification."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from clearnote.assess.screening import RuleScreener
from clearnote.domain.assessment import ASSESSMENT_SCHEMA, DiagnosticPart, DisabledPart
from clearnote.domain.transcript import Transcript
from clearnote.transcripts.document import load_transcript
from tests.assess.assess_helpers import goals, run

DATA = Path(__file__).parent / "data_assess"
PART_KEYS = (
    "diagnostic_impressions",
    "service_needs",
    "strengths",
    "conceptualization",
    "treatment_goals",
    "safety_plan",
)


def _session() -> Transcript:
    return load_transcript(DATA / "depression_session.txt")


def test_document_contract(screener: RuleScreener) -> None:
    doc = _session()
    result = run(
        screener,
        doc,
        goal_set=goals({"id": "G1", "text": "Sleep", "keywords": ["sleep"]}),
    )
    out = json.loads(json.dumps(result.to_document()))
    assert out["schema"] == ASSESSMENT_SCHEMA
    assert "AI-generated decision support" in out["notice"]
    assert out["origin"] == "ai" and out["status"] == "draft"
    for key in PART_KEYS:
        assert out[key]["status"] in {"assessed", "disabled", "not_assessed", "not_applicable"}
    known = {s.id for s in doc.segments}
    items = result.items()
    assert len(items) >= 15
    for item in items:
        assert item.origin == "ai"
        assert item.evidence and set(item.evidence) <= known
        assert 0.0 <= item.score <= 1.0
    diag = result.diagnostic_impressions
    assert isinstance(diag, DiagnosticPart)
    for cand in diag.candidates:
        assert set(cand.evidence) <= known
    assert result.not_assessed_count() > 0
    assert out["screening"]["flagged"] == ["suicide"]


def test_disabled_parts_are_visible_with_reasons(screener: RuleScreener) -> None:
    result = run(screener, _session(), jurisdictions=("US-IL", "US-NV"))
    out: dict[str, Any] = json.loads(json.dumps(result.to_document()))
    assert out["diagnostic_impressions"]["status"] == "disabled"
    assert "US-IL" in out["diagnostic_impressions"]["reason"]
    assert out["conceptualization"]["status"] == "disabled"
    assert "US-NV" in out["conceptualization"]["reason"]
    assert out["policy"]["jurisdictions"] == ["US", "US-IL", "US-NV"]
    assert set(out["policy"]["disabled"]) >= {"diagnostic_suggestions", "conceptualization"}
    # the rest still runs
    assert out["service_needs"]["status"] == "assessed"
    assert out["safety_plan"]["status"] == "assessed"


def test_consent_withheld_part_is_disabled(screener: RuleScreener) -> None:
    result = run(screener, _session(), consented={"draft_note", "risk_screening"})
    assert isinstance(result.diagnostic_impressions, DisabledPart)
    assert "consent" in result.diagnostic_impressions.reason


class _Doubtful:
    """A verifier that supports nothing (stands in for a transcript that does not say it)."""

    threshold = 0.5

    def ground(
        self, transcript: Transcript, text: str, *, top_k: int = 3
    ) -> tuple[tuple[str, ...], float]:
        return (transcript.segments[0].id,), 0.2


def test_unsupported_items_are_flagged_not_dropped(screener: RuleScreener) -> None:
    strict = run(screener, _session(), verifier=_Doubtful())
    normal = run(screener, _session())
    assert len(strict.items()) == len(normal.items())
    assert all(not i.verified and i.score == 0.2 for i in strict.items())
    diag = strict.diagnostic_impressions
    assert isinstance(diag, DiagnosticPart)
    assert all(not c.verified for c in diag.candidates)


def test_real_verifier_verifies_quotes(screener: RuleScreener) -> None:
    items = run(screener, _session()).items()
    assert sum(i.verified for i in items) / len(items) >= 0.9


def test_reprs_carry_no_transcript_words(screener: RuleScreener) -> None:
    result = run(screener, _session())
    text = repr(result) + "".join(repr(i) for i in result.items())
    for word in ("sister", "painting", "boss", "ashamed", "rent"):
        assert word not in text.lower()
