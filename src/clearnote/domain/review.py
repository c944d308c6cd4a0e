"""Clinician review of an AI draft, as pure value objects and rules.

A review holds: one resolution per flag (accept, edit with new text, dismiss with a reason), the
clinician's statement edits (origin ``clinician``), the clinician fields AI must not fill (a value,
or left blank with a reason), and the note header the clinician confirms (date, duration,
modality, participants, CPT code). Sign is allowed only when :func:`sign_blockers` is empty.
:func:`final_note` applies the review to the AI note; :func:`draft_diff` compares the AI draft with
the signed note (per statement, word level) and gives the share of the text the clinician changed.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from clearnote.domain.note import ClinicianField, Note, Section, Statement, statement_id

REVIEW_SCHEMA: Final = "clearnote.review/1"
SIGNED_NOTE_SCHEMA: Final = "clearnote.signed_note/1"
ADDENDUM_SCHEMA: Final = "clearnote.addendum/1"

Action = Literal["accept", "edit", "dismiss"]
Modality = Literal["in_person", "telehealth_video", "telehealth_audio"]
MODALITIES: tuple[Modality, ...] = ("in_person", "telehealth_video", "telehealth_audio")
FlagSource = Literal["verification", "screening"]

# psychotherapy CPT codes by face-to-face minutes (CMS "midpoint" rule)
CPT_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (16, 37, "90832"),
    (38, 52, "90834"),
    (53, None, "90837"),
)
CPT_CODES: tuple[str, ...] = tuple(code for _, _, code in CPT_BANDS)


def cpt_for_minutes(minutes: int) -> str | None:
    """The psychotherapy code for a session of ``minutes`` (None under 16 minutes)."""
    for low, high, code in CPT_BANDS:
        if minutes >= low and (high is None or minutes <= high):
            return code
    return None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ReviewFlag(_Frozen):
    """One thing the clinician must resolve: a verification flag or a risk-screening flag (with
    its screening ``domain`` and ``level``)."""

    id: str
    source: FlagSource
    kind: str
    statement_id: str | None = None
    segment_ids: tuple[str, ...] = ()
    message: str
    suggestion: str | None = None
    domain: str | None = None
    level: str | None = None

    def __repr__(self) -> str:
        return f"ReviewFlag(id={self.id!r}, kind={self.kind!r})"


def review_flags(
    verification: Mapping[str, Any] | None, screening: Mapping[str, Any] | None
) -> tuple[ReviewFlag, ...]:
    """Every flag of the verification report and every risk-screening flag, with stable ids."""
    out: list[ReviewFlag] = []
    for i, f in enumerate((verification or {}).get("flags", []), start=1):
        out.append(
            ReviewFlag(
                id=f"vf-{i:03d}",
                source="verification",
                kind=str(f["kind"]),
                statement_id=f.get("statement_id"),
                segment_ids=tuple(f.get("segment_ids", ())),
                message=str(f.get("message", "")),
                suggestion=f.get("suggestion"),
            )
        )
    for d in (screening or {}).get("domains", []):
        for j, f in enumerate(d.get("flags", []), start=1):
            out.append(
                ReviewFlag(
                    id=f"rs-{d['domain']}-{j:02d}",
                    source="screening",
                    kind="risk_screening",
                    segment_ids=tuple(f.get("segment_ids", ())),
                    message=f"{d['domain'].replace('_', ' ')}: {f.get('level', 'flagged')}"
                    " (AI screening; clinician judgement required)",
                    domain=str(d["domain"]),
                    level=f.get("level"),
                )
            )
    return tuple(out)


class Resolution(_Frozen):
    flag_id: str
    action: Action
    reason: str | None = Field(default=None, max_length=500)
    text: str | None = Field(default=None, max_length=4000, repr=False)
    by: str
    at: datetime

    @model_validator(mode="after")
    def _complete(self) -> Resolution:
        if self.action == "dismiss" and not (self.reason or "").strip():
            raise ValueError("reason: a dismissal needs a reason")
        if self.action == "edit" and not (self.text or "").strip():
            raise ValueError("text: an edit needs the corrected text")
        return self


class StatementEdit(_Frozen):
    """The clinician's text for an AI statement ('' removes it from the signed note)."""

    statement_id: str
    text: str = Field(max_length=4000, repr=False)
    by: str
    at: datetime


