"""Retention value objects: artefact kinds, per-kind policies, the facts a schedule needs, state
record-retention rules, retention decisions and deletion receipts. Pure: no I/O.

The schedule itself (``due_at``, ``due_now``) lives in :mod:`clearnote.retention.policy`.

Defaults (DESIGN.md, requirements R64): audio is erased when the note is signed or 7 days after the
session, whichever comes first, unless the client consented to ``retain_audio``; transcripts,
drafts, assessments and screenings 30 days after signing (90 days at most if never signed); exports
30 days after they were made; signed notes and psychotherapy notes per the strictest state
record-retention rule involved, never shorter than the APA default (7 years after the last service;
3 years after a minor comes of age, whichever is later). A legal hold stops every erasure.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

ArtefactKind = Literal[
    "audio",
    "transcript",
    "draft",
    "assessment",
    "screening",
    "signed_note",
    "export",
    "psychotherapy_note",
]
ARTEFACT_KINDS: tuple[ArtefactKind, ...] = (
    "audio",
    "transcript",
    "draft",
    "assessment",
    "screening",
    "signed_note",
    "export",
    "psychotherapy_note",
)

RECEIPT_SCHEMA: Literal["clearnote.deletion_receipt/1"] = "clearnote.deletion_receipt/1"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RetentionPolicy(_Frozen):
    """When one kind of artefact is erased.

    The due time is the earliest of ``note signed + after_signing`` and ``created + max_age``
    (each only where set); a kind with ``record_rule`` is kept for the clinical-record period of
    the strictest jurisdiction involved instead. ``retained_with`` names the consent purpose that,
    while granted, switches the kind to the record rule (audio kept with ``retain_audio``).
    """

    kind: ArtefactKind
    after_signing: timedelta | None = Field(
        default=None, description="erase this long after the note is signed"
    )
    max_age: timedelta | None = Field(
        default=None, description="erase this long after the artefact was made, signed or not"
    )
    record_rule: bool = Field(
        default=False, description="kept per the state record-retention rule (clinical record)"
    )
    retained_with: Literal["retain_audio"] | None = Field(
        default=None, description="consent purpose that keeps this kind under the record rule"
    )

    @model_validator(mode="after")
    def _has_a_rule(self) -> RetentionPolicy:
        if not self.record_rule and self.after_signing is None and self.max_age is None:
            raise ValueError(f"retention policy for {self.kind}: no rule (never erased)")
        for name in ("after_signing", "max_age"):
            value = getattr(self, name)
            if value is not None and value < timedelta(0):
                raise ValueError(f"retention policy for {self.kind}: {name} is negative")
        return self

    @property
    def rule_id(self) -> str:
        """A stable name for the rule, written on decisions and receipts."""
        if self.record_rule:
            return f"{self.kind}:record_retention"
        parts = []
        if self.after_signing is not None:
            parts.append(f"signed+{_days(self.after_signing)}d")
        if self.max_age is not None:
            parts.append(f"created+{_days(self.max_age)}d")
        return f"{self.kind}:" + "|".join(parts)


def _days(value: timedelta) -> str:
    days = value.total_seconds() / 86400
    return f"{days:g}"


class StateRecordRule(_Frozen):
    """A jurisdiction's minimum retention of mental-health records."""

    jurisdiction: str = Field(description="e.g. US (federal default), US-CA")
    adult_years: int | None = Field(
        ge=0, description="years after the last service; None: no state period (floor applies)"
    )
    age_of_majority: int = Field(default=18, ge=14, le=25)
    minor_years_after_majority: int = Field(
        default=0, ge=0, description="for a client served as a minor: years after majority"
    )
    minor_until_age: int | None = Field(
        default=None, ge=0, description="for a client served as a minor: until this age"
    )
    source: str = Field(description="citation; verify against the official text")
    verified: bool = Field(default=False, description="checked against the primary text")


