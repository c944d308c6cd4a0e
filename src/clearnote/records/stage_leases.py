"""Stage markers with leases, kept in the session's ``stages`` map, so a pipeline stage runs once
even with several workers and a worker that dies mid-stage is taken over after its lease lapses.

A stage's marker is one of::

    queued (since 2026-05-01T10:00:00Z)
    running (attempt 1, worker host:123:ab12, heartbeat 2026-05-01T10:00:05Z)
    done | skipped: <reason> | refused: <reason> | failed: <reason>

``claim`` is the only way into ``running``: in one transaction (SQLite: BEGIN IMMEDIATE;
PostgreSQL: the session row locked) it returns ``done`` when the stage's artefact already exists
(writing ``done`` if a worker died between storing and marking), ``busy`` while another worker's
heartbeat is fresh, and otherwise takes the stage with the next attempt number. Heartbeats are not
audited (they carry no access); claims, take-overs and outcomes are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from clearnote.errors import BadInputError
from clearnote.records import audit_log
from clearnote.records.access import UnknownObjectError
from clearnote.records.context import Actor, PracticeContext
from clearnote.security.roles import Role
from clearnote.store.models import AiRun, ArtefactRow, Client, SessionRow, User

_RUNNING = re.compile(
    r"^running \(attempt (?P<attempt>\d+), worker (?P<worker>[^,]+), heartbeat (?P<beat>[^)]+)\)$"
)
_QUEUED = re.compile(r"^queued \(since (?P<since>[^)]+)\)$")
OPTIONS_KEY = "pipeline"  # stages[OPTIONS_KEY]: the options every later stage runs with
FINAL_PREFIXES = ("done", "skipped", "refused", "failed")

ClaimState = Literal["claimed", "done", "busy", "gave_up", "deleted"]


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="seconds").replace("+00:00", "Z")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def running_marker(attempt: int, worker: str, beat: datetime) -> str:
    return f"running (attempt {attempt}, worker {worker}, heartbeat {_iso(beat)})"


def queued_marker(since: datetime) -> str:
    return f"queued (since {_iso(since)})"


@dataclass(frozen=True)
class Running:
    attempt: int
    worker: str
    heartbeat: datetime


def parse_running(marker: str | None) -> Running | None:
    m = _RUNNING.match(marker or "")
    if m is None:
        return None
    return Running(int(m["attempt"]), m["worker"], _parse(m["beat"]))


def queued_since(marker: str | None) -> datetime | None:
    m = _QUEUED.match(marker or "")
    return _parse(m["since"]) if m else None


def is_final(marker: str | None) -> bool:
    return marker is not None and marker.startswith(FINAL_PREFIXES)


@dataclass(frozen=True)
class SessionFacts:
    """Ids and options only (no client words): what a stage needs to find its inputs."""

    session_id: str
    client_id: str
    created_by: str
    status: str
    participants: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    stages: dict[str, str]


@dataclass(frozen=True)
class Claim:
    state: ClaimState
    attempt: int = 0


def _locked(db: Session, session_id: str) -> SessionRow:
    row = db.scalars(
        select(SessionRow).where(SessionRow.id == session_id).with_for_update()
    ).one_or_none()
    if row is None:
        raise UnknownObjectError(f"SESSION: no session with id {session_id}")
    return row


def _stages(row: SessionRow) -> dict[str, str]:
    raw = json.loads(row.stages or "{}")
    return {str(k): str(v) for k, v in raw.items()}


def _write(row: SessionRow, stages: dict[str, str], now: datetime) -> None:
    row.stages = json.dumps(stages, sort_keys=True)
    row.updated_at = now


def _audit_stage(
    ctx: PracticeContext, db: Session, actor: Actor, row: SessionRow, stage: str, status: str
) -> None:
    audit_log.append(
        ctx,
        db,
        actor=actor,
        action="session.stage",
        object_type="session",
        object_id=row.id,
        client_id=row.client_id,
        meta={"stage": stage, "status": status},
    )


def session_facts(ctx: PracticeContext, session_id: str) -> SessionFacts:
    """The session's ids, participants, jurisdictions and stage map (not audited: no content)."""
    with ctx.tx() as db:
        row = db.get(SessionRow, session_id)
        if row is None:
            raise UnknownObjectError(f"SESSION: no session with id {session_id}")
        client = db.get(Client, row.client_id)
        jurisdictions = client.jurisdictions if client is not None else ""
        return SessionFacts(
            session_id=row.id,
            client_id=row.client_id,
            created_by=row.created_by,
            status=row.status,
            participants=tuple(json.loads(row.participant_ids or "[]")),
            jurisdictions=tuple(j for j in jurisdictions.split(",") if j),
            stages=_stages(row),
        )


