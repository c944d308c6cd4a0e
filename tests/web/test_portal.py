"""The client portal in-process: invitation and password setup, own consent (grant with a typed
name, revoke with what may be deleted), the disclosure, the transparency report, requests that
the clinician sees, and refusal of anything outside the client's own record."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearnote.records import audit_log, portal, sessions
from tests.web.conftest import FULL, Web, add_client, process

CLIENT_EMAIL = "client@example.net"
CLIENT_PASSWORD = "river stones under a quiet moon"
LINK_RE = re.compile(r"/portal/invite/([0-9a-f-]+)\?token=([A-Za-z0-9_\-]+)")


class Portal:
    """A second browser: the client's own cookies."""

    def __init__(self, w: Web) -> None:
        self.http = TestClient(w.app, base_url="https://testserver")

    def csrf(self) -> str:
        if self.http.cookies.get("cn_csrf") is None:
            self.http.get("/login")
        token = self.http.cookies.get("cn_csrf")
        assert token
        return token

    def post(self, url: str, data: dict[str, object] | None = None) -> Any:
        return self.http.post(
            url, data={"csrf_token": self.csrf(), **(data or {})}, follow_redirects=False
        )


def invite(w: Web, cid: str, email: str = CLIENT_EMAIL) -> tuple[str, str]:
    r = w.post(f"/clients/{cid}/portal-invite", {"email": email})
    assert r.status_code == 200, r.text
    m = LINK_RE.search(r.text)
    assert m, "the invitation page shows the link"
    return m.group(1), m.group(2)


def activate(w: Web, cid: str, email: str = CLIENT_EMAIL) -> Portal:
    invite_id, token = invite(w, cid, email)
    p = Portal(w)
    assert p.http.get(f"/portal/invite/{invite_id}?token={token}").status_code == 200
    r = p.post(
        f"/portal/invite/{invite_id}",
        {"token": token, "password": CLIENT_PASSWORD, "password2": CLIENT_PASSWORD},
    )
    assert r.status_code == 303, r.text
    r = p.post("/login", {"email": email, "password": CLIENT_PASSWORD, "totp": ""})
    assert r.status_code == 303 and r.headers["location"] == "/portal"
    return p


def test_invited_client_sets_a_password_once_and_signs_in(signed_in: Web) -> None:
    cid = add_client(signed_in, "record")
    invite_id, token = invite(signed_in, cid)
    p = Portal(signed_in)
    bad = p.post(
        f"/portal/invite/{invite_id}",
        {"token": token + "x", "password": CLIENT_PASSWORD, "password2": CLIENT_PASSWORD},
    )
    assert bad.status_code == 400
    weak = p.post(
        f"/portal/invite/{invite_id}", {"token": token, "password": "short", "password2": "short"}
    )
    assert weak.status_code == 400
    ok = p.post(
        f"/portal/invite/{invite_id}",
        {"token": token, "password": CLIENT_PASSWORD, "password2": CLIENT_PASSWORD},
    )
    assert ok.status_code == 303
    again = p.post(
        f"/portal/invite/{invite_id}",
        {"token": token, "password": CLIENT_PASSWORD, "password2": CLIENT_PASSWORD},
    )
    assert again.status_code == 400, "an invitation works once"
    r = p.post("/login", {"email": CLIENT_EMAIL, "password": CLIENT_PASSWORD})
    assert r.headers["location"] == "/portal"
    page = p.http.get("/portal")
    assert page.status_code == 200 and "My consent" in page.text


