from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clearnote.security.roles import (
    PERMISSIONS,
    Grant,
    Permission,
    Role,
    decide,
    has_permission,
    mfa_required,
)

NOW = datetime(2026, 5, 1, tzinfo=UTC)
CLINICAL = {
    Permission.READ_CLIENT,
    Permission.READ_ARTEFACT,
    Permission.WRITE_ARTEFACT,
    Permission.PSYCHOTHERAPY_NOTES,
    Permission.EXPORT,
    Permission.RUN_AI,
}


@pytest.mark.parametrize("role", [Role.OWNER, Role.ADMIN])
def test_admins_hold_no_clinical_permission(role: Role) -> None:
    assert not PERMISSIONS[role] & CLINICAL
    assert has_permission({role}, Permission.MANAGE_USERS)


def test_client_and_supervisor_are_minimal() -> None:
    assert PERMISSIONS[Role.CLIENT] == {Permission.PORTAL_OWN}
    assert PERMISSIONS[Role.SUPERVISOR] == {Permission.SUPERVISE_READ}
    assert mfa_required({Role.CLINICIAN}) and not mfa_required({Role.CLIENT})


def _decide(
    user: str,
    roles: set[Role],
    perm: Permission,
    grants: list[Grant] | None = None,
    now: datetime = NOW,
) -> bool:
    return decide(
        user_id=user,
        roles=frozenset(roles),
        permission=perm,
        client_clinician_id="dr-a",
        client_id="c1",
        grants=grants or [],
        now=now,
    ).allowed


@pytest.mark.parametrize(
    ("user", "roles", "perm", "grants", "allowed"),
    [
        ("dr-a", {Role.CLINICIAN}, Permission.READ_ARTEFACT, [], True),
        ("dr-b", {Role.CLINICIAN}, Permission.READ_ARTEFACT, [], False),
        ("own", {Role.OWNER}, Permission.READ_ARTEFACT, [], False),
        ("sup", {Role.SUPERVISOR}, Permission.READ_ARTEFACT, [], False),
        (
            "sup",
            {Role.SUPERVISOR},
            Permission.READ_ARTEFACT,
            [Grant("supervision", "sup", "c1", NOW + timedelta(days=1))],
            True,
        ),
        (
            "sup",
            {Role.SUPERVISOR},
            Permission.WRITE_ARTEFACT,
            [Grant("supervision", "sup", "c1", NOW + timedelta(days=1))],
            False,
        ),
        (
            "sup",
            {Role.SUPERVISOR},
            Permission.PSYCHOTHERAPY_NOTES,
            [Grant("supervision", "sup", "c1", None)],
            False,
        ),
        (
            "sup",
            {Role.SUPERVISOR},
            Permission.READ_ARTEFACT,
            [Grant("supervision", "sup", "c2", None)],
            False,
        ),
        (
            "own",
            {Role.OWNER},
            Permission.READ_ARTEFACT,
            [Grant("break_glass", "own", "c1", NOW + timedelta(minutes=30))],
            True,
        ),
        (
            "own",
            {Role.OWNER},
            Permission.READ_ARTEFACT,
            [Grant("break_glass", "own", "c1", NOW - timedelta(seconds=1))],
            False,
        ),
        (
            "own",
            {Role.OWNER},
            Permission.EXPORT,
            [Grant("break_glass", "own", "c1", NOW + timedelta(minutes=30))],
            False,
        ),
        (
            "dr-b",
            {Role.CLINICIAN},
            Permission.READ_ARTEFACT,
            [Grant("break_glass", "dr-b", "c1", NOW + timedelta(minutes=30))],
            False,
        ),
        ("pt", {Role.CLIENT}, Permission.READ_ARTEFACT, [], False),
    ],
)
def test_access_decisions(
    user: str, roles: set[Role], perm: Permission, grants: list[Grant], allowed: bool
) -> None:
    assert _decide(user, roles, perm, grants) is allowed
