from __future__ import annotations

import pytest

from clearnote.commands.demo import run_demo
from clearnote.config import Settings


@pytest.mark.slow
def test_demo_runs_the_whole_job_and_leaves_nothing_behind(tmp_path: object) -> None:
    import tempfile
    from pathlib import Path

    before = set(Path(tempfile.gettempdir()).glob("clearnote-demo-*"))
    text = run_demo(Settings(), model="tiny.en")
    for heading in (
        "Transcript",
        "Draft note",
        "Risk screening",
        "Safety-plan coverage",
        "transparency report",
    ):
        assert heading in text
    assert "draft_ready" in text
    assert "<- seg-0" in text  # statements show their evidence
    assert "suicide                     flagged" in text  # the sample's passive ideation
    assert "local (this machine)" in text
    assert set(Path(tempfile.gettempdir()).glob("clearnote-demo-*")) == before
