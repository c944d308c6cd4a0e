"""A practice per test with a consented client, a tiny generated recording, and a fake
transcriber (typed turns, no model) so stage logic is tested in milliseconds."""

from __future__ import annotations

import math
import struct
import subprocess
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from clearnote.config import Settings
from clearnote.pipeline.analysis import Engines, load_engines
from clearnote.pipeline.stages import StageRunner
from clearnote.records import clients, consent
from clearnote.records.context import Actor, PracticeContext, utcnow
from clearnote.records.practice import cli_actor, init_practice, open_practice
from clearnote.transcription.service import TranscriptionResult
from clearnote.transcripts.importer import parse_turns
from tests.jobs.brokers import worker_processes
from tests.store.backends import BACKENDS, database_url

PASSWORD = "a long passphrase nobody guesses"
CLIENT_NAME = "Philippa Quorndon-Vask"
TURNS = (
    "Therapist: How has your sleep been since we last met?\n"
    "Client: Poor. I wake at four most nights and lie there worrying about the deadline.\n"
    "Therapist: Have you had any thoughts of hurting yourself?\n"
    "Client: No, nothing like that. I just feel tired and tense.\n"
    "Therapist: Let's practise the breathing exercise and try a wind-down routine.\n"
)
ALL_PURPOSES = ("record", "transcribe", "draft_note", "risk_screening", "diagnostic_suggestions")


class Clock:
    """A settable clock for the practice (leases lapse when the test says so)."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class FakeTranscriber:
    calls: int = 0
    before_return: Any = None  # a hook run mid-transcription (to simulate trouble)

    def transcribe_decoded(self, audio: Any, **_kwargs: Any) -> TranscriptionResult:
        self.calls += 1
        if self.before_return is not None:
            self.before_return()
        return TranscriptionResult(parse_turns(TURNS, source="fake"), timings=None)  # type: ignore[arg-type]


@dataclass
class World:
    settings: Settings
    ctx: PracticeContext
    owner: Actor
    tmp: Path
    clock: Clock
    audio: Path
    transcriber: FakeTranscriber = field(default_factory=FakeTranscriber)
    engines: Engines | None = None

    def client(self, *purposes: str) -> str:
        cid = clients.add_client(self.ctx, self.owner, name=CLIENT_NAME, jurisdictions=["US-CA"])
        if purposes:
            consent.grant(self.ctx, self.owner, cid, list(purposes), signed_by=CLIENT_NAME)
        return cid

    def runner(self, worker: str = "w1") -> StageRunner:
        def engines() -> Engines:
            if self.engines is None:
                self.engines = load_engines(self.settings)
            return self.engines

        return StageRunner(
            self.ctx,
            transcriber_for=lambda: self.transcriber,  # type: ignore[arg-type,return-value]
            engines_for=engines,
            worker=worker,
        )


def write_tone(path: Path, seconds: float = 1.0, rate: int = 16000) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 220 * i / rate)))
            for i in range(int(seconds * rate))
        )
        w.writeframes(frames)
    return path


def _world(tmp_path: Path, url: str | None) -> Iterator[World]:
    (tmp_path / "home").mkdir(exist_ok=True)
    settings = Settings(
        home=tmp_path / "home",
        key_file=tmp_path / "keys" / "kek",
        job_lease_s=30.0,
        job_max_attempts=3,
        # none: CLEARNOTE_DATABASE_URL (a PostgreSQL suite run) or SQLite in the home
        **({"database_url": url} if url else {}),
    )
    init_practice(settings, owner_email="owner@example.org", password=PASSWORD)
    ctx = open_practice(settings)
    clock = Clock()
    ctx.clock = clock
    try:
        yield World(settings, ctx, cli_actor(ctx), tmp_path, clock, write_tone(tmp_path / "t.wav"))
    finally:
        ctx.close()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    """SQLite (the default practice); PostgreSQL in a PostgreSQL suite run."""
    yield from _world(tmp_path, None)


@pytest.fixture(params=BACKENDS)
def any_world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """SQLite and PostgreSQL (skipped when the server is down)."""
    with database_url(request.param, tmp_path) as url:
        yield from _world(tmp_path, None if request.param == "sqlite" else url)


@pytest.fixture
def workers(tmp_path: Path) -> Iterator[Callable[[str], subprocess.Popen[bytes]]]:
    """Start real ``clearnote worker`` processes (see ``tests.jobs.brokers``)."""
    with worker_processes(tmp_path) as start:
        yield start
