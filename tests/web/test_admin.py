"""Admin pages in-process: users (add, MFA reset, disable and enable), the audit viewer with
chain verification, retention and jurisdiction views, break-glass with a justification; refused
to clinicians."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pyotp
from fastapi.testclient import TestClient

from clearnote.records import admin, audit_log, clients
from clearnote.records.context import Actor
from clearnote.security.roles import Role
from tests.web.conftest import CLIENT_NAME, Web

STAFF_PASSWORD = "another long passphrase for staff"


def add_user(w: Web, email: str, role: str) -> tuple[str, str]:
    """Add a user through the admin page; returns (user id, TOTP secret)."""
    r = w.post("/admin/users", {"email": email, "role": role, "password": STAFF_PASSWORD})
    assert r.status_code == 200, r.text
    secret = secret_of(r.text)
    with w.ctx.tx() as db:
        from clearnote.store.models import User

        uid = db.query(User.id).filter(User.email == email).scalar()
    return str(uid), secret


def secret_of(html: str) -> str:
    m = re.search(r'id="totp-uri">([^<]+)<', html)
    assert m, "the page shows the authenticator setup"
    uri = unquote(m.group(1)).replace("&amp;", "&")
    return parse_qs(urlparse(uri).query)["secret"][0]


def sign_in(w: Web, email: str, secret: str) -> TestClient:
    http = TestClient(w.app, base_url="https://testserver")
    http.get("/login")
    r = http.post(
        "/login",
        data={
            "csrf_token": http.cookies["cn_csrf"],
            "email": email,
            "password": STAFF_PASSWORD,
            "totp": pyotp.TOTP(secret).at(w.ctx.now()),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return http


def post(http: TestClient, url: str, data: dict[str, Any]) -> Any:
    return http.post(
        url, data={"csrf_token": http.cookies["cn_csrf"], **data}, follow_redirects=False
    )


def test_users_add_and_mfa_reset(signed_in: Web) -> None:
    page = signed_in.http.get("/admin/users")
    assert page.status_code == 200 and "owner@example.org" in page.text
    uid, old = add_user(signed_in, "clin@example.org", "clinician")
    assert "clin@example.org" in signed_in.http.get("/admin/users").text
    clin = sign_in(signed_in, "clin@example.org", old)
    assert clin.get("/clients").status_code == 200
    r = signed_in.post(f"/admin/users/{uid}/mfa-reset")
    assert r.status_code == 200 and "totp-uri" in r.text
    new = secret_of(r.text)
    assert new != old
    assert clin.get("/clients", follow_redirects=False).status_code == 303, "sessions ended"
    signed_in.advance(31)
    sign_in(signed_in, "clin@example.org", new)
    bad = signed_in.post(
        "/admin/users", {"email": "x@example.org", "role": "owner", "password": STAFF_PASSWORD}
    )
    assert bad.status_code == 400
    own = signed_in.post(f"/admin/users/{signed_in.owner.user_id}/mfa-reset")
    assert own.status_code == 400


def test_a_disabled_account_is_signed_out_and_cannot_sign_in_until_enabled(
    signed_in: Web,
) -> None:
    uid, secret = add_user(signed_in, "leaver@example.org", "clinician")
    clin = sign_in(signed_in, "leaver@example.org", secret)
    assert clin.get("/clients").status_code == 200
    assert signed_in.post(f"/admin/users/{uid}/disable", {"reason": "whim"}).status_code == 400
    r = signed_in.post(f"/admin/users/{uid}/disable", {"reason": "left_practice"})
    assert r.status_code == 303
    page = signed_in.http.get("/admin/users").text
    assert re.search(r"leaver@example.org</td>.*?<td>disabled</td>", page, re.S)
    assert clin.get("/clients", follow_redirects=False).status_code == 303, "signed out now"
    signed_in.advance(31)  # a fresh TOTP step: the refusal is the account, not a replay
    fresh = TestClient(signed_in.app, base_url="https://testserver")
    fresh.get("/login")
    code = pyotp.TOTP(secret).at(signed_in.ctx.now())
    r = post(
        fresh, "/login", {"email": "leaver@example.org", "password": STAFF_PASSWORD, "totp": code}
    )
    assert r.status_code != 303 and fresh.get("/clients", follow_redirects=False).status_code == 303
    recent = admin.recent_audit(signed_in.ctx, signed_in.owner)
    disables = [e for e in recent if e["action"] == "user.disable"]
    assert [(e["object_id"], e["meta"]) for e in disables] == [
        (uid, {"severity": "high", "reason": "left_practice", "sessions_ended": 1})
    ]

    assert signed_in.post(f"/admin/users/{uid}/enable").status_code == 303
    signed_in.advance(31)
    back = sign_in(signed_in, "leaver@example.org", secret)
    assert back.get("/clients").status_code == 200
    # a clinician cannot disable anyone; nobody disables themselves
    r = post(back, f"/admin/users/{signed_in.owner.user_id}/disable", {"reason": "other"})
    assert r.status_code == 403
    own = signed_in.post(f"/admin/users/{signed_in.owner.user_id}/disable", {"reason": "other"})
    assert own.status_code == 400


def test_the_last_active_owner_cannot_be_disabled(signed_in: Web) -> None:
    _, secret = add_user(signed_in, "admin@example.org", "admin")
    adm = sign_in(signed_in, "admin@example.org", secret)
    r = post(adm, f"/admin/users/{signed_in.owner.user_id}/disable", {"reason": "other"})
    assert r.status_code == 400 and "last active owner" in r.text
    assert signed_in.http.get("/clients").status_code == 200  # the owner is untouched


def test_clinicians_and_clients_cannot_use_admin_pages(signed_in: Web) -> None:
    _, secret = add_user(signed_in, "clin@example.org", "clinician")
    clin = sign_in(signed_in, "clin@example.org", secret)
    for url in ("/admin/users", "/admin/audit", "/admin/retention", "/admin/jurisdictions"):
        assert clin.get(url).status_code == 403, url
    assert (
        post(
            clin,
            "/admin/users",
            {"email": "y@example.org", "role": "clinician", "password": STAFF_PASSWORD},
        ).status_code
        == 403
    )


def test_audit_viewer_verifies_the_chain(signed_in: Web) -> None:
    page = signed_in.http.get("/admin/audit")
    assert page.status_code == 200 and "auth.login" in page.text
    assert "verify-result" not in page.text
    page = signed_in.http.get("/admin/audit?verify=1")
    assert "Chain intact" in page.text
    with signed_in.ctx.tx() as db:
        assert [e.action for e in audit_log.list_entries(db, action_prefix="audit.verify")] == [
            "audit.verify"
        ]


def test_retention_and_jurisdiction_views(signed_in: Web) -> None:
    r = signed_in.http.get("/admin/retention")
    assert r.status_code == 200 and "US-CA" in r.text and "audio" in r.text
    r = signed_in.http.get("/admin/jurisdictions")
    assert r.status_code == 200 and 'value="US-IL"' in r.text
    r = signed_in.http.get("/admin/jurisdictions?code=US-IL")
    assert r.status_code == 200 and 'id="profile"' in r.text
    assert signed_in.http.get("/admin/jurisdictions?code=XX-NO").status_code == 400


def test_admin_only_account_lands_on_admin_and_breaks_glass(signed_in: Web) -> None:
    other_uid, other_secret = add_user(signed_in, "other@example.org", "clinician")
    other = Actor(other_uid, frozenset({Role.CLINICIAN}), "test")
    cid = clients.add_client(signed_in.ctx, other, name=CLIENT_NAME)
    _, secret = add_user(signed_in, "admin@example.org", "admin")
    adm = TestClient(signed_in.app, base_url="https://testserver")
    adm.get("/login")
    r = post(
        adm,
        "/login",
        {
            "email": "admin@example.org",
            "password": STAFF_PASSWORD,
            "totp": pyotp.TOTP(secret).at(signed_in.ctx.now()),
        },
    )
    assert r.headers["location"] == "/admin"
    assert adm.get(f"/clients/{cid}").status_code == 403
    assert adm.get("/admin/break-glass").status_code == 200
    short = post(
        adm, "/admin/break-glass", {"client_id": cid, "justification": "urgent", "minutes": 10}
    )
    assert short.status_code == 400
    r = post(
        adm,
        "/admin/break-glass",
        {
            "client_id": cid,
            "justification": "Crisis call from the emergency department at night",
            "minutes": 10,
        },
    )
    assert r.status_code == 200 and "break-glass-granted" in r.text
    page = adm.get(f"/clients/{cid}")
    assert page.status_code == 200 and CLIENT_NAME in page.text
    with signed_in.ctx.tx() as db:
        (entry,) = audit_log.list_entries(db, action_prefix="grant.break_glass")
    assert entry.meta["severity"] == "high" and entry.meta["minutes"] == 10
    assert "Crisis" not in str(entry.meta)
    signed_in.advance(11 * 60)
    assert adm.get(f"/clients/{cid}").status_code == 403, "the grant ends by itself"
