"""The review page end to end in-process: flags resolved, fields, header, sign with
re-authentication, the note locked, addenda, the AI-draft diff, audio and exports audited."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from clearnote.records import audit_log
from tests.web.conftest import CLIENT_NAME, FULL, PASSWORD, Web, add_client, process

pytestmark = pytest.mark.slow  # each test processes the sample recording (about 3 s)


@pytest.fixture
def session(signed_in: Web) -> str:
    cid = add_client(signed_in, *FULL)
    return process(signed_in, cid)


def review(w: Web, sid: str) -> dict[str, Any]:
    r = w.api("GET", f"/api/sessions/{sid}/review")
    assert r.status_code == 200, r.text
    doc: dict[str, Any] = r.json()
    return doc


def fresh_code(w: Web) -> str:
    """The authenticator's next code: the sign-in one cannot be used a second time."""
    w.advance(30)
    return w.code()


def reauth_attempts(w: Web) -> list[tuple[str, Any]]:
    with w.ctx.tx() as db:
        entries = audit_log.list_entries(db, action_prefix="auth.reauth")
        return [(e.outcome, e.meta.get("reason")) for e in entries]


def page_reads(w: Web, sid: str) -> tuple[list[str], dict[str, str]]:
    """Load the review page; return the audit actions it wrote and the kind (with the media
    type for drafts and signed notes) of each artefact it read."""
    with w.ctx.tx() as db:
        before = len(audit_log.list_entries(db))
    assert w.http.get(f"/sessions/{sid}").status_code == 200
    arts = w.api("GET", "/api/sessions").json()[0]["artefacts"]
    kinds = {a["id"]: f"{a['kind']} {a['media_type']}" for a in arts}
    with w.ctx.tx() as db:
        entries = [e for e in audit_log.list_entries(db)[before:] if e.action != "session.list"]
    read = {
        str(e.object_id): kinds[str(e.object_id)] for e in entries if e.action == "artefact.read"
    }
    return [e.action for e in entries], read


def actions(w: Web, prefix: str) -> list[str]:
    with w.ctx.tx() as db:
        return [e.action for e in audit_log.list_entries(db, action_prefix=prefix)]


def complete(w: Web, sid: str) -> None:
    """Resolve every flag (accept, edit, dismiss in turn), fill the fields, confirm the header."""
    doc = review(w, sid)
    for i, f in enumerate(doc["flags"]):
        data = [
            {"action": "accept"},
            {"action": "edit", "text": "Clinician wording for this point."},
            {"action": "dismiss", "reason": "discussed and not clinically relevant"},
        ][i % 3]
        r = w.post(f"/sessions/{sid}/flags/{f['id']}", data)
        assert r.status_code == 303, r.text
    page = w.http.get(f"/sessions/{sid}").text
    keys = sorted(set(re.findall(r'action="/sessions/[^/]+/fields/([^"]+)"', page)))
    for n, key in enumerate(keys):
        data = {"value": "calm, good eye contact"} if n == 0 else {"blank_reason": "telehealth"}
        assert w.post(f"/sessions/{sid}/fields/{key}", data).status_code == 303
    r = w.post(
        f"/sessions/{sid}/header",
        {
            "session_date": "2026-07-02",
            "duration_minutes": "45",
            "modality": "telehealth_video",
            "participants": "clinician,client",
            "cpt_code": "90834",
            "confirmed": "yes",
        },
    )
    assert r.status_code == 303, r.text


