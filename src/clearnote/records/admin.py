"""Administration without clinical content: users (list, add, MFA reset, disable and enable), the
recent audit with chain verification, and the retention and jurisdiction tables. Each call is
authorized here (manage_users, read_audit, manage_policy) and audited; break-glass is
``records.grants``."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearnote.assess.jurisdiction import known_jurisdictions, load_profile
from clearnote.errors import BadInputError
from clearnote.records import audit_log, keyring
from clearnote.records.access import UnknownObjectError, authorize
from clearnote.records.context import Actor, PracticeContext
from clearnote.records.users import create_user
from clearnote.retention.policy import default_schedule
from clearnote.security import mfa
from clearnote.security.roles import Permission, Role, mfa_required
from clearnote.store.models import AuditEntry, AuthSession, User

ADDABLE_ROLES = (Role.CLINICIAN, Role.SUPERVISOR, Role.ADMIN)
#: why an account is disabled: a fixed list, so the audit holds no free text
DISABLE_REASONS = ("left_practice", "leave_of_absence", "security_concern", "other")


def list_users(ctx: PracticeContext, actor: Actor) -> list[dict[str, Any]]:
    with ctx.tx() as db:
        authorize(ctx, db, actor, Permission.MANAGE_USERS, action="user.list")
        now = ctx.now()
        out = [
            {
                "id": u.id,
                "email": u.email,
                "roles": [r for r in u.roles.split(",") if r],
                "mfa": u.totp_secret_ct is not None,
                "disabled": u.disabled,
                "locked": u.locked_until is not None and now < u.locked_until,
                "last_login": u.last_login_at.isoformat() if u.last_login_at else None,
            }
            for u in db.scalars(select(User).order_by(User.created_at))
        ]
        audit_log.append(ctx, db, actor=actor, action="user.list", object_type="user")
    return out


def add_user(
    ctx: PracticeContext, actor: Actor, *, email: str, role: str, password: str
) -> tuple[str, str]:
    """A staff account (clinician, supervisor or admin); returns (user id, TOTP URI)."""
    try:
        chosen = Role(role)
    except ValueError:
        chosen = None
    if chosen not in ADDABLE_ROLES or chosen is None:
        names = ", ".join(r.value for r in ADDABLE_ROLES)
        raise BadInputError(f"role: expected one of: {names}")
    with ctx.tx() as db:
        user, uri = create_user(
            ctx, db, email=email, roles=frozenset({chosen}), password=password, actor=actor
        )
        return user.id, uri


def reset_mfa(ctx: PracticeContext, actor: Actor, user_id: str) -> str:
    """A new TOTP secret for another user (lost authenticator); their sign-ins are ended.
    Returns the new provisioning URI to hand over in person."""
    with ctx.tx() as db:
        authorize(
            ctx, db, actor, Permission.MANAGE_USERS, action="user.mfa_reset", object_type="user"
        )
        user = db.get(User, user_id[:64])
        if user is None:
            raise UnknownObjectError("USER: no such user")
        if user.id == actor.user_id:
            raise BadInputError("user: another administrator must reset your own MFA")
        roles = frozenset(Role(r) for r in user.roles.split(",") if r)
        if not mfa_required(roles):
            raise BadInputError("user: this account does not use MFA")
        key_id, _ = keyring.create_key(ctx, db, scope="user", owner_user_id=user.id)
        secret = mfa.new_secret()
        user.totp_key_id = key_id
        user.totp_secret_ct = keyring.seal_field(
            ctx, db, key_id, "users", user.id, "totp_secret", secret
        )
        user.totp_last_step = None
        ended = _end_sign_ins(db, user.id, ctx.now())
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="user.mfa_reset",
            object_type="user",
            object_id=user.id,
            meta={"sessions_ended": ended, "severity": "high"},
        )
        return mfa.provisioning_uri(secret, user.email)


def recent_audit(ctx: PracticeContext, actor: Actor, *, limit: int = 200) -> list[dict[str, Any]]:
    """The latest entries, newest first (ids, actions, outcomes; no client words)."""
    limit = max(1, min(limit, 1000))
    with ctx.tx() as db:
        authorize(ctx, db, actor, Permission.READ_AUDIT, action="audit.read", object_type="audit")
        rows = db.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)).all()
        out = [
            {
                "seq": r.seq,
                "ts": r.ts,
                "actor": r.actor,
                "via": r.via,
                "action": r.action,
                "object_type": r.object_type,
                "object_id": r.object_id,
                "client_id": r.client_id,
                "outcome": r.outcome,
                "meta": json.loads(r.meta),
            }
            for r in rows
        ]
        audit_log.append(
            ctx, db, actor=actor, action="audit.read", object_type="audit", meta={"n": len(out)}
        )
    return out


def verify_audit(ctx: PracticeContext, actor: Actor) -> dict[str, Any]:
    with ctx.tx() as db:
        authorize(ctx, db, actor, Permission.READ_AUDIT, action="audit.verify", object_type="audit")
    report = audit_log.verify(ctx)
    with ctx.tx() as db:
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="audit.verify",
            object_type="audit",
            outcome="ok" if report.ok else "failed",
            meta={"entries": report.entries, "first_bad_seq": report.first_bad_seq},
        )
    return {
        "ok": report.ok,
        "entries": report.entries,
        "head_hash": report.head_hash,
        "first_bad_seq": report.first_bad_seq,
        "problem": report.problem,
    }


def retention_view(ctx: PracticeContext, actor: Actor) -> dict[str, Any]:
    with ctx.tx() as db:
        authorize(
            ctx, db, actor, Permission.MANAGE_POLICY, action="policy.read", object_type="policy"
        )
    sched = default_schedule()
    return {
        "policies": [
            {
                "kind": p.kind,
                "rule": p.rule_id,
                "record_rule": p.record_rule,
                "retained_with": p.retained_with,
            }
            for p in sched.policies.values()
        ],
        "floor": sched.floor.model_dump(),
        "states": [r.model_dump() for _, r in sorted(sched.record_rules.items())],
    }


def jurisdictions_view(ctx: PracticeContext, actor: Actor, code: str | None) -> dict[str, Any]:
    with ctx.tx() as db:
        authorize(
            ctx, db, actor, Permission.MANAGE_POLICY, action="policy.read", object_type="policy"
        )
    known = known_jurisdictions()
    profile = load_profile(code).model_dump(mode="json") if code else None
    return {"known": known, "profile": profile}


def _end_sign_ins(db: Session, user_id: str, now: datetime) -> int:
    ended = 0
    for row in db.scalars(
        select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    ):
        row.revoked_at = now
        ended += 1
    return ended


def set_disabled(
    ctx: PracticeContext, actor: Actor, user_id: str, *, disabled: bool, reason: str = ""
) -> int:
    """Disable an account (staff who leave, a suspected compromise) or enable it again. A
    disabled account cannot sign in, its open sign-ins end now, and stage jobs queued on its
    behalf stop (``stage_leases.job_actor``); nothing it wrote is changed. Nobody disables their
    own account, and the last active owner stays. Audited (``user.disable`` at high severity,
    with the reason's code; ``user.enable``). Returns the number of sign-ins ended."""
    action = "user.disable" if disabled else "user.enable"
    if disabled and reason not in DISABLE_REASONS:
        raise BadInputError(f"reason: expected one of: {', '.join(DISABLE_REASONS)}")
    with ctx.tx() as db:
        authorize(ctx, db, actor, Permission.MANAGE_USERS, action=action, object_type="user")
        user = db.get(User, user_id[:64])
        if user is None:
            raise UnknownObjectError("USER: no such user")
        if user.id == actor.user_id:
            raise BadInputError("user: another administrator must change your own account")
        if disabled and Role.OWNER.value in user.roles.split(","):
            owners = db.scalars(
                select(User.id).where(
                    User.roles.contains(Role.OWNER.value),
                    User.disabled.is_(False),
                    User.id != user.id,
                )
            ).all()
            if not owners:
                raise BadInputError("user: the last active owner cannot be disabled")
        user.disabled = disabled
        ended = _end_sign_ins(db, user.id, ctx.now()) if disabled else 0
        meta: dict[str, Any] = {"severity": "high"} if disabled else {}
        if disabled:
            meta.update(reason=reason, sessions_ended=ended)
        audit_log.append(
            ctx, db, actor=actor, action=action, object_type="user", object_id=user.id, meta=meta
        )
        return ended
