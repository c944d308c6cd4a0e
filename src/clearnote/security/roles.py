"""Roles and least privilege as a pure table (R14, R59), plus the per-client access decision.

A user holds one or more roles; their permissions are the union of the roles' rows. A solo
practitioner's account holds ``owner`` and ``clinician``; in a group practice the owner/admin
account holds no clinical permission and reaches clinical content only through a time-boxed,
justified, audited break-glass grant. Deny by default: a permission not in the table is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    CLINICIAN = "clinician"
    SUPERVISOR = "supervisor"
    CLIENT = "client"


class Permission(StrEnum):
    # administration (no clinical content)
    MANAGE_USERS = "manage_users"
    MANAGE_POLICY = "manage_policy"
    READ_AUDIT = "read_audit"
    ROTATE_KEYS = "rotate_keys"
    BREAK_GLASS = "break_glass"
    LEGAL_HOLD = "legal_hold"
    RUN_RETENTION = "run_retention"
    # clinical, scoped to the clinician's own clients
    CREATE_CLIENT = "create_client"
    READ_CLIENT = "read_client"
    RECORD_CONSENT = "record_consent"
    READ_CONSENT = "read_consent"
    CREATE_SESSION = "create_session"
    WRITE_ARTEFACT = "write_artefact"
    READ_ARTEFACT = "read_artefact"
    RUN_AI = "run_ai"
    SIGN_NOTE = "sign_note"
    EXPORT = "export"
    DELETE_SESSION = "delete_session"
    PSYCHOTHERAPY_NOTES = "psychotherapy_notes"  # the originating clinician only
    GRANT_SUPERVISION = "grant_supervision"
    CLIENT_REPORT = "client_report"
    # supervision: read supervisees' clinical record when granted
    SUPERVISE_READ = "supervise_read"
    # client portal (later): the client's own report and record set
    PORTAL_OWN = "portal_own"


P = Permission
PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(
        {
            P.MANAGE_USERS,
            P.MANAGE_POLICY,
            P.READ_AUDIT,
            P.ROTATE_KEYS,
            P.BREAK_GLASS,
            P.LEGAL_HOLD,
            P.RUN_RETENTION,
        }
    ),
    Role.ADMIN: frozenset(
        {
            P.MANAGE_USERS,
            P.MANAGE_POLICY,
            P.READ_AUDIT,
            P.BREAK_GLASS,
            P.LEGAL_HOLD,
            P.RUN_RETENTION,
        }
    ),
    Role.CLINICIAN: frozenset(
        {
            P.CREATE_CLIENT,
            P.READ_CLIENT,
            P.RECORD_CONSENT,
            P.READ_CONSENT,
            P.CREATE_SESSION,
            P.WRITE_ARTEFACT,
            P.READ_ARTEFACT,
            P.RUN_AI,
            P.SIGN_NOTE,
            P.EXPORT,
            P.DELETE_SESSION,
            P.PSYCHOTHERAPY_NOTES,
            P.GRANT_SUPERVISION,
            P.CLIENT_REPORT,
        }
    ),
    Role.SUPERVISOR: frozenset({P.SUPERVISE_READ}),
    Role.CLIENT: frozenset({P.PORTAL_OWN}),
}

# What each kind of grant lets its holder do on one client's record (never psychotherapy notes).
SUPERVISION_ALLOWS = frozenset({P.READ_CLIENT, P.READ_CONSENT, P.READ_ARTEFACT})
BREAK_GLASS_ALLOWS = frozenset({P.READ_CLIENT, P.READ_CONSENT, P.READ_ARTEFACT, P.CLIENT_REPORT})
MFA_REQUIRED = frozenset({Role.OWNER, Role.ADMIN, Role.CLINICIAN, Role.SUPERVISOR})
BREAK_GLASS_MAX_MINUTES = 60


def permissions_of(roles: Iterable[Role]) -> frozenset[Permission]:
    out: set[Permission] = set()
    for role in roles:
        out |= PERMISSIONS[role]
    return frozenset(out)


def has_permission(roles: Iterable[Role], permission: Permission) -> bool:
    return permission in permissions_of(roles)


def mfa_required(roles: Iterable[Role]) -> bool:
    return any(role in MFA_REQUIRED for role in roles)


@dataclass(frozen=True)
class Grant:
    """An access grant on one client: ``supervision`` (granted by the clinician) or
    ``break_glass`` (self-granted by an owner/admin with a justification, time-boxed)."""

    kind: str
    grantee_id: str
    client_id: str
    expires_at: datetime | None


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str  # names the rule, never client content


def decide(
    *,
    user_id: str,
    roles: frozenset[Role],
    permission: Permission,
    client_clinician_id: str | None,
    client_id: str | None,
    grants: Iterable[Grant] = (),
    now: datetime,
) -> Decision:
    """May this user use ``permission`` (on this client's record, when client_id is given)?"""
    if client_id is None:
        ok = has_permission(roles, permission)
        return Decision(ok, "role" if ok else f"no role grants {permission}")
    if has_permission(roles, permission) and client_clinician_id == user_id:
        return Decision(True, "own client")
    live = [
        g
        for g in grants
        if g.grantee_id == user_id
        and g.client_id == client_id
        and (g.expires_at is None or now < g.expires_at)
    ]
    for grant in live:
        if grant.kind == "supervision" and permission in SUPERVISION_ALLOWS:
            if Permission.SUPERVISE_READ in permissions_of(roles):
                return Decision(True, "supervision grant")
        if grant.kind == "break_glass" and permission in BREAK_GLASS_ALLOWS:
            if Permission.BREAK_GLASS in permissions_of(roles):
                return Decision(True, "break-glass grant")
    if has_permission(roles, permission):
        return Decision(False, "not this clinician's client and no grant")
    return Decision(False, f"no role grants {permission}")
