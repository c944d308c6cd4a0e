"""Our own screening test cases (tests/assess/data) and how they are scored."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from clearnote.assess.screening import RuleScreener
from clearnote.domain.screening import DOMAINS, ScreeningReport
from clearnote.transcripts.importer import parse_turns

DATA = Path(__file__).parent / "data"
DEV = DATA / "screen_cases_dev.txt"
HELDOUT = DATA / "screen_cases_heldout.txt"
_SPEAKERS = {"T": "Therapist", "C": "Client", "O": "Mother"}


@dataclass(frozen=True)
class Case:
    line: int
    domain: str
    expected: str
    category: str
    turns: str

    @property
    def transcript_text(self) -> str:
        out = []
        for turn in self.turns.split(" // "):
            who, _, words = turn.partition(":")
            out.append(f"{_SPEAKERS[who.strip()]}: {words.strip()}")
        return "\n".join(out) + "\n"


def load_cases(path: Path) -> list[Case]:
    cases = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        domain, expected, category, turns = (p.strip() for p in raw.split(" | ", 3))
        if domain != "none" and domain not in DOMAINS:
            raise ValueError(f"{path.name}:{n}: unknown domain")
        cases.append(Case(n, domain, expected, category, turns))
    return cases


def passed(case: Case, report: ScreeningReport) -> bool:
    if case.expected == "none_flagged":
        return all(d.status != "flagged" for d in report.domains)
    return report.domain(case.domain).status == case.expected


@dataclass(frozen=True)
class Score:
    n: int
    risk_recall: float
    risk_n: int
    specificity: float
    spec_n: int
    denial_rate: float
    denial_n: int
    mention_rate: float
    mention_n: int
    accuracy: float
    misses: tuple[Case, ...]
    by_category: dict[str, tuple[int, int]]


def score(cases: list[Case], screener: RuleScreener) -> Score:
    ok: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for case in cases:
        report = screener.screen(parse_turns(case.transcript_text, source="case"))
        good = passed(case, report)
        group = (
            "risk"
            if case.expected == "flagged"
            else "spec"
            if case.expected == "none_flagged"
            else "qa_no"
            if case.category == "qa_no"
            else "mention"
            if case.expected == "mentioned"
            else "denial"
        )
        for key in (group, f"cat:{case.category}", "all"):
            total[key] += 1
            ok[key] += good
        if not good:
            misses.append(case)

    def rate(key: str) -> float:
        return ok[key] / total[key] if total[key] else float("nan")

    return Score(
        n=total["all"],
        risk_recall=rate("risk"),
        risk_n=total["risk"],
        specificity=rate("spec"),
        spec_n=total["spec"],
        denial_rate=rate("qa_no"),
        denial_n=total["qa_no"],
        mention_rate=rate("mention"),
        mention_n=total["mention"],
        accuracy=rate("all"),
        misses=tuple(misses),
        by_category={k[4:]: (ok[k], total[k]) for k in total if k.startswith("cat:")},
    )
