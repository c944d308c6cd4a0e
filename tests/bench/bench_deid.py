"""De-identification: recall per identifier type, over-redaction of clinical language, speed on a
50-minute transcript, and entity counts on PriMock57.

    python -m tests.bench.bench_deid [--no-primock]

The planted set and the clinical keep set are written (tests/deid/corpus.py); PriMock57 has no
identifier annotations, so for it only counts are reported (read a sample by hand before trusting
them). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Sequence

from clearnote.deid.result import Replacement
from clearnote.deid.service import Deidentifier, default_deidentifier
from clearnote.deid.types import ENTITY_TYPES
from clearnote.domain.transcript import AsrInfo, Segment, Speaker, Transcript, segment_id
from tests.conftest import SHARED_EVAL
from tests.deid.corpus import CLINICAL, HELD_OUT, PLANTED, parse


def _by_unit(replacements: Sequence[Replacement]) -> dict[str, list[Replacement]]:
    out: dict[str, list[Replacement]] = defaultdict(list)
    for r in replacements:
        out[r.segment_id].append(r)
    return out


def recall(
    engine: Deidentifier, sentences: Sequence[str] = PLANTED
) -> dict[str, tuple[int, int, int, int]]:
    """Per type: (planted, fully redacted, redacted with the right type, partly redacted)."""
    parsed = [parse(s) for s in sentences]
    units = [(f"s{i:03d}", text) for i, (text, _) in enumerate(parsed)]
    _, replacements, _ = engine.redact_units(units)
    by_unit = _by_unit(replacements)
    stats: dict[str, list[int]] = {t: [0, 0, 0, 0] for t in ENTITY_TYPES}
    misses: list[str] = []
    for (uid, text), (_, gold) in zip(units, parsed, strict=True):
        reps = by_unit.get(uid, [])
        for start, end, kind in gold:
            row = stats[kind]
            row[0] += 1
            covered = [False] * (end - start)
            best: Replacement | None = None
            best_overlap = 0
            for r in reps:
                lo, hi = max(start, r.start), min(end, r.end)
                if lo < hi:
                    for i in range(lo, hi):
                        covered[i - start] = True
                    if hi - lo > best_overlap:
                        best, best_overlap = r, hi - lo
            if all(covered):
                row[1] += 1
                if best is not None and best.entity_type == kind:
                    row[2] += 1
                else:
                    got = best.entity_type if best else "-"
                    misses.append(f"  typed {got:<12} want {kind:<12} {text}")
            elif any(covered):
                row[3] += 1
                misses.append(f"  PARTIAL {kind:<12} {text}")
            else:
                misses.append(f"  MISSED  {kind:<12} {text}")
    print("misses and mistypes (written sentences, no real data):")
    print("\n".join(misses) or "  none")
    return {k: (v[0], v[1], v[2], v[3]) for k, v in stats.items()}


def over_redaction(engine: Deidentifier) -> tuple[int, int, Counter[str]]:
    """Clinical sentences with any replacement, out of all; and the replaced types."""
    units = [(f"c{i:03d}", text) for i, text in enumerate(CLINICAL)]
    redacted, replacements, _ = engine.redact_units(units)
    touched = {r.segment_id for r in replacements}
    for (uid, _), out in zip(units, redacted, strict=True):
        if uid in touched:
            print(f"  over-redacted: {out}")
    return len(touched), len(units), Counter(r.entity_type for r in replacements)


def synthetic_session(minutes: float = 50.0, words_per_minute: float = 150.0) -> Transcript:
    """A ~50-minute two-speaker transcript built from the written sentences (~7,500 words)."""
    sentences = [parse(s)[0] for s in PLANTED] + list(CLINICAL)
    target = int(minutes * words_per_minute)
    segments: list[Segment] = []
    words = 0
    i = 0
    t = 0.0
    while words < target:
        turn = " ".join(sentences[(i + k) % len(sentences)] for k in range(2))
        n = len(turn.split())
        dur = n / words_per_minute * 60
        segments.append(
            Segment(
                id=segment_id(len(segments) + 1),
                start=round(t, 2),
                end=round(t + dur, 2),
                speaker="S1" if len(segments) % 2 == 0 else "S2",
                text=turn,
            )
        )
        words += n
        t += dur
        i += 2
    return Transcript(
        duration=round(t, 2),
        asr=AsrInfo(engine="import", model="typed"),
        speakers=(Speaker(id="S1", role="clinician"), Speaker(id="S2", role="client")),
        segments=tuple(segments),
    )


def speed(engine: Deidentifier) -> tuple[float, int, int, float]:
    session = synthetic_session()
    words = sum(len(s.text.split()) for s in session.segments)
    started = time.perf_counter()
    result = engine.transcript(session)
    elapsed = time.perf_counter() - started
    return elapsed, len(session.segments), words, len(result.replacements) / max(1, words) * 1000


def primock(engine: Deidentifier) -> None:
    from clearnote.transcripts.document import load_transcript

    folder = SHARED_EVAL / "primock57" / "joined_transcripts"
    files = sorted(folder.glob("*.txt"))
    if not files:
        print("PriMock57: not present, skipped")
        return
    per_type: Counter[str] = Counter()
    distinct: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    times: list[float] = []
    words = 0
    for path in files:
        transcript = load_transcript(path)
        words += sum(len(s.text.split()) for s in transcript.segments)
        started = time.perf_counter()
        result = engine.transcript(transcript)
        times.append(time.perf_counter() - started)
        per_type.update(result.counts)
        distinct.update(result.entities)
        kept.update(k.reason for k in result.kept)
    print(
        f"PriMock57: {len(files)} consultations, {words} words, "
        f"median {statistics.median(times):.2f} s per consultation"
    )
    print(f"  {'type':<13} {'replacements':>12} {'entities':>9}")
    for kind in ENTITY_TYPES:
        if per_type[kind]:
            print(f"  {kind:<13} {per_type[kind]:>12} {distinct[kind]:>9}")
    print(f"  kept as non-identifying: {dict(kept.most_common())}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-primock", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    engine = default_deidentifier()
    print(f"model load + checksum: {time.perf_counter() - started:.2f} s")

    for title, sentences in (("planted (tuned on)", PLANTED), ("held out", HELD_OUT)):
        print(f"\n-- {title}: {len(sentences)} sentences")
        _table(recall(engine, sentences))
    _rest(engine, args.no_primock)


def _table(stats: dict[str, tuple[int, int, int, int]]) -> None:
    print(
        f"\n{'type':<13} {'planted':>7} {'redacted':>9} {'recall':>7} {'typed':>6} {'partial':>7}"
    )
    total = [0, 0, 0, 0]
    for kind, (n, red, typed, part) in stats.items():
        if n:
            print(f"{kind:<13} {n:>7} {red:>9} {red / n:>7.1%} {typed / n:>6.0%} {part:>7}")
            total = [a + b for a, b in zip(total, (n, red, typed, part), strict=True)]
    n, red, typed, part = total
    print(f"{'all':<13} {n:>7} {red:>9} {red / n:>7.1%} {typed / n:>6.0%} {part:>7}")


def _rest(engine: Deidentifier, no_primock: bool) -> None:
    touched, count, kinds = over_redaction(engine)
    print(
        f"\nclinical keep set: {touched}/{count} sentences changed "
        f"(over-redaction {touched / count:.1%}); replaced types {dict(kinds)}"
    )

    elapsed, segments, words, per_k = speed(engine)
    print(
        f"\n50-minute transcript ({segments} segments, {words} words): {elapsed:.2f} s "
        f"({words / elapsed:.0f} words/s); {per_k:.1f} replacements per 1000 words"
    )
    if not no_primock:
        print()
        primock(engine)


if __name__ == "__main__":
    main()
