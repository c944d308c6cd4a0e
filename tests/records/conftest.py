"""A fresh practice per test on each backend (SQLite in the home; PostgreSQL throwaway schema),
the key file outside the home, acting as the owner (roles owner + clinician)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clearnote.config import Settings
from clearnote.records import clients, consent
from clearnote.records.context import Actor, PracticeContext
from clearnote.records.practice import cli_actor, init_practice, open_practice
from tests.store.backends import BACKENDS, database_url

PASSWORD = "a long passphrase nobody guesses"
CLIENT_NAME = "Zebediah Quillfeather-Okonkwo"


@dataclass
class World:
    settings: Settings
    ctx: PracticeContext
    owner: Actor
    tmp: Path


def make_settings(tmp_path: Path, url: str | None) -> Settings:
    return Settings(
        home=tmp_path / "home",
        key_file=tmp_path / "keys" / "kek",
        login_max_failures=3,
        login_lockout_s=60,
        # none: CLEARNOTE_DATABASE_URL (a PostgreSQL suite run) or SQLite in the home
        **({"database_url": url} if url else {}),
    )


@pytest.fixture(params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[World]:
    """An initialized practice, open, with the CLI owner as actor. Use for service tests that
    must hold on both SQLite and PostgreSQL."""
    (tmp_path / "home").mkdir()
    with database_url(request.param, tmp_path) as url:
        settings = make_settings(tmp_path, None if request.param == "sqlite" else url)
        init_practice(settings, owner_email="owner@example.org", password=PASSWORD)
        ctx = open_practice(settings)
        try:
            yield World(settings, ctx, cli_actor(ctx), tmp_path)
        finally:
            ctx.close()


@pytest.fixture
def sqlite_world(tmp_path: Path) -> Iterator[World]:
    """As ``world`` on SQLite only (for tests that read the database file itself), in a
    PostgreSQL suite run too."""
    settings = make_settings(tmp_path, None).model_copy(update={"database_url": None})
    init_practice(settings, owner_email="owner@example.org", password=PASSWORD)
    ctx = open_practice(settings)
    try:
        yield World(settings, ctx, cli_actor(ctx), tmp_path)
    finally:
        ctx.close()


def consented_client(w: World, *purposes: str, name: str = CLIENT_NAME) -> str:
    cid = clients.add_client(w.ctx, w.owner, name=name, jurisdictions=["US-IL"])
    if purposes:
        consent.grant(w.ctx, w.owner, cid, list(purposes), signed_by=name)
    return cid
