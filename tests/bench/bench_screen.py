"""Evaluation of risk screening (figures for the README; no assertions here).

    python -m tests.bench.bench_screen [--quick] [--misses] [--semantic [--llm]] [--grid]

1. Our own cases (tests/assess/data): dev (used while writing the rules) and held-out (never read
   while tuning): risk recall, specificity on figurative and benign talk, denials in answer to a
   screening question coming back as ``discussed_denied``, third-party/media as ``mentioned``.
2. Reddit C-SSRS (../shared/eval/reddit-cssrs): each user's posts as one client's speech; users
   adjudicated Ideation, Behavior or Attempt should come out ``flagged`` for suicide. The flagged
   rate for Indicator and Supportive users is reported too (no target: supportive users write
   about suicide to others). The users are split, by a hash of the user id, into a tuning half
   and a held-out half (see :func:`reddit_half`); rules may be tuned on the tuning half only
   (split fixed before the two-tier hopelessness rules were written; note that the rules up to
   commit 08b5f57 had been tuned on misses from all 500 users, before the split existed).
3. AnnoMI (../shared/eval/annomi): the self-harm sessions (95, 107) and the violence session (37)
   domain by domain; substance flagged on the alcohol/drug sessions; how many of the other
   sessions get a violence/abuse/suicide/self-harm flag (false alarms to read).
4. Speed: one 50-minute transcript (AnnoMI turns joined to ~7,500 words) screened, rules loaded.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from clearnote.assess.screening import RuleScreener, ScreeningBackend, default_rules, screen_with
from clearnote.assess.screening.aggregate import Aggregate, weak_signs
from clearnote.assess.screening.semantic import SemanticScreener, default_prototypes
from clearnote.domain.screening import ScreeningReport
from clearnote.domain.transcript import AsrInfo, Segment, Speaker, Transcript, segment_id
from clearnote.embed import Embedder
from tests.assess.cases import DEV, HELDOUT, load_cases, score
from tests.conftest import SHARED_EVAL

REDDIT = SHARED_EVAL / "reddit-cssrs" / "500_Reddit_users_posts_labels.csv"
ANNOMI = SHARED_EVAL / "annomi" / "AnnoMI-simple.csv"
RISK_DOMAINS = (
    "suicide",
    "self_harm",
    "harm_to_others",
    "child_abuse",
    "elder_dependent_abuse",
    "intimate_partner_violence",
)


def reddit_half(user: str) -> str:
    """The split rule, written down before tuning: sha256 of ``"clearnote-reddit-split:" + user``
    (the ``User`` column, e.g. ``user-17``); an even first byte puts the user in the ``tune`` half,
    an odd one in the ``heldout`` half. Tune rules on the ``tune`` half only."""
    digest = hashlib.sha256(f"clearnote-reddit-split:{user}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "heldout"


def transcript_of(turns: list[tuple[str, str, float]]) -> Transcript:
    """(role, text, start) turns → Transcript with one speaker per role."""
    roles = sorted({r for r, _, _ in turns})
    ids = {r: f"S{i + 1}" for i, r in enumerate(roles)}
    segs = [
        Segment(id=segment_id(i + 1), start=start, end=start, speaker=ids[role], text=text)
        for i, (role, text, start) in enumerate(turns)
        if text.strip()
    ]
    return Transcript(
        duration=max((s.end for s in segs), default=0.0),
        asr=AsrInfo(engine="import", model="bench"),
        speakers=tuple(Speaker(id=ids[r], role=r) for r in roles),
        segments=tuple(segs),
    )


def _seconds(stamp: str) -> float:
    parts = [float(p) for p in stamp.split(":")]
    total = 0.0
    for p in parts:
        total = total * 60 + p
    return total


def _posts(cell: str) -> list[str]:
    """The Post column is a Python-list string; some rows are cut short: split those."""
    try:
        value = ast.literal_eval(cell)
        return [str(v) for v in value]
    except (SyntaxError, ValueError):
        body = cell.strip().lstrip("[").rstrip("]")
        return [p.strip(" '\"") for p in re.split(r"""['"],\s*['"]""", body) if p.strip()]


# --tuning-only: the held-out case file and the held-out Reddit half are neither screened nor
# shown, so a change can be checked on what may be tuned on without another look at the rest
TUNING_ONLY = False


