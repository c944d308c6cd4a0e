"""Small slices of the evaluation in tests/bench/bench_verify.py, on ../shared/eval."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearnote.verify import Verifier

pytestmark = [pytest.mark.slow, pytest.mark.eval]


@pytest.fixture(scope="module")
def bench(shared_eval: Path):  # type: ignore[no-untyped-def]
    """The benchmark module (its loaders read ../shared/eval)."""
    from tests.bench import bench_verify

    return bench_verify


def test_planted_errors_in_aci_notes_are_flagged(bench, lexical: Verifier) -> None:  # type: ignore[no-untyped-def]
    res = bench.run_planted(lexical, bench.aci_visits("valid")[:4], baseline=True)
    hits = [h for v in res.hits.values() for h in v]
    assert len(hits) >= 15
    assert sum(hits) / len(hits) >= 0.8
    assert sum(res.untouched) / len(res.untouched) <= 0.45


def test_planted_errors_in_primock_notes_are_flagged(bench, lexical: Verifier) -> None:  # type: ignore[no-untyped-def]
    res = bench.run_planted(lexical, bench.primock_visits()[:4], baseline=False)
    hits = [h for v in res.hits.values() for h in v]
    assert sum(hits) / len(hits) >= 0.8


def test_annomi_risk_disclosure_comes_back_as_omission(bench, lexical: Verifier) -> None:  # type: ignore[no-untyped-def]
    out = bench.run_annomi(lexical, limit=6)
    assert out["n"] >= 5
    assert out["recall"] == 1.0
    assert out["client_turn_coverage_max"] <= 0.30
