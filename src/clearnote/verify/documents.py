"""Reading notes for verification: a ``clearnote.note/1`` document, or plain text / Markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clearnote.domain.note import NOTE_SCHEMA, Note
from clearnote.errors import BadInputError
from clearnote.verify.split import note_from_text


class NoteFormatError(BadInputError):
    """A note document or note text that cannot be read."""


def note_from_obj(obj: Any, *, source: str) -> Note:
    """A note document (dict) or note text (str) → ``Note``."""
    if isinstance(obj, str):
        if not obj.strip():
            raise NoteFormatError(f"{source}: the note is empty")
        fmt = "markdown" if any(ln.lstrip().startswith("#") for ln in obj.splitlines()) else "text"
        return note_from_text(obj, fmt=fmt)
    if not isinstance(obj, dict):
        raise NoteFormatError(f"{source}: expected a note object or note text")
    if obj.get("schema") != NOTE_SCHEMA:
        raise NoteFormatError(f"{source}: schema must be '{NOTE_SCHEMA}'")
    try:
        return Note.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise NoteFormatError(f"{source}: invalid field '{where}' ({first['type']})") from None


def load_note(path: Path) -> Note:
    """Read a note JSON document, or note text when the file is not JSON."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NoteFormatError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise NoteFormatError(f"{path}: is a directory, expected a note file") from None
    except UnicodeDecodeError:
        raise NoteFormatError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise NoteFormatError(f"{path}: cannot be read ({exc.strerror})") from None
    if raw.lstrip().startswith("{"):
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise NoteFormatError(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno})"
            ) from None
        return note_from_obj(obj, source=str(path))
    if path.suffix.lower() in (".md", ".markdown"):
        if not raw.strip():
            raise NoteFormatError(f"{path}: the note is empty")
        return note_from_text(raw, fmt="markdown")
    return note_from_obj(raw, source=str(path))
