"""``clearnote screen``: files, batch mode and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearnote.cli import main


def test_screen_typed_transcript(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "s.txt"
    src.write_text("Therapist: Any thoughts of suicide?\nClient: Sometimes, yeah.\n")
    out = tmp_path / "screening.json"
    assert main(["screen", str(src), "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["schema"] == "clearnote.screening/1"
    assert doc["domains"][0]["status"] == "flagged"
    assert "Sometimes" not in capsys.readouterr().err


def test_screen_transcript_json(tmp_path: Path) -> None:
    src = tmp_path / "t.txt"
    src.write_text("Client: I want to kill myself.\n")
    tjson = tmp_path / "t.json"
    assert main(["import-transcript", str(src), "-o", str(tjson)]) == 0
    out = tmp_path / "s.json"
    assert main(["screen", str(tjson), "-o", str(out)]) == 0
    assert json.loads(out.read_text())["domains"][0]["status"] == "flagged"


def test_batch(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a", "transcript": "Client: I want to die.\n"})
        + "\n\n"
        + json.dumps({"id": "b", "transcript": "Client: Work was fine.\n"})
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    assert main(["screen", "--batch", str(src), "-o", str(out)]) == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    assert lines[0]["report"]["domains"][0]["status"] == "flagged"
    assert lines[1]["report"]["domains"][0]["status"] == "not_discussed"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('{"id": "a", "transcript": "Client: hi"}\nnot json at all\n', "line 2: not valid JSON"),
        ('{"id": "a"}\n', "line 1: expected an object"),
        ('{"id": "a", "transcript": 5}\n', "line 1"),
        ('{"id": "a", "transcript": "I want to die with no speaker"}\n', "line 1"),
    ],
)
def test_batch_bad_line_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, needle: str
) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(content)
    out = tmp_path / "out.jsonl"
    assert main(["screen", "--batch", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "want to die" not in err
    assert not out.exists()


def test_missing_file_and_bad_arguments_are_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["screen", str(tmp_path / "nope.json"), "-o", str(tmp_path / "o.json")]) == 2
    assert main(["screen", "-o", str(tmp_path / "o.json")]) == 2
    src = tmp_path / "s.txt"
    src.write_text("Client: hello\n")
    assert main(["screen", str(src), "--batch", str(src), "-o", str(tmp_path / "o")]) == 2
    assert "exactly one" in capsys.readouterr().err
