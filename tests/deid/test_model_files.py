"""The spaCy model package is found by path and checked by sha256 before loading."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearnote.deid.model_files import MODEL_SHA256, model_path, verify_model
from clearnote.errors import ModelError


def test_installed_model_matches_the_pinned_checksums() -> None:
    folder = model_path()
    assert verify_model(folder) == folder
    assert set(MODEL_SHA256) >= {"meta.json", "ner/model", "tok2vec/model", "config.cfg"}


def test_a_changed_file_fails_closed(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text("{}")
    with pytest.raises(ModelError, match="meta.json: sha256 does not match"):
        verify_model(tmp_path, {"meta.json": MODEL_SHA256["meta.json"]})


def test_a_missing_file_fails_closed(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="ner/model: model file missing"):
        verify_model(tmp_path, {"ner/model": MODEL_SHA256["ner/model"]})


def test_missing_package_is_a_model_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ModelError, match="not installed"):
        model_path()
