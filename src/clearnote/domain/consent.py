"""Consent per purpose and per participant: purposes, events, the ledger, enforcement. Pure.

A client (and, in couples and family work, each participant) agrees or declines purpose by
purpose (DESIGN.md; requirements R23, R24, R30, R34). Every grant names the exact form text shown
(id, version, sha256), who signed, how and when; a revocation stops future processing at once.

The ledger is an append-only list of :class:`ConsentEvent`. Its state for a (participant,
purpose) is the last event for that pair at or before a time (events ordered by ``at``, ties in
the order given). A purpose is *allowed* when it and every prerequisite are granted, so revoking
``transcribe`` also stops ``draft_note``. New grants go through :meth:`ConsentLedger.append`,
which refuses a grant whose prerequisites are not in force.

Participant ids: ``None`` is the client; other participants (a partner, a family member) have
their own ids. Names never appear in messages or reprs; ids do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from clearnote.domain.retention import ArtefactKind
from clearnote.errors import BadInputError, PolicyError


class Purpose(StrEnum):
    RECORD = "record"
    TRANSCRIBE = "transcribe"
    DRAFT_NOTE = "draft_note"
    RISK_SCREENING = "risk_screening"
    DIAGNOSTIC_SUGGESTIONS = "diagnostic_suggestions"
    CONCEPTUALIZATION = "conceptualization"
    REMOTE_PROCESSING = "remote_processing"
    RETAIN_AUDIO = "retain_audio"


ParticipantId = str | None
"""``None`` is the client; any other value is a further participant's id."""

CLIENT: ParticipantId = None

