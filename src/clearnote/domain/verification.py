"""The verification report (``clearnote.verification/1``): a verdict per statement, and flags.

Every statement result and flag cites segment ids of the transcript it was checked against;
messages never quote transcript words (they name ids, times, counts and the note's own term).
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

VERIFICATION_SCHEMA: Final = "clearnote.verification/1"

Verdict = Literal["supported", "unsupported", "contradicted"]
FlagKind = Literal[
    "unsupported",
    "contradicted",
    "omission",
    "low_confidence",
    "unverified_negative",
    "stigmatizing_language",
]
FLAG_KINDS: tuple[FlagKind, ...] = (
    "unsupported",
    "contradicted",
    "omission",
    "low_confidence",
    "unverified_negative",
    "stigmatizing_language",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StatementResult(_Frozen):
    """How well one note statement is supported by the transcript."""

    id: str
    text: str = Field(repr=False)
    verdict: Verdict
    score: float = Field(ge=0, le=1, description="support score, 1 = fully supported")
    evidence: tuple[str, ...] = Field(default=(), description="segment ids, best first")

    def __repr__(self) -> str:
        return (
            f"StatementResult(id={self.id!r}, verdict={self.verdict!r}, "
            f"score={self.score:.2f}, evidence={len(self.evidence)})"
        )


class Flag(_Frozen):
    """Something the clinician must look at before signing."""

    kind: FlagKind
    statement_id: str | None = None
    segment_ids: tuple[str, ...] = ()
    message: str
    suggestion: str | None = Field(default=None, description="a suggested alternative wording")

    @model_validator(mode="after")
    def _anchored(self) -> Flag:
        if self.statement_id is None and not self.segment_ids:
            raise ValueError("a flag names a statement or segments")
        return self

    def __repr__(self) -> str:
        return (
            f"Flag(kind={self.kind!r}, statement_id={self.statement_id!r}, "
            f"segments={len(self.segment_ids)})"
        )


class VerificationReport(_Frozen):
    schema_: Literal["clearnote.verification/1"] = Field(
        default=VERIFICATION_SCHEMA, alias="schema"
    )
    statements: tuple[StatementResult, ...] = ()
    flags: tuple[Flag, ...] = ()

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def flags_for(self, statement_id: str) -> tuple[Flag, ...]:
        return tuple(f for f in self.flags if f.statement_id == statement_id)

    def to_document(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def __repr__(self) -> str:
        return f"VerificationReport(statements={len(self.statements)}, flags={len(self.flags)})"