def test_review_page_shows_transcript_note_and_flags(signed_in: Web, session: str) -> None:
    r = signed_in.http.get(f"/sessions/{session}")
    assert r.status_code == 200
    html = r.text
    assert 'class="lowconf"' in html  # the unsure word is marked
    assert 'data-seg="seg-' in html  # evidence buttons jump to segments
    assert "AI-drafted until signed" in html
    assert re.search(r'id="sign-button" disabled', html)
    doc = review(signed_in, session)
    kinds = {f["kind"] for f in doc["flags"]}
    assert "risk_screening" in kinds and "low_confidence" in kinds
    assert any("not resolved" in b for b in doc["blockers"])
    # one session read, one client read, one audited read per artefact the page shows
    audit, read = page_reads(signed_in, session)
    assert audit[0] == "session.read" and audit[-1] == "client.read"
    assert audit.count("artefact.read") == len(read) == len(audit) - 2
    assert sorted(k.split()[0] for k in read.values()) == [
        "assessment",
        "draft",
        "screening",
        "transcript",
    ]  # no recording, no review state stored yet


def test_dismissal_needs_a_reason_and_unknown_flags_are_refused(
    signed_in: Web, session: str
) -> None:
    flag = review(signed_in, session)["flags"][0]["id"]
    r = signed_in.api("POST", f"/api/sessions/{session}/flags/{flag}", json={"action": "dismiss"})
    assert r.status_code == 400 and "reason" in r.json()["error"]["message"]
    r = signed_in.api("POST", f"/api/sessions/{session}/flags/vf-999", json={"action": "accept"})
    assert r.status_code == 400
    r = signed_in.api("POST", f"/api/sessions/{session}/flags/{flag}", json={"action": "accept"})
    assert r.status_code == 200 and r.json()["flags"][0]["resolved"] is True


def test_sign_is_refused_until_everything_is_resolved(signed_in: Web, session: str) -> None:
    r = signed_in.post(
        f"/sessions/{session}/sign", {"password": PASSWORD, "totp": fresh_code(signed_in)}
    )
    assert r.status_code == 400 and "not resolved" in r.text
    assert review(signed_in, session)["signed"] is False


def test_sign_locks_the_note_then_addenda_diff_and_exports(signed_in: Web, session: str) -> None:
    w = signed_in
    complete(w, session)
    assert review(w, session)["blockers"] == []
    page = w.http.get(f"/sessions/{session}").text
    assert 'id="sign-button" disabled' not in page
    assert 'id="sign-totp" name="totp"' in page  # the owner has MFA: the code is asked for

    code = fresh_code(w)
    r = w.post(f"/sessions/{session}/sign", {"password": "not the password at all", "totp": code})
    assert r.status_code == 401 and review(w, session)["signed"] is False
    r = w.post(f"/sessions/{session}/sign", {"password": PASSWORD})  # no code
    assert r.status_code == 401 and "authenticator code" in r.text
    assert f'href="/sessions/{session}#sign"' in r.text  # back to the note
    assert review(w, session)["signed"] is False and "note.sign" not in actions(w, "note.sign")
    r = w.post(f"/sessions/{session}/sign", {"password": PASSWORD, "totp": code})
    assert r.status_code == 303, r.text
    assert reauth_attempts(w) == [
        ("failed", "wrong password"),
        ("failed", "mfa code missing"),
        ("ok", None),
    ]
    assert "note.sign" in actions(w, "note.sign")
    doc = review(w, session)
    assert doc["signed"] is True and doc["status"] == "signed"

    # locked: review changes are refused; an addendum is the way to correct
    flag = doc["flags"][0]["id"]
    r = w.api("POST", f"/api/sessions/{session}/flags/{flag}", json={"action": "accept"})
    assert r.status_code == 400 and "addendum" in r.json()["error"]["message"]
    # an addendum is attested like the signature: re-authentication, a fresh code
    late = "Late entry: follow-up call booked."
    r = w.post(f"/sessions/{session}/addenda", {"text": late, "password": PASSWORD, "totp": code})
    assert r.status_code == 401 and f'href="/sessions/{session}#addenda"' in r.text  # code reused
    assert late not in w.http.get(f"/sessions/{session}").text
    r = w.post(
        f"/sessions/{session}/addenda",
        {"text": late, "password": PASSWORD, "totp": fresh_code(w)},
    )
    assert r.status_code == 303
    assert reauth_attempts(w)[3:] == [("failed", "wrong or reused mfa code"), ("ok", None)]
    with w.ctx.tx() as db:
        purposes = [
            e.meta.get("purpose") for e in audit_log.list_entries(db, action_prefix="auth.reauth")
        ]
    assert purposes[-2:] == ["note.addendum", "note.addendum"]

    page = w.http.get(f"/sessions/{session}").text
    assert "Signed note (locked)" in page and "Late entry: follow-up call booked." in page
    _, read = page_reads(w, session)  # signed: the draft and review state are not decrypted
    assert sorted(read.values()) == [
        "assessment application/json",
        "screening application/json",
        "signed_note application/vnd.clearnote.addendum+json",
        "signed_note application/vnd.clearnote.signed-note+json",
        "transcript application/json",
    ]
    share = re.search(r'id="edit-share">(\d+)%', page)
    assert share is not None and 0 < int(share.group(1)) < 100
    assert "<ins>" in page  # the clinician's words are marked in the diff

    md = w.post(f"/sessions/{session}/export/markdown")
    assert md.status_code == 200 and md.headers["cache-control"] == "no-store"
    text = md.text
    assert "90834" in text and "45 minutes" in text and "Telehealth (video)" in text
    assert "Addendum" in text and CLIENT_NAME not in text
    fhir = w.post(f"/sessions/{session}/export/fhir")
    resource = json.loads(fhir.text)
    assert resource["resourceType"] == "DocumentReference" and resource["docStatus"] == "amended"
    pdf = w.post(f"/sessions/{session}/export/pdf")
    assert pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
    assert actions(w, "artefact.export").count("artefact.export") == 3
    sessions = w.api("GET", "/api/sessions").json()
    kinds = [a["kind"] for a in sessions[0]["artefacts"] if a["erased_at"] is None]
    assert kinds.count("export") == 3 and kinds.count("signed_note") == 2


