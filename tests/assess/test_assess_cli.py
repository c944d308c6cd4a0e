"""``clearnote assess``: exit codes and the file it writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearnote.cli import main

DATA = Path(__file__).parent / "data_assess"
SESSION = DATA / "depression_session.txt"


def test_writes_the_assessment(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a.json"
    code = main(
        [
            "assess",
            str(SESSION),
            "--framework",
            "narrative",
            "--goals",
            str(DATA / "goals.yaml"),
            "-o",
            str(out),
        ]
    )
    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == "clearnote.assessment/1"
    assert doc["conceptualization"]["framework"] == "narrative"
    assert doc["treatment_goals"]["status"] == "assessed"
    err = capsys.readouterr().err
    assert "items" in err and "sister" not in err


def test_illinois_switches_off_diagnostics(tmp_path: Path) -> None:
    out = tmp_path / "a.json"
    code = main(
        ["assess", str(SESSION), "--framework", "cbt", "--jurisdiction", "US-IL", "-o", str(out)]
    )
    assert code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["diagnostic_impressions"]["status"] == "disabled"


def test_bad_framework_exit_2_names_option(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["assess", str(SESSION), "--framework", "jungian", "-o", str(tmp_path / "a")])
    assert code == 2
    assert "--framework" in capsys.readouterr().err


def test_bad_goals_file_exit_2_names_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "goals.yaml"
    bad.write_text("goals:\n  - id: G1\n", encoding="utf-8")
    code = main(["assess", str(SESSION), "--framework", "cbt", "--goals", str(bad), "-o", "-"])
    assert code == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "Traceback" not in err


def test_unknown_jurisdiction_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["assess", str(SESSION), "--framework", "cbt", "--jurisdiction", "XX", "-o", "-"])
    assert code == 2
    assert "--jurisdiction" in capsys.readouterr().err


def test_missing_transcript_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "none.txt"
    code = main(["assess", str(missing), "--framework", "cbt", "-o", str(tmp_path / "a.json")])
    assert code == 2
    assert str(missing) in capsys.readouterr().err