def artefact_ids(ctx: PracticeContext, session_id: str) -> dict[str, list[str]]:
    """kind -> ids of the session's live (not erased) artefacts, oldest first."""
    with ctx.tx() as db:
        rows = db.scalars(
            select(ArtefactRow)
            .where(ArtefactRow.session_id == session_id, ArtefactRow.erased_at.is_(None))
            .order_by(ArtefactRow.created_at)
        ).all()
        out: dict[str, list[str]] = {}
        for r in rows:
            out.setdefault(r.kind, []).append(r.id)
        return out


def ai_run_count(ctx: PracticeContext, session_id: str, stage: str) -> int:
    with ctx.tx() as db:
        return len(
            db.scalars(
                select(AiRun.id).where(AiRun.session_id == session_id, AiRun.stage == stage)
            ).all()
        )


def job_actor(ctx: PracticeContext, user_id: str, *, via: str) -> Actor:
    """The user a job acts for (roles read now: a disabled user's queued jobs stop)."""
    with ctx.tx() as db:
        user = db.get(User, user_id)
        if user is None or user.disabled:
            raise BadInputError(f"job actor {user_id}: no such active user")
        roles = frozenset(Role(r) for r in user.roles.split(",") if r)
        return Actor(user.id, roles, via)


def set_options(ctx: PracticeContext, session_id: str, options: str) -> None:
    """Keep the pipeline options (format, framework, speakers: no content) beside the stages."""
    with ctx.tx() as db:
        row = _locked(db, session_id)
        stages = _stages(row)
        stages[OPTIONS_KEY] = options
        _write(row, stages, ctx.now())


def mark_queued(
    ctx: PracticeContext,
    session_id: str,
    stage: str,
    *,
    actor: Actor,
    lease_s: float,
    requeue_after_s: float | None = None,
) -> bool:
    """Mark ``stage`` queued unless it is final, live, or queued recently; True when the caller
    should submit a job for it."""
    now = ctx.now()
    with ctx.tx() as db:
        row = _locked(db, session_id)
        if row.status == "deleted":
            return False
        stages = _stages(row)
        cur = stages.get(stage)
        if is_final(cur):
            return False
        running = parse_running(cur)
        if running is not None and now - running.heartbeat < timedelta(seconds=lease_s):
            return False
        since = queued_since(cur)
        if (
            since is not None
            and requeue_after_s is not None
            and now - since < timedelta(seconds=requeue_after_s)
        ):
            return False
        stages[stage] = queued_marker(now)
        _write(row, stages, now)
        _audit_stage(ctx, db, actor, row, stage, "queued")
        return True


