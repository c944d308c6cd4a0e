"""Small typed sessions for drafting tests (written for these tests; no real client words)."""

from __future__ import annotations

import pytest

from clearnote.domain.transcript import Transcript
from clearnote.transcripts.importer import parse_turns

SESSION = (
    "\n".join(
        [
            "[0.0-5.5] THERAPIST: Hi, it's good to see you again. How have things been since "
            "our last session?",
            "[6.2-13.5] CLIENT: Honestly, it's been a hard couple of weeks. I've been "
            "sleeping badly and I keep waking up around three in the morning.",
            "[14.2-19.9] THERAPIST: When you wake up like that, "
            "what tends to go through your mind?",
            "[20.6-27.0] CLIENT: Mostly work. I start replaying conversations with my "
            "manager and worrying that I said something wrong.",
            "[27.5-33.0] THERAPIST: Have you been able to use the breathing exercise we practiced?",
            "[33.5-42.0] CLIENT: A few times. It helped on Tuesday, but on other nights I "
            "just felt too anxious to even try.",
            "[42.5-48.0] THERAPIST: Any thoughts of hurting yourself?",
            "[48.5-49.0] CLIENT: No.",
            "[49.5-56.0] THERAPIST: How would you rate your mood today, from one to ten?",
            "[56.5-60.0] CLIENT: Probably a five.",
            "[60.5-68.0] THERAPIST: This week I'd like you to practice the breathing "
            "exercise every night before bed.",
            "[68.5-70.0] CLIENT: I can do that.",
            "[70.5-75.0] THERAPIST: You look tired today.",
            "[75.5-80.0] THERAPIST: I'll see you next Tuesday at the same time.",
        ]
    )
    + "\n"
)


@pytest.fixture
def session() -> Transcript:
    """A short therapy session with a symptom, stressor, intervention, denial, score, homework."""
    return parse_turns(SESSION, source="session")
