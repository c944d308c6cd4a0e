from __future__ import annotations

from pathlib import Path

import pytest

from clearnote.asr import models
from clearnote.asr.models import BUNDLED, BundledModel, PackagedFile, resolve_model, sha256_of
from clearnote.errors import ModelError


def test_tiny_loads_in_place_after_its_checksums(tmp_path: Path) -> None:
    folder, name = resolve_model("tiny.en", tmp_path)
    assert name == "tiny.en" and (folder / "model.bin").is_file()
    assert not any(tmp_path.iterdir())  # nothing copied


@pytest.mark.slow
def test_split_base_model_is_joined_once_and_checked(tmp_path: Path) -> None:
    folder, name = resolve_model("base", tmp_path)
    assert name == "base"
    assert sha256_of(folder / "model.bin") == BUNDLED["base"].joined_sha256["model.bin"]
    mtime = (folder / "model.bin").stat().st_mtime_ns
    again, _ = resolve_model("base", tmp_path)
    assert again == folder and (folder / "model.bin").stat().st_mtime_ns == mtime
    # a damaged join is detected and rebuilt
    with (folder / "model.bin").open("r+b") as fh:
        fh.seek(1000)
        fh.write(b"\x00\x01\x02")
    rebuilt, _ = resolve_model("base", tmp_path)
    assert sha256_of(rebuilt / "model.bin") == BUNDLED["base"].joined_sha256["model.bin"]


def test_a_file_failing_its_checksum_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real = BUNDLED["tiny.en"].files
    tampered = dict(real)
    (part,) = real["config.json"]
    tampered["config.json"] = (PackagedFile(part.package, part.relative, "0" * 64),)
    monkeypatch.setitem(
        models.BUNDLED, "tiny.en", BundledModel("tiny.en", tampered, {}, english_only=True)
    )
    with pytest.raises(ModelError, match="sha256"):
        resolve_model("tiny.en", tmp_path)


def test_a_missing_package_names_make_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    gone = {"model.bin": (PackagedFile("no_such_model_pkg", "model.bin", "0" * 64),)}
    monkeypatch.setitem(models.BUNDLED, "tiny.en", BundledModel("tiny.en", gone, {}, True))
    with pytest.raises(ModelError, match="make install"):
        resolve_model("tiny.en", tmp_path)


def test_model_by_path(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a bundled model"):
        resolve_model(str(tmp_path / "nowhere"), tmp_path)
    with pytest.raises(ModelError, match="no model.bin"):
        resolve_model(str(tmp_path), tmp_path)
    (tmp_path / "model.bin").write_bytes(b"x")
    assert resolve_model(str(tmp_path), tmp_path) == (tmp_path, tmp_path.name)
