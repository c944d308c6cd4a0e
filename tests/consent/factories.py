"""Builders for consent events (one place, so tests read as tables)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from clearnote.domain.consent import ConsentEvent, Purpose

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SHA = "ab" * 32
CLIENT_ID = "c-001"
SIGNER = "Zebulon Quillfeather"  # a name that must never reach a message or repr


def at(day: float) -> datetime:
    return T0 + timedelta(days=day)


def grant(
    purpose: Purpose | str,
    day: float = 0,
    participant: str | None = None,
    version: int = 1,
) -> ConsentEvent:
    return ConsentEvent(
        client_id=CLIENT_ID,
        participant_id=participant,
        purpose=Purpose(purpose),
        action="grant",
        form_id=f"clearnote.consent.{Purpose(purpose).value}",
        form_version=version,
        form_sha256=SHA,
        signed_by=SIGNER,
        method="electronic_signature",
        at=at(day),
        recorded_by="u-clinician",
    )


def revoke(purpose: Purpose | str, day: float = 0, participant: str | None = None) -> ConsentEvent:
    return ConsentEvent(
        client_id=CLIENT_ID,
        participant_id=participant,
        purpose=Purpose(purpose),
        action="revoke",
        method="written",
        at=at(day),
        recorded_by="u-clinician",
    )


def chain(purpose: str, day: float = 0, participant: str | None = None) -> list[ConsentEvent]:
    """Grants for ``purpose`` and its prerequisites, prerequisites first, same day."""
    from clearnote.domain.consent import prerequisites

    p = Purpose(purpose)
    return [grant(q, day, participant) for q in (*reversed(prerequisites(p)), p)]
