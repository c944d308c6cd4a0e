"""Fixtures for screening tests."""

from __future__ import annotations

import pytest

from clearnote.assess.screening import RuleScreener, default_rules
from clearnote.domain.screening import ScreeningReport
from clearnote.transcripts.importer import parse_turns


@pytest.fixture(scope="session")
def screener() -> RuleScreener:
    """The shipped rules, compiled once for the whole session."""
    return RuleScreener(default_rules())


def screen_text(screener: RuleScreener, text: str) -> ScreeningReport:
    """Screen typed turn text ('Therapist: ...' / 'Client: ...' lines)."""
    return screener.screen(parse_turns(text, source="test"))