def test_client_grants_and_revokes_own_consent(signed_in: Web) -> None:
    cid = add_client(signed_in, "record")
    p = activate(signed_in, cid)
    refused = p.post("/portal/consent", {"purpose": "draft_note", "signed_by": "Z Q"})
    assert refused.status_code == 400, "the disclosure must be confirmed"
    r = p.post(
        "/portal/consent",
        {"purpose": ["transcribe", "draft_note"], "signed_by": "Z Q", "read_confirmed": "yes"},
    )
    assert r.status_code == 303
    state = signed_in.api("GET", f"/api/clients/{cid}/consent").json()
    granted = {
        x["purpose"]
        for x in state["purposes"]
        if x["participant_id"] is None and x["status"] == "granted"
    }
    assert {"record", "transcribe", "draft_note"} <= granted
    r = p.post("/portal/consent/revoke", {"purpose": "transcribe"})
    assert r.status_code == 200 and "draft note" in r.text
    state = signed_in.api("GET", f"/api/clients/{cid}/consent").json()
    by = {x["purpose"]: x["status"] for x in state["purposes"] if x["participant_id"] is None}
    assert by["transcribe"] == "revoked"
    with signed_in.ctx.tx() as db:
        entries = audit_log.list_entries(db, client_id=cid, action_prefix="consent.")
    portal_entries = [e for e in entries if e.meta.get("via") == "portal"]
    assert {e.action for e in portal_entries} >= {"consent.grant", "consent.revoke"}


def test_disclosure_and_report_are_shown(signed_in: Web) -> None:
    cid = add_client(signed_in, "record")
    p = activate(signed_in, cid)
    d = p.http.get("/portal/disclosure")
    assert d.status_code == 200 and d.text.count("<h2") >= 5
    page = p.http.get("/portal").text
    assert "Who accessed my record" in page and "portal.invite" in page
    assert "owner@example.org" in page


