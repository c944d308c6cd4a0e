"""FHIR R4 DocumentReference for a signed note, validated with ``fhir.resources``.

``fhir.resources`` 8 ships R5 as its default and the R4 family as ``R4B`` (4.3.0), whose
DocumentReference is the R4 one; the document is validated against that model. The note travels
as a Markdown attachment; the client is referenced by the practice's identifier only.
"""

from __future__ import annotations

import base64
import importlib
from collections.abc import Sequence
from typing import Any

from clearnote.export.markdown import render_markdown

LOINC_PROGRESS_NOTE = {"system": "http://loinc.org", "code": "11506-3", "display": "Progress note"}
CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
ID_SYSTEM = "urn:clearnote"


def document_reference(
    signed: dict[str, Any], addenda: Sequence[dict[str, Any]] = ()
) -> dict[str, Any]:
    """The DocumentReference as a JSON-ready dict (validated; raises ValueError if invalid)."""
    text = render_markdown(signed, addenda)
    header = signed.get("header", {})
    resource: dict[str, Any] = {
        "resourceType": "DocumentReference",
        "status": "current",
        "docStatus": "amended" if addenda else "final",
        "identifier": [{"system": f"{ID_SYSTEM}:session", "value": signed["session_id"]}],
        "type": {"coding": [LOINC_PROGRESS_NOTE]},
        "category": [
            {
                "coding": [
                    {
                        "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                        "code": "clinical-note",
                        "display": "Clinical Note",
                    }
                ]
            }
        ],
        "subject": {"identifier": {"system": f"{ID_SYSTEM}:client", "value": signed["client_id"]}},
        "date": signed["signed_at"],
        "author": [{"identifier": {"system": f"{ID_SYSTEM}:user", "value": signed["signed_by"]}}],
        "authenticator": {
            "identifier": {"system": f"{ID_SYSTEM}:user", "value": signed["signed_by"]}
        },
        "description": "Psychotherapy progress note (AI-assisted draft, clinician-signed)",
        "content": [
            {
                "attachment": {
                    "contentType": "text/markdown; charset=utf-8",
                    "language": "en",
                    "data": base64.b64encode(text.encode("utf-8")).decode("ascii"),
                    "title": "Progress note",
                    "creation": signed["signed_at"],
                }
            }
        ],
        "context": {"period": {"start": str(header.get("session_date", ""))}},
    }
    if header.get("cpt_code"):
        resource["context"]["event"] = [
            {"coding": [{"system": CPT_SYSTEM, "code": header["cpt_code"]}]}
        ]
    return validate(resource)


def validate(resource: dict[str, Any]) -> dict[str, Any]:
    module: Any = importlib.import_module("fhir.resources.R4B.documentreference")
    model = module.DocumentReference.model_validate(resource)
    out: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, by_alias=True)
    return out
