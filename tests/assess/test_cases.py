"""Table-driven: every line of our dev cases, per domain, and the held-out figures."""

from __future__ import annotations

import pytest

from clearnote.assess.screening import RuleScreener
from clearnote.transcripts.importer import parse_turns
from tests.assess.cases import DEV, HELDOUT, Case, load_cases, passed, score

DEV_CASES = load_cases(DEV)


@pytest.mark.parametrize(
    "case", DEV_CASES, ids=[f"L{c.line}-{c.domain}-{c.category}" for c in DEV_CASES]
)
def test_dev_case(case: Case, screener: RuleScreener) -> None:
    report = screener.screen(parse_turns(case.transcript_text, source="case"))
    assert passed(case, report), (case.line, [(d.domain, d.status) for d in report.domains])


def test_case_files_cover_every_domain_and_category() -> None:
    for path in (DEV, HELDOUT):
        cases = load_cases(path)
        domains = {c.domain for c in cases}
        assert len(domains) == 8  # seven domains and 'none'
        cats = {c.category for c in cases}
        assert {
            "direct",
            "indirect",
            "qa_yes",
            "qa_no",
            "third",
            "media",
            "figurative",
            "benign",
        } <= cats


def test_heldout_meets_targets(screener: RuleScreener) -> None:
    s = score(load_cases(HELDOUT), screener)
    assert s.risk_recall >= 0.95
    assert s.specificity >= 0.90
    assert s.denial_rate >= 0.80