def test_another_clients_record_is_refused(signed_in: Web) -> None:
    mine = add_client(signed_in, "record")
    other = add_client(signed_in, "record", name="Another Person Entirely")
    p = activate(signed_in, mine)
    for url in (f"/clients/{other}", f"/clients/{mine}", f"/clients/{other}/consent"):
        assert p.http.get(url).status_code == 403, url
    r = p.http.get(f"/api/clients/{other}/consent")
    assert r.status_code == 403 and "Another Person" not in r.text
    r = p.post(f"/clients/{other}/consent/revoke", {"purpose": "record"})
    assert r.status_code == 403
    for url in ("/admin/users", "/admin/audit", "/admin/retention"):
        assert p.http.get(url).status_code == 403, url
    r = p.http.get("/clients", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/portal"
    assert p.http.get("/api/clients").json() == []
    # a clinician is not a portal user
    assert signed_in.http.get("/portal").status_code == 403


@pytest.mark.slow
def test_requests_reach_the_clinician_and_stay_in_the_own_record(signed_in: Web) -> None:
    mine = add_client(signed_in, *FULL)
    other = add_client(signed_in, *FULL, name="Another Person Entirely")
    sid_mine = process(signed_in, mine)
    sid_other = process(signed_in, other)
    p = activate(signed_in, mine)
    page = p.http.get("/portal").text
    assert "AI steps that ran" in page and "No AI step has run" not in page
    r = p.post("/portal/consent/revoke", {"purpose": "transcribe"})
    # the note is not signed: what the transcription consent produced is deleted at once
    assert r.status_code == 200 and "Deleted now" in r.text
    erased = re.search(r'<ul class="list" id="erased">(.*?)</ul>', r.text, re.S)
    assert erased and "transcript" in erased.group(1) and "draft" in erased.group(1)
    assert "Request deletion" not in r.text  # nothing of it is left to ask for
    kinds = {
        a.kind
        for a in sessions.show_session(signed_in.ctx, signed_in.owner, sid_mine).artefacts
        if a.erased_at is None
    }
    assert kinds == {"audio"}  # the recording consent still stands
    ok = p.post(
        "/portal/requests",
        {"kind": "deletion", "reason": "consent_revoked", "target_id": sid_mine},
    )
    assert ok.status_code == 303
    ok = p.post(
        "/portal/requests", {"kind": "amendment", "reason": "inaccurate", "target_id": sid_mine}
    )
    assert ok.status_code == 303
    refused = p.post(
        "/portal/requests", {"kind": "amendment", "reason": "inaccurate", "target_id": sid_other}
    )
    assert refused.status_code == 403
    bad = p.post("/portal/requests", {"kind": "shred", "reason": "inaccurate"})
    assert bad.status_code == 400
    client_page = signed_in.http.get(f"/clients/{mine}").text
    assert "Requests from the client" in client_page
    assert "deletion of session" in client_page and "amendment of session" in client_page
    assert "Requests from the client" not in signed_in.http.get(f"/clients/{other}").text
    with signed_in.ctx.tx() as db:
        refusals = [
            e
            for e in audit_log.list_entries(db, action_prefix="portal.request")
            if e.outcome == "refused"
        ]
    assert len(refusals) == 1 and refusals[0].object_id == sid_other


DISCLOSED_TO = "Zephyrine County Child Protective Services"
DISCLOSED_WHAT = "Suspected physical abuse of the client's son, with dates"


def test_the_clinician_records_one_on_the_client_page_and_the_portal_lists_it(
    signed_in: Web,
) -> None:
    w = signed_in
    cid = add_client(w, "record")
    r = w.post(
        f"/clients/{cid}/disclosures",
        {
            "basis": "required_by_law",
            "recipient": DISCLOSED_TO,
            "description": DISCLOSED_WHAT,
            "purpose": "Mandated child-abuse report",
            "disclosed_on": "",
        },
    )
    assert r.status_code == 303, r.text
    page = w.http.get(f"/clients/{cid}").text
    assert DISCLOSED_TO in page and 'id="accounting"' in page
    bad = w.post(
        f"/clients/{cid}/disclosures",
        {
            "basis": "required_by_law",
            "recipient": "x",
            "description": "y",
            "purpose": "z",
            "disclosed_on": "yesterday",
        },
    )
    assert bad.status_code == 400 and "disclosed_on" in bad.text
    portal = activate(w, cid)
    assert DISCLOSED_TO in portal.http.get("/portal").text


def test_an_amendment_request_is_decided_within_the_deadline_or_shows_overdue(
    signed_in: Web,
) -> None:
    from clearnote.errors import BadInputError

    w = signed_in
    cid = add_client(w, "record")
    p = activate(w, cid)
    ok = p.post("/portal/requests", {"kind": "amendment", "reason": "inaccurate", "target_id": ""})
    assert ok.status_code == 303
    (q,) = portal.requests_for(w.ctx, w.owner, cid)
    assert (q["status"], q["due_soon"], q["overdue"]) == ("open", False, False)
    page = w.http.get(f"/clients/{cid}").text
    assert f"due {q['due']}" in page and "Record the decision" in page
    r = w.post(f"/clients/{cid}/requests/{q['seq']}", {"decision": "extend"})
    assert r.status_code == 303
    assert "answer due by" in p.http.get("/portal").text
    with pytest.raises(BadInputError, match="already extended"):
        portal.decide_request(w.ctx, w.owner, cid, q["seq"], decision="extend")
    w.advance(85 * 86400)  # day 85 of 90: a reminder, not yet overdue
    (q,) = portal.requests_for(w.ctx, w.owner, cid)
    assert (q["status"], q["due_soon"], q["overdue"]) == ("extended", True, False)
    w.advance(6 * 86400)  # day 91
    (q,) = portal.requests_for(w.ctx, w.owner, cid)
    assert q["overdue"] is True
    with pytest.raises(BadInputError, match="decision"):
        portal.decide_request(w.ctx, w.owner, cid, q["seq"], decision="ignore")
    done = portal.decide_request(
        w.ctx, w.owner, cid, q["seq"], decision="accept", error_source="asr"
    )
    assert (done["status"], done["error_source"], done["overdue"]) == ("accepted", "asr", False)
    with pytest.raises(BadInputError, match="already accepted"):
        portal.decide_request(w.ctx, w.owner, cid, q["seq"], decision="deny")
