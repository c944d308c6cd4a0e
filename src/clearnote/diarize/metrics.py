"""Speaker accuracy: the share of reference speech time given the right speaker.

Hypothesis labels are mapped one-to-one onto reference speakers so as to maximise agreeing time
(scipy's ``linear_sum_assignment``). Where references overlap, a hypothesis matching any of the
speakers talking is right. Reference speech the hypothesis leaves unlabelled counts as wrong.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from clearnote.errors import BadInputError

Interval = tuple[float, float, Hashable]  # (start, end, speaker)


@dataclass(frozen=True)
class SpeakerScore:
    accuracy: float  # right time / reference speech time
    covered: float  # share of reference speech time the hypothesis labels at all
    reference_time: float
    mapping: dict[Hashable, Hashable]  # hypothesis label -> reference speaker


def read_rttm(path: Path) -> list[Interval]:
    """SPEAKER lines of an RTTM file as (start, end, speaker)."""
    out: list[Interval] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BadInputError(f"{path}: cannot read RTTM ({type(exc).__name__})") from exc
    for number, line in enumerate(lines, 1):
        fields = line.split()
        if not fields or fields[0] != "SPEAKER":
            continue
        try:
            start, dur = float(fields[3]), float(fields[4])
            speaker = fields[7]
        except (IndexError, ValueError) as exc:
            raise BadInputError(f"{path}: malformed RTTM line {number}") from exc
        out.append((start, start + dur, speaker))
    return out


def read_turns_json(path: Path) -> list[Interval]:
    """``*.turns.json`` (list of {speaker, start, end, ...}) as (start, end, speaker)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [(float(t["start"]), float(t["end"]), str(t["speaker"])) for t in data]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInputError(f"{path}: cannot read turns ({type(exc).__name__})") from exc


def _elementary(
    reference: Sequence[Interval], hypothesis: Sequence[Interval]
) -> list[tuple[float, set[Hashable], set[Hashable]]]:
    bounds = sorted({float(x) for s, e, _ in [*reference, *hypothesis] for x in (s, e)})
    pieces = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if b <= a:
            continue
        mid = (a + b) / 2
        refs = {spk for s, e, spk in reference if s <= mid < e}
        if not refs:
            continue
        hyps = {spk for s, e, spk in hypothesis if s <= mid < e}
        pieces.append((b - a, refs, hyps))
    return pieces


def speaker_accuracy(reference: Sequence[Interval], hypothesis: Sequence[Interval]) -> SpeakerScore:
    """Best one-to-one mapping score of ``hypothesis`` against ``reference``."""
    pieces = _elementary(reference, hypothesis)
    total = sum(d for d, _, _ in pieces)
    if total <= 0:
        return SpeakerScore(1.0, 1.0, 0.0, {})
    ref_ids = sorted({s for *_, s in reference}, key=str)
    hyp_ids = sorted({s for *_, s in hypothesis}, key=str)
    agree = np.zeros((len(hyp_ids), len(ref_ids)))
    for dur, refs, hyps in pieces:
        for h in hyps:
            for r in refs:
                agree[hyp_ids.index(h), ref_ids.index(r)] += dur / len(hyps)
    rows, cols = linear_sum_assignment(agree, maximize=True) if agree.size else ([], [])
    mapping = {hyp_ids[i]: ref_ids[j] for i, j in zip(rows, cols, strict=True)}
    right = 0.0
    covered = 0.0
    for dur, refs, hyps in pieces:
        if hyps:
            covered += dur
            right += dur * sum(1 for h in hyps if mapping.get(h) in refs) / len(hyps)
    return SpeakerScore(right / total, covered / total, total, mapping)


def labelled_intervals(
    words: Sequence[tuple[float, float]], speakers: Sequence[int], *, bridge: float = 0.0
) -> list[Interval]:
    """Word intervals with their speaker; same-speaker gaps up to ``bridge`` s are filled."""
    items = sorted(zip(words, speakers, strict=True), key=lambda x: x[0])
    out: list[Interval] = []
    for (s, e), spk in items:
        if out and out[-1][2] == spk and s - out[-1][1] <= bridge:
            out[-1] = (out[-1][0], max(out[-1][1], e), spk)
        else:
            out.append((s, e, spk))
    return out
