"""Users and authentication: unique ids, argon2id passwords (NIST SP 800-63B rules), TOTP
required for clinicians, supervisors and admins, lockout with growing throttling, and login
sessions with idle and absolute timeouts (R1, R3, R7, R56–R58). Every attempt is audited."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearnote.errors import BadInputError, PolicyError
from clearnote.records import audit_log, keyring
from clearnote.records.context import Actor, PracticeContext
from clearnote.security import mfa, passwords
from clearnote.security.roles import Permission, Role, has_permission, mfa_required
from clearnote.store.models import AuthSession, User


class AuthenticationError(PolicyError):
    """Sign-in refused (wrong password or code, locked account, expired session). The message
    never says which factor was wrong."""


_EMAIL_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-@")


def normalize_email(email: str) -> str:
    value = email.strip().lower()
    local, _, domain = value.partition("@")
    if not local or "." not in domain or not set(value) <= _EMAIL_CHARS or len(value) > 320:
        raise BadInputError("--email: not an e-mail address")
    return value


def create_user(
    ctx: PracticeContext,
    db: Session,
    *,
    email: str,
    roles: frozenset[Role],
    password: str,
    actor: Actor | None,
) -> tuple[User, str]:
    """Create a user; returns the row and the TOTP provisioning URI ('' when MFA is not required
    for the roles). Passwords need 15 characters: the account may be used before the authenticator
    is set up. ``actor`` None only while initializing the practice."""
    address = normalize_email(email)
    if actor is not None and not has_permission(actor.roles, Permission.MANAGE_USERS):
        raise PolicyError("user.create refused: no role grants manage_users")
    if db.scalars(select(User.id).where(User.email == address)).first() is not None:
        raise BadInputError("--email: a user with that e-mail already exists")
    passwords.check_password(password, mfa=False, context=(address.partition("@")[0],))
    user_id = str(uuid.uuid4())
    user = User(
        id=user_id,
        email=address,
        roles=",".join(sorted(r.value for r in roles)),
        password_hash=passwords.hash_password(password),
        failed_attempts=0,
        disabled=False,
        created_at=ctx.now(),
    )
    uri = ""
    if mfa_required(roles):
        key_id, _ = keyring.create_key(ctx, db, scope="user", owner_user_id=user_id)
        secret = mfa.new_secret()
        user.totp_key_id = key_id
        user.totp_secret_ct = keyring.seal_field(
            ctx, db, key_id, "users", user_id, "totp_secret", secret
        )
        uri = mfa.provisioning_uri(secret, address)
    db.add(user)
    db.flush()
    audit_log.append(
        ctx,
        db,
        actor=actor,
        actor_id=user_id if actor is None else None,
        via="init" if actor is None else None,
        action="user.create",
        object_type="user",
        object_id=user_id,
        meta={"roles": sorted(r.value for r in roles), "mfa": bool(uri)},
    )
    return user, uri


@dataclass(frozen=True)
class LoginResult:
    token: str
    user_id: str
    roles: frozenset[Role]

    def __repr__(self) -> str:
        return f"LoginResult(user_id={self.user_id!r})"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def authenticate(
    ctx: PracticeContext, *, email: str, password: str, totp_code: str | None, via: str = "web"
) -> LoginResult:
    """Check password (+ TOTP where required); lock after ``login_max_failures`` failures for
    ``login_lockout_s``, doubling with each further failure. Raises AuthenticationError."""
    now = ctx.now()
    failure: str | None = None
    result: LoginResult | None = None
    with ctx.tx() as db:
        user = db.scalars(select(User).where(User.email == email.strip().lower())).first()
        if user is None or user.disabled:
            passwords.verify_password(passwords.dummy_hash(), password)  # same time either way
            failure = "unknown or disabled account"
            audit_log.append(
                ctx,
                db,
                actor=None,
                actor_id="unknown",
                via=via,
                action="auth.login",
                object_type="user",
                outcome="failed",
                meta={"reason": failure},
            )
        elif user.locked_until is not None and now < user.locked_until:
            failure = "account locked"
            audit_log.append(
                ctx,
                db,
                actor=None,
                actor_id=user.id,
                via=via,
                action="auth.login",
                object_type="user",
                object_id=user.id,
                outcome="refused",
                meta={"reason": failure},
            )
        else:
            roles = user_roles(user)
            ok, reason = _check_factors(ctx, db, user, roles, password, totp_code)
            if ok:
                user.failed_attempts = 0
                user.locked_until = None
                user.last_login_at = now
                if passwords.needs_rehash(user.password_hash):
                    user.password_hash = passwords.hash_password(password)
                token = secrets.token_urlsafe(32)
                db.add(
                    AuthSession(
                        id=str(uuid.uuid4()),
                        token_sha256=_token_hash(token),
                        user_id=user.id,
                        created_at=now,
                        last_seen_at=now,
                    )
                )
                audit_log.append(
                    ctx,
                    db,
                    actor=None,
                    actor_id=user.id,
                    via=via,
                    action="auth.login",
                    object_type="user",
                    object_id=user.id,
                    meta={"mfa": mfa_required(roles)},
                )
                result = LoginResult(token, user.id, roles)
            else:
                failure = reason
                audit_log.append(
                    ctx,
                    db,
                    actor=None,
                    actor_id=user.id,
                    via=via,
                    action="auth.login",
                    object_type="user",
                    object_id=user.id,
                    outcome="failed",
                    meta=_count_failure(ctx, user, reason),
                )
    if result is None:
        locked = failure == "account locked"
        raise AuthenticationError(
            "sign-in refused: account locked, try later" if locked else "sign-in refused"
        )
    return result


def user_roles(user: User) -> frozenset[Role]:
    return frozenset(Role(r) for r in user.roles.split(",") if r)


def _check_factors(
    ctx: PracticeContext,
    db: Session,
    user: User,
    roles: frozenset[Role],
    password: str,
    totp_code: str | None,
) -> tuple[bool, str]:
    """Password, then TOTP where the roles require it (sign-in and re-authentication alike).
    An accepted code's time step is stored: the same code is refused the second time."""
    if not passwords.verify_password(user.password_hash, password):
        return False, "wrong password"
    if mfa_required(roles):
        return _check_totp(ctx, db, user, totp_code)
    return True, ""


