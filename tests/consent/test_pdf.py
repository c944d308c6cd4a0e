"""Consent-form PDF and the ``clearnote consent-form`` command."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from clearnote.cli import main
from clearnote.consent.loader import load_form, load_intro
from clearnote.consent.pdf import render_markdown, render_pdf
from clearnote.domain.consent import Purpose


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_pdf_has_every_chosen_purpose_and_signature_lines() -> None:
    forms = [load_form(p) for p in Purpose]
    data = render_pdf(forms, intro=load_intro(), signers=2)
    assert data.startswith(b"%PDF-")
    text = _flat(_text(data))
    for form in forms:
        assert form.title in text
        assert f"Form {form.id} version 1, sha256 {form.sha256[:16]}" in text
    assert text.count("Yes, I agree") == 2 * len(forms)  # one box pair per signer per form
    assert "Participant 2 initials" in text
    assert text.count("Signature: ") == 3  # client, participant 2, clinician
    assert "About these consent forms" in text
    assert "This part only works if you also agree to: record the session's audio" in text


def test_pdf_of_a_subset_leaves_the_others_out() -> None:
    data = render_pdf([load_form("record"), load_form("risk_screening")])
    text = _flat(_text(data))
    assert "Recording the session" in text and "Safety flags for your therapist" in text
    assert "A draft of the session note" not in text
    assert "About these consent forms" not in text  # no intro asked for
    assert text.count("Yes, I agree") == 2


def test_signers_must_be_positive() -> None:
    with pytest.raises(ValueError, match="signers"):
        render_pdf([load_form("record")], signers=0)


def test_markdown_packet() -> None:
    text = render_markdown([load_form("draft_note")], intro=load_intro())
    assert text.startswith("# About these consent forms")
    assert "# A draft of the session note" in text
    assert "Form clearnote.consent.draft_note version 1" in text


def test_cli_writes_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "form.pdf"
    rc = main(["consent-form", "--purpose", "draft_note", "--purpose", "record:1", "-o", str(out)])
    assert rc == 0
    text = _flat(_text(out.read_bytes()))
    assert "A draft of the session note" in text and "Recording the session" in text
    assert "Safety flags" not in text
    # canonical order: record before draft_note, whatever the order asked
    assert text.index("Recording the session") < text.index("A draft of the session note")
    assert "wrote 2 consent forms" in capsys.readouterr().err


def test_cli_all_purposes_by_default_markdown_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["consent-form", "--markdown", "-o", "-"]) == 0
    out = capsys.readouterr().out
    for p in Purpose:
        assert load_form(p).title in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--purpose", "train_models"], "--purpose train_models"),
        (["--purpose", "record:x"], "--purpose record:x"),
        (["--purpose", "record:9"], "version 9"),
    ],
)
def test_cli_bad_input_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    out = tmp_path / "x.pdf"
    assert main(["consent-form", *args, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_cli_pdf_to_stdout_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["consent-form", "-o", "-"]) == 2
    assert "--markdown" in capsys.readouterr().err
