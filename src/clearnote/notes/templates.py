"""Custom note templates: a YAML or TOML file naming sections and the kinds of content in each.

    name: intake-lite            # optional; defaults to the file's stem
    sections:
      - key: concerns
        title: Presenting concerns
        kinds: [presenting_concern, symptom, stressor]
        not_assessed: [suicide, self_harm]   # optional
      - key: plan
        title: Plan
        kinds: [homework, plan, next_appointment]

The same shape in TOML uses ``[[sections]]`` tables. Errors are one line naming the file and
the field (``sections[1].kinds[0]``) and what is wrong.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from clearnote.errors import BadInputError
from clearnote.files import read_user_text
from clearnote.notes.formats import BUILTIN_FORMATS, CONTENT_KINDS, RISK_DOMAINS, NoteFormat


class TemplateError(BadInputError):
    """A custom template file cannot be used."""


def _parse(path: Path, raw: str) -> Any:
    suffix = path.suffix.lower()
    if suffix == ".toml":
        try:
            return tomllib.loads(raw)
        except tomllib.TOMLDecodeError as exc:
            # the decoder's message names line and column, not the content
            raise TemplateError(f"{path}: not valid TOML ({exc})") from None
    if suffix in (".yaml", ".yml"):
        yaml: Any = importlib.import_module("yaml")
        try:
            return yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            raise TemplateError(f"{path}: not valid YAML{where}") from None
    raise TemplateError(f"{path}: template must be a .yaml, .yml or .toml file")


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _explain(err: dict[str, Any]) -> str:
    loc = tuple(err.get("loc", ()))
    field = (
        loc[-2] if loc and isinstance(loc[-1], int) and len(loc) > 1 else (loc[-1] if loc else "")
    )
    kind = err.get("type", "")
    if kind == "literal_error" and field == "kinds":
        return f"unknown content kind (expected one of: {', '.join(CONTENT_KINDS)})"
    if kind == "literal_error" and field == "not_assessed":
        return f"unknown risk domain (expected one of: {', '.join(RISK_DOMAINS)})"
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "string_pattern_mismatch" and field == "key":
        return "section key must be lower_snake_case (letters, digits, _; up to 40)"
    if kind == "value_error":
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        return re.sub(r"\s+", " ", msg)[:200]
    return f"{err.get('msg', kind)}"


def format_from_obj(obj: Any, *, source: str, default_name: str = "custom") -> NoteFormat:
    """Validate a parsed template (a mapping) into a ``NoteFormat``; errors name ``source``."""
    if not isinstance(obj, dict):
        raise TemplateError(f"{source}: expected a mapping with a 'sections' list at the top level")
    data = dict(obj)
    data.setdefault("name", default_name)
    if isinstance(data.get("name"), str):
        slug = re.sub(r"[^a-z0-9_\-]+", "-", data["name"].strip().lower()).strip("-")
        data["name"] = slug or default_name
    if "sections" not in data:
        raise TemplateError(f"{source}: field 'sections': required field is missing")
    try:
        return NoteFormat.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _where(tuple(first["loc"]))
        raise TemplateError(f"{source}: field '{where}': {_explain(dict(first))}") from None


def load_template(path: Path) -> NoteFormat:
    """Read a YAML or TOML template file into a ``NoteFormat``."""
    raw = read_user_text(path, error=TemplateError, what="template file")
    slug = re.sub(r"[^a-z0-9_\-]+", "-", path.stem.lower()).strip("-") or "custom"
    if not slug[0].isalpha():
        slug = f"t-{slug}"
    return format_from_obj(_parse(path, raw), source=str(path), default_name=slug[:40])


def resolve_format(name: str, template: Path | None = None) -> NoteFormat:
    """The built-in format ``name``, or the custom template when one is given."""
    if template is not None:
        return load_template(template)
    key = name.strip().lower()
    if key not in BUILTIN_FORMATS:
        raise BadInputError(
            f"--format: unknown format '{key}' (expected one of: {', '.join(BUILTIN_FORMATS)})"
        )
    return BUILTIN_FORMATS[key]
