"""Load and save ``clearnote.transcript/1`` JSON documents, or accept typed turn text."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clearnote.domain.transcript import TRANSCRIPT_SCHEMA, Transcript
from clearnote.errors import BadInputError, TranscriptFormatError
from clearnote.files import invalid_field, read_user_text
from clearnote.transcripts.importer import parse_turns


def transcript_from_obj(obj: Any, *, source: str) -> Transcript:
    """A transcript document (dict) or typed turn text (str) → ``Transcript``."""
    if isinstance(obj, str):
        return parse_turns(obj, source=source)
    if not isinstance(obj, dict):
        raise TranscriptFormatError(f"{source}: expected a transcript object or turn text")
    if obj.get("schema") != TRANSCRIPT_SCHEMA:
        raise TranscriptFormatError(f"{source}: schema must be '{TRANSCRIPT_SCHEMA}'")
    try:
        return Transcript.model_validate(obj)
    except ValidationError as exc:
        where, rule = invalid_field(exc)
        raise TranscriptFormatError(f"{source}: invalid field '{where}' ({rule})") from None


def load_transcript(path: Path) -> Transcript:
    """Read a transcript JSON document, or a typed transcript when the file is not JSON."""
    raw = read_user_text(path, error=TranscriptFormatError)
    stripped = raw.lstrip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise TranscriptFormatError(
                f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno})"
            ) from None
        return transcript_from_obj(obj, source=str(path))
    return parse_turns(raw, source=str(path))


def write_json(document: dict[str, Any], path: Path) -> None:
    """Write a JSON document atomically (temp file in the same folder, then rename)."""
    target = path if str(path) != "-" else None
    text = json.dumps(document, indent=1, ensure_ascii=False) + "\n"
    if target is None:
        import sys

        sys.stdout.write(text)
        return
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise BadInputError(f"{target}: output folder does not exist")
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=".clearnote-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
