"""Reading notes for verification: a ``clearnote.note/1`` document, or plain text / Markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clearnote.domain.note import NOTE_SCHEMA, Note
from clearnote.errors import BadInputError
from clearnote.files import invalid_field, read_user_text
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
        where, rule = invalid_field(exc)
        raise NoteFormatError(f"{source}: invalid field '{where}' ({rule})") from None


def load_note(path: Path) -> Note:
    """Read a note JSON document, or note text when the file is not JSON."""
    raw = read_user_text(path, error=NoteFormatError, what="note file")
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