def our_cases(screener: RuleScreener, show_misses: bool) -> None:
    print("\n## Our cases (tests/assess/data)\n")
    print(
        "| set | cases | risk recall | specificity (figurative+benign) "
        "| qa denial → discussed_denied | third-party/media → mentioned | all correct |"
    )
    print("|---|---|---|---|---|---|---|")
    sets = (("dev", DEV),) if TUNING_ONLY else (("dev", DEV), ("held-out", HELDOUT))
    for name, path in sets:
        s = score(load_cases(path), screener)
        print(
            f"| {name} | {s.n} | {s.risk_recall:.3f} (n={s.risk_n}) | {s.specificity:.3f} "
            f"(n={s.spec_n}) | {s.denial_rate:.3f} (n={s.denial_n}) | {s.mention_rate:.3f} "
            f"(n={s.mention_n}) | {s.accuracy:.3f} |"
        )
        if show_misses:
            for c in s.misses:
                print(
                    f"    miss {name} line {c.line}: {c.domain} expected {c.expected} "
                    f"({c.category})"
                )


POSITIVE = ("Attempt", "Behavior", "Ideation")
LABELS = (*POSITIVE, "Indicator", "Supportive")


def reddit_rows() -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with REDDIT.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def reddit(screener: RuleScreener, quick: bool) -> None:
    print("\n## Reddit C-SSRS (users; suicide domain)\n")
    if not REDDIT.exists():
        print("(absent: skipped)")
        return
    rows = reddit_rows()
    if TUNING_ONLY:
        rows = [r for r in rows if reddit_half(r["User"]) == "tune"]
    if quick:
        rows = rows[::5]
    by_label: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    levels: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        posts = _posts(row["Post"])
        report = screener.screen(transcript_of([("client", p, 0.0) for p in posts]))
        result = report.domain("suicide")
        for half in (reddit_half(row["User"]), "all"):
            by_label[(half, row["Label"])][result.status] += 1
        levels[row["Label"]][result.highest_level or "-"] += 1
    print(
        "| half | label | users | flagged | mentioned | discussed_denied | not_discussed "
        "| flagged rate |"
    )
    print("|---|---|---|---|---|---|---|---|")
    recall: dict[str, tuple[int, int]] = {}
    for half in ("tune",) if TUNING_ONLY else ("tune", "heldout", "all"):
        pos = total = 0
        for label in LABELS:
            c = by_label[(half, label)]
            n = sum(c.values())
            if label in POSITIVE:
                pos += c["flagged"]
                total += n
            rate = f"{c['flagged'] / n:.3f}" if n else "-"
            print(
                f"| {half} | {label} | {n} | {c['flagged']} | {c['mentioned']} | "
                f"{c['discussed_denied']} | {c['not_discussed']} | {rate} |"
            )
        recall[half] = (pos, total)
    print()
    for half, (pos, total) in recall.items():
        value = f"{pos / total:.3f}" if total else "-"
        name = "all users" if half == "all" else f"{half} half"
        print(f"recall, {name} (Ideation+Behavior+Attempt flagged): {pos}/{total} = {value}")
    for label in POSITIVE:
        top = ", ".join(f"{k} {v}" for k, v in levels[label].most_common(5))
        print(f"  highest level, {label}: {top}")


def _annomi() -> dict[str, tuple[str, list[tuple[str, str, float]]]]:
    sessions: dict[str, tuple[str, list[tuple[str, str, float]]]] = {}
    with ANNOMI.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            role = "clinician" if row["interlocutor"] == "therapist" else "client"
            topic, turns = sessions.setdefault(row["transcript_id"], (row["topic"], []))
            turns.append((role, row["utterance_text"], _seconds(row["timestamp"])))
    return sessions