def test_export_before_signing_is_refused(signed_in: Web, session: str) -> None:
    r = signed_in.post(f"/sessions/{session}/export/markdown")
    assert r.status_code == 403


def test_audio_is_served_uncached_and_audited(signed_in: Web, session: str) -> None:
    before = actions(signed_in, "artefact.read").count("artefact.read")
    r = signed_in.http.get(f"/sessions/{session}/audio")
    assert r.status_code == 200 and r.headers["content-type"].startswith("audio/")
    assert r.headers["cache-control"] == "no-store" and r.content[:4] == b"OggS"
    assert actions(signed_in, "artefact.read").count("artefact.read") > before


def test_review_state_is_sealed_and_superseded_copies_erased(signed_in: Web, session: str) -> None:
    flags = review(signed_in, session)["flags"]
    for f in flags[:2]:
        signed_in.post(f"/sessions/{session}/flags/{f['id']}", {"action": "accept"})
    arts = signed_in.api("GET", "/api/sessions").json()[0]["artefacts"]
    states = [a for a in arts if a["media_type"] == "application/vnd.clearnote.review+json"]
    assert len(states) == 2 and sum(a["erased_at"] is None for a in states) == 1
    blobs = (signed_in.settings.home / "blobs").rglob("*")
    assert all(b"discussed" not in p.read_bytes() for p in blobs if p.is_file())