class Artefact(_Frozen):
    """A stored artefact the schedule knows about (ids only, never content)."""

    kind: ArtefactKind
    id: str
    created_at: AwareDatetime
    key_id: str | None = Field(default=None, description="its data key (erased with it)")
    session_id: str | None = None
    client_id: str | None = None


class RetentionFacts(_Frozen):
    """What the schedule needs to know about an artefact's session and client."""

    note_signed_at: AwareDatetime | None = None
    last_service_at: AwareDatetime | None = Field(
        default=None, description="the client's last service; defaults to the artefact's time"
    )
    birth_date: date | None = Field(default=None, description="for minors' retention")
    jurisdictions: tuple[str, ...] = Field(default=(), description="e.g. ('US-CA', 'US-NV')")
    retain_audio: bool = Field(default=False, description="retain_audio consent granted now")
    legal_hold: bool = False
    withdrawn: tuple[tuple[ArtefactKind, AwareDatetime], ...] = Field(
        default=(),
        description="kinds whose consent the client or a participant withdrew, and when",
    )

    def __repr__(self) -> str:
        # birth dates are PHI: never in reprs
        return (
            f"RetentionFacts(signed={self.note_signed_at is not None}, "
            f"jurisdictions={self.jurisdictions!r}, retain_audio={self.retain_audio}, "
            f"legal_hold={self.legal_hold})"
        )


class RetentionDecision(_Frozen):
    """What the schedule decided for one artefact, and by which rule."""

    artefact_kind: ArtefactKind
    artefact_id: str
    status: Literal["keep", "erase", "hold"]
    due_at: AwareDatetime | None
    rule: str
    reason: str


class DeletionReceipt(_Frozen):
    """Proof of a crypto-erase: what was erased, which key, when, by which rule or person.

    ``receipt_sha256`` is the SHA-256 of the canonical JSON of every other field; build receipts
    with :meth:`issue` and check them with :meth:`verify`.
    """

    schema_: Literal["clearnote.deletion_receipt/1"] = Field(default=RECEIPT_SCHEMA, alias="schema")
    artefact_kind: ArtefactKind
    artefact_id: str
    session_id: str | None = None
    client_id: str | None = None
    key_id: str | None = Field(description="the data key destroyed (None: nothing was encrypted)")
    method: Literal["crypto_erase"] = Field(
        default="crypto_erase", description="NIST SP 800-88 cryptographic erase, then removal"
    )
    erased_at: AwareDatetime
    rule: str | None = Field(default=None, description="the retention rule that erased it")
    person: str | None = Field(default=None, description="user id of who erased it")
    reason: str = Field(min_length=1, description="why; never client words")
    receipt_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @model_validator(mode="after")
    def _rule_or_person(self) -> DeletionReceipt:
        if self.rule is None and self.person is None:
            raise ValueError("a deletion receipt names the rule or the person that erased")
        return self

    @classmethod
    def issue(
        cls,
        *,
        artefact_kind: ArtefactKind,
        artefact_id: str,
        key_id: str | None,
        erased_at: datetime,
        reason: str,
        rule: str | None = None,
        person: str | None = None,
        session_id: str | None = None,
        client_id: str | None = None,
    ) -> DeletionReceipt:
        """A receipt with its hash filled in."""
        body: dict[str, object] = {
            "schema": RECEIPT_SCHEMA,
            "artefact_kind": artefact_kind,
            "artefact_id": artefact_id,
            "session_id": session_id,
            "client_id": client_id,
            "key_id": key_id,
            "method": "crypto_erase",
            "erased_at": erased_at,
            "rule": rule,
            "person": person,
            "reason": reason,
        }
        draft = cls.model_validate({**body, "receipt_sha256": "0" * 64})
        return draft.model_copy(update={"receipt_sha256": draft.compute_sha256()})

    def compute_sha256(self) -> str:
        body = self.model_dump(mode="json", by_alias=True, exclude={"receipt_sha256"})
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()

    def verify(self) -> bool:
        """True when the hash matches the fields (nothing was edited)."""
        return self.compute_sha256() == self.receipt_sha256

    def to_document(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)