class AddedStatement(_Frozen):
    """A statement the clinician wrote (from an edited omission or risk flag, or on their own)."""

    section_key: str
    text: str = Field(min_length=1, max_length=4000, repr=False)
    evidence: tuple[str, ...] = ()
    flag_id: str | None = None
    by: str
    at: datetime


class FieldEntry(_Frozen):
    """A clinician field: a value, or explicitly left blank with a reason."""

    key: str
    value: str | None = Field(default=None, max_length=2000, repr=False)
    blank_reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _one(self) -> FieldEntry:
        has_value = bool((self.value or "").strip())
        has_reason = bool((self.blank_reason or "").strip())
        if has_value == has_reason:
            raise ValueError("field: give a value or a reason for leaving it blank (not both)")
        return self


class NoteHeader(_Frozen):
    session_date: date
    duration_minutes: int = Field(ge=1, le=600, description="confirmed by the clinician")
    modality: Modality
    participants: tuple[str, ...] = Field(default=(), description="roles, e.g. client, partner")
    cpt_code: str | None = Field(default=None, description="None: no psychotherapy code")
    confirmed: bool = False

    @model_validator(mode="after")
    def _code(self) -> NoteHeader:
        if self.cpt_code is not None and self.cpt_code not in CPT_CODES:
            raise ValueError(f"cpt_code: expected one of {', '.join(CPT_CODES)}")
        return self

    def expected_code(self) -> str | None:
        return cpt_for_minutes(self.duration_minutes)