Action = Literal["grant", "revoke"]
Method = Literal["electronic_signature", "written", "verbal_recorded"]
SignerRole = Literal["self", "guardian", "representative"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PurposeSpec(_Frozen):
    """What a purpose gates, what it needs first, and what it leaves stored."""

    purpose: Purpose
    stages: tuple[str, ...] = Field(description="pipeline stages that need this purpose")
    requires: tuple[Purpose, ...] = Field(default=(), description="direct prerequisites")
    produces: tuple[ArtefactKind, ...] = Field(
        default=(), description="stored artefacts this purpose's stages make"
    )
    summary: str


PURPOSES: Mapping[Purpose, PurposeSpec] = {
    spec.purpose: spec
    for spec in (
        PurposeSpec(
            purpose=Purpose.RECORD,
            stages=("ingest",),
            produces=("audio",),
            summary="record the session's audio",
        ),
        PurposeSpec(
            purpose=Purpose.TRANSCRIBE,
            stages=("transcribe", "diarize"),
            requires=(Purpose.RECORD,),
            produces=("transcript",),
            summary="turn the recording into a written transcript",
        ),
        PurposeSpec(
            purpose=Purpose.DRAFT_NOTE,
            stages=("draft", "verify"),
            requires=(Purpose.TRANSCRIBE,),
            produces=("draft",),
            summary="draft a progress note for the clinician to check and sign",
        ),
        PurposeSpec(
            purpose=Purpose.RISK_SCREENING,
            stages=("screen", "assess.safety_plan"),
            requires=(Purpose.TRANSCRIBE,),
            produces=("screening",),
            summary="flag possible safety concerns for the clinician",
        ),
        PurposeSpec(
            purpose=Purpose.DIAGNOSTIC_SUGGESTIONS,
            stages=("assess.diagnostic", "assess.needs"),
            requires=(Purpose.TRANSCRIBE,),
            produces=("assessment",),
            summary="suggest diagnoses and service needs for the clinician to consider",
        ),
        PurposeSpec(
            purpose=Purpose.CONCEPTUALIZATION,
            stages=("assess.conceptualization", "assess.strengths"),
            requires=(Purpose.TRANSCRIBE,),
            produces=("assessment",),
            summary="summarize strengths and a theory-based case picture for the clinician",
        ),
        PurposeSpec(
            purpose=Purpose.REMOTE_PROCESSING,
            stages=("remote",),
            produces=(),
            summary="process on a contracted server outside the practice (under a BAA)",
        ),
        PurposeSpec(
            purpose=Purpose.RETAIN_AUDIO,
            stages=("retain_audio",),
            requires=(Purpose.RECORD,),
            produces=("audio",),
            summary="keep the recording after the note is signed",
        ),
    )
}


def prerequisites(purpose: Purpose) -> tuple[Purpose, ...]:
    """Every purpose ``purpose`` needs, transitively, nearest first (``draft_note`` →
    ``transcribe``, ``record``)."""
    out: list[Purpose] = []
    todo = list(PURPOSES[purpose].requires)
    while todo:
        p = todo.pop(0)
        if p not in out:
            out.append(p)
            todo.extend(PURPOSES[p].requires)
    return tuple(out)


def dependents(purpose: Purpose) -> tuple[Purpose, ...]:
    """Every purpose that needs ``purpose``, transitively (revoking it stops them too)."""
    return tuple(p for p in Purpose if purpose in prerequisites(p))


def purposes_for_stage(stage: str, *, remote: bool = False) -> tuple[Purpose, ...]:
    """The purposes a stage needs before it runs (with prerequisites); ``remote=True`` when the
    stage would run on a remote endpoint adds ``remote_processing``. An unknown stage raises
    ``ValueError`` (never an empty, permissive answer)."""
    direct = [spec.purpose for spec in PURPOSES.values() if stage in spec.stages]
    if not direct:
        known = sorted({s for spec in PURPOSES.values() for s in spec.stages})
        raise ValueError(f"unknown stage {stage!r}; expected one of: {', '.join(known)}")
    needed: list[Purpose] = []
    for p in direct:
        for q in (*reversed(prerequisites(p)), p):
            if q not in needed:
                needed.append(q)
    if remote and Purpose.REMOTE_PROCESSING not in needed:
        needed.append(Purpose.REMOTE_PROCESSING)
    return tuple(needed)


class ConsentEvent(_Frozen):
    """One grant or revocation, exactly as given. ``signed_by`` is PHI: the store encrypts it and
    it is kept out of reprs."""

    client_id: str = Field(min_length=1)
    participant_id: ParticipantId = Field(default=None, description="None: the client")
    purpose: Purpose
    action: Action
    form_id: str | None = Field(default=None, description="the form shown (required to grant)")
    form_version: int | None = Field(default=None, ge=1)
    form_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    signed_by: str | None = Field(default=None, repr=False, description="signer's name (PHI)")
    signer_role: SignerRole = "self"
    method: Method
    at: AwareDatetime
    recorded_by: str = Field(min_length=1, description="user id who recorded the event")

    @model_validator(mode="after")
    def _grant_names_form_and_signer(self) -> ConsentEvent:
        if self.action == "grant":
            missing = [
                name
                for name in ("form_id", "form_version", "form_sha256", "signed_by")
                if getattr(self, name) in (None, "")
            ]
            if missing:
                raise ValueError(f"a grant needs {', '.join(missing)}")
        if self.participant_id == "":
            raise ValueError("participant_id: use None for the client, not an empty string")
        return self


def participant_label(participant: ParticipantId) -> str:
    """How messages name a participant: ``client`` or ``participant <id>`` (never a name)."""
    return "client" if participant is None else f"participant {participant}"


class PurposeState(_Frozen):
    """A (participant, purpose) pair's consent at a time: the last event for it."""

    participant_id: ParticipantId
    purpose: Purpose
    granted: bool
    since: AwareDatetime = Field(description="when the last event took effect")
    form_id: str | None
    form_version: int | None
    form_sha256: str | None
    method: Method


MissingReason = Literal["never_granted", "revoked", "prerequisite"]


class Missing(_Frozen):
    """Why a participant's purpose is not allowed."""

    participant_id: ParticipantId
    purpose: Purpose
    reason: MissingReason
    revoked_at: AwareDatetime | None = None
    prerequisite: Purpose | None = Field(
        default=None, description="for reason=prerequisite: the prerequisite not in force"
    )

    def describe(self) -> str:
        who = participant_label(self.participant_id)
        if self.reason == "revoked" and self.revoked_at is not None:
            why = f"revoked at {self.revoked_at.isoformat()}"
        elif self.reason == "prerequisite" and self.prerequisite is not None:
            why = f"needs {self.prerequisite.value}, which is not granted"
        else:
            why = "never granted"
        return f"{self.purpose.value} for {who}: {why}"


StateMap = Mapping[tuple[ParticipantId, Purpose], PurposeState]


def _as_purposes(purposes: Purpose | str | Iterable[Purpose | str]) -> tuple[Purpose, ...]:
    if isinstance(purposes, str):
        return (Purpose(purposes),)
    return tuple(Purpose(p) for p in purposes)


class ConsentLedger:
    """One client's consent history and what it allows. Immutable: :meth:`append` returns a new
    ledger."""

    __slots__ = ("_client_id", "_events")

    def __init__(self, client_id: str, events: Iterable[ConsentEvent] = ()) -> None:
        evs = tuple(events)
        for ev in evs:
            if ev.client_id != client_id:
                raise BadInputError(f"consent ledger for client {client_id}: event for another")
        self._client_id = client_id
        # stable: events at the same time keep their given order
        self._events = tuple(sorted(evs, key=lambda e: e.at))

    @property
    def client_id(self) -> str:
        return self._client_id

    @property
    def events(self) -> tuple[ConsentEvent, ...]:
        return self._events

    def __repr__(self) -> str:
        return f"ConsentLedger(client_id={self._client_id!r}, events={len(self._events)})"

    def state(
        self, at: datetime | None = None
    ) -> dict[tuple[ParticipantId, Purpose], PurposeState]:
        """Per (participant, purpose): the last event at or before ``at`` (default: all)."""
        out: dict[tuple[ParticipantId, Purpose], PurposeState] = {}
        for ev in self._events:
            if at is not None and ev.at > at:
                break
            out[(ev.participant_id, ev.purpose)] = PurposeState(
                participant_id=ev.participant_id,
                purpose=ev.purpose,
                granted=ev.action == "grant",
                since=ev.at,
                form_id=ev.form_id,
                form_version=ev.form_version,
                form_sha256=ev.form_sha256,
                method=ev.method,
            )
        return out

    def participants(self) -> tuple[ParticipantId, ...]:
        """Everyone who appears in the ledger, the client first."""
        seen: list[ParticipantId] = [CLIENT]
        for ev in self._events:
            if ev.participant_id not in seen:
                seen.append(ev.participant_id)
        return tuple(seen)

    def missing(
        self,
        purposes: Purpose | str | Iterable[Purpose | str],
        participants: Sequence[ParticipantId] = (CLIENT,),
        at: datetime | None = None,
    ) -> tuple[Missing, ...]:
        """What stops ``purposes`` for ``participants`` at ``at``; empty when all are allowed.
        A purpose whose own grant is in force but a prerequisite is not is reported with
        ``reason="prerequisite"``."""
        state = self.state(at)
        out: list[Missing] = []
        for participant in participants:
            for purpose in _as_purposes(purposes):
                own = _own_missing(state, participant, purpose)
                if own is not None:
                    out.append(own)
                    continue
                for pre in prerequisites(purpose):
                    if _own_missing(state, participant, pre) is not None:
                        out.append(
                            Missing(
                                participant_id=participant,
                                purpose=purpose,
                                reason="prerequisite",
                                prerequisite=pre,
                            )
                        )
                        break
        return tuple(out)

    def allows(
        self,
        purposes: Purpose | str | Iterable[Purpose | str],
        participants: Sequence[ParticipantId] = (CLIENT,),
        at: datetime | None = None,
    ) -> bool:
        """True when every participant has every purpose (and its prerequisites) in force."""
        return not self.missing(purposes, participants, at)

    def check(self, event: ConsentEvent) -> str | None:
        """Why ``event`` would be refused, or None. A grant needs its prerequisites in force
        for the same participant at the event's time."""
        if event.client_id != self._client_id:
            return f"event is for another client than {self._client_id}"
        if event.action == "grant":
            state = self.state(event.at)
            lacking = [
                pre.value
                for pre in prerequisites(event.purpose)
                if _own_missing(state, event.participant_id, pre) is not None
            ]
            if lacking:
                return (
                    f"cannot grant {event.purpose.value} for "
                    f"{participant_label(event.participant_id)} before "
                    f"{', '.join(lacking)} is granted"
                )
        return None

    def append(self, event: ConsentEvent) -> ConsentLedger:
        """A new ledger with ``event`` added; a refused grant raises :class:`PolicyError`."""
        reason = self.check(event)
        if reason is not None:
            raise PolicyError(f"consent refused: {reason}")
        return ConsentLedger(self._client_id, (*self._events, event))


def _own_missing(state: StateMap, participant: ParticipantId, purpose: Purpose) -> Missing | None:
    entry = state.get((participant, purpose))
    if entry is None:
        return Missing(participant_id=participant, purpose=purpose, reason="never_granted")
    if not entry.granted:
        return Missing(
            participant_id=participant, purpose=purpose, reason="revoked", revoked_at=entry.since
        )
    return None


def require(
    ledger: ConsentLedger,
    purposes: Purpose | str | Iterable[Purpose | str],
    participants: Sequence[ParticipantId] = (CLIENT,),
    at: datetime | None = None,
) -> None:
    """Raise :class:`PolicyError` naming the missing purpose(s) (and participant ids, never
    names) unless every purpose is allowed for every participant."""
    missing = ledger.missing(purposes, participants, at)
    if not missing:
        return
    names = sorted({m.purpose.value for m in missing})
    details = "; ".join(m.describe() for m in missing)
    raise PolicyError(f"consent missing for {', '.join(names)} ({details})")


class RevocationEffects(_Frozen):
    """What revoking a purpose stops, and what its earlier consent left stored."""

    purpose: Purpose
    stops: tuple[Purpose, ...] = Field(description="the purpose and every purpose needing it")
    stages: tuple[str, ...] = Field(description="pipeline stages that will refuse from now on")
    erasable: tuple[ArtefactKind, ...] = Field(
        description="stored artefact kinds to offer for deletion"
    )
    kept: tuple[ArtefactKind, ...] = Field(
        description="kinds that stay: part of the signed clinical record, kept by law"
    )
    note: str


#: withdrawing these takes nothing stored back: retain_audio only ends the audio's extra time
#: (its schedule says when), remote_processing stores nothing of its own
_KEEPS_WHAT_WAS_STORED = frozenset({Purpose.RETAIN_AUDIO, Purpose.REMOTE_PROCESSING})


def withdrawn_kinds(
    ledger: ConsentLedger, participants: Sequence[ParticipantId], at: datetime
) -> dict[ArtefactKind, datetime]:
    """The artefact kinds whose consent the client or one of ``participants`` has withdrawn
    (and not granted again by ``at``), each with its earliest withdrawal: what the retention
    schedule erases at once for a session whose note is not signed yet (R64)."""
    people = {CLIENT, *participants}
    out: dict[ArtefactKind, datetime] = {}
    for (pid, purpose), st in ledger.state(at).items():
        if st.granted or pid not in people or purpose in _KEEPS_WHAT_WAS_STORED:
            continue
        for kind in revocation_effects(purpose).erasable:
            if kind not in out or st.since < out[kind]:
                out[kind] = st.since
    return out


def revocation_effects(purpose: Purpose | str) -> RevocationEffects:
    """Which processing stops and which stored artefacts the earlier consent produced (so the UI
    or CLI can offer deletion). Signed notes are never offered: they are the clinical record."""
    p = Purpose(purpose)
    stops = (p, *dependents(p))
    stages: list[str] = []
    erasable: list[ArtefactKind] = []
    for q in stops:
        for stage in PURPOSES[q].stages:
            if stage not in stages:
                stages.append(stage)
        for kind in PURPOSES[q].produces:
            if kind not in erasable:
                erasable.append(kind)
    if p is Purpose.RETAIN_AUDIO:
        note = "recordings kept beyond the signed note become due for erasure now"
    elif p is Purpose.REMOTE_PROCESSING:
        note = "no further processing off this machine; nothing extra is stored locally"
    else:
        note = (
            "future processing stops; what it produced for notes not yet signed is deleted now, "
            "the rest can be deleted on request"
        )
    return RevocationEffects(
        purpose=p,
        stops=stops,
        stages=tuple(stages),
        erasable=tuple(erasable),
        kept=("signed_note",),
        note=note,
    )
