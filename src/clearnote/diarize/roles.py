"""Who is the clinician and who the client(s): an enrolled voice first, conversational cues after.

Pure code over turns. The turn text is read for cues and never logged or echoed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

RoleName = Literal["clinician", "client", "other"]

# Cosine similarity of an enrolled voice to a speaker centroid above which it is the same person.
VOICE_MATCH_THRESHOLD = 0.75
# Cue weights, fitted on AnnoMI's 133 counselling sessions (therapist vs client turns).
QUESTION_WEIGHT = 3.0
PHRASE_WEIGHT = 3.0
OPENER_WEIGHT = 0.3
TALK_LESS_WEIGHT = 0.2
# In sessions of three or more voices, a non-clinician under this share of talk time is "other".
MIN_CLIENT_TALK_SHARE = 0.05

_QUESTION_STARTS = frozenset(
    "what why how when where who whom whose which "
    "do does did is are was were can could would will have has had should shall may might "
    "am isn't aren't don't doesn't didn't won't wouldn't couldn't".split()
)
THERAPIST_PHRASES: tuple[str, ...] = (
    "how have things been",
    "how has your week",
    "how was your week",
    "what comes up for you",
    "what came up for you",
    "it sounds like",
    "sounds like you",
    "last session",
    "last time we",
    "homework",
    "let's",
    "let us",
    "how does that feel",
    "how did that feel",
    "tell me more",
    "can you tell me",
    "what i'm hearing",
    "i'm hearing",
    "on a scale",
    "what would it",
    "next session",
    "between now and",
    "i wonder",
    "how are you feeling",
    "what do you notice",
    "good to see you",
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class Turn:
    speaker: int
    start: float
    end: float
    text: str = field(repr=False)


def is_question(sentence: str) -> bool:
    """Ends in '?' or starts with a wh-word or an auxiliary verb."""
    s = sentence.strip().lower()
    if not s:
        return False
    if s.endswith("?"):
        return True
    first = _WORD.match(s)
    return bool(first) and first.group(0) in _QUESTION_STARTS if first else False


def question_share(texts: Sequence[str]) -> float:
    """Share of turns that contain a question."""
    if not texts:
        return 0.0
    asked = sum(1 for t in texts if any(is_question(s) for s in _SENTENCE_SPLIT.split(t)))
    return asked / len(texts)


def phrase_hits(texts: Sequence[str]) -> int:
    """How many therapist phrases occur across the texts."""
    hits = 0
    for text in texts:
        low = " ".join(_WORD.findall(text.lower().replace("’", "'")))
        hits += sum(1 for p in THERAPIST_PHRASES if p in low)
    return hits


def clinician_scores(turns: Sequence[Turn], num_speakers: int) -> np.ndarray:
    """Cue score per speaker: questions, therapist phrases, opening the session, talking less."""
    scores = np.zeros(num_speakers, dtype=np.float64)
    by_speaker: list[list[str]] = [[] for _ in range(num_speakers)]
    talk = np.zeros(num_speakers, dtype=np.float64)
    for t in turns:
        if 0 <= t.speaker < num_speakers:
            by_speaker[t.speaker].append(t.text)
            talk[t.speaker] += max(0.0, t.end - t.start)
    total_talk = float(talk.sum())
    ordered = sorted((t for t in turns if 0 <= t.speaker < num_speakers), key=lambda t: t.start)
    for spk in range(num_speakers):
        texts = by_speaker[spk]
        if not texts:
            scores[spk] = -np.inf
            continue
        scores[spk] += QUESTION_WEIGHT * question_share(texts)
        scores[spk] += PHRASE_WEIGHT * min(1.0, phrase_hits(texts) / len(texts))
        if total_talk > 0:
            scores[spk] += TALK_LESS_WEIGHT * (1.0 - talk[spk] / total_talk)
    if ordered:
        scores[ordered[0].speaker] += OPENER_WEIGHT
    return scores


def _talk_time(turns: Sequence[Turn], num_speakers: int) -> np.ndarray:
    talk = np.zeros(num_speakers, dtype=np.float64)
    for t in turns:
        if 0 <= t.speaker < num_speakers:
            talk[t.speaker] += max(0.0, t.end - t.start)
    return talk


def match_voice(centroids: np.ndarray, voice: np.ndarray) -> int | None:
    """Index of the centroid most similar to the enrolled voice, if similar enough."""
    cents = np.asarray(centroids, dtype=np.float64)
    v = np.asarray(voice, dtype=np.float64).reshape(-1)
    if cents.ndim != 2 or cents.shape[0] == 0 or cents.shape[1] != v.shape[0]:
        return None
    norms = np.linalg.norm(cents, axis=1) * max(float(np.linalg.norm(v)), 1e-12)
    sims = cents @ v / np.maximum(norms, 1e-12)
    best = int(np.argmax(sims))
    return best if sims[best] >= VOICE_MATCH_THRESHOLD else None


def assign_roles(
    turns: Sequence[Turn],
    num_speakers: int,
    *,
    centroids: np.ndarray | None = None,
    clinician_voice: np.ndarray | None = None,
) -> dict[int, RoleName]:
    """Role per speaker index: exactly one clinician; clients; "other" for minor voices."""
    if num_speakers <= 0:
        return {}
    clinician: int | None = None
    if centroids is not None and clinician_voice is not None:
        clinician = match_voice(centroids, clinician_voice)
    if clinician is None:
        scores = clinician_scores(turns, num_speakers)
        clinician = int(np.argmax(scores)) if np.isfinite(scores).any() else 0
    roles: dict[int, RoleName] = {}
    talk = _talk_time(turns, num_speakers)
    total = float(talk.sum())
    for spk in range(num_speakers):
        if spk == clinician:
            roles[spk] = "clinician"
        elif num_speakers == 2:
            roles[spk] = "client"
        elif total > 0 and talk[spk] / total < MIN_CLIENT_TALK_SHARE:
            roles[spk] = "other"
        else:
            roles[spk] = "client"
    return roles
