"""Speaker role vocabulary shared by the importer and diarization."""

from __future__ import annotations

from clearnote.domain.transcript import Role

CLINICIAN_NAMES = frozenset({"therapist", "clinician", "counselor", "counsellor", "doctor", "dr"})
CLIENT_NAMES = frozenset({"client", "patient"})


def role_for_name(name: str) -> Role:
    """Map a typed speaker name (``Therapist``, ``[doctor]``, ``PATIENT``) to a role."""
    key = name.strip().strip(".").lower()
    if key in CLINICIAN_NAMES:
        return "clinician"
    if key in CLIENT_NAMES:
        return "client"
    return "other"