def claim(
    ctx: PracticeContext,
    session_id: str,
    stage: str,
    *,
    kind: str,
    actor: Actor,
    worker: str,
    lease_s: float,
    max_attempts: int,
) -> Claim:
    """Take ``stage`` for ``worker`` (see the module docstring)."""
    now = ctx.now()
    with ctx.tx() as db:
        row = _locked(db, session_id)
        if row.status == "deleted":
            return Claim("deleted")
        stages = _stages(row)
        cur = stages.get(stage)
        if is_final(cur):
            return Claim("done")
        exists = db.scalars(
            select(ArtefactRow.id).where(
                ArtefactRow.session_id == session_id, ArtefactRow.kind == kind
            )
        ).first()
        if exists is not None:  # stored, then the worker died before marking: finish the mark
            stages[stage] = "done"
            _write(row, stages, now)
            _audit_stage(ctx, db, actor, row, stage, "done")
            return Claim("done")
        running = parse_running(cur)
        attempt = 1
        if running is not None:
            if running.worker != worker and now - running.heartbeat < timedelta(seconds=lease_s):
                return Claim("busy", running.attempt)
            attempt = running.attempt + 1
        if attempt > max_attempts:
            status = f"failed: gave up after {max_attempts} attempts"
            stages[stage] = status
            _write(row, stages, now)
            _audit_stage(ctx, db, actor, row, stage, status)
            return Claim("gave_up", attempt - 1)
        stages[stage] = running_marker(attempt, worker, now)
        _write(row, stages, now)
        _audit_stage(ctx, db, actor, row, stage, f"running (attempt {attempt})")
        return Claim("claimed", attempt)


def heartbeat(
    ctx: PracticeContext, session_id: str, stage: str, *, worker: str, attempt: int
) -> bool:
    """Renew the lease; False when the stage is no longer this worker's attempt (taken over)."""
    now = ctx.now()
    with ctx.tx() as db:
        row = _locked(db, session_id)
        stages = _stages(row)
        running = parse_running(stages.get(stage))
        if running is None or running.worker != worker or running.attempt != attempt:
            return False
        stages[stage] = running_marker(attempt, worker, now)
        _write(row, stages, now)
        return True


def holds(ctx: PracticeContext, session_id: str, stage: str, *, worker: str, attempt: int) -> bool:
    with ctx.tx() as db:
        row = db.get(SessionRow, session_id)
        if row is None:
            return False
        running = parse_running(_stages(row).get(stage))
        return running is not None and running.worker == worker and running.attempt == attempt


def finish(
    ctx: PracticeContext,
    session_id: str,
    stage: str,
    status: str,
    *,
    actor: Actor,
    worker: str | None = None,
) -> None:
    """Write a final status (audited). With ``worker``, only while that worker holds the stage
    or the stage is already done (a store marks it done in its own transaction)."""
    now = ctx.now()
    with ctx.tx() as db:
        row = _locked(db, session_id)
        stages = _stages(row)
        cur = stages.get(stage)
        if worker is not None and cur != "done":
            running = parse_running(cur)
            if running is None or running.worker != worker:
                return
        stages[stage] = status
        _write(row, stages, now)
        _audit_stage(ctx, db, actor, row, stage, status)


@dataclass(frozen=True)
class Stalled:
    session_id: str
    stage: str
    actor_id: str
    options: str


def stalled(
    ctx: PracticeContext, *, stages: tuple[str, ...], lease_s: float, queued_s: float
) -> list[Stalled]:
    """Stages running with a lapsed lease, or queued for longer than ``queued_s``."""
    now = ctx.now()
    out: list[Stalled] = []
    with ctx.tx() as db:
        rows = db.scalars(
            select(SessionRow).where(
                SessionRow.status != "deleted",
                or_(
                    SessionRow.stages.contains("running ("), SessionRow.stages.contains("queued (")
                ),
            )
        ).all()
        for row in rows:
            marks = _stages(row)
            for stage in stages:
                cur = marks.get(stage)
                running = parse_running(cur)
                since = queued_since(cur)
                if (
                    running is not None and now - running.heartbeat >= timedelta(seconds=lease_s)
                ) or (since is not None and now - since >= timedelta(seconds=queued_s)):
                    out.append(Stalled(row.id, stage, row.created_by, marks.get(OPTIONS_KEY, "")))
    return out
