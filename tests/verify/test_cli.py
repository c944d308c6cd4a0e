from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearnote.cli import main

from .conftest import SESSION

NOTE = "# Subjective\nClient takes sertraline 100 mg.\nClient denies chest pain.\n"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    t = tmp_path / "session.txt"
    t.write_text(SESSION, encoding="utf-8")
    n = tmp_path / "note.md"
    n.write_text(NOTE, encoding="utf-8")
    return t, n


def test_verify_writes_report(files: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert main(["verify", str(files[0]), str(files[1]), "-o", str(out), "--lexical-only"]) == 0
    doc = json.loads(out.read_text())
    assert doc["schema"] == "clearnote.verification/1"
    assert [s["verdict"] for s in doc["statements"]] == ["contradicted", "unsupported"]
    assert {f["kind"] for f in doc["flags"]} >= {"contradicted", "unverified_negative"}


def test_verify_reads_a_note_document(files: tuple[Path, Path], tmp_path: Path) -> None:
    note = {
        "schema": "clearnote.note/1",
        "format": "soap",
        "sections": [{"key": "subjective", "title": "Subjective", "statements": [
            {"id": "st-001", "text": "Client takes sertraline 50 mg.", "evidence": ["seg-0006"]}]}],
    }  # fmt: skip
    n = tmp_path / "note.json"
    n.write_text(json.dumps(note))
    out = tmp_path / "r.json"
    assert main(["verify", str(files[0]), str(n), "-o", str(out), "--lexical-only"]) == 0
    assert json.loads(out.read_text())["statements"][0]["verdict"] == "supported"


def test_missing_note_is_bad_input(
    files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["verify", str(files[0]), str(tmp_path / "none.md"), "-o", str(tmp_path / "r")])
    assert code == 2
    assert "none.md" in capsys.readouterr().err


def test_batch_stops_at_bad_line_keeping_earlier_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = {"id": "a", "transcript": SESSION, "note": NOTE}
    lines = [json.dumps(good), json.dumps({**good, "id": "b"}), "{not json", json.dumps(good)]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    assert main(["verify", "--batch", str(src), "-o", str(out), "--lexical-only"]) == 2
    err = capsys.readouterr().err
    assert "line 3" in err and "sertraline" not in err
    written = [json.loads(x) for x in out.read_text().splitlines()]
    assert [w["id"] for w in written] == ["a", "b"]
    assert written[0]["report"]["schema"] == "clearnote.verification/1"


def test_batch_bad_transcript_names_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "x", "transcript": {"schema": "nope"}, "note": NOTE}) + "\n")
    assert (
        main(["verify", "--batch", str(src), "-o", str(tmp_path / "o.jsonl"), "--lexical-only"])
        == 2
    )
    assert "line 1" in capsys.readouterr().err
