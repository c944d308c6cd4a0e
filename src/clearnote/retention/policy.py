"""The retention schedule: when each artefact is due for erasure, and why. Pure.

``due_at(artefact, facts)`` gives the time, or None while a legal hold stands. Rules per kind are
:class:`~clearnote.domain.retention.RetentionPolicy`; the clinical-record period comes from the
strictest :class:`~clearnote.domain.retention.StateRecordRule` involved, never shorter than the
floor. The functions take a :class:`RetentionSchedule`; without one they use the shipped defaults
(the state table is read once through :mod:`clearnote.retention.loader`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict

from clearnote.consent.recording import normalize_jurisdiction
from clearnote.domain.retention import (
    ARTEFACT_KINDS,
    Artefact,
    ArtefactKind,
    RetentionDecision,
    RetentionFacts,
    RetentionPolicy,
    StateRecordRule,
)

DAY = timedelta(days=1)

DEFAULT_POLICIES: Mapping[ArtefactKind, RetentionPolicy] = {
    p.kind: p
    for p in (
        RetentionPolicy(
            kind="audio", after_signing=timedelta(0), max_age=7 * DAY, retained_with="retain_audio"
        ),
        RetentionPolicy(kind="transcript", after_signing=30 * DAY, max_age=90 * DAY),
        RetentionPolicy(kind="draft", after_signing=30 * DAY, max_age=90 * DAY),
        RetentionPolicy(kind="assessment", after_signing=30 * DAY, max_age=90 * DAY),
        RetentionPolicy(kind="screening", after_signing=30 * DAY, max_age=90 * DAY),
        RetentionPolicy(kind="export", max_age=30 * DAY),
        RetentionPolicy(kind="signed_note", record_rule=True),
        RetentionPolicy(kind="psychotherapy_note", record_rule=True),
    )
}

APA_FLOOR = StateRecordRule(
    jurisdiction="APA",
    adult_years=7,
    minor_years_after_majority=3,
    source="APA Record Keeping Guidelines (2007)",
)


class RetentionSchedule(BaseModel):
    """Policies per kind, the state record-retention table and the floor."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    policies: Mapping[ArtefactKind, RetentionPolicy] = DEFAULT_POLICIES
    record_rules: Mapping[str, StateRecordRule] = {}
    floor: StateRecordRule = APA_FLOOR

    def policy(self, kind: ArtefactKind) -> RetentionPolicy:
        try:
            return self.policies[kind]
        except KeyError:
            raise ValueError(f"no retention policy for artefact kind {kind!r}") from None

    def with_policy(self, policy: RetentionPolicy) -> RetentionSchedule:
        return self.model_copy(update={"policies": {**self.policies, policy.kind: policy}})


