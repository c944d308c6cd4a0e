from __future__ import annotations

import pytest

from clearnote.asr.hallucination import judge_segment, longest_repeat


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for watching!",
        "Thank you for watching.",
        "Please like and subscribe.",
        "Subtitles by the Amara.org community",
        "See you next time.",
    ],
)
def test_known_phrases_are_dropped(text: str) -> None:
    assert judge_segment(text, text.split()).drop


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for telling me that.",
        "I was watching TV all night.",
        "Thanks.",
        "No, no, no, no, that's not it.",
    ],
)
def test_real_speech_is_kept_unflagged(text: str) -> None:
    verdict = judge_segment(text, text.split(), avg_logprob=-0.2, no_speech_prob=0.05)
    assert not verdict.drop
    assert verdict.flags == ()


def test_short_thanks_on_doubtful_audio_is_flagged_not_dropped() -> None:
    verdict = judge_segment("Thank you.", ["Thank", "you."], avg_logprob=-1.2, no_speech_prob=0.5)
    assert not verdict.drop and "possible_hallucination" in verdict.flags


def test_repetition_loop_is_flagged() -> None:
    words = ("I don't know " * 6).split()
    verdict = judge_segment(" ".join(words), words)
    assert "repetition" in verdict.flags
    assert longest_repeat(words) == (3, 6)


def test_high_compression_ratio_is_flagged() -> None:
    verdict = judge_segment("la la", ["la", "la"], compression_ratio=3.1)
    assert "possible_hallucination" in verdict.flags
