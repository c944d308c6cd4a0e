"""De-identified export for supervision or case consultation (HIPAA Safe Harbor identifiers).

    deidentify_transcript(transcript) -> DeidResult     (clearnote.deidentified/1)
    deidentify_note(note) -> DeidResult
    deidentify_text(text) -> DeidResult

Presidio with the pinned spaCy English model (checked by sha256, loaded by path, offline), plus
custom patterns and keep rules for clinical durations and times. Every result says
``review_required: true``: the clinician reads it before anything leaves.
"""

from clearnote.deid.result import DEID_SCHEMA, DeidResult, KeptSpan, Replacement
from clearnote.deid.service import (
    Deidentifier,
    PatternsOnly,
    default_deidentifier,
    deidentify_note,
    deidentify_text,
    deidentify_transcript,
)

__all__ = [
    "DEID_SCHEMA",
    "DeidResult",
    "Deidentifier",
    "KeptSpan",
    "PatternsOnly",
    "Replacement",
    "default_deidentifier",
    "deidentify_note",
    "deidentify_text",
    "deidentify_transcript",
]
