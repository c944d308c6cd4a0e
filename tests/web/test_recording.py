"""Recording in the browser, server side: chunks appended in order to an in-memory buffer,
processed at stop (or after an idle gap, as when the tab is closed) exactly as an upload."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from clearnote.commands.demo import sample_session
from clearnote.records import audit_log, sessions, stage_leases
from clearnote.records.users import create_user, totp_secret
from clearnote.security.roles import Role
from clearnote.web.live import LiveRecordings
from tests.web.conftest import FULL, Web, add_client

CHUNK = 64 * 1024
OTHER_PASSWORD = "another long passphrase nobody guesses"


def start(w: Web, cid: str) -> Any:
    return w.api("POST", f"/api/clients/{cid}/live-recordings?fmt=soap")


def put(w: Web, rid: str, seq: int, data: bytes) -> Any:
    return w.api(
        "PUT",
        f"/api/live-recordings/{rid}/chunks/{seq}",
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )


def wait_job(w: Web, job: str) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for _ in range(600):
        doc = w.http.get(f"/api/jobs/{job}").json()
        if doc["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    return doc


def chunks() -> list[bytes]:
    audio = sample_session().read_bytes()
    return [audio[i : i + CHUNK] for i in range(0, len(audio), CHUNK)]


@pytest.mark.slow  # processes the sample recording
def test_chunks_in_order_then_stop_processes_the_whole_recording(signed_in: Web) -> None:
    w = signed_in
    cid = add_client(w, *FULL)
    r = start(w, cid)
    assert r.status_code == 201, r.text
    rid = r.json()["id"]
    parts = chunks()
    for seq, part in enumerate(parts):
        r = put(w, rid, seq, part)
        assert r.status_code == 200, r.text
    assert r.json() == {
        "id": rid,
        "client_id": cid,
        "chunks": len(parts),
        "bytes": sum(map(len, parts)),
    }
    # a retry of the last chunk (its answer lost) is harmless; a gap or a replay is refused
    assert put(w, rid, len(parts) - 1, parts[-1]).json()["chunks"] == len(parts)
    gap = put(w, rid, len(parts) + 1, b"x")
    assert gap.status_code == 400 and gap.json()["error"]["code"] == "bad_request"
    assert put(w, rid, 0, parts[0]).status_code == 400
    assert w.app.state.live_recordings.pending() == 1

    r = w.api("POST", f"/api/live-recordings/{rid}/stop")
    assert r.status_code == 202, r.text
    doc = wait_job(w, r.json()["id"])
    assert doc["status"] == "done", doc
    assert w.app.state.live_recordings.pending() == 0
    # a repeated stop answers the same job; chunks after stop are refused
    again = w.api("POST", f"/api/live-recordings/{rid}/stop")
    assert again.status_code == 202 and again.json()["id"] == doc["id"]
    assert put(w, rid, len(parts), b"late").status_code == 404
    # the sealed audio is exactly the bytes sent
    view = sessions.show_session(w.ctx, w.owner, doc["session_id"])
    audio = next(a for a in view.artefacts if a.kind == "audio")
    stored = sessions.load_artefact(audio.id, actor=w.owner, ctx=w.ctx)
    assert stored == sample_session().read_bytes()


@pytest.mark.slow  # processes the sample recording
def test_a_closed_tab_still_gets_its_recording_processed(signed_in: Web) -> None:
    w = signed_in
    w.app.state.live_recordings.idle_s = 0.3
    cid = add_client(w, *FULL)
    rid = start(w, cid).json()["id"]
    for seq, part in enumerate(chunks()):
        assert put(w, rid, seq, part).status_code == 200
    # no stop: the tab went away
    for _ in range(100):
        if w.app.state.live_recordings.pending() == 0:
            break
        time.sleep(0.05)
    assert w.app.state.live_recordings.pending() == 0
    done = None
    for _ in range(400):
        rows = sessions.list_sessions(w.ctx, w.owner, client_id=cid)
        if rows and "draft" in rows[0].stages:
            done = rows[0]
            break
        time.sleep(0.05)
    assert done is not None
    # the stop that arrives late still answers the job
    r = w.api("POST", f"/api/live-recordings/{rid}/stop")
    assert r.status_code == 202 and wait_job(w, r.json()["id"])["status"] == "done"


def test_an_idle_empty_recording_is_dropped_and_discard_works(signed_in: Web) -> None:
    w = signed_in
    w.app.state.live_recordings.idle_s = 0.2
    cid = add_client(w, *FULL)
    start(w, cid)
    for _ in range(100):
        if w.app.state.live_recordings.pending() == 0:
            break
        time.sleep(0.05)
    assert w.app.state.live_recordings.pending() == 0
    w.app.state.live_recordings.idle_s = 60
    rid = start(w, cid).json()["id"]
    assert w.api("POST", f"/api/live-recordings/{rid}/stop").status_code == 400  # nothing yet
    assert put(w, rid, 0, b"abc").status_code == 200
    assert w.api("DELETE", f"/api/live-recordings/{rid}").status_code == 204
    assert w.api("POST", f"/api/live-recordings/{rid}/stop").status_code == 404
    assert sessions.list_sessions(w.ctx, w.owner, client_id=cid) == []


def test_refusals(signed_in: Web) -> None:
    w = signed_in
    no_consent = add_client(w)
    r = start(w, no_consent)
    assert r.status_code == 403 and "consent" in r.json()["error"]["message"]
    cid = add_client(w, *FULL, name="Second Client")
    # CSRF header required
    r = w.http.post(f"/api/clients/{cid}/live-recordings")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    rid = start(w, cid).json()["id"]
    r = w.http.put(f"/api/live-recordings/{rid}/chunks/0", content=b"abc")
    assert r.status_code == 403
    # at most two open at once per user
    assert start(w, cid).status_code == 201
    assert start(w, cid).status_code == 400
    # over the size limit (2 MiB in these tests)
    big = b"\0" * (1024 * 1024)
    assert put(w, rid, 0, big).status_code == 200
    assert put(w, rid, 1, big).status_code == 200
    assert put(w, rid, 2, b"more").status_code == 400
    # another clinician never sees the recording
    with w.ctx.tx() as db:
        other, _ = create_user(
            w.ctx,
            db,
            email="other@example.org",
            roles=frozenset({Role.CLINICIAN}),
            password=OTHER_PASSWORD,
            actor=w.owner,
        )
        secret = totp_secret(w.ctx, db, other.id)
    w.http.cookies.clear()
    assert put(w, rid, 2, b"x").status_code == 401
    r = w.post(
        "/login",
        {
            "email": "other@example.org",
            "password": OTHER_PASSWORD,
            "totp": pyotp.TOTP(secret).at(w.ctx.now()),
        },
    )
    assert r.status_code == 303, r.text
    assert put(w, rid, 2, b"x").status_code == 404
    assert w.api("POST", f"/api/live-recordings/{rid}/stop").status_code == 404
    assert w.api("DELETE", f"/api/live-recordings/{rid}").status_code == 404
    assert w.app.state.live_recordings.pending() == 2


def spooled(w: Web) -> list[str]:
    """Recording ids with a spool file on disk."""
    return sorted(p.stem for p in (w.settings.home / "spool").glob("*.spool"))


def test_the_spool_file_goes_with_a_discarded_recording(signed_in: Web) -> None:
    w = signed_in
    cid = add_client(w, *FULL)
    rid = start(w, cid).json()["id"]
    assert put(w, rid, 0, b"abc").status_code == 200
    assert spooled(w) == [rid]
    assert w.api("DELETE", f"/api/live-recordings/{rid}").status_code == 204
    assert spooled(w) == []


@pytest.mark.slow  # processes the sample recording
def test_a_server_restart_mid_recording_loses_none_of_it(signed_in: Web) -> None:
    w = signed_in
    cid = add_client(w, *FULL)
    rid = start(w, cid).json()["id"]
    parts = chunks()
    for seq, part in enumerate(parts):
        assert put(w, rid, seq, part).status_code == 200
    assert spooled(w) == [rid]
    # the server stops: what was in memory is gone, the sealed spool stays; then it starts again
    old = w.app.state.live_recordings
    old.close()
    fresh = LiveRecordings(w.app.state.jobs, max_bytes=old.max_bytes, spool=old.spool)
    jobs = fresh.recover()
    assert len(jobs) == 1 and wait_job(w, jobs[0].id)["status"] == "done"
    assert spooled(w) == []  # the audio is in the record store now
    rows = sessions.list_sessions(w.ctx, w.owner, client_id=cid)
    assert len(rows) == 1 and "draft" in rows[0].stages
    audio_id = stage_leases.artefact_ids(w.ctx, rows[0].id)["audio"][0]
    assert sessions.load_artefact(audio_id, actor=w.owner, ctx=w.ctx) == b"".join(parts)
    with w.ctx.tx() as db:
        recovered = audit_log.list_entries(db, action_prefix="recording.recover")
    assert [(e.outcome, e.meta["chunks"], e.meta["damaged"]) for e in recovered] == [
        ("ok", len(parts), False)
    ]
    assert fresh.recover() == []  # nothing is processed twice
