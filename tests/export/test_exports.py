"""Export renderers: Markdown header and sections, a FHIR DocumentReference that validates, a
PDF that reads back; no client name anywhere (the client is referenced by id)."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest

from clearnote.export.fhir import document_reference, validate
from clearnote.export.markdown import render_markdown
from clearnote.export.pdf import render_pdf

SIGNED: dict[str, Any] = {
    "schema": "clearnote.signed_note/1",
    "session_id": "0b7a-session",
    "client_id": "c-123",
    "signed_by": "u-1",
    "signed_at": "2026-07-02T12:00:00+00:00",
    "header": {
        "session_date": "2026-07-02",
        "duration_minutes": 55,
        "modality": "in_person",
        "participants": ["clinician", "client"],
        "cpt_code": "90837",
        "confirmed": True,
    },
    "note": {
        "schema": "clearnote.note/1",
        "format": "soap",
        "status": "signed",
        "sections": [
            {
                "key": "subjective",
                "title": "Subjective",
                "statements": [
                    {
                        "id": "st-001",
                        "text": "Client reported sleeping four hours \u2014 a change.",
                        "evidence": ["seg-0002"],
                        "origin": "clinician",
                    }
                ],
            },
            {"key": "plan", "title": "Plan", "statements": []},
        ],
    },
    "clinician_fields": [
        {"key": "mse.affect", "value": "restricted"},
        {"key": "mse.appearance", "blank_reason": "telehealth"},
    ],
    "ai_labelled": "Drafted with AI assistance; reviewed, corrected and signed by the clinician.",
}
ADDENDA = [{"text": "Late entry.", "at": "2026-07-03T09:00:00+00:00"}]


def test_markdown_has_header_sections_fields_and_addenda() -> None:
    md = render_markdown(SIGNED, ADDENDA)
    for part in (
        "# Progress note (SOAP)",
        "90837",
        "55 minutes",
        "## Subjective",
        "(nothing recorded)",
        "restricted",
        "left blank: telehealth",
        "## Addendum",
        "AI assistance",
    ):
        assert part in md


def test_fhir_document_reference_validates_and_carries_the_note() -> None:
    res = document_reference(SIGNED)
    assert res["resourceType"] == "DocumentReference" and res["docStatus"] == "final"
    att = res["content"][0]["attachment"]
    assert "Subjective" in base64.b64decode(att["data"]).decode()
    assert res["subject"]["identifier"]["value"] == "c-123"
    assert res["context"]["event"][0]["coding"][0]["code"] == "90837"
    assert document_reference(SIGNED, ADDENDA)["docStatus"] == "amended"


def test_fhir_validation_rejects_a_broken_resource() -> None:
    res = document_reference(SIGNED)
    res["date"] = "yesterday-ish"
    with pytest.raises(ValueError):
        validate(res)


def test_pdf_reads_back() -> None:
    pypdf = pytest.importorskip("pypdf")
    data = render_pdf(SIGNED, ADDENDA)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "90837" in text and "Subjective" in text and "Late entry." in text