def test_api_sign_needs_a_fresh_code_and_refuses_a_replayed_one(
    signed_in: Web, session: str
) -> None:
    w = signed_in
    complete(w, session)
    login_code = w.code()  # the step used to sign in: refused as a replay
    r = w.api("POST", f"/api/sessions/{session}/sign", json={"password": PASSWORD})
    assert r.status_code == 401 and "authenticator code" in r.json()["error"]["message"]
    body = {"password": PASSWORD, "totp": login_code}
    r = w.api("POST", f"/api/sessions/{session}/sign", json=body)
    assert r.status_code == 401 and PASSWORD not in r.text and login_code not in r.text
    assert review(w, session)["signed"] is False
    body["totp"] = fresh_code(w)
    r = w.api("POST", f"/api/sessions/{session}/sign", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["signed"] is True and r.json()["status"] == "signed"
    r = w.api("POST", f"/api/sessions/{session}/sign", json=body)  # the same code again
    assert r.status_code == 401
    assert [o for o, _ in reauth_attempts(w)] == ["failed", "failed", "ok", "failed"]


def test_a_suicide_plan_flag_asks_for_the_clinicians_disposition_before_signing(
    signed_in: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.web import conftest

    base = conftest.script_transcript()
    said = "I have a plan to end my life on Friday night."
    segments = list(base.segments)
    i = next(k for k, s in enumerate(segments) if s.speaker == "S2" and k > 3)
    seg = segments[i]
    step = (seg.end - seg.start) / len(said.split())
    words = [
        {
            "text": (" " if k else "") + w,
            "start": seg.start + k * step,
            "end": seg.start + (k + 1) * step,
            "p": 0.95,
        }
        for k, w in enumerate(said.split())
    ]
    segments[i] = seg.model_validate({**seg.model_dump(), "text": said, "words": words})
    disclosed = base.model_copy(update={"segments": tuple(segments)})
    monkeypatch.setattr(conftest, "script_transcript", lambda: disclosed)

    w = signed_in
    sid = process(w, add_client(w, *FULL))
    assert any((f["domain"], f["level"]) == ("suicide", "plan") for f in review(w, sid)["flags"])
    complete(w, sid)  # every flag resolved; the page's fields (risk.disposition among them)
    page = w.http.get(f"/sessions/{sid}").text
    assert 'action="/sessions/' + sid + '/fields/risk.disposition"' in page
    # complete() left every field but the first (an MSE one) blank with a reason: not enough here
    blockers = review(w, sid)["blockers"]
    assert blockers == ["risk.disposition not documented (a blank is not enough)"]
    r = w.post(f"/sessions/{sid}/sign", {"password": PASSWORD, "totp": fresh_code(w)})
    assert r.status_code == 400 and review(w, sid)["signed"] is False
    r = w.post(
        f"/sessions/{sid}/fields/risk.disposition",
        {"value": "Safety plan completed with the client; means restricted; seen again in 2 days."},
    )
    assert r.status_code == 303
    assert review(w, sid)["blockers"] == []
    r = w.post(f"/sessions/{sid}/sign", {"password": PASSWORD, "totp": fresh_code(w)})
    assert r.status_code == 303, r.text
    signed = review(w, sid)
    assert signed["signed"] is True


def test_the_access_package_holds_the_signed_note_consents_and_report(
    signed_in: Web, session: str
) -> None:
    import io
    import zipfile

    w = signed_in
    complete(w, session)
    r = w.post(f"/sessions/{session}/sign", {"password": PASSWORD, "totp": fresh_code(w)})
    assert r.status_code == 303, r.text
    cid = w.api("GET", "/api/sessions").json()[0]["client_id"]
    r = w.post(f"/clients/{cid}/access-package")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert r.headers["cache-control"] == "no-store"
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = sorted(zf.namelist())
        note_md = next(n for n in names if n.endswith(".md"))
        markdown = zf.read(note_md).decode()
        report = json.loads(zf.read("report.json"))
        consents = json.loads(zf.read("consent.json"))
        readme = zf.read("README.txt").decode()
    assert [n.rsplit(".", 1)[1] for n in names if n.startswith("notes/")] == ["md", "pdf"]
    assert {"consent.json", "report.json", "README.txt"} <= set(names)
    assert not any("transcript" in n or "draft" in n or "audio" in n for n in names)
    assert "Progress note" in markdown and "psychotherapy (process) notes" in readme
    assert report["client_id"] == cid and {c["purpose"] for c in consents["purposes"]}
    assert "client.access_package" in actions(w, "client.access_package")
