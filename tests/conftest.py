"""Shared fixtures. Evaluation data is read from ../shared/eval and skipped cleanly when absent."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = Path(os.environ.get("CLEARNOTE_SHARED_EVAL", REPO.parent / "shared" / "eval"))
DATA = REPO / "tests" / "data"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Drop every CLEARNOTE_ setting so a developer's environment cannot change a test."""
    for key in list(os.environ):
        if key.startswith("CLEARNOTE_") and key != "CLEARNOTE_SHARED_EVAL":
            monkeypatch.delenv(key, raising=False)
    yield


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    """The shared evaluation folder; skips the test when it is not on this machine."""
    if not SHARED_EVAL.is_dir():
        pytest.skip(f"evaluation data not present at {SHARED_EVAL}")
    return SHARED_EVAL


def eval_file(relative: str) -> Path:
    """A file under ../shared/eval, or skip the calling test when it is absent."""
    path = SHARED_EVAL / relative
    if not path.exists():
        pytest.skip(f"evaluation file not present: {relative}")
    return path