def _count_failure(ctx: PracticeContext, user: User, reason: str) -> dict[str, object]:
    """Count a failed attempt; lock after ``login_max_failures`` for ``login_lockout_s``,
    doubling with each further failure. Returns the audit metadata."""
    s = ctx.settings
    user.failed_attempts += 1
    over = user.failed_attempts - s.login_max_failures
    meta: dict[str, object] = {"reason": reason, "failures": user.failed_attempts}
    if over >= 0:
        lock = timedelta(seconds=s.login_lockout_s * (2 ** min(over, 10)))
        user.locked_until = ctx.now() + lock
        meta["locked_s"] = int(lock.total_seconds())
    return meta


def _check_totp(
    ctx: PracticeContext, db: Session, user: User, code: str | None
) -> tuple[bool, str]:
    if user.totp_secret_ct is None or user.totp_key_id is None:
        return False, "mfa required but not enrolled"
    if not code:
        return False, "mfa code missing"
    secret = keyring.open_field(
        ctx, db, user.totp_key_id, "users", user.id, "totp_secret", user.totp_secret_ct
    )
    check = mfa.verify_totp(secret, code, now=ctx.now(), last_step=user.totp_last_step)
    if not check.ok:
        return False, "wrong or reused mfa code"
    user.totp_last_step = check.step
    return True, ""


REAUTH_REFUSED = (
    "re-authentication refused: the password or authenticator code was not accepted "
    "(each code works once: wait for the next one); nothing was changed"
)


