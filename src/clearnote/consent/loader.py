"""Adapter: read the shipped consent data (forms, manifest, recording-consent rules).

The only I/O in the consent package. Every form read is checked against
``data/forms/manifest.json``: its sha256, id, version and purpose must match, so an edited text
cannot pass as an old version.
"""

from __future__ import annotations

import importlib
import json
import re
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from clearnote.consent.forms import (
    ConsentForm,
    FormIntegrityError,
    FormNotFoundError,
    file_sha256,
    parse_form,
)
from clearnote.consent.recording import RecordingRules
from clearnote.domain.consent import Purpose

MANIFEST = "manifest.json"
_NAME = re.compile(r"^(?P<stem>[a-z_]+)\.v(?P<version>[0-9]+)\.md$")


def _yaml_load(text: str) -> Any:
    yaml: Any = importlib.import_module("yaml")
    return yaml.safe_load(text)


def forms_dir() -> Traversable:
    return files("clearnote.consent").joinpath("data", "forms")


def form_files() -> dict[str, bytes]:
    """Every shipped form file by name."""
    return {
        entry.name: entry.read_bytes()
        for entry in forms_dir().iterdir()
        if _NAME.match(entry.name) is not None
    }


def compute_manifest(contents: dict[str, bytes]) -> dict[str, Any]:
    """The manifest that ``contents`` (form files by name) would have: for maintainers adding a
    version, and for the test that the shipped manifest pins every file."""
    entries = []
    for name in sorted(contents):
        form = parse_form(contents[name], name, _yaml_load)
        entries.append(
            {
                "file": name,
                "id": form.id,
                "version": form.version,
                "purpose": None if form.purpose is None else form.purpose.value,
                "effective": form.effective.isoformat(),
                "sha256": form.sha256,
            }
        )
    return {"schema": "clearnote.consent_forms_manifest/1", "forms": entries}


@lru_cache(maxsize=1)
def manifest() -> dict[str, dict[str, Any]]:
    """The shipped manifest, by file name."""
    data = json.loads(forms_dir().joinpath(MANIFEST).read_text(encoding="utf-8"))
    return {entry["file"]: entry for entry in data["forms"]}


def _load_file(name: str) -> ConsentForm:
    entry = manifest().get(name)
    if entry is None:
        raise FormIntegrityError(f"consent form {name}: not listed in {MANIFEST}")
    try:
        data = forms_dir().joinpath(name).read_bytes()
    except FileNotFoundError:
        raise FormIntegrityError(f"consent form {name}: listed in {MANIFEST} but missing") from None
    if file_sha256(data) != entry["sha256"]:
        raise FormIntegrityError(
            f"consent form {name}: text differs from its sha256 in {MANIFEST}; "
            "a changed text needs a new version file"
        )
    form = parse_form(data, name, _yaml_load)
    purpose = None if form.purpose is None else form.purpose.value
    if (form.id, form.version, purpose) != (entry["id"], entry["version"], entry["purpose"]):
        raise FormIntegrityError(f"consent form {name}: front matter differs from {MANIFEST}")
    return form


def versions(stem: str) -> tuple[int, ...]:
    """Versions listed in the manifest for a purpose (or ``intro``), ascending."""
    out = []
    for name in manifest():
        match = _NAME.match(name)
        if match and match.group("stem") == stem:
            out.append(int(match.group("version")))
    return tuple(sorted(out))


def _load(stem: str, version: int | None) -> ConsentForm:
    available = versions(stem)
    if not available:
        raise FormNotFoundError(f"--purpose {stem}: no consent form")
    chosen = available[-1] if version is None else version
    if chosen not in available:
        listed = ", ".join(str(v) for v in available)
        raise FormNotFoundError(
            f"consent form {stem} version {chosen}: not found; available: {listed}"
        )
    return _load_file(f"{stem}.v{chosen}.md")


def load_form(purpose: Purpose | str, version: int | None = None) -> ConsentForm:
    """The consent form for ``purpose`` (latest version by default), text and sha256 checked
    against the manifest."""
    try:
        p = Purpose(purpose)
    except ValueError:
        choices = ", ".join(x.value for x in Purpose)
        raise FormNotFoundError(f"--purpose {purpose}: expected one of: {choices}") from None
    return _load(p.value, version)


def load_intro(version: int | None = None) -> ConsentForm:
    """The packet introduction shown before the per-purpose forms."""
    return _load("intro", version)


def find_form(form_id: str, version: int) -> ConsentForm:
    """A form by the id and version recorded on a consent event (to show the exact text)."""
    for name, entry in manifest().items():
        if entry["id"] == form_id and entry["version"] == version:
            return _load_file(name)
    raise FormNotFoundError(f"consent form {form_id} version {version}: not found")


@lru_cache(maxsize=1)
def recording_rules() -> RecordingRules:
    """The shipped US recording-consent table."""
    text = files("clearnote.consent").joinpath("data", "recording_consent.yaml").read_text("utf-8")
    return RecordingRules.model_validate(_yaml_load(text))
