"""A fresh practice per test served in-process (httpx TestClient over https://testserver), with
a fake transcriber (the sample session's script with word times; one word marked unsure) so
route tests need no ASR model. Use ``signed_in`` for a client already past password + TOTP."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from clearnote.commands.demo import sample_session
from clearnote.config import Settings
from clearnote.domain.transcript import Transcript
from clearnote.pipeline.analysis import load_engines
from clearnote.records.context import Actor, PracticeContext
from clearnote.records.practice import cli_actor, init_practice, open_practice
from clearnote.records.users import totp_secret
from clearnote.transcription.service import TranscriptionResult
from clearnote.web.app import create_app

PASSWORD = "a long passphrase nobody guesses"
EMAIL = "owner@example.org"
CLIENT_NAME = "Zebediah Quillfeather-Okonkwo"
TURNS = Path(str(sample_session())).with_name("session.turns.json")


def script_transcript() -> Transcript:
    """The sample session's script as a transcript: word times spread over each turn."""
    turns = json.loads(TURNS.read_text())
    segments: list[dict[str, Any]] = []
    for i, t in enumerate(turns, start=1):
        words = t["text"].split()
        step = (t["end"] - t["start"]) / max(1, len(words))
        ws = [
            {
                "text": (" " if k else "") + w,
                "start": round(t["start"] + k * step, 3),
                "end": round(t["start"] + (k + 1) * step, 3),
                "p": 0.3 if (i, k) == (2, 4) else 0.95,
                "low_confidence": (i, k) == (2, 4),
            }
            for k, w in enumerate(words)
        ]
        segments.append(
            {
                "id": f"seg-{i:04d}",
                "start": t["start"],
                "end": t["end"],
                "speaker": "S1" if t["speaker"] == "THERAPIST" else "S2",
                "text": t["text"],
                "words": ws,
                "low_confidence": i == 2,
            }
        )
    return Transcript.model_validate(
        {
            "schema": "clearnote.transcript/1",
            "duration": turns[-1]["end"],
            "asr": {"engine": "fake", "model": "script"},
            "speakers": [{"id": "S1", "role": "clinician"}, {"id": "S2", "role": "client"}],
            "segments": segments,
        }
    )


class FakeTranscriber:
    """Stands in for the Whisper transcriber (same method the pipeline calls)."""

    def transcribe_decoded(self, audio: Any, **_kw: Any) -> TranscriptionResult:
        progress = _kw.get("progress")
        if progress is not None:
            tick = progress(audio.duration)
            if tick is not None:
                tick(audio.duration)
        return TranscriptionResult(transcript=script_transcript(), timings=None)  # type: ignore[arg-type]


@dataclass
class Web:
    app: FastAPI
    http: TestClient
    ctx: PracticeContext
    owner: Actor
    settings: Settings
    secret: str

    def code(self) -> str:
        return pyotp.TOTP(self.secret).at(self.ctx.now())

    def csrf(self) -> str:
        token = self.http.cookies.get("cn_csrf")
        if token is None:
            self.http.get("/login")
            token = self.http.cookies.get("cn_csrf")
        assert token
        return token

    def login(self, *, code: str | None = None, password: str = PASSWORD) -> Any:
        return self.http.post(
            "/login",
            data={
                "csrf_token": self.csrf(),
                "email": EMAIL,
                "password": password,
                "totp": code or self.code(),
            },
            follow_redirects=False,
        )

    def post(self, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.http.post(
            url, data={"csrf_token": self.csrf(), **(data or {})}, follow_redirects=False, **kw
        )

    def api(self, method: str, url: str, **kw: Any) -> Any:
        headers = {"X-CSRF-Token": self.csrf(), **kw.pop("headers", {})}
        return self.http.request(method, url, headers=headers, **kw)

    def advance(self, seconds: float) -> None:
        """Move the practice clock (TOTP steps, idle timeouts)."""
        base = self.ctx.now() + timedelta(seconds=seconds)
        start = time.monotonic()
        self.ctx.clock = lambda: base + timedelta(seconds=time.monotonic() - start)


@contextmanager
def serve(tmp_path: Path, **app_options: Any) -> Iterator[Web]:
    """An app over a fresh practice (not signed in); ``app_options`` go to ``create_app``."""
    settings = Settings(
        home=tmp_path / "home",
        key_file=tmp_path / "keys" / "kek",
        login_max_failures=3,
        login_lockout_s=60,
    )
    init_practice(settings, owner_email=EMAIL, password=PASSWORD)
    ctx = open_practice(settings)
    # start the clock at the beginning of a 30-s TOTP step, so a test's codes share one step
    # (a replayed code is a replay) unless the test moves the clock on itself
    fixed = datetime.fromtimestamp(int(time.time()) // 30 * 30, UTC)
    start = time.monotonic()
    ctx.clock = lambda: fixed + timedelta(seconds=time.monotonic() - start)
    owner = cli_actor(ctx)
    with ctx.tx() as db:
        secret = totp_secret(ctx, db, owner.user_id)
    options: dict[str, Any] = {
        "transcriber_for": FakeTranscriber,
        "engines_for": lambda: load_engines(settings),
        "max_upload_bytes": 2 * 1024 * 1024,
        **app_options,
    }
    app = create_app(settings, ctx=ctx, **options)
    try:
        with TestClient(app, base_url="https://testserver") as http:
            yield Web(app, http, ctx, owner, settings, secret)
    finally:
        ctx.close()


@pytest.fixture
def web(tmp_path: Path) -> Iterator[Web]:
    """An app over a fresh practice (not signed in)."""
    with serve(tmp_path) as w:
        yield w


@pytest.fixture
def signed_in(web: Web) -> Web:
    r = web.login()
    assert r.status_code == 303, r.text
    return web


def add_client(w: Web, *purposes: str, name: str = CLIENT_NAME) -> str:
    r = w.post("/clients", {"name": name, "jurisdiction": "US-CA"})
    assert r.status_code == 303, r.text
    cid: str = r.headers["location"].rsplit("/", 1)[1]
    if purposes:
        r = w.post(
            f"/clients/{cid}/consent",
            {"purpose": list(purposes), "signed_by": name, "read_confirmed": "yes"},
        )
        assert r.status_code == 303, r.text
    return cid


def upload_sample(w: Web, cid: str) -> str:
    """Upload the sample recording; returns the job id."""
    r = w.api(
        "POST",
        f"/api/clients/{cid}/recordings",
        content=sample_session().read_bytes(),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert r.status_code == 202, r.text
    return str(r.json()["id"])


def process(w: Web, cid: str) -> str:
    """Upload the sample recording and wait for the job; returns the session id."""
    job = upload_sample(w, cid)
    for _ in range(600):
        doc = w.http.get(f"/api/jobs/{job}").json()
        if doc["status"] in ("done", "failed"):
            break
        time.sleep(0.05)
    assert doc["status"] == "done", doc
    return str(doc["session_id"])


FULL = ("record", "transcribe", "draft_note", "risk_screening")
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
