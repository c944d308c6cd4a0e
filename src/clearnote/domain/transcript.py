"""The transcript document (``clearnote.transcript/1``) as frozen value objects."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

TRANSCRIPT_SCHEMA: Final = "clearnote.transcript/1"

Role = Literal["clinician", "client", "other", "unknown"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Word(_Frozen):
    """One recognised word with its time span and the recogniser's probability."""

    text: str
    start: float = Field(ge=0, description="seconds from the start of the recording")
    end: float = Field(ge=0)
    p: float = Field(ge=0, le=1, description="recogniser probability of this word")
    low_confidence: bool = Field(default=False, description="p below the calibrated threshold")

    def __repr__(self) -> str:  # never show words in reprs
        return f"Word(start={self.start:.2f}, end={self.end:.2f}, p={self.p:.2f})"


class Speaker(_Frozen):
    id: str = Field(pattern=r"^S[0-9]+$")
    role: Role = "unknown"
    label: str | None = Field(repr=False, default=None, description="a display name the user gave")


class Segment(_Frozen):
    """A stretch of one speaker's speech, holding its words."""

    id: str = Field(pattern=r"^seg-[0-9]{4,}$")
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    speaker: str
    text: str
    words: tuple[Word, ...] = ()
    low_confidence: bool = False
    flags: tuple[str, ...] = Field(
        default=(), description="quality notes, e.g. 'possible_hallucination'"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Segment:
        if self.end < self.start:
            raise ValueError(f"segment {self.id}: end before start")
        return self

    def __repr__(self) -> str:
        return (
            f"Segment(id={self.id!r}, start={self.start:.2f}, end={self.end:.2f}, "
            f"speaker={self.speaker!r}, words={len(self.words)})"
        )


class AsrInfo(_Frozen):
    engine: str
    model: str
    device: str | None = None
    compute_type: str | None = None
    low_confidence_threshold: float | None = None


class Transcript(_Frozen):
    """A whole session's transcript: speakers, then time-ordered segments."""

    schema_: Literal["clearnote.transcript/1"] = Field(default=TRANSCRIPT_SCHEMA, alias="schema")
    duration: float = Field(ge=0)
    language: str = "en"
    asr: AsrInfo
    speakers: tuple[Speaker, ...] = ()
    segments: tuple[Segment, ...] = ()
    warnings: tuple[str, ...] = ()

    model_config = ConfigDict(frozen=True, extra="allow", populate_by_name=True)

    @model_validator(mode="after")
    def _consistent(self) -> Transcript:
        known = {s.id for s in self.speakers}
        ids: set[str] = set()
        for seg in self.segments:
            if seg.id in ids:
                raise ValueError(f"duplicate segment id {seg.id}")
            ids.add(seg.id)
            if seg.speaker not in known:
                raise ValueError(f"segment {seg.id} names unknown speaker {seg.speaker}")
        return self

    def role_of(self, speaker_id: str) -> Role:
        for s in self.speakers:
            if s.id == speaker_id:
                return s.role
        return "unknown"

    def to_document(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def __repr__(self) -> str:
        return (
            f"Transcript(duration={self.duration:.1f}, speakers={len(self.speakers)}, "
            f"segments={len(self.segments)})"
        )


def segment_id(index: int) -> str:
    """The contract's id for the ``index``-th segment (1-based): ``seg-0001``."""
    return f"seg-{index:04d}"