def reauthenticate(
    ctx: PracticeContext,
    actor: Actor,
    *,
    password: str,
    totp_code: str | None,
    purpose: str,
) -> None:
    """A fresh check of the acting user's factors before a consequential act (``purpose``, e.g.
    ``note.sign``): the same checks as sign-in (password, TOTP where the roles require it, a
    code's time step used once), failures counted towards the same lockout. Audited as
    ``auth.reauth`` either way; raises AuthenticationError when refused."""
    ok = False
    locked = False
    with ctx.tx() as db:
        user = db.get(User, actor.user_id)
        meta: dict[str, object] = {"purpose": purpose}
        outcome = "failed"
        if user is None or user.disabled:
            meta["reason"] = "unknown or disabled account"
        elif user.locked_until is not None and ctx.now() < user.locked_until:
            locked = True
            outcome = "refused"
            meta["reason"] = "account locked"
        else:
            roles = user_roles(user)
            meta["mfa"] = mfa_required(roles)
            ok, reason = _check_factors(ctx, db, user, roles, password, totp_code)
            if ok:
                user.failed_attempts = 0
                user.locked_until = None
                outcome = "ok"
            else:
                meta.update(_count_failure(ctx, user, reason))
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="auth.reauth",
            object_type="user",
            object_id=actor.user_id,
            outcome=outcome,
            meta=meta,
        )
    if locked:
        raise AuthenticationError("re-authentication refused: account locked, try later")
    if not ok:
        raise AuthenticationError(REAUTH_REFUSED)


def totp_secret(ctx: PracticeContext, db: Session, user_id: str) -> str:
    """The user's TOTP secret (enrolment display and tests)."""
    user = db.get(User, user_id)
    if user is None or user.totp_secret_ct is None or user.totp_key_id is None:
        raise BadInputError("user: no TOTP enrolled")
    return keyring.open_field(
        ctx, db, user.totp_key_id, "users", user.id, "totp_secret", user.totp_secret_ct
    )


def validate_session(ctx: PracticeContext, token: str, *, via: str = "web") -> Actor:
    """The actor behind a login token; refuses (and revokes) one idle or too old."""
    now = ctx.now()
    s = ctx.settings
    expired: str | None = None
    actor: Actor | None = None
    with ctx.tx() as db:
        row = db.scalars(
            select(AuthSession).where(AuthSession.token_sha256 == _token_hash(token))
        ).first()
        if row is None or row.revoked_at is not None:
            expired = "unknown or revoked session"
        elif now - row.last_seen_at > timedelta(seconds=s.session_idle_timeout_s):
            expired = "idle timeout"
        elif now - row.created_at > timedelta(seconds=s.session_absolute_timeout_s):
            expired = "absolute timeout"
        if row is not None and expired is None:
            user = db.get(User, row.user_id)
            if user is None or user.disabled:
                expired = "account disabled"
            else:
                row.last_seen_at = now
                actor = Actor(user.id, frozenset(Role(r) for r in user.roles.split(",")), via)
        if expired is not None and row is not None and row.revoked_at is None:
            row.revoked_at = now
            audit_log.append(
                ctx,
                db,
                actor=None,
                actor_id=row.user_id,
                via=via,
                action="auth.session_end",
                object_type="auth_session",
                object_id=row.id,
                meta={"reason": expired},
            )
    if actor is None:
        raise AuthenticationError(f"session refused: {expired}")
    return actor


def logout(ctx: PracticeContext, token: str) -> None:
    with ctx.tx() as db:
        row = db.scalars(
            select(AuthSession).where(AuthSession.token_sha256 == _token_hash(token))
        ).first()
        if row is not None and row.revoked_at is None:
            row.revoked_at = ctx.now()
            audit_log.append(
                ctx,
                db,
                actor=None,
                actor_id=row.user_id,
                via="web",
                action="auth.logout",
                object_type="auth_session",
                object_id=row.id,
            )


def actor_of(ctx: PracticeContext, user_id: str, *, via: str) -> Actor | None:
    """The actor for a user acting without a login session (a recording recovered after a
    restart, on behalf of the clinician who made it); None when the account is gone or
    disabled."""
    with ctx.tx() as db:
        user = db.get(User, user_id)
        if user is None or user.disabled:
            return None
        return Actor(user_id=user.id, roles=user_roles(user), via=via)
