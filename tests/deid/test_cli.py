"""``clearnote deidentify``: bad input exits 2 without loading the model; a real run (slow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearnote.cli import main


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        ("", "the file is empty"),
        ("{not json", "not valid JSON"),
        ('{"schema": "clearnote.screening/1"}', "expected schema"),
        ('{"schema": "clearnote.note/1", "format": 3}', "invalid note field"),
    ],
)
def test_bad_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    src = tmp_path / "in.json"
    if content is not None:
        src.write_text(content)
    code = main(["deidentify", str(src), "-o", str(tmp_path / "out.json")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out.json").exists()


def test_missing_output_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "t.txt"
    src.write_text("Therapist: Hello.\nClient: Hi.\n")
    code = main(["deidentify", str(src), "-o", str(tmp_path / "no" / "out.json")])
    assert code == 2
    assert "output folder does not exist" in capsys.readouterr().err


@pytest.mark.slow
def test_deidentify_typed_transcript(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "session.txt"
    src.write_text(
        "Therapist: Hi Maria, how was the week since March 3rd?\n"
        "Client: My husband Tom drove me to Evanston. I slept four hours a night.\n"
        "Therapist: Call me at 312-555-0142 if you need to.\n"
    )
    out = tmp_path / "out.json"
    assert main(["deidentify", str(src), "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["schema"] == "clearnote.deidentified/1" and doc["review_required"] is True
    texts = " ".join(s["text"] for s in doc["transcript"]["segments"])
    for secret in ("Maria", "March 3rd", "Tom", "Evanston", "312-555-0142"):
        assert secret not in texts
    assert "four hours a night" in texts
    assert "review required" in capsys.readouterr().err
    md = tmp_path / "out.md"
    assert main(["deidentify", str(src), "-o", str(md), "--markdown"]) == 0
    assert md.read_text().startswith("# De-identified export — REVIEW REQUIRED")