def annomi(screener: RuleScreener) -> None:
    print("\n## AnnoMI sessions\n")
    if not ANNOMI.exists():
        print("(absent: skipped)")
        return
    sessions = _annomi()
    print("| session | topic | suicide | self_harm | harm_to_others | ipv | substance_use |")
    print("|---|---|---|---|---|---|---|")
    for tid in ("95", "107", "37"):
        topic, turns = sessions[tid]
        r = screener.screen(transcript_of(turns))
        cells = [
            r.domain(d).status
            for d in (
                "suicide",
                "self_harm",
                "harm_to_others",
                "intimate_partner_violence",
                "substance_use",
            )
        ]
        print(f"| {tid} | {topic} | " + " | ".join(cells) + " |")
    subst = [t for t, (topic, _) in sessions.items() if "alcohol" in topic or "drug" in topic]
    hit = sum(
        screener.screen(transcript_of(sessions[t][1])).domain("substance_use").status == "flagged"
        for t in subst
    )
    print(f"\nsubstance_use flagged on alcohol/drug sessions: {hit}/{len(subst)}")
    others = [t for t, (topic, _) in sessions.items() if t not in ("95", "107", "37")]
    false_by_domain: Counter[str] = Counter()
    any_flag = 0
    for t in others:
        r = screener.screen(transcript_of(sessions[t][1]))
        flagged = [d for d in RISK_DOMAINS if r.domain(d).status == "flagged"]
        any_flag += bool(flagged)
        false_by_domain.update(flagged)
    print(
        f"other sessions ({len(others)}) with any suicide/self-harm/violence/abuse flag: "
        f"{any_flag} ({dict(false_by_domain)}); these are flags to read, not all false"
    )


def speed(screener: RuleScreener) -> None:
    print("\n## Speed\n")
    turns: list[tuple[str, str, float]] = []
    if ANNOMI.exists():
        for _topic, sess in _annomi().values():
            turns.extend(sess)
    else:
        for case in load_cases(DEV):
            for turn in case.turns.split(" // "):
                who, _, said = turn.partition(":")
                turns.append(("clinician" if who == "T" else "client", said, 0.0))
    out: list[tuple[str, str, float]] = []
    words = 0
    while words < 7500:
        role, text, _ = turns[len(out) % len(turns)]
        out.append((role, text, len(out) * 4.0))
        words += len(text.split())
    transcript = transcript_of(out)
    t0 = time.perf_counter()
    fresh = RuleScreener(default_rules.__wrapped__())
    t1 = time.perf_counter()
    report: ScreeningReport = fresh.screen(transcript)
    t2 = time.perf_counter()
    flagged = sum(d.status == "flagged" for d in report.domains)
    print(
        f"50-minute transcript ({len(out)} turns, {words} words): rules compiled in "
        f"{t1 - t0:.2f} s, screened in {t2 - t1:.2f} s ({flagged} domains flagged)"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="every 5th Reddit user")
    ap.add_argument("--misses", action="store_true", help="list missed case lines")
    ap.add_argument(
        "--semantic", action="store_true", help="also evaluate rules+semantic (section 5)"
    )
    ap.add_argument(
        "--llm",
        action="store_true",
        help="with --semantic: add the LLM backend set by CLEARNOTE_LLM_BACKEND (openai/llama-cpp)",
    )
    ap.add_argument(
        "--grid",
        action="store_true",
        help="only the several-weak-signs grid on the Reddit TUNING half (section 6)",
    )
    ap.add_argument(
        "--tuning-only",
        action="store_true",
        help="screen only the dev cases and the Reddit TUNING half (no look at held-out data)",
    )
    args = ap.parse_args(argv)
    global TUNING_ONLY
    TUNING_ONLY = args.tuning_only
    if args.grid:
        several_grid()
        return 0
    screener = RuleScreener(default_rules())
    print("# Risk screening evaluation")
    our_cases(screener, args.misses)
    reddit(screener, args.quick)
    annomi(screener)
    speed(screener)
    if args.semantic:
        semantic_section(args.quick, args.misses, llm=args.llm)
    return 0


# -- 5. The semantic backend (rules + sentence embeddings vs written prototypes) ------------------
# Appended with clearnote.assess.screening.semantic. The same tables as above, for the rule layer
# plus the semantic backend (``clearnote screen --backend rules+semantic``). Its threshold and
# margin (in screening_prototypes.yaml) were chosen on the Reddit tuning half and the dev cases
# only; the held-out half and held-out cases were scored once with the chosen values.


class _Combined(RuleScreener):
    """A RuleScreener look-alike whose ``screen`` is the rule floor plus extra backends, so the
    sections above can score it unchanged."""

    def __init__(self, floor: RuleScreener, extra: Sequence[ScreeningBackend]) -> None:
        super().__init__(floor.rules)
        self._floor = floor
        self._extra = tuple(extra)

    def screen(self, transcript: Transcript) -> ScreeningReport:
        return screen_with(self._floor, transcript, self._extra)


