"""Known Whisper failure modes on silence, music and noise: detect, drop or flag, never pass on.

Two kinds are handled:

* phrases Whisper is known to invent on non-speech (subtitle credits, "thanks for watching"):
  a segment that is nothing but such a phrase is dropped, and the drop is counted in the
  transcript's warnings;
* repetition loops (the same 1–4 words over and over) and segments the decoder itself doubts
  (high no-speech probability with a low average log-probability, or a high compression ratio):
  the segment is kept and flagged ``possible_hallucination`` or ``repetition`` and marked
  low-confidence, so the clinician listens before trusting it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KNOWN_PHRASES = tuple(
    re.compile(p)
    for p in (
        r"^(thanks|thank you) (so much |very much )?for watching( and see you next time)?$",
        r"^(please )?(like and )?subscribe( to (my|the|our) channel)?$",
        r"^don'?t forget to (like and )?subscribe.*$",
        r"^(subtitles|captions|transcription|transcript) (by|from) .*$",
        r"^.*\bamara\.org\b.*$",
        r"^.*\bsubtitles by the amara\.org community\b.*$",
        r"^(see you|i'?ll see you) (in the )?next (video|time)$",
        r"^www\.[a-z0-9.-]+\.[a-z]{2,}$",
        r"^.*\bmbc (news|뉴스)\b.*$",
    )
)
# short phrases Whisper often invents on silence; kept unless the decoder doubts the segment
_DOUBTFUL_SHORT = frozenset({"thank you", "thanks", "bye", "you", "okay", "so", "oh"})


@dataclass(frozen=True)
class SegmentVerdict:
    drop: bool = False
    flags: tuple[str, ...] = ()


def _normal(text: str) -> str:
    text = text.lower().strip()
    text = re.sub(r"[^\w.' ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip(" .")


def is_known_phrase(text: str) -> bool:
    norm = _normal(text)
    return bool(norm) and any(p.match(norm) for p in _KNOWN_PHRASES)


def longest_repeat(words: list[str]) -> tuple[int, int]:
    """(n, times): the n-gram (n = 1..4) repeated back to back the most times."""
    best = (1, 1)
    tokens = [w.lower().strip(".,!?;:\"'") for w in words]
    for n in range(1, 5):
        i = 0
        while i + n <= len(tokens):
            gram = tokens[i : i + n]
            times = 1
            j = i + n
            while j + n <= len(tokens) and tokens[j : j + n] == gram:
                times += 1
                j += n
            if times > best[1]:
                best = (n, times)
            i = j if times > 1 else i + 1
    return best


def judge_segment(
    text: str,
    words: list[str],
    *,
    avg_logprob: float = 0.0,
    no_speech_prob: float = 0.0,
    compression_ratio: float = 1.0,
) -> SegmentVerdict:
    """Decide what to do with one recognised segment (metadata only is logged by callers)."""
    if is_known_phrase(text):
        return SegmentVerdict(drop=True)
    flags: list[str] = []
    n, times = longest_repeat(words)
    # "no no no no" happens in speech; 4+ runs of 2+ words, or 8+ single words, is a loop
    if (n >= 2 and times >= 4) or (n == 1 and times >= 8):
        flags.append("repetition")
    doubtful = no_speech_prob > 0.6 and avg_logprob < -1.0
    if (
        compression_ratio > 2.4
        or doubtful
        or (_normal(text) in _DOUBTFUL_SHORT and (no_speech_prob > 0.4 or avg_logprob < -0.8))
    ):
        flags.append("possible_hallucination")
    return SegmentVerdict(drop=False, flags=tuple(flags))
