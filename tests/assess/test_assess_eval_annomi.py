"""AnnoMI slice (skipped where ../shared/eval is absent): the contract holds on real sessions."""

from __future__ import annotations

import pytest

from clearnote.assess.screening import RuleScreener
from tests.assess.assess_helpers import run
from tests.bench.bench_screen import _annomi, transcript_of
from tests.conftest import eval_file

pytestmark = [pytest.mark.slow, pytest.mark.eval]


def test_annomi_items_cite_real_segments_and_mostly_verify(screener: RuleScreener) -> None:
    eval_file("annomi/AnnoMI-simple.csv")
    sessions = _annomi()
    total = verified = 0
    for key in sorted(sessions, key=int)[::10]:
        doc = transcript_of(sessions[key][1])
        known = {s.id for s in doc.segments}
        result = run(screener, doc)
        for item in result.items():
            assert set(item.evidence) <= known
            total += 1
            verified += item.verified
    assert total > 20
    assert verified / total >= 0.9


def test_annomi_alcohol_session_suggests_alcohol_use_disorder(screener: RuleScreener) -> None:
    eval_file("annomi/AnnoMI-simple.csv")
    topic, turns = _annomi()["0"]
    assert "alcohol" in topic
    diag = run(screener, transcript_of(turns)).diagnostic_impressions
    assert "alcohol_use_disorder" in {c.id for c in getattr(diag, "candidates", ())}
