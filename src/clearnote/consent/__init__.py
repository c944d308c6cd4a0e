"""Consent forms, recording-consent rules and their data files.

The consent ledger and purposes are pure domain objects in :mod:`clearnote.domain.consent`;
this package adds the versioned plain-language forms (``data/forms/*.vN.md``, pinned by sha256
in ``data/forms/manifest.json``), the US recording-consent table and the PDF export.
"""