class ReviewState(_Frozen):
    schema_: Literal["clearnote.review/1"] = Field(default=REVIEW_SCHEMA, alias="schema")
    session_id: str
    draft_artefact_id: str
    resolutions: tuple[Resolution, ...] = ()
    edits: tuple[StatementEdit, ...] = ()
    added: tuple[AddedStatement, ...] = ()
    fields: tuple[FieldEntry, ...] = ()
    header: NoteHeader | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def resolution(self, flag_id: str) -> Resolution | None:
        return next((r for r in self.resolutions if r.flag_id == flag_id), None)

    def edit_of(self, statement_id: str) -> StatementEdit | None:
        return next((e for e in self.edits if e.statement_id == statement_id), None)

    def field(self, key: str) -> FieldEntry | None:
        return next((f for f in self.fields if f.key == key), None)

    def with_resolution(self, r: Resolution, added: AddedStatement | None = None) -> ReviewState:
        rest = tuple(x for x in self.resolutions if x.flag_id != r.flag_id)
        extra = tuple(a for a in self.added if a.flag_id != r.flag_id)
        if added is not None:
            extra = (*extra, added)
        return self.model_copy(update={"resolutions": (*rest, r), "added": extra})

    def with_edit(self, e: StatementEdit) -> ReviewState:
        rest = tuple(x for x in self.edits if x.statement_id != e.statement_id)
        return self.model_copy(update={"edits": (*rest, e)})

    def with_added(self, a: AddedStatement) -> ReviewState:
        return self.model_copy(update={"added": (*self.added, a)})

    def with_field(self, f: FieldEntry) -> ReviewState:
        rest = tuple(x for x in self.fields if x.key != f.key)
        return self.model_copy(update={"fields": (*rest, f)})

    def with_header(self, h: NoteHeader) -> ReviewState:
        return self.model_copy(update={"header": h})

    def to_document(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def __repr__(self) -> str:
        return (
            f"ReviewState(session_id={self.session_id!r}, resolutions={len(self.resolutions)}, "
            f"edits={len(self.edits)}, fields={len(self.fields)})"
        )


# Screening levels that call for the clinician's own documentation before signing (R44, R47):
# high-risk suicide or violence content (C-SSRS triage: intent, plan, behaviour) needs a risk
# disposition; possible abuse indicators need the mandated-report decision. Past history alone
# does not.
DISPOSITION_LEVELS: Mapping[str, frozenset[str]] = {
    "suicide": frozenset({"intent", "plan", "preparatory_behavior", "attempt"}),
    "self_harm": frozenset({"self_harm"}),
    "harm_to_others": frozenset({"threat", "intent_or_plan", "access_to_means"}),
}
REPORT_DOMAINS: frozenset[str] = frozenset({"child_abuse", "elder_dependent_abuse"})
RISK_DISPOSITION = ClinicianField(
    key="risk.disposition",
    reason="high-risk content was flagged: your risk formulation and disposition (level of care, "
    "safety plan reviewed with the client, means safety, follow-up); clinician judgement only",
)
REPORT_DECISION = ClinicianField(
    key="risk.mandated_report",
    reason="possible abuse indicators were flagged: your reporting decision (report made: to whom "
    "and when; or no report) and its rationale; state law decides what must be reported",
)
RISK_FIELDS: tuple[ClinicianField, ...] = (RISK_DISPOSITION, REPORT_DECISION)


def risk_fields(
    flags: Sequence[ReviewFlag], state: ReviewState | None
) -> tuple[ClinicianField, ...]:
    """The risk fields the screening flags call for: each flag counts unless the clinician
    dismissed it (a flag still open counts, so the field shows while the review goes on)."""

    def counts(f: ReviewFlag) -> bool:
        r = state.resolution(f.id) if state is not None else None
        return f.source == "screening" and (r is None or r.action != "dismiss")

    live = [f for f in flags if counts(f)]
    out: list[ClinicianField] = []
    if any(f.level in DISPOSITION_LEVELS.get(f.domain or "", ()) for f in live):
        out.append(RISK_DISPOSITION)
    if any(f.domain in REPORT_DOMAINS and f.level != "past_history" for f in live):
        out.append(REPORT_DECISION)
    return tuple(out)


def required_fields(
    note: Note, flags: Sequence[ReviewFlag], state: ReviewState | None
) -> tuple[ClinicianField, ...]:
    """The clinician fields of this review: the note's own, then the risk fields."""
    return (*note.clinician_fields, *risk_fields(flags, state))


def code_mismatch(header: NoteHeader) -> str | None:
    """Why the chosen CPT code does not fit the confirmed minutes (None: it does)."""
    expected = header.expected_code()
    if header.cpt_code is None or header.cpt_code == expected:
        return None
    if expected is None:
        return (
            f"CPT code {header.cpt_code} needs at least 16 minutes of psychotherapy "
            f"({header.duration_minutes} confirmed)"
        )
    return (
        f"CPT code {header.cpt_code} does not match {header.duration_minutes} minutes "
        f"(expected {expected})"
    )


def sign_blockers(state: ReviewState, flags: Sequence[ReviewFlag], note: Note) -> tuple[str, ...]:
    """Why the note cannot be signed yet (empty: it can). Names counts and keys only."""
    out: list[str] = []
    open_flags = [f.id for f in flags if state.resolution(f.id) is None]
    if open_flags:
        out.append(f"{len(open_flags)} flag(s) not resolved")
    missing = [c.key for c in note.clinician_fields if state.field(c.key) is None]
    if missing:
        out.append(f"clinician fields not completed or left blank with a reason: {len(missing)}")
    for c in risk_fields(flags, state):
        entry = state.field(c.key)
        if entry is None or not (entry.value or "").strip():
            out.append(f"{c.key} not documented (a blank is not enough)")
    if state.header is None or not state.header.confirmed:
        out.append("note header (date, duration, modality, CPT code) not confirmed")
    elif (mismatch := code_mismatch(state.header)) is not None:
        out.append(mismatch)
    return tuple(out)


def _statement_text(st: Statement, state: ReviewState, flags: Sequence[ReviewFlag]) -> Statement:
    edit = state.edit_of(st.id)
    if edit is not None:
        return st.model_copy(update={"text": edit.text.strip(), "origin": "clinician"})
    for f in flags:
        r = state.resolution(f.id)
        if f.statement_id == st.id and r is not None and r.action == "edit" and r.text:
            return st.model_copy(update={"text": r.text.strip(), "origin": "clinician"})
    return st


def final_note(note: Note, state: ReviewState, flags: Sequence[ReviewFlag]) -> Note:
    """The note as the clinician leaves it: edits applied (origin ``clinician``), removed
    statements dropped, added statements appended to their section; status ``signed``."""
    used = [int(st.id.split("-")[1]) for st in note.statements()]
    next_id = max(used, default=0) + 1
    sections: list[Section] = []
    keys = [s.key for s in note.sections]
    for sec in note.sections:
        kept = [_statement_text(st, state, flags) for st in sec.statements]
        kept = [st for st in kept if st.text]
        for a in state.added:
            target = a.section_key if a.section_key in keys else keys[-1]
            if target == sec.key:
                kept.append(
                    Statement(
                        id=statement_id(next_id),
                        text=a.text.strip(),
                        evidence=a.evidence,
                        origin="clinician",
                    )
                )
                next_id += 1
        sections.append(sec.model_copy(update={"statements": tuple(kept)}))
    return note.model_copy(update={"sections": tuple(sections), "status": "signed"})


DiffOp = Literal["equal", "delete", "insert"]


class DiffSpan(_Frozen):
    op: DiffOp
    text: str = Field(repr=False)


class StatementDiff(_Frozen):
    id: str
    status: Literal["unchanged", "edited", "removed", "added"]
    spans: tuple[DiffSpan, ...]


class DraftDiff(_Frozen):
    statements: tuple[StatementDiff, ...]
    ai_words: int
    signed_words: int
    edit_share: float = Field(
        ge=0, le=1, description="share of the signed note's words that the clinician wrote"
    )
    changed_statements: int

    def __repr__(self) -> str:
        return f"DraftDiff(statements={len(self.statements)}, edit_share={self.edit_share:.2f})"


def _word_spans(a: str, b: str) -> tuple[list[DiffSpan], int]:
    wa, wb = a.split(), b.split()
    spans: list[DiffSpan] = []
    inserted = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=wa, b=wb, autojunk=False).get_opcodes():
        if tag == "equal":
            spans.append(DiffSpan(op="equal", text=" ".join(wa[i1:i2])))
            continue
        if i2 > i1:
            spans.append(DiffSpan(op="delete", text=" ".join(wa[i1:i2])))
        if j2 > j1:
            spans.append(DiffSpan(op="insert", text=" ".join(wb[j1:j2])))
            inserted += j2 - j1
    return spans, inserted


