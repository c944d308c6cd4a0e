"""Speaker accuracy and the RTTM reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearnote.diarize.metrics import (
    labelled_intervals,
    read_rttm,
    read_turns_json,
    speaker_accuracy,
)
from clearnote.errors import BadInputError

REF = [(0.0, 4.0, "A"), (4.0, 10.0, "B")]


def test_perfect_and_label_swapped_hypotheses_score_one() -> None:
    assert speaker_accuracy(REF, [(0.0, 4.0, 0), (4.0, 10.0, 1)]).accuracy == pytest.approx(1.0)
    swapped = speaker_accuracy(REF, [(0.0, 4.0, 1), (4.0, 10.0, 0)])
    assert swapped.accuracy == pytest.approx(1.0)
    assert swapped.mapping == {1: "A", 0: "B"}


def test_partly_wrong_and_uncovered_time() -> None:
    score = speaker_accuracy(REF, [(0.0, 4.0, 0), (4.0, 6.0, 0), (6.0, 9.0, 1)])
    assert score.accuracy == pytest.approx(7 / 10)  # 4 s right for A, 3 s right for B
    assert score.covered == pytest.approx(9 / 10)


def test_one_hypothesis_speaker_cannot_take_both_references() -> None:
    assert speaker_accuracy(REF, [(0.0, 10.0, 0)]).accuracy == pytest.approx(0.6)


def test_overlapping_reference_counts_either_speaker() -> None:
    ref = [(0.0, 6.0, "A"), (4.0, 10.0, "B")]
    score = speaker_accuracy(ref, [(0.0, 5.0, 0), (5.0, 10.0, 1)])
    assert score.reference_time == pytest.approx(10.0)
    assert score.accuracy == pytest.approx(1.0)


def test_labelled_intervals_merge_same_speaker_words() -> None:
    words = [(0.0, 0.5), (0.5, 1.0), (1.2, 1.5), (1.6, 2.0)]
    assert labelled_intervals(words, [0, 0, 1, 0]) == [(0.0, 1.0, 0), (1.2, 1.5, 1), (1.6, 2.0, 0)]


def test_read_rttm(tmp_path: Path) -> None:
    path = tmp_path / "x.rttm"
    path.write_text(
        "SPEAKER s 1 6.690 0.430 <NA> <NA> spk1 <NA> <NA>\n"
        "SPEAKER s 1 7.550 0.800 <NA> <NA> spk2 <NA> <NA>\n"
    )
    assert read_rttm(path) == [
        (6.69, pytest.approx(7.12), "spk1"),
        (7.55, pytest.approx(8.35), "spk2"),
    ]


def test_malformed_rttm_and_turns_are_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rttm"
    bad.write_text("SPEAKER s 1 x\n")
    with pytest.raises(BadInputError, match="bad.rttm"):
        read_rttm(bad)
    turns = tmp_path / "t.turns.json"
    turns.write_text("{")
    with pytest.raises(BadInputError, match="t.turns.json"):
        read_turns_json(turns)
