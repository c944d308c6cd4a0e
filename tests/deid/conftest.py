"""Fixtures for the de-identification tests."""

from __future__ import annotations

import pytest

from clearnote.deid.service import Deidentifier, PatternsOnly


@pytest.fixture()
def patterns_only() -> Deidentifier:
    """The custom patterns and keep rules without the spaCy model (fast, pure)."""
    return Deidentifier(PatternsOnly(), reference_year=2026)


@pytest.fixture(scope="session")
def model_deid() -> Deidentifier:
    """The real Presidio + spaCy deidentifier, loaded once (about 3 s); use in slow tests."""
    from clearnote.deid.presidio_detector import load_presidio_detector

    return Deidentifier(load_presidio_detector(), reference_year=2026)
