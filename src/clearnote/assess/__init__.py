"""Clinician-facing assessments: risk screening first (``clearnote.assess.screening``)."""
