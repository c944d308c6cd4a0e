from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clearnote.security.mfa import code_at, new_secret, provisioning_uri, verify_totp

T0 = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)


def test_current_code_is_accepted_once() -> None:
    secret = new_secret()
    first = verify_totp(secret, code_at(secret, T0), now=T0, last_step=None)
    assert first.ok and first.step is not None
    replay = verify_totp(secret, code_at(secret, T0), now=T0, last_step=first.step)
    assert not replay.ok


def test_one_step_of_drift_but_not_more() -> None:
    secret = new_secret()
    assert verify_totp(
        secret, code_at(secret, T0 - timedelta(seconds=30)), now=T0, last_step=None
    ).ok
    assert not verify_totp(
        secret, code_at(secret, T0 - timedelta(seconds=120)), now=T0, last_step=None
    ).ok


def test_malformed_and_wrong_codes() -> None:
    secret = new_secret()
    good = code_at(secret, T0)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    assert not verify_totp(secret, wrong, now=T0, last_step=None).ok
    assert not verify_totp(secret, "12ab56", now=T0, last_step=None).ok
    assert not verify_totp(secret, "", now=T0, last_step=None).ok


def test_provisioning_uri() -> None:
    uri = provisioning_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "dr@example.org")
    assert uri.startswith(
        "otpauth://totp/Clearnote:dr%40example.org?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    )
