"""Evaluation of the clinician-facing assessments (figures for the README; no assertions here).

    python -m tests.bench.bench_assess [--quick] [--embedding] [--show N]

1. Our own written sessions (tests/assess/data_assess/*.txt): items, how many the verifier
   verified, how many things are listed as not assessed, diagnostic candidates.
2. AnnoMI (../shared/eval/annomi, 133 motivational-interviewing sessions, turn text built from
   AnnoMI-simple.csv): the same counts over all sessions, per framework, and two sanity reads
   (alcohol/drug sessions: how often a substance-use candidate or treatment need comes up;
   other sessions: how often one does, to read as possible false alarms).
3. Speed: a 50-minute transcript (AnnoMI turns joined to ~7,500 words): screening + assessment
   with the default no-LLM backends (lexical grounding), and with MiniLM grounding.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from clearnote.assess.diagnostic import default_table
from clearnote.assess.goals import load_goals
from clearnote.assess.grounding import GroundingVerifier
from clearnote.assess.jurisdiction import plan_parts, resolve
from clearnote.assess.lexicon import default_lexicon
from clearnote.assess.screening import RuleScreener, default_rules
from clearnote.assess.service import assess
from clearnote.domain.assessment import FRAMEWORKS, Assessment, DiagnosticPart, Framework
from clearnote.domain.transcript import Transcript
from clearnote.transcripts.document import load_transcript
from tests.bench.bench_screen import ANNOMI, _annomi, transcript_of

OWN = Path(__file__).resolve().parents[1] / "assess" / "data_assess"
SUBSTANCE_CANDIDATES = {
    "alcohol_use_disorder",
    "cannabis_use_disorder",
    "opioid_use_disorder",
    "stimulant_use_disorder",
    "tobacco_use_disorder",
}


def _run(
    transcript: Transcript,
    framework: Framework,
    screener: RuleScreener,
    verifier: GroundingVerifier | None = None,
) -> Assessment:
    enabled, reasons = plan_parts(resolve(()))
    goals = load_goals(OWN / "goals.yaml")
    return assess(
        transcript,
        framework=framework,
        enabled=enabled,
        goals=goals,
        screening=screener.screen(transcript),
        disabled_reasons=reasons,
        verifier=verifier,
    )


def _candidates(a: Assessment) -> list[str]:
    d = a.diagnostic_impressions
    return [c.id for c in d.candidates] if isinstance(d, DiagnosticPart) else []


def _row(name: str, results: list[Assessment]) -> str:
    items = [i for a in results for i in a.items()]
    verified = sum(i.verified for i in items)
    na = sum(a.not_assessed_count() for a in results)
    cands = sum(len(_candidates(a)) for a in results)
    pct = f"{100 * verified / len(items):.1f} %" if items else "-"
    return (
        f"| {name} | {len(results)} | {len(items)} | {verified} ({pct}) | "
        f"{len(items) - verified} | {na} | {cands} |"
    )


HEADER = (
    "| set | sessions | items | verified | not verified | not assessed | diag. candidates |\n"
    "|---|---|---|---|---|---|---|"
)


def own(screener: RuleScreener, show: int) -> None:
    print("\n## Our written sessions (tests/assess/data_assess)\n")
    print(HEADER)
    for path in sorted(OWN.glob("*.txt")):
        transcript = load_transcript(path)
        results = [_run(transcript, fw, screener) for fw in FRAMEWORKS]
        print(_row(path.stem, results))
        if show:
            cbt = results[0]
            print(f"|  candidates: {', '.join(_candidates(cbt)) or 'none'} |||||||")


def annomi(screener: RuleScreener, quick: bool, show: int) -> None:
    if not ANNOMI.exists():
        print("\n(AnnoMI not present: skipped)")
        return
    sessions = _annomi()
    keys = sorted(sessions, key=int)[:: 5 if quick else 1]
    print(f"\n## AnnoMI ({len(keys)} sessions{', every 5th' if quick else ''})\n")
    print(HEADER)
    per_fw: dict[str, list[Assessment]] = {fw: [] for fw in FRAMEWORKS}
    substance_hit = Counter[str]()
    topics = Counter[str]()
    unverified_examples: list[str] = []
    for key in keys:
        topic, turns = sessions[key]
        transcript = transcript_of(turns)
        for fw in FRAMEWORKS:
            per_fw[fw].append(_run(transcript, fw, screener))
        a = per_fw["cbt"][-1]
        is_substance = any(
            w in topic for w in ("alcohol", "drug", "smoking", "substance", "drinking")
        )
        group = "substance topic" if is_substance else "other topic"
        topics[group] += 1
        if set(_candidates(a)) & SUBSTANCE_CANDIDATES:
            substance_hit[group] += 1
        for item in a.items():
            if not item.verified and len(unverified_examples) < show:
                unverified_examples.append(f"{key} {item.kind} {item.score}: {item.text[:100]}")
    for fw in FRAMEWORKS:
        print(_row(f"AnnoMI, {fw}", per_fw[fw]))
    cands = Counter(c for a in per_fw["cbt"] for c in _candidates(a))
    print("\nDiagnostic candidates suggested (sessions):", dict(cands.most_common()))
    for group in ("substance topic", "other topic"):
        n = topics[group]
        if n:
            print(
                f"- {group}: a substance-use candidate in {substance_hit[group]} of {n} "
                f"sessions ({100 * substance_hit[group] / n:.0f} %)"
            )
    concept = Counter[str]()
    for fw in FRAMEWORKS:
        for a in per_fw[fw]:
            c = a.conceptualization
            for el in getattr(c, "elements", ()):
                concept[f"{fw}:{el.name}:{el.status}"] += 1
    print("Conceptualization elements (framework:element:status -> sessions):")
    for key, n in sorted(concept.items()):
        print(f"  {key}: {n}")
    for line in unverified_examples:
        print("  not verified:", line)


def speed(screener_rules_fresh: bool, embedding: bool) -> None:
    turns: list[tuple[str, str, float]] = []
    for _topic, sess in _annomi().values():
        turns.extend(sess)
    out: list[tuple[str, str, float]] = []
    words = 0
    while words < 7500:
        role, text, _ = turns[len(out) % len(turns)]
        out.append((role, text, len(out) * 4.0))
        words += len(text.split())
    transcript = transcript_of(out)
    print(f"\n## Speed: 50-minute transcript ({len(out)} turns, {words} words)\n")
    print("| grounding | load rules+lexicon | screening | assessment | total |")
    print("|---|---|---|---|---|")
    modes = ["lexical", "embedding"] if embedding else ["lexical"]
    for mode in modes:
        t0 = time.perf_counter()
        if screener_rules_fresh:
            rules = default_rules.__wrapped__()
            default_lexicon.__wrapped__()
            default_table.__wrapped__()
        else:
            rules = default_rules()
        screener = RuleScreener(rules)
        verifier: GroundingVerifier | None = None
        if mode == "embedding":
            from clearnote.verify import default_verifier

            verifier = default_verifier()
        t1 = time.perf_counter()
        report = screener.screen(transcript)
        t2 = time.perf_counter()
        enabled, reasons = plan_parts(resolve(()))
        result = assess(
            transcript,
            framework="cbt",
            enabled=enabled,
            goals=load_goals(OWN / "goals.yaml"),
            screening=report,
            disabled_reasons=reasons,
            verifier=verifier,
        )
        t3 = time.perf_counter()
        print(
            f"| {mode} | {t1 - t0:.2f} s | {t2 - t1:.2f} s | {t3 - t2:.2f} s | {t3 - t0:.2f} s |"
            f" ({len(result.items())} items)"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="every 5th AnnoMI session")
    ap.add_argument("--embedding", action="store_true", help="also time MiniLM grounding")
    ap.add_argument("--show", type=int, default=0, help="print N unverified items")
    ap.add_argument("--speed-only", action="store_true")
    args = ap.parse_args(argv)
    print("# Assessment evaluation")
    screener = RuleScreener(default_rules())
    if not args.speed_only:
        own(screener, args.show)
        annomi(screener, args.quick, args.show)
    if ANNOMI.exists():
        speed(True, args.embedding)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
