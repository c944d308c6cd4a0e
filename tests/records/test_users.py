"""Sign-in: argon2id + TOTP, lockout with growing throttling, session timeouts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from clearnote.errors import BadInputError
from clearnote.records.audit_log import list_entries
from clearnote.records.users import (
    AuthenticationError,
    authenticate,
    create_user,
    logout,
    totp_secret,
    validate_session,
)
from clearnote.security.mfa import code_at
from clearnote.security.passwords import WeakPasswordError
from clearnote.security.roles import Role
from clearnote.store.models import User
from tests.records.conftest import PASSWORD, World

EMAIL = "owner@example.org"


def _code(w: World, when_offset: int = 0) -> str:
    with w.ctx.tx() as db:
        secret = totp_secret(w.ctx, db, w.owner.user_id)
    return code_at(secret, w.ctx.now() + timedelta(seconds=when_offset))


def test_login_needs_password_and_totp_and_issues_a_session(world: World) -> None:
    w = world
    start = w.ctx.now()
    w.ctx.clock = lambda: start  # one time step throughout: the replay below is the same code
    with pytest.raises(AuthenticationError):
        authenticate(w.ctx, email=EMAIL, password=PASSWORD, totp_code=None)
    res = authenticate(w.ctx, email=EMAIL, password=PASSWORD, totp_code=_code(w))
    actor = validate_session(w.ctx, res.token)
    assert actor.user_id == w.owner.user_id and Role.OWNER in actor.roles
    with pytest.raises(AuthenticationError):  # the same code cannot be replayed
        authenticate(w.ctx, email=EMAIL, password=PASSWORD, totp_code=_code(w))
    logout(w.ctx, res.token)
    with pytest.raises(AuthenticationError):
        validate_session(w.ctx, res.token)


def test_lockout_after_failures_then_throttled(world: World) -> None:
    w = world
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            authenticate(w.ctx, email=EMAIL, password="wrong password", totp_code=_code(w))
    with pytest.raises(AuthenticationError, match="locked"):  # right password, still locked
        authenticate(w.ctx, email=EMAIL, password=PASSWORD, totp_code=_code(w))
    start = w.ctx.now()
    w.ctx.clock = lambda: start + timedelta(seconds=61)
    with pytest.raises(AuthenticationError):  # one more failure doubles the lock
        authenticate(w.ctx, email=EMAIL, password="wrong again", totp_code=None)
    with w.ctx.tx() as db:
        user = db.scalars(select(User).where(User.email == EMAIL)).one()
        assert user.locked_until is not None
        assert user.locked_until - (start + timedelta(seconds=61)) == timedelta(seconds=120)
    w.ctx.clock = lambda: start + timedelta(seconds=61 + 121)
    authenticate(w.ctx, email=EMAIL, password=PASSWORD, totp_code=_code(w))
    with w.ctx.tx() as db:
        outcomes = [e.outcome for e in list_entries(db, action_prefix="auth.login")]
    assert outcomes == ["failed", "failed", "failed", "refused", "failed", "ok"]


def test_unknown_account_fails_like_a_wrong_password(world: World) -> None:
    with pytest.raises(AuthenticationError, match="^sign-in refused$"):
        authenticate(world.ctx, email="nobody@example.org", password="x" * 20, totp_code="1")


def test_idle_and_absolute_timeouts(world: World) -> None:
    w = world
    res = authenticate(w.ctx, email=EMAIL, password=PASSWORD, totp_code=_code(w))
    start = w.ctx.now()
    w.ctx.clock = lambda: start + timedelta(minutes=16)
    with pytest.raises(AuthenticationError, match="idle"):
        validate_session(w.ctx, res.token)
    w.ctx.clock = lambda: start
    res2 = authenticate(w.ctx, email=EMAIL, password=PASSWORD, totp_code=_code(w, 30))
    for minutes in range(10, 12 * 60, 10):  # active every 10 minutes
        w.ctx.clock = lambda m=minutes: start + timedelta(minutes=m)  # type: ignore[misc]
        validate_session(w.ctx, res2.token)
    w.ctx.clock = lambda: start + timedelta(hours=12, minutes=5)
    with pytest.raises(AuthenticationError, match="absolute"):
        validate_session(w.ctx, res2.token)


def test_user_creation_rules(world: World) -> None:
    w = world
    with w.ctx.tx() as db, pytest.raises(WeakPasswordError):
        create_user(
            w.ctx,
            db,
            email="c@example.org",
            roles=frozenset({Role.CLINICIAN}),
            password="password123",
            actor=w.owner,
        )
    with w.ctx.tx() as db, pytest.raises(BadInputError, match="already exists"):
        create_user(
            w.ctx,
            db,
            email=EMAIL.upper(),
            roles=frozenset({Role.CLINICIAN}),
            password="a different long passphrase",
            actor=w.owner,
        )
