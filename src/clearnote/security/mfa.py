"""TOTP (RFC 6238) second factor with pyotp: 30 s steps, 6 digits, ±1 step of clock drift, and
replay protection (a code's time step is accepted once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pyotp

ISSUER = "Clearnote"
STEP_S = 30


def new_secret() -> str:
    """A random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// URI an authenticator app scans (contains the secret: show once)."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


@dataclass(frozen=True)
class TotpCheck:
    ok: bool
    step: int | None  # the accepted time step, to store as the last used one

    def __repr__(self) -> str:
        return f"TotpCheck(ok={self.ok})"


def verify_totp(secret: str, code: str, *, now: datetime, last_step: int | None) -> TotpCheck:
    """Accept a code for this step or one either side, never a step at or before last_step."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return TotpCheck(False, None)
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_S
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return TotpCheck(True, step)
    return TotpCheck(False, None)


def code_at(secret: str, when: datetime) -> str:
    """The code an authenticator shows at ``when`` (tests and enrolment confirmation)."""
    return pyotp.TOTP(secret).at(when)