def draft_diff(ai: Note, signed: Note) -> DraftDiff:
    """Per statement, the AI draft against the signed note, and the clinician's share of the
    signed words (words inserted by the clinician / words in the signed note)."""
    after = {st.id: st for st in signed.statements()}
    out: list[StatementDiff] = []
    clinician_words = 0
    for st in ai.statements():
        new = after.pop(st.id, None)
        if new is None:
            out.append(
                StatementDiff(
                    id=st.id, status="removed", spans=(DiffSpan(op="delete", text=st.text),)
                )
            )
            continue
        if new.text == st.text:
            out.append(
                StatementDiff(
                    id=st.id, status="unchanged", spans=(DiffSpan(op="equal", text=st.text),)
                )
            )
            continue
        spans, inserted = _word_spans(st.text, new.text)
        clinician_words += inserted
        out.append(StatementDiff(id=st.id, status="edited", spans=tuple(spans)))
    for st in after.values():
        clinician_words += len(st.text.split())
        out.append(
            StatementDiff(id=st.id, status="added", spans=(DiffSpan(op="insert", text=st.text),))
        )
    ai_words = sum(len(st.text.split()) for st in ai.statements())
    signed_words = sum(len(st.text.split()) for st in signed.statements())
    share = clinician_words / signed_words if signed_words else 0.0
    return DraftDiff(
        statements=tuple(out),
        ai_words=ai_words,
        signed_words=signed_words,
        edit_share=round(min(1.0, share), 4),
        changed_statements=sum(1 for d in out if d.status != "unchanged"),
    )
