"""The note header lines shared by every export format."""

from __future__ import annotations

from typing import Any

MODALITY_LABELS = {
    "in_person": "In person",
    "telehealth_video": "Telehealth (video)",
    "telehealth_audio": "Telehealth (audio only)",
}


def header_lines(signed: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) pairs: date, confirmed duration, modality, participants, CPT code, signer."""
    h = signed.get("header", {})
    return [
        ("Date", str(h.get("session_date", ""))),
        ("Duration (confirmed by clinician)", f"{h.get('duration_minutes', '')} minutes"),
        ("Modality", MODALITY_LABELS.get(str(h.get("modality")), str(h.get("modality", "")))),
        ("Participants", ", ".join(h.get("participants", [])) or "-"),
        ("CPT code (confirmed by clinician)", str(h.get("cpt_code") or "none")),
        ("Signed", f"{signed.get('signed_at', '')} by user {signed.get('signed_by', '')}"),
    ]


def field_label(key: str) -> str:
    return key.replace(".", ": ").replace("_", " ")
