"""Consent form documents: front matter + plain-language Markdown body, pinned by sha256.

A form file is ``<purpose>.v<version>.md``::

    ---
    id: clearnote.consent.draft_note
    version: 1
    purpose: draft_note
    effective: 2026-07-01
    title: A draft of the session note
    ---
    body (Markdown: ## headings, - bullets, **bold**)

``sha256`` is the SHA-256 of the file's bytes. A grant records it (``ConsentEvent.form_sha256``),
so the exact text a client saw can be shown again. Changing a form's text means a new version
file; the manifest check in :mod:`clearnote.consent.loader` refuses an edited file.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearnote.domain.consent import Purpose
from clearnote.errors import BadInputError, ClearnoteError


class FormNotFoundError(BadInputError):
    """No consent form for that purpose or version."""


class FormIntegrityError(ClearnoteError):
    """A shipped form file does not match its manifest entry (edited without a new version)."""


class ConsentForm(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    version: int = Field(ge=1)
    purpose: Purpose | None = Field(description="None: the packet's introduction")
    effective: date
    title: str
    body: str = Field(repr=False)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str

    def markdown(self) -> str:
        """The form as one Markdown document (title, body, version line)."""
        return f"# {self.title}\n\n{self.body.strip()}\n\n{self.footer()}\n"

    def footer(self) -> str:
        return f"Form {self.id} version {self.version}, sha256 {self.sha256[:16]}"


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_form(data: bytes, filename: str, parse_yaml: Any) -> ConsentForm:
    """Parse a form file's bytes; ``parse_yaml`` turns front-matter text into a mapping."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise FormIntegrityError(f"consent form {filename}: not UTF-8") from None
    if not text.startswith("---\n"):
        raise FormIntegrityError(f"consent form {filename}: no front matter")
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise FormIntegrityError(f"consent form {filename}: front matter not closed")
    try:
        meta = parse_yaml(head)
    except Exception as exc:  # the injected parser's own error type (yaml.YAMLError)
        # its message quotes the offending line: name only the error's type
        raise FormIntegrityError(
            f"consent form {filename}: front matter is not valid YAML ({type(exc).__name__})"
        ) from None
    if not isinstance(meta, dict):
        raise FormIntegrityError(f"consent form {filename}: front matter is not a mapping")
    try:
        return ConsentForm.model_validate(
            {**meta, "body": body, "sha256": file_sha256(data), "filename": filename}
        )
    except ValidationError as exc:
        fields = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]}))
        raise FormIntegrityError(f"consent form {filename}: bad front matter ({fields})") from None
