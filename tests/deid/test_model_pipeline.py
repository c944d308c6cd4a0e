"""The real Presidio + spaCy pipeline on the written test set (slow: loads the model)."""

from __future__ import annotations

import logging

import pytest

from clearnote.deid.service import Deidentifier
from tests.deid.corpus import CLINICAL, PLANTED, parse

pytestmark = pytest.mark.slow


def test_planted_identifiers_are_redacted(model_deid: Deidentifier) -> None:
    parsed = [parse(s) for s in PLANTED]
    units = [(f"s{i}", text) for i, (text, _) in enumerate(parsed)]
    _, reps, _ = model_deid.redact_units(units)
    covered: dict[str, set[int]] = {}
    for r in reps:
        covered.setdefault(r.segment_id, set()).update(range(r.start, r.end))
    missed = [
        (kind, uid)
        for (uid, _), (_, gold) in zip(units, parsed, strict=True)
        for start, end, kind in gold
        if not set(range(start, end)) <= covered.get(uid, set())
    ]
    safe_harbor_missed = [m for m in missed if m[0] != "ORGANIZATION"]
    # measured 158/159 when written (one organisation missed); the bench prints the detail
    assert len(safe_harbor_missed) <= 3, safe_harbor_missed


def test_clinical_durations_and_times_survive_the_model(model_deid: Deidentifier) -> None:
    redacted, reps, kept = model_deid.redact_units([(f"c{i}", s) for i, s in enumerate(CLINICAL)])
    changed = [s for s, out in zip(CLINICAL, redacted, strict=True) if s != out]
    assert len(changed) <= 2, changed  # measured 0/100 when written
    assert {k.reason for k in kept} >= {"duration", "clock_time", "frequency", "weekday"}


@pytest.mark.parametrize(
    ("sentence", "gone"),
    [
        ("I told Kevin Okafor I needed space.", "Kevin Okafor"),
        ("We moved to Springfield last year.", "Springfield"),
        ("I was at Northwestern Memorial Hospital for three days.", "Northwestern Memorial"),
    ],
)
def test_model_finds_names_places_organisations(
    model_deid: Deidentifier, sentence: str, gone: str
) -> None:
    result = model_deid.text(sentence)
    assert result.text is not None and gone not in result.text


def test_no_words_reach_the_logs(
    model_deid: Deidentifier, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        model_deid.text("My name is Lena Fischer and my SSN is 219-33-4410, email lena@ex.org.")
    logged = " ".join(r.getMessage() for r in caplog.records)
    for secret in ("Lena", "Fischer", "219-33-4410", "lena@ex.org"):
        assert secret not in logged
