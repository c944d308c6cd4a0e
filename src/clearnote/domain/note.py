"""The note document (``clearnote.note/1``): sections of statements, each citing segments."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

NOTE_SCHEMA: Final = "clearnote.note/1"

Origin = Literal["ai", "clinician", "imported"]
NoteStatus = Literal["draft", "signed"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Statement(_Frozen):
    """One sentence of a note and the transcript segments it came from."""

    id: str = Field(pattern=r"^st-[0-9]{3,}$")
    text: str
    evidence: tuple[str, ...] = Field(default=(), description="segment ids")
    origin: Origin = "ai"

    def __repr__(self) -> str:
        return f"Statement(id={self.id!r}, evidence={len(self.evidence)}, origin={self.origin!r})"


class Section(_Frozen):
    key: str
    title: str
    statements: tuple[Statement, ...] = ()


class ClinicianField(_Frozen):
    """A field AI must not fill (e.g. observed affect); left for the clinician."""

    key: str
    reason: str


class Note(_Frozen):
    schema_: Literal["clearnote.note/1"] = Field(default=NOTE_SCHEMA, alias="schema")
    format: str
    status: NoteStatus = "draft"
    sections: tuple[Section, ...] = ()
    clinician_fields: tuple[ClinicianField, ...] = ()

    model_config = ConfigDict(frozen=True, extra="allow", populate_by_name=True)

    def statements(self) -> tuple[Statement, ...]:
        return tuple(st for sec in self.sections for st in sec.statements)

    def to_document(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def __repr__(self) -> str:
        return (
            f"Note(format={self.format!r}, status={self.status!r}, sections={len(self.sections)})"
        )


def statement_id(index: int) -> str:
    """The contract's id for the ``index``-th statement (1-based): ``st-001``."""
    return f"st-{index:03d}"