def _semantic_speed(floor: RuleScreener, semantic: SemanticScreener) -> None:
    turns: list[tuple[str, str, float]] = []
    if ANNOMI.exists():
        for _topic, sess in _annomi().values():
            turns.extend(sess)
    else:
        for case in load_cases(DEV):
            for turn in case.turns.split(" // "):
                who, _, said = turn.partition(":")
                turns.append(("clinician" if who == "T" else "client", said, 0.0))
    out: list[tuple[str, str, float]] = []
    words = 0
    while words < 7500:
        role, text, _ = turns[len(out) % len(turns)]
        out.append((role, text, len(out) * 4.0))
        words += len(text.split())
    transcript = transcript_of(out)
    t0 = time.perf_counter()
    report = screen_with(floor, transcript, [semantic])
    t1 = time.perf_counter()
    n = len(semantic.candidates(transcript, floor.screen(transcript)))
    flagged = sum(d.status == "flagged" for d in report.domains)
    print(
        f"50-minute transcript ({len(out)} turns, {words} words): rules+semantic screened in "
        f"{t1 - t0:.2f} s ({n} sentence pieces embedded; {flagged} domains flagged)"
    )


def semantic_section(quick: bool, show_misses: bool, *, llm: bool = False) -> None:
    from clearnote.embed.minilm import MiniLmEmbedder

    print(f"\n# 5. Rules + semantic backend{' + LLM backend' if llm else ''}\n")
    floor = RuleScreener(default_rules())
    t0 = time.perf_counter()
    embedder = MiniLmEmbedder()
    t1 = time.perf_counter()
    semantic = SemanticScreener(embedder, default_prototypes(), floor.rules)
    t2 = time.perf_counter()
    p = semantic.prototypes
    print(
        f"prototypes {p.name}/{p.version}: {len(p.positive_texts)} positive, "
        f"{len(p.negative_texts)} negative; threshold {p.threshold:.2f}, margin {p.margin:.2f}; "
        f"model loaded in {t1 - t0:.2f} s, prototypes embedded in {t2 - t1:.2f} s"
    )
    extra: list[ScreeningBackend] = [semantic]
    if llm:
        from clearnote.assess.screening.backends import build_backends

        (llm_backend,) = build_backends("rules+llm", floor.rules)  # the model in the settings
        extra.append(llm_backend)
        print(f"LLM backend: {llm_backend.info.version}")
    combined = _Combined(floor, extra)
    our_cases(combined, show_misses)
    reddit(combined, quick)
    annomi(combined)
    print("\n## Speed (rules + semantic)\n")
    _semantic_speed(floor, semantic)


# -- 6. Choosing the several-weak-signs rule (semantic backend, aggregate.py) --------------------
# Written before the grid was run. Grid: k in GRID_K, threshold in GRID_T. Constraints, all on
# data that may be tuned on: Reddit TUNING half supportive flagged rate at most 0.05 above the
# backend without the rule; our dev cases: specificity and all-correct rate not below the backend
# without the rule; AnnoMI non-risk sessions with a risk flag at most one more than without it.
# Choice: the highest tuning recall; ties go to the higher threshold, then the larger k. The
# held-out half is not read here.

GRID_K = (2, 3, 4, 5)
GRID_T = (0.40, 0.42, 0.44, 0.46, 0.48)


