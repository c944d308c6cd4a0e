"""Reading the user's input files, with one set of clear one-line errors (exit 2) that name
the file and the problem, never its content."""

from __future__ import annotations

from pathlib import Path

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
