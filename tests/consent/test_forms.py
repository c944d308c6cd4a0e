"""Consent forms: versioned data files pinned by sha256, plain language, every question answered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clearnote.consent import loader
from clearnote.consent.forms import FormIntegrityError, FormNotFoundError, file_sha256
from clearnote.consent.readability import fk_grade, syllables
from clearnote.domain.consent import Purpose

FORMS = Path(loader.__file__).parent / "data" / "forms"

# the questions every form answers (Barsky 2026; requirements §G) as its section headings
SECTIONS = (
    "## What this is for",
    "## Who can see it",
    "## How it is protected",
    "## When it is deleted",
    "## What can go wrong, and what protects you",
    "## Your choice",
    "## Changing your mind",
)


def test_every_form_file_is_pinned_in_the_manifest() -> None:
    shipped = json.loads((FORMS / "manifest.json").read_text())
    files = {p.name: p.read_bytes() for p in FORMS.glob("*.v*.md")}
    assert {e["file"] for e in shipped["forms"]} == set(files)
    for entry in shipped["forms"]:
        assert entry["sha256"] == file_sha256(files[entry["file"]]), (
            f"{entry['file']} changed: write a new version file instead of editing"
        )
    assert shipped == loader.compute_manifest(files)


@pytest.mark.parametrize("purpose", list(Purpose))
def test_load_form(purpose: Purpose) -> None:
    form = loader.load_form(purpose)
    assert form.purpose is purpose
    assert form.version == max(loader.versions(purpose.value))
    assert form.sha256 == file_sha256((FORMS / form.filename).read_bytes())
    assert loader.find_form(form.id, form.version) == form
    assert loader.load_form(purpose.value, form.version) == form
    for section in SECTIONS:
        assert section in form.body, f"{form.filename} lacks {section!r}"


@pytest.mark.parametrize("purpose", list(Purpose))
def test_forms_promise_what_the_system_does(purpose: Purpose) -> None:
    body = " ".join(loader.load_form(purpose).body.lower().split())
    if purpose is Purpose.REMOTE_PROCESSING:
        # an outside company is bound by contract; the form says so rather than "never"
        assert "business associate agreement" in body
        assert "may not sell it" in body and "may not use it to train ai" in body
    else:
        assert "never used to train ai" in body
        assert "never sold" in body
    assert "encrypt" in body
    assert "you can say no. your care will not change." in body
    assert "in person or in writing" in body


def test_alternative_of_manual_notes_is_offered() -> None:
    for purpose in (Purpose.RECORD, Purpose.TRANSCRIBE, Purpose.DRAFT_NOTE):
        assert "by hand" in loader.load_form(purpose).body
    assert "by hand" in loader.load_intro().body


def test_forms_state_the_default_retention() -> None:
    assert "7 days" in loader.load_form("record").body
    assert "30 days after your therapist signs" in loader.load_form("transcribe").body
    assert "90 days" in loader.load_form("draft_note").body


@pytest.mark.parametrize("purpose", [*Purpose, None])
def test_reading_level_at_most_grade_8(purpose: Purpose | None) -> None:
    form = loader.load_intro() if purpose is None else loader.load_form(purpose)
    assert fk_grade(form.body) <= 8.0
    form.markdown().encode("latin-1")  # the PDF's core fonts need latin-1


def test_readability_measure_tells_hard_text_from_easy() -> None:
    easy = "You can say no. Your care will not change. Tell your therapist."
    hard = (
        "Notwithstanding the aforementioned authorization, the covered entity's utilization of "
        "algorithmically generated documentation necessitates comprehensive individualized "
        "evaluation of organizational confidentiality obligations."
    )
    assert fk_grade(easy) < 4 < 14 < fk_grade(hard)
    assert [syllables(w) for w in ("the", "therapist", "encryption")] == [1, 3, 3]


def test_unknown_purpose_or_version() -> None:
    with pytest.raises(FormNotFoundError, match="--purpose train_models"):
        loader.load_form("train_models")
    with pytest.raises(FormNotFoundError, match="version 99"):
        loader.load_form("record", 99)
    with pytest.raises(FormNotFoundError):
        loader.find_form("clearnote.consent.record", 99)


@pytest.fixture
def forms_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the shipped forms that the loader reads instead."""
    copy = tmp_path / "forms"
    shutil.copytree(FORMS, copy)
    monkeypatch.setattr(loader, "forms_dir", lambda: copy)
    loader.manifest.cache_clear()
    yield copy
    loader.manifest.cache_clear()


def test_an_edited_form_text_is_refused(forms_copy: Path) -> None:
    path = forms_copy / "draft_note.v1.md"
    path.write_text(path.read_text().replace("Your therapist", "The program", 1))
    with pytest.raises(FormIntegrityError, match="a changed text needs a new version"):
        loader.load_form("draft_note")
    assert loader.load_form("record").version == 1  # others unaffected


def test_a_new_version_is_picked_up_once_in_the_manifest(forms_copy: Path) -> None:
    old = (forms_copy / "record.v1.md").read_text()
    (forms_copy / "record.v2.md").write_text(
        old.replace("version: 1", "version: 2").replace("Only sound", "Only the sound")
    )
    assert loader.load_form("record").version == 1  # not listed yet
    with pytest.raises(FormIntegrityError, match="not listed"):
        loader._load_file("record.v2.md")
    files = {p.name: p.read_bytes() for p in forms_copy.glob("*.v*.md")}
    (forms_copy / "manifest.json").write_text(json.dumps(loader.compute_manifest(files)))
    loader.manifest.cache_clear()
    new = loader.load_form("record")
    assert new.version == 2 and new.sha256 != loader.load_form("record", 1).sha256


def test_front_matter_must_match_manifest(forms_copy: Path) -> None:
    manifest = json.loads((forms_copy / "manifest.json").read_text())
    for entry in manifest["forms"]:
        if entry["file"] == "record.v1.md":
            entry["version"] = 7
    (forms_copy / "manifest.json").write_text(json.dumps(manifest))
    loader.manifest.cache_clear()
    with pytest.raises(FormIntegrityError, match="front matter differs"):
        loader.load_form("record")