class _CachedEmbedder:
    """Embeds each distinct text once across the grid's repeated runs."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self._cache: dict[str, NDArray[np.float32]] = {}

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            for text, vec in zip(todo, self.inner.embed(todo), strict=True):
                self._cache[text] = vec
        dim = len(next(iter(self._cache.values()))) if self._cache else 0
        return np.stack([self._cache[t] for t in texts]) if texts else np.zeros((0, dim), "f4")


def _weak_scores(
    floor: RuleScreener, semantic: SemanticScreener, transcript: Transcript, lowest: float
) -> list[float] | None:
    """None when rules+semantic (no aggregate) flag suicide; else the client's weak-sign scores
    at ``lowest``, highest first, one per distinct sentence (as aggregate.weak_signs counts)."""
    floor_report = floor.screen(transcript)
    report = screen_with(floor, transcript, [semantic])
    if report.domain("suicide").status == "flagged":
        return None
    cands = semantic.candidates(transcript, floor_report)
    if not cands:
        return []
    matches = semantic.match(semantic.embedder.embed([c.text for c in cands]))
    probe = Aggregate(id="probe", domain="suicide", level="wish_to_be_dead", k=2, threshold=lowest)
    signs = weak_signs(
        probe, semantic.prototypes.concepts, cands, matches, semantic.prototypes.margin
    )
    return [s.match.positive for s in signs]


def _fires(scores: list[float] | None, k: int, t: float) -> bool:
    return scores is None or sum(x >= t for x in scores) >= k


def several_grid() -> None:
    from clearnote.embed.minilm import MiniLmEmbedder

    print("\n# 6. Several weak signs: grid on the Reddit tuning half\n")
    floor = RuleScreener(default_rules())
    base = SemanticScreener(_CachedEmbedder(MiniLmEmbedder()), default_prototypes(), floor.rules)
    plain = base.with_decision(aggregate=None)
    lowest = min(GRID_T)
    tune: list[tuple[str, list[float] | None]] = []
    for row in reddit_rows():
        if reddit_half(row["User"]) != "tune":
            continue  # the held-out half is not read while choosing
        transcript = transcript_of([("client", p, 0.0) for p in _posts(row["Post"])])
        tune.append((row["Label"], _weak_scores(floor, plain, transcript, lowest)))
    sessions = _annomi()
    others: list[tuple[bool, list[float] | None]] = []
    for tid, (_topic, turns) in sessions.items():
        if tid in ("95", "107", "37"):
            continue
        transcript = transcript_of(turns)
        report = screen_with(floor, transcript, [plain])
        other_risk = any(
            report.domain(d).status == "flagged" for d in RISK_DOMAINS if d != "suicide"
        )
        others.append((other_risk, _weak_scores(floor, plain, transcript, lowest)))
    dev = load_cases(DEV)

    def dev_score(sem: SemanticScreener) -> tuple[float, float]:
        s = score(dev, _Combined(floor, [sem]))
        return s.specificity, s.accuracy

    def row_for(k: int, t: float) -> tuple[float, float, int, int]:
        pos = [f for label, f in ((lb, _fires(sc, k, t)) for lb, sc in tune) if label in POSITIVE]
        sup = [_fires(sc, k, t) for lb, sc in tune if lb == "Supportive"]
        annomi_any = sum(o or _fires(sc, k, t) for o, sc in others)
        return sum(pos) / len(pos), sum(sup) / len(sup), sum(pos), annomi_any

    off_recall, off_sup, off_hits, off_annomi = row_for(10**6, 2.0)
    off_spec, off_acc = dev_score(plain)
    n_pos = sum(lb in POSITIVE for lb, _ in tune)
    print(
        f"without the rule: tuning recall {off_hits}/{n_pos} = {off_recall:.3f}, supportive "
        f"{off_sup:.3f}, dev specificity {off_spec:.3f}, dev all-correct {off_acc:.3f}, AnnoMI "
        f"non-risk sessions with a risk flag {off_annomi}/{len(others)}\n"
    )
    print(
        "| k | threshold | tuning recall | supportive | dev spec | dev all-correct | AnnoMI | ok |"
    )
    print("|---|---|---|---|---|---|---|---|")
    best: tuple[float, float, int] | None = None
    for k in GRID_K:
        for t in GRID_T:
            recall, sup, hits, annomi_any = row_for(k, t)
            agg = Aggregate(
                id="several_weak_signs", domain="suicide", level="wish_to_be_dead", k=k, threshold=t
            )
            spec, acc = dev_score(plain.with_decision(aggregate=agg))
            ok = (
                sup <= off_sup + 0.05 + 1e-9
                and spec >= off_spec
                and acc >= off_acc
                and annomi_any <= off_annomi + 1
            )
            print(
                f"| {k} | {t:.2f} | {hits}/{n_pos} = {recall:.3f} | {sup:.3f} | {spec:.3f} "
                f"| {acc:.3f} | {annomi_any}/{len(others)} | {'yes' if ok else 'no'} |"
            )
            if ok and (best is None or (recall, t, k) > best):
                best = (recall, t, k)
    if best is None:
        print("\nno grid point meets the constraints")
    else:
        print(
            "\nchosen (max tuning recall; ties: higher threshold, then larger k): "
            f"k={best[2]}, threshold={best[1]:.2f}"
        )


if __name__ == "__main__":
    sys.exit(main())
