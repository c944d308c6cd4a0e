from __future__ import annotations

from clearnote.asr.base import AsrOutput, AsrSegment, AsrWord
from clearnote.transcription.segments import assemble, speaker_order, words_for_diarization


def _seg(words: list[tuple[str, float, float, float]], **kw: float) -> AsrSegment:
    ws = tuple(AsrWord(t, s, e, p) for t, s, e, p in words)
    return AsrSegment(
        start=ws[0].start, end=ws[-1].end, text=" ".join(w.text for w in ws), words=ws, **kw
    )


def _out(*segs: AsrSegment) -> AsrOutput:
    return AsrOutput(segments=segs, language="en", duration=60.0, model="m", engine="e")


def test_a_speaker_change_inside_one_asr_segment_splits_it() -> None:
    out = _out(
        _seg(
            [
                ("How", 0, 0.2, 0.9),
                ("are", 0.2, 0.4, 0.9),
                ("you?", 0.4, 0.6, 0.9),
                ("Fine.", 1.0, 1.4, 0.9),
            ]
        )
    )
    labels = [0, 0, 0, 1]
    result = assemble(out, labels, speaker_order(labels), low_confidence_threshold=0.5)
    assert [(s.id, s.speaker, s.text) for s in result.segments] == [
        ("seg-0001", "S1", "How are you?"),
        ("seg-0002", "S2", "Fine."),
    ]
    assert result.segments[1].start == 1.0


def test_low_probability_words_mark_word_and_segment() -> None:
    out = _out(_seg([("I", 0, 0.1, 0.95), ("slept", 0.1, 0.5, 0.3)]), _seg([("ok", 2, 2.3, 0.9)]))
    result = assemble(out, [0, 0, 0], {0: "S1"}, low_confidence_threshold=0.5)
    first, second = result.segments
    assert [w.low_confidence for w in first.words] == [False, True]
    assert first.low_confidence and not second.low_confidence


def test_long_single_speaker_runs_split_at_sentence_ends() -> None:
    words = [(f"w{i}{'.' if i % 5 == 4 else ''}", i * 0.5, i * 0.5 + 0.4, 0.9) for i in range(30)]
    result = assemble(_out(_seg(words)), [0] * 30, {0: "S1"}, low_confidence_threshold=0.5)
    assert len(result.segments) > 1
    assert all(s.text.endswith(".") for s in result.segments[:-1])
    assert sum(len(s.words) for s in result.segments) == 30


def test_known_hallucinations_are_dropped_and_counted_loops_flagged() -> None:
    out = _out(
        _seg([("Thanks", 0, 0.3, 0.9), ("for", 0.3, 0.4, 0.9), ("watching!", 0.4, 0.9, 0.9)]),
        _seg([(w, 1 + i * 0.2, 1.1 + i * 0.2, 0.9) for i, w in enumerate(["go", "on"] * 5)]),
    )
    result = assemble(out, [0] * 13, {0: "S1"}, low_confidence_threshold=0.5)
    assert result.dropped == 1 and result.flagged == 1
    assert [s.id for s in result.segments] == ["seg-0001"]
    assert result.segments[0].flags == ("repetition",) and result.segments[0].low_confidence


def test_wordless_segments_are_kept_with_one_label() -> None:
    seg = AsrSegment(start=0, end=1, text="hm", words=())
    assert words_for_diarization(_out(seg)) == [(0, 1)]
    result = assemble(_out(seg), [0], {0: "S1"}, low_confidence_threshold=0.5)
    assert result.segments[0].text == "hm"


def test_speaker_ids_follow_first_appearance() -> None:
    assert speaker_order([2, 2, 0, 1, 0]) == {2: "S1", 0: "S2", 1: "S3"}
