"""Practice maintenance an administrator runs (or a scheduler on their behalf): the retention
run and key-encryption-key rotation. Both are authorized and audited like everything else."""

from __future__ import annotations

from datetime import datetime

from clearnote.domain.retention import DeletionReceipt
from clearnote.records import audit_log
from clearnote.records.access import authorize
from clearnote.records.context import Actor, PracticeContext
from clearnote.records.keyring import RotationReport, rotate_kek
from clearnote.records.sessions import run_retention
from clearnote.security.roles import Permission


def retention_run(
    ctx: PracticeContext, actor: Actor, *, now: datetime | None = None
) -> list[DeletionReceipt]:
    """Erase every artefact whose retention is due; each erasure leaves its own receipt."""
    with ctx.tx() as db:
        authorize(
            ctx, db, actor, Permission.RUN_RETENTION, action="retention.run", object_type="practice"
        )
    receipts = run_retention(ctx, now=now)
    audit_log.append_alone(
        ctx,
        actor=actor,
        action="retention.run",
        object_type="practice",
        meta={"erased": len(receipts)},
    )
    return receipts


def rotate_keys(ctx: PracticeContext, actor: Actor) -> RotationReport:
    """Re-wrap every data key under a new key-encryption key, then retire the old one."""
    with ctx.tx() as db:
        authorize(
            ctx, db, actor, Permission.ROTATE_KEYS, action="keys.rotate", object_type="practice"
        )
    report = rotate_kek(ctx)
    audit_log.append_alone(
        ctx,
        actor=actor,
        action="keys.rotate",
        object_type="practice",
        meta={
            "new_kek": report.new_kek_id,
            "rewrapped": report.rewrapped,
            "retired": len(report.retired_kek_ids),
        },
    )
    return report