def add_years(moment: datetime, years: int) -> datetime:
    """``moment`` plus whole calendar years; 29 February rolls on to 1 March (never earlier)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, month=3, day=1)


def _birth_moment(birth: date, like: datetime) -> datetime:
    return datetime.combine(birth, time(0), tzinfo=like.tzinfo)


def _rule_due(rule: StateRecordRule, last_service: datetime, birth: date | None) -> datetime:
    due = last_service if rule.adult_years is None else add_years(last_service, rule.adult_years)
    if birth is not None:
        born = _birth_moment(birth, last_service)
        majority = add_years(born, rule.age_of_majority)
        if rule.minor_years_after_majority:
            due = max(due, add_years(majority, rule.minor_years_after_majority))
        if rule.minor_until_age is not None:
            due = max(due, add_years(born, rule.minor_until_age))
    return due


def record_retention_due(
    last_service: datetime,
    jurisdictions: Iterable[str],
    birth_date: date | None,
    schedule: RetentionSchedule,
) -> tuple[datetime, str]:
    """When the clinical record may be erased: the latest date any involved jurisdiction's rule
    or the floor gives (the floor uses the highest age of majority involved). Returns the date and
    the rule that set it."""
    involved = [
        schedule.record_rules[code]
        for code in (normalize_jurisdiction(j) for j in jurisdictions)
        if code in schedule.record_rules
    ]
    majority = max([schedule.floor.age_of_majority, *(r.age_of_majority for r in involved)])
    floor = schedule.floor.model_copy(update={"age_of_majority": majority})
    best = (_rule_due(floor, last_service, birth_date), f"record:{floor.jurisdiction}")
    for rule in involved:
        due = _rule_due(rule, last_service, birth_date)
        if due > best[0]:
            best = (due, f"record:{rule.jurisdiction}")
    return best


def explain(
    artefact: Artefact, facts: RetentionFacts, schedule: RetentionSchedule | None = None
) -> tuple[datetime | None, str, str]:
    """``(due_at, rule, reason)`` for one artefact; ``due_at`` is None under a legal hold."""
    sched = default_schedule() if schedule is None else schedule
    policy = sched.policy(artefact.kind)
    if facts.legal_hold:
        return None, "legal_hold", "legal hold: erasure suspended"
    withdrawn = dict(facts.withdrawn).get(artefact.kind)
    if withdrawn is not None and facts.note_signed_at is None and not policy.record_rule:
        # R64: what the withdrawn consent produced goes at once, unless a signed note holds it
        return withdrawn, f"{artefact.kind}:consent_withdrawn", "consent withdrawn before signing"
    if policy.record_rule or (policy.retained_with == "retain_audio" and facts.retain_audio):
        last = facts.last_service_at or artefact.created_at
        due, rule = record_retention_due(last, facts.jurisdictions, facts.birth_date, sched)
        why = (
            "kept with retain_audio consent for the record period"
            if not policy.record_rule
            else ("clinical record: minimum retention after the last service")
        )
        return due, f"{artefact.kind}:{rule}", why
    candidates: list[tuple[datetime, str]] = []
    if policy.after_signing is not None and facts.note_signed_at is not None:
        candidates.append((facts.note_signed_at + policy.after_signing, "note signed"))
    if policy.max_age is not None:
        candidates.append((artefact.created_at + policy.max_age, "maximum age reached"))
    if not candidates:
        # only after_signing, note unsigned: waits for signing
        return None, policy.rule_id, "waiting for the note to be signed"
    due, why = min(candidates, key=lambda c: c[0])
    return due, policy.rule_id, why


def due_at(
    artefact: Artefact, facts: RetentionFacts, schedule: RetentionSchedule | None = None
) -> datetime | None:
    """When ``artefact`` is due for erasure; None while it is on legal hold (or waits for an
    event that has not happened)."""
    return explain(artefact, facts, schedule)[0]


def decide(
    artefact: Artefact,
    facts: RetentionFacts,
    now: datetime,
    schedule: RetentionSchedule | None = None,
) -> RetentionDecision:
    """The decision to log for one artefact at ``now``: erase, keep or hold, with the rule."""
    due, rule, reason = explain(artefact, facts, schedule)
    if facts.legal_hold:
        status = "hold"
    elif due is not None and due <= now:
        status = "erase"
    else:
        status = "keep"
    return RetentionDecision(
        artefact_kind=artefact.kind,
        artefact_id=artefact.id,
        status=status,
        due_at=due,
        rule=rule,
        reason=reason,
    )


def due_now(
    artefacts: Iterable[tuple[Artefact, RetentionFacts]],
    now: datetime,
    schedule: RetentionSchedule | None = None,
) -> tuple[RetentionDecision, ...]:
    """The artefacts to erase at ``now`` (status ``erase``), earliest due first."""
    sched = default_schedule() if schedule is None else schedule
    out = [decide(a, f, now, sched) for a, f in artefacts]
    erase = [d for d in out if d.status == "erase"]
    return tuple(sorted(erase, key=lambda d: (d.due_at, d.artefact_kind, d.artefact_id)))


def default_schedule() -> RetentionSchedule:
    """Default policies with the shipped state table (read once)."""
    from clearnote.retention.loader import shipped_schedule

    return shipped_schedule()


__all__ = [
    "APA_FLOOR",
    "ARTEFACT_KINDS",
    "DEFAULT_POLICIES",
    "RetentionSchedule",
    "add_years",
    "decide",
    "default_schedule",
    "due_at",
    "due_now",
    "explain",
    "record_retention_due",
]
