"""Re-authentication before a consequential act (signing a note): the sign-in checks again —
password, the TOTP code for roles that require MFA, a code's time step used once — with
failures counted towards the same lockout and every attempt audited as ``auth.reauth``."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from clearnote.records.audit_log import list_entries
from clearnote.records.users import AuthenticationError, authenticate, reauthenticate, totp_secret
from clearnote.security.mfa import code_at
from tests.records.conftest import PASSWORD, World

EMAIL = "owner@example.org"


def _code(w: World, offset_s: int = 0) -> str:
    with w.ctx.tx() as db:
        secret = totp_secret(w.ctx, db, w.owner.user_id)
    return code_at(secret, w.ctx.now() + timedelta(seconds=offset_s))


def _reauth(w: World, password: str = PASSWORD, code: str | None = None) -> None:
    reauthenticate(w.ctx, w.owner, password=password, totp_code=code, purpose="note.sign")


def _attempts(w: World) -> list[tuple[str, dict[str, object]]]:
    with w.ctx.tx() as db:
        return [(e.outcome, e.meta) for e in list_entries(db, action_prefix="auth.reauth")]


def test_password_alone_is_not_enough_for_an_mfa_user(world: World) -> None:
    w = world
    with pytest.raises(AuthenticationError, match="authenticator code"):
        _reauth(w)
    with pytest.raises(AuthenticationError):
        _reauth(w, code="000000" if _code(w) != "000000" else "111111")
    _reauth(w, code=_code(w))
    outcomes = _attempts(w)
    assert [o for o, _ in outcomes] == ["failed", "failed", "ok"]
    reasons = [m.get("reason") for _, m in outcomes]
    assert reasons == ["mfa code missing", "wrong or reused mfa code", None]
    assert all(m["purpose"] == "note.sign" and m["mfa"] is True for _, m in outcomes)
    assert all(PASSWORD not in json.dumps(m) for _, m in outcomes)


def test_a_code_is_accepted_once_across_sign_in_and_re_authentication(world: World) -> None:
    w = world
    code = _code(w)
    authenticate(w.ctx, email=EMAIL, password=PASSWORD, totp_code=code)
    with pytest.raises(AuthenticationError):  # the sign-in code replayed to sign
        _reauth(w, code=code)
    fresh = _code(w, 30)  # the next step (within the accepted drift)
    _reauth(w, code=fresh)
    with pytest.raises(AuthenticationError):  # and that one cannot be used twice either
        _reauth(w, code=fresh)
    with pytest.raises(AuthenticationError):  # nor at sign-in
        authenticate(w.ctx, email=EMAIL, password=PASSWORD, totp_code=fresh)
    assert [o for o, _ in _attempts(w)] == ["failed", "ok", "failed"]


def test_failures_count_towards_the_sign_in_lockout(world: World) -> None:
    w = world  # login_max_failures=3, login_lockout_s=60
    for _ in range(3):
        with pytest.raises(AuthenticationError):
            _reauth(w, password="a wrong guess at it", code=_code(w))
    with pytest.raises(AuthenticationError, match="locked"):  # right factors, still locked
        _reauth(w, code=_code(w))
    with pytest.raises(AuthenticationError, match="locked"):  # sign-in is locked too
        authenticate(w.ctx, email=EMAIL, password=PASSWORD, totp_code=_code(w))
    outcomes = _attempts(w)
    assert [o for o, _ in outcomes] == ["failed", "failed", "failed", "refused"]
    assert [m["reason"] for _, m in outcomes][2:] == ["wrong password", "account locked"]
    assert outcomes[2][1]["locked_s"] == 60
    start = w.ctx.now()
    w.ctx.clock = lambda: start + timedelta(seconds=61)
    _reauth(w, code=_code(w))  # after the lock, and the count starts again
    with pytest.raises(AuthenticationError):
        _reauth(w, password="one more wrong guess", code=_code(w, 30))
    assert _attempts(w)[-1][1]["failures"] == 1
