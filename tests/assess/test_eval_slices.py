"""Slices of the shared evaluation data (skipped where ../shared/eval is absent)."""

from __future__ import annotations

import csv
import sys

import pytest

from clearnote.assess.screening import RuleScreener
from tests.bench.bench_screen import RISK_DOMAINS, _annomi, _posts, transcript_of
from tests.conftest import eval_file

pytestmark = [pytest.mark.slow, pytest.mark.eval]


def test_reddit_attempt_users_mostly_flagged(screener: RuleScreener) -> None:
    path = eval_file("reddit-cssrs/500_Reddit_users_posts_labels.csv")
    csv.field_size_limit(sys.maxsize)
    with path.open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["Label"] == "Attempt"]
    flagged = 0
    for row in rows:
        report = screener.screen(transcript_of([("client", p, 0.0) for p in _posts(row["Post"])]))
        flagged += report.domain("suicide").status == "flagged"
    assert flagged / len(rows) >= 0.8


def test_annomi_self_harm_sessions_flagged(screener: RuleScreener) -> None:
    eval_file("annomi/AnnoMI-simple.csv")
    sessions = _annomi()
    for tid in ("95", "107"):
        report = screener.screen(transcript_of(sessions[tid][1]))
        assert report.domain("suicide").status == "flagged", tid
        assert report.domain("self_harm").status == "flagged", tid
        # every flag cites client speech
        for d in report.domains:
            for f in d.flags:
                assert f.speaker_role == "client"


def test_annomi_other_sessions_rarely_get_a_risk_flag(screener: RuleScreener) -> None:
    """AnnoMI sessions on other topics (smoking, exercise, diet...): intent and plan words
    ("I'm gonna do it", "set a date") must not raise suicide flags without suicide context.
    Measured 0 of 130 with the 2026.1.1 rules; the bound leaves room for rule changes."""
    eval_file("annomi/AnnoMI-simple.csv")
    sessions = _annomi()
    flagged = 0
    for tid, (_topic, turns) in sessions.items():
        if tid in ("95", "107", "37"):
            continue
        report = screener.screen(transcript_of(turns))
        flagged += any(report.domain(d).status == "flagged" for d in RISK_DOMAINS)
    assert flagged <= 3
