"""The CLI contract: exit codes, one-line errors, no tracebacks, no content in errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from clearnote.cli import main
from clearnote.commands.demo import sample_session


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda d: d / "missing.wav", "file not found"),
        (
            lambda d: (d / "empty.wav").write_bytes(b"") and d / "empty.wav" or d / "empty.wav",
            "file is empty",
        ),
        (
            lambda d: (
                (d / "private.mp3").write_text("I told nobody about this") and d / "private.mp3"
            ),
            "not a readable audio file",
        ),
    ],
)
def test_bad_audio_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, problem: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    code, _, err = _run(["transcribe", str(path), "-o", str(tmp_path / "t.json")], capsys)
    assert code == 2
    assert err.count("\n") == 1 and problem in err and "Traceback" not in err
    assert "nobody" not in err
    assert not (tmp_path / "t.json").exists()


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["transcribe", str(tmp_path / "x.wav")], capsys)
    assert code == 2 and "--output" in err
    code, _, err = _run(["transcribe", "x.wav", "-o", "t.json", "--speakers", "0"], capsys)
    assert code == 2 and "--speakers" in err


def test_bad_model_is_an_internal_error_naming_the_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(
        [
            "transcribe",
            str(sample_session()),
            "-o",
            str(tmp_path / "t.json"),
            "--model",
            str(tmp_path / "no-model"),
        ],
        capsys,
    )
    assert code == 1 and "not a bundled model" in err and "Traceback" not in err


def test_import_transcript_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "turns.txt"
    src.write_text("Therapist: How are you?\n[client] Tired.\n")
    out = tmp_path / "t.json"
    code, _, _ = _run(["import-transcript", str(src), "-o", str(out)], capsys)
    doc = json.loads(out.read_text())
    assert code == 0 and doc["schema"] == "clearnote.transcript/1"
    assert [s["id"] for s in doc["segments"]] == ["seg-0001", "seg-0002"]
    relabelled = tmp_path / "r.json"
    code, _, _ = _run(
        [
            "speakers",
            str(out),
            "--swap",
            "S1",
            "S2",
            "--label",
            "S1=Dr. Lee",
            "-o",
            str(relabelled),
        ],
        capsys,
    )
    speakers = json.loads(relabelled.read_text())["speakers"]
    assert code == 0 and speakers[0] == {"id": "S1", "role": "client", "label": "Dr. Lee"}
    code, _, err = _run(["speakers", str(out), "--role", "S7=client", "-o", "-"], capsys)
    assert code == 2 and "S7" in err


def test_bad_transcript_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bad.txt"
    src.write_text("a line about my secret with no speaker\n")
    code, _, err = _run(["import-transcript", str(src), "-o", "-"], capsys)
    assert code == 2 and "line 1" in err and "secret" not in err


def test_the_installed_command_runs_without_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "clearnote", "transcribe", str(tmp_path / "nope.ogg"), "-o", "-"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"clearnote: error: {tmp_path / 'nope.ogg'}: file not found"


@pytest.mark.slow
def test_transcribe_writes_the_contract_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "t.json"
    code, _, err = _run(
        [
            "transcribe",
            str(sample_session()),
            "--model",
            "tiny.en",
            "--speakers",
            "2",
            "-o",
            str(out),
        ],
        capsys,
    )
    doc = json.loads(out.read_text())
    assert code == 0 and "transcribed" in err
    assert doc["asr"] == {
        "engine": "faster-whisper",
        "model": "tiny.en",
        "device": "cpu",
        "compute_type": "int8",
        "low_confidence_threshold": 0.5,
    }
    assert len(doc["speakers"]) == 2 and doc["duration"] > 55
    word = doc["segments"][0]["words"][0]
    assert set(word) == {"text", "start", "end", "p", "low_confidence"}
