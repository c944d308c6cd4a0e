"""``clearnote draft``: contract output, formats, templates and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearnote.cli import main
from tests.notes.conftest import SESSION


@pytest.fixture
def typed(tmp_path: Path) -> Path:
    path = tmp_path / "session.txt"
    path.write_text(SESSION, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fmt", "keys"),
    [
        ("soap", ["subjective", "objective", "assessment", "plan"]),
        ("dap", ["data", "assessment", "plan"]),
        ("birp", ["behavior", "intervention", "response", "plan"]),
        ("girp", ["goals", "intervention", "response", "plan"]),
        ("pirp", ["problem", "intervention", "response", "plan"]),
    ],
)
def test_draft_writes_the_note_contract(
    typed: Path, tmp_path: Path, fmt: str, keys: list[str]
) -> None:
    out = tmp_path / "note.json"
    assert main(["draft", str(typed), "-f", fmt, "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["schema"] == "clearnote.note/1"
    assert doc["format"] == fmt and doc["status"] == "draft"
    assert [s["key"] for s in doc["sections"]] == keys
    sts = [st for s in doc["sections"] for st in s["statements"]]
    assert [st["id"] for st in sts] == [f"st-{i:03d}" for i in range(1, len(sts) + 1)]
    assert all(st["origin"] == "ai" and st["evidence"] for st in sts)
    assert {"key": "mse.eye_contact", "reason": "not observable from audio"} in doc[
        "clinician_fields"
    ]


def test_draft_from_transcript_json_with_template(typed: Path, tmp_path: Path) -> None:
    tr = tmp_path / "t.json"
    assert main(["import-transcript", str(typed), "-o", str(tr)]) == 0
    tpl = tmp_path / "mine.toml"
    tpl.write_text('[[sections]]\nkey = "plan"\ntitle = "Plan"\nkinds = ["homework"]\n')
    out = tmp_path / "n.json"
    assert main(["draft", str(tr), "--template", str(tpl), "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["format"] == "mine"
    assert [s["key"] for s in doc["sections"]] == ["plan"]


def test_bad_template_exit_2_one_line(
    typed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tpl = tmp_path / "bad.yaml"
    tpl.write_text("sections:\n  - key: x\n    title: X\n    kinds: [vibes]\n")
    assert main(["draft", str(typed), "--template", str(tpl), "-o", str(tmp_path / "n")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and str(tpl) in err and "sections[0].kinds[0]" in err


def test_remote_openai_refused_exit_3(
    typed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARNOTE_LLM_BASE_URL", "https://llm.example.com/v1")
    assert main(["draft", str(typed), "--backend", "openai", "-o", str(tmp_path / "n")]) == 3


def test_missing_transcript_exit_2(tmp_path: Path) -> None:
    assert main(["draft", str(tmp_path / "none.txt"), "-o", str(tmp_path / "n")]) == 2
