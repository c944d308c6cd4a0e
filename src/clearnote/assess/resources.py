"""Adapter: read the YAML data files of the assessments (shipped ones and user files).

The only file I/O of the assessments besides the CLI. Errors name the file, never its content.
"""

from __future__ import annotations

import importlib
import importlib.resources
from pathlib import Path
from typing import Any

from clearnote import files
from clearnote.errors import BadInputError


class AssessDataError(BadInputError):
    """An assessment data file (lexicon, code table, goals, jurisdiction) cannot be used."""


def parse_yaml(text: str, source: str) -> Any:
    return files.parse_yaml(text, source, error=AssessDataError)


def read_yaml_file(path: Path) -> Any:
    """A user's YAML file; errors name the file."""
    return files.parse_yaml(
        files.read_user_text(path, error=AssessDataError, what="YAML file"),
        str(path),
        error=AssessDataError,
    )


def read_packaged(*parts: str) -> Any:
    """A YAML file shipped under ``clearnote/assess/data``."""
    resource = importlib.resources.files("clearnote.assess").joinpath("data", *parts)
    return parse_yaml(resource.read_text(encoding="utf-8"), "/".join(parts))


def packaged_names(folder: str) -> list[str]:
    """Names (without .yaml) of the data files in a shipped folder."""
    base = importlib.resources.files("clearnote.assess").joinpath("data", folder)
    return sorted(p.name[:-5] for p in base.iterdir() if p.name.endswith(".yaml"))
