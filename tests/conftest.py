"""Shared fixtures. Evaluation data is read from ../shared/eval and skipped cleanly when absent.

``CLEARNOTE_TEST_DATABASE=postgresql`` (``make test-pg``) gives every test a fresh PostgreSQL
schema through ``CLEARNOTE_DATABASE_URL`` (see ``tests/store/backends.py``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.backends import (
    PG_SUITE,
    dispose_admin,
    drop_leftovers,
    pg_reachable,
    pg_schema_url,
)
from tests.store.s3_server import s3_endpoint  # noqa: F401  (the S3 emulator, for any test)

REPO = Path(__file__).resolve().parents[1]
SHARED_EVAL = Path(os.environ.get("CLEARNOTE_SHARED_EVAL", REPO.parent / "shared" / "eval"))
DATA = REPO / "tests" / "data"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Drop every CLEARNOTE_ setting so a developer's environment cannot change a test."""
    for key in list(os.environ):
        if key.startswith("CLEARNOTE_") and key != "CLEARNOTE_SHARED_EVAL":
            monkeypatch.delenv(key, raising=False)
    yield


@pytest.fixture(autouse=True)
def suite_database(clean_environ: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """In a PostgreSQL suite run, a fresh schema per test as ``CLEARNOTE_DATABASE_URL`` (read by
    every ``Settings()`` built without an explicit ``database_url``, subprocesses included)."""
    if not PG_SUITE:
        yield
        return
    with pg_schema_url() as url:
        monkeypatch.setenv("CLEARNOTE_DATABASE_URL", url)
        yield


def pytest_sessionstart(session: pytest.Session) -> None:
    if PG_SUITE and not pg_reachable():
        pytest.exit("CLEARNOTE_TEST_DATABASE=postgresql: PostgreSQL is not reachable", returncode=3)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if PG_SUITE:
        drop_leftovers()
        dispose_admin()


def pytest_report_header() -> str:
    return f"clearnote test database: {'postgresql' if PG_SUITE else 'sqlite (default)'}"


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    """The shared evaluation folder; skips the test when it is not on this machine."""
    if not SHARED_EVAL.is_dir():
        pytest.skip(f"evaluation data not present at {SHARED_EVAL}")
    return SHARED_EVAL


def eval_file(relative: str) -> Path:
    """A file under ../shared/eval, or skip the calling test when it is absent."""
    path = SHARED_EVAL / relative
    if not path.exists():
        pytest.skip(f"evaluation file not present: {relative}")
    return path


@pytest.fixture
def cli_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    """A practice initialized through the CLI in ``tmp_path`` (settings in the environment, as
    a user has them) with one client; returns the client id, the CLI output so far consumed."""
    import json

    from clearnote.cli import main

    monkeypatch.setenv("CLEARNOTE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLEARNOTE_KEY_FILE", str(tmp_path / "keys" / "kek"))
    monkeypatch.setenv("CLEARNOTE_OWNER_PASSWORD", "a long passphrase nobody guesses")
    assert main(["init", "--owner-email", "dr@example.org"]) == 0
    capsys.readouterr()
    assert main(["client", "add", "--name", "Client Person", "--json"]) == 0
    cid: str = json.loads(capsys.readouterr().out)["id"]
    return cid
