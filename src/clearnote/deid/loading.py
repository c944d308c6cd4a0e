"""Read what is to be de-identified: a transcript document or typed transcript, a note document,
or plain text / Markdown. Errors name the file and the problem, never its words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from clearnote.domain.note import NOTE_SCHEMA, Note
from clearnote.domain.transcript import TRANSCRIPT_SCHEMA, Transcript
from clearnote.errors import BadInputError, TranscriptFormatError
from clearnote.files import read_user_text
from clearnote.transcripts.document import transcript_from_obj
from clearnote.transcripts.importer import parse_turns

InputKind = Literal["auto", "transcript", "note", "text"]


def _read(path: Path) -> str:
    raw = read_user_text(path)
    if not raw.strip():
        raise BadInputError(f"{path}: the file is empty")
    return raw


def _note(obj: object, path: Path) -> Note:
    try:
        return Note.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadInputError(f"{path}: invalid note field '{where}' ({first['type']})") from None


def load_input(path: Path, kind: InputKind = "auto") -> Transcript | Note | str:
    """A ``Transcript``, a ``Note`` or plain text, by ``kind`` or (auto) by content: a JSON
    document by its schema, ``.md`` files as text, other text as a typed transcript when it
    parses as one, else as text."""
    raw = _read(path)
    if kind == "text":
        return raw
    if raw.lstrip().startswith("{"):
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise BadInputError(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno})"
            ) from None
        schema = obj.get("schema") if isinstance(obj, dict) else None
        if schema == NOTE_SCHEMA and kind in ("auto", "note"):
            return _note(obj, path)
        if schema == TRANSCRIPT_SCHEMA and kind in ("auto", "transcript"):
            return transcript_from_obj(obj, source=str(path))
        raise BadInputError(
            f"{path}: expected schema '{TRANSCRIPT_SCHEMA}' or '{NOTE_SCHEMA}'"
            + (f" (--kind {kind})" if kind != "auto" else "")
        )
    if kind == "note":
        raise BadInputError(f"{path}: --kind note needs a '{NOTE_SCHEMA}' JSON document")
    if kind == "transcript":
        return parse_turns(raw, source=str(path))
    if path.suffix.lower() in (".md", ".markdown"):
        return raw
    try:
        return parse_turns(raw, source=str(path))
    except TranscriptFormatError:
        return raw
