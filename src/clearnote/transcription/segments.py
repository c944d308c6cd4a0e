"""Pure assembly of transcript segments from ASR output and per-word speaker labels.

ASR segments are split wherever the speaker changes and, inside one speaker's long run, at
sentence ends, so that each segment is one speaker's sentence or turn: the unit that notes cite.
Hallucination verdicts are applied here (drops counted, flags kept).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from clearnote.asr.base import AsrOutput, AsrSegment, AsrWord
from clearnote.asr.hallucination import judge_segment
from clearnote.domain.transcript import Segment, Word, segment_id

SENTENCE_END = (".", "?", "!")
MIN_SPLIT_SECONDS = 6.0  # a run this long is cut at the next sentence end


@dataclass
class Assembly:
    segments: list[Segment] = field(default_factory=list)
    dropped: int = 0
    flagged: int = 0


def words_for_diarization(output: AsrOutput) -> list[tuple[float, float]]:
    """Time spans to label with speakers: every word, or the segment when it has no words."""
    spans: list[tuple[float, float]] = []
    for seg in output.segments:
        if seg.words:
            spans.extend((w.start, w.end) for w in seg.words)
        else:
            spans.append((seg.start, seg.end))
    return spans


def _runs(seg: AsrSegment, labels: Sequence[int]) -> list[tuple[int, list[AsrWord]]]:
    runs: list[tuple[int, list[AsrWord]]] = []
    for word, label in zip(seg.words, labels, strict=True):
        if runs and runs[-1][0] == label:
            last = runs[-1][1]
            long_enough = word.start - last[0].start >= MIN_SPLIT_SECONDS
            if long_enough and last[-1].text.endswith(SENTENCE_END):
                runs.append((label, [word]))
            else:
                last.append(word)
        else:
            runs.append((label, [word]))
    return runs


def assemble(
    output: AsrOutput,
    word_labels: Sequence[int],
    speaker_ids: dict[int, str],
    *,
    low_confidence_threshold: float,
) -> Assembly:
    """Build numbered segments; ``word_labels`` follows ``words_for_diarization(output)``."""
    result = Assembly()
    pieces: list[tuple[float, float, str, str, tuple[Word, ...], tuple[str, ...]]] = []
    cursor = 0
    for seg in output.segments:
        n = len(seg.words) or 1
        labels = list(word_labels[cursor : cursor + n])
        cursor += n
        verdict = judge_segment(
            seg.text,
            [w.text for w in seg.words] or seg.text.split(),
            avg_logprob=seg.avg_logprob,
            no_speech_prob=seg.no_speech_prob,
            compression_ratio=seg.compression_ratio,
        )
        if verdict.drop:
            result.dropped += 1
            continue
        if verdict.flags:
            result.flagged += 1
        if not seg.words:
            pieces.append((seg.start, seg.end, speaker_ids[labels[0]], seg.text, (), verdict.flags))
            continue
        for label, run in _runs(seg, labels):
            words = tuple(
                Word(
                    text=w.text,
                    start=round(w.start, 3),
                    end=round(max(w.end, w.start), 3),
                    p=round(min(max(w.p, 0.0), 1.0), 4),
                    low_confidence=w.p < low_confidence_threshold,
                )
                for w in run
            )
            text = " ".join(w.text for w in run)
            pieces.append(
                (words[0].start, words[-1].end, speaker_ids[label], text, words, verdict.flags)
            )
    pieces.sort(key=lambda p: (p[0], p[1]))
    for index, (start, end, speaker, text, words, flags) in enumerate(pieces, start=1):
        result.segments.append(
            Segment(
                id=segment_id(index),
                start=round(start, 3),
                end=round(max(end, start), 3),
                speaker=speaker,
                text=text,
                words=words,
                low_confidence=bool(flags) or any(w.low_confidence for w in words),
                flags=flags,
            )
        )
    return result


def speaker_order(word_labels: Sequence[int]) -> dict[int, str]:
    """Diarizer labels → contract ids S1, S2, … in order of first appearance."""
    ids: dict[int, str] = {}
    for label in word_labels:
        if label not in ids:
            ids[label] = f"S{len(ids) + 1}"
    return ids
