"""Factories for verification tests: small typed transcripts and notes."""

from __future__ import annotations

import pytest

from clearnote.domain.transcript import Transcript
from clearnote.transcripts.importer import parse_turns
from clearnote.verify import Verifier

SESSION = """\
Therapist: How was your week?
Client: Not great. I've been sleeping badly for about two weeks, maybe four hours a night.
Therapist: Any thoughts of hurting yourself?
Client: No, nothing like that.
Therapist: Are you still taking the sertraline?
Client: Yes, 50 mg every morning.
Therapist: Have you had any panic attacks?
Client: Yes, two last week at work.
Therapist: Maybe you could try a sleep diary this week.
Client: Okay, I can do that.
Therapist: Let's meet again next Tuesday.
"""


def make_transcript(text: str = SESSION) -> Transcript:
    """A typed transcript parsed the way ``clearnote verify`` reads one."""
    return parse_turns(text, source="test")


@pytest.fixture
def session() -> Transcript:
    """The small therapy session above (11 segments, therapist S1, client S2)."""
    return make_transcript()


@pytest.fixture(scope="session")
def lexical() -> Verifier:
    """A verifier without the embedding model: fast and deterministic."""
    return Verifier(None)
