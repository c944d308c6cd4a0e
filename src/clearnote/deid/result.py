"""The de-identified export (``clearnote.deidentified/1``) as frozen value objects.

Replacements and kept spans carry offsets, never the words they cover: the review list can be
logged, counted or shown without showing what was removed.
"""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from clearnote.deid.keeplist import KeepReason
from clearnote.deid.types import EntityType

DEID_SCHEMA: Final = "clearnote.deidentified/1"
SourceKind = Literal["transcript", "note", "text"]

REVIEW_NOTICE: Final = (
    "Automatic de-identification misses some identifiers and removes some words it should not. "
    "The clinician must read the whole export and the list of replacements before it is shared "
    "for supervision or consultation; nothing leaves until they have."
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Replacement(_Frozen):
    """One identifier replaced by a placeholder; offsets only, never the original words."""

    entity_type: EntityType
    placeholder: str = Field(description="e.g. [NAME 1]; the same entity keeps its number")
    segment_id: str = Field(description="segment (transcript), statement (note) or line id")
    start: int = Field(ge=0, description="offset in the original unit's text")
    end: int = Field(ge=0)
    redacted_start: int = Field(ge=0, description="offset of the placeholder in the export")
    redacted_end: int = Field(ge=0)
    score: float = Field(ge=0, le=1)
    detector: str = Field(description="the recogniser that found it")
    safe_harbor: str = Field(description="the HIPAA Safe Harbor identifier it falls under")

    def __repr__(self) -> str:
        return (
            f"Replacement({self.entity_type}, {self.segment_id}, {self.start}-{self.end}, "
            f"{self.placeholder})"
        )


class KeptSpan(_Frozen):
    """Something a detector flagged that the rules keep (a duration, a year, a state...)."""

    segment_id: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    detected_as: EntityType
    reason: KeepReason


class Method(_Frozen):
    engine: str
    model: str
    patterns: str = "clearnote.deid.patterns"
    score_threshold: float
    reference_year: int = Field(description="used to tell a birth year meaning an age over 89")


class DeidResult(_Frozen):
    """A de-identified transcript, note or text, awaiting the clinician's review."""

    schema_: Literal["clearnote.deidentified/1"] = Field(default=DEID_SCHEMA, alias="schema")
    review_required: Literal[True] = True
    notice: str = REVIEW_NOTICE
    source_kind: SourceKind
    method: Method
    transcript: dict[str, Any] | None = None
    note: dict[str, Any] | None = None
    text: str | None = None
    replacements: tuple[Replacement, ...] = ()
    kept: tuple[KeptSpan, ...] = ()
    counts: dict[str, int] = Field(default_factory=dict, description="replacements per type")
    entities: dict[str, int] = Field(
        default_factory=dict, description="distinct entities (placeholders) per type"
    )
    dropped_fields: tuple[str, ...] = Field(
        default=(), description="fields removed because they could carry identifiers"
    )

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def to_document(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def __repr__(self) -> str:
        return (
            f"DeidResult(source_kind={self.source_kind!r}, replacements={len(self.replacements)}, "
            f"kept={len(self.kept)})"
        )
