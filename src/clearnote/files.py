"""Reading the user's input files, with one set of clear one-line errors (exit 2) that name
the file and the problem, never its content."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clearnote.errors import BadInputError


def read_user_text(
    path: Path, *, error: type[BadInputError] = BadInputError, what: str = "file"
) -> str:
    """The file's text (UTF-8, a BOM allowed), or ``error`` naming the file and the problem."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"{path}: {what} not found") from None
    except IsADirectoryError:
        raise error(f"{path}: is a directory, expected a {what}") from None
    except UnicodeDecodeError:
        raise error(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise error(f"{path}: cannot be read ({exc.strerror})") from None


def invalid_field(exc: ValidationError) -> tuple[str, str]:
    """(dotted location, error type) of the first validation error — never the input value,
    which pydantic's own message would quote."""
    first = exc.errors()[0]
    return ".".join(str(p) for p in first["loc"]), str(first["type"])


def parse_yaml(text: str, source: str, *, error: type[BadInputError] = BadInputError) -> Any:
    """YAML (safe loader) or ``error`` naming ``source``; the parser's message, which quotes the
    offending line, is never passed on."""
    yaml: Any = importlib.import_module("yaml")  # PyYAML ships no type stubs
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        raise error(f"{source}: not valid YAML") from None


def read_yaml_mapping(path: Path, *, error: type[BadInputError] = BadInputError) -> Any:
    """A user's YAML file whose top level must be a mapping; errors name the file."""
    data = parse_yaml(read_user_text(path, error=error, what="YAML file"), str(path), error=error)
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping at the top level")
    return data


def write_private(path: Path, data: bytes) -> None:
    """Write a new file readable by its owner only (0600); an existing file is bad input, and
    an unwritable place names the path only."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        raise BadInputError(f"{path}: exists (choose a new file name)") from None
    except OSError as exc:
        raise BadInputError(f"{path}: cannot write ({exc.strerror})") from None
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
