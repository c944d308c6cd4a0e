"""Database backends for the tests: a SQLite file per test, and PostgreSQL (localhost:5432, trust
auth, database ``test``; override with CLEARNOTE_TEST_PG_URL) with a throwaway schema per test,
dropped afterwards. PostgreSQL tests skip when the server is down.

``CLEARNOTE_TEST_DATABASE=postgresql`` (``make test-pg``) runs the whole suite on PostgreSQL:
every test gets its own schema through ``CLEARNOTE_DATABASE_URL`` (``tests/conftest.py``), the
tests parametrized over both backends run on PostgreSQL only, and an unreachable server is an
error rather than a skip."""

from __future__ import annotations

import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.exc import OperationalError

PG_URL = os.environ.get(
    "CLEARNOTE_TEST_PG_URL", "postgresql+psycopg://postgres@localhost:5432/test"
)
SUITE_DATABASE = os.environ.get("CLEARNOTE_TEST_DATABASE", "sqlite")
if SUITE_DATABASE not in ("sqlite", "postgresql"):
    raise pytest.UsageError("CLEARNOTE_TEST_DATABASE: expected sqlite or postgresql")
PG_SUITE = SUITE_DATABASE == "postgresql"
BACKENDS = ["postgresql"] if PG_SUITE else ["sqlite", "postgresql"]
# schemas of this test run (a run at the same time on the same server has its own prefix)
SCHEMA_PREFIX = f"cn_test_{uuid.uuid4().hex[:6]}_"

_admin: Engine | None = None


def _admin_engine() -> Engine:
    """One autocommit engine for creating and dropping schemas, shared by the session."""
    global _admin
    if _admin is None:
        _admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT", pool_size=1)
    return _admin


def dispose_admin() -> None:
    global _admin
    if _admin is not None:
        _admin.dispose()
        _admin = None


def _drop(schema: str) -> None:
    """Drop a test schema; a connection the test leaked mid-transaction must not hang the run,
    so give up after a few seconds (``drop_leftovers`` tries again at the end)."""
    try:
        with _admin_engine().connect() as conn:
            conn.execute(text("SET lock_timeout = '5s'"))
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    except OperationalError as exc:
        warnings.warn(f"could not drop test schema {schema}: {type(exc).__name__}", stacklevel=2)


def drop_leftovers() -> None:
    """Drop every schema this run's tests left behind (end of a ``make test-pg`` run)."""
    with _admin_engine().connect() as conn:
        rows = conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
            {"p": SCHEMA_PREFIX.replace("_", r"\_") + "%"},
        ).all()
    for (schema,) in rows:
        _drop(schema)


def pg_reachable() -> bool:
    try:
        with _admin_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError:
        dispose_admin()
        return False
    return True


@contextmanager
def pg_schema_url() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema; the schema is dropped on exit. Skips the
    test when the server is down, except in a PostgreSQL suite run, where that is an error."""
    schema = f"{SCHEMA_PREFIX}{uuid.uuid4().hex[:10]}"
    try:
        with _admin_engine().connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError:
        dispose_admin()
        if PG_SUITE:
            pytest.fail("CLEARNOTE_TEST_DATABASE=postgresql but PostgreSQL is not reachable")
        pytest.skip("PostgreSQL not reachable at localhost:5432")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        _drop(schema)


def unix_socket_url(url: str) -> str | None:
    """``url`` (a PostgreSQL URL) reaching the same server through its Unix socket, for a process
    with no network at all (``unshare -n``); None when the socket is not in the usual folder."""
    parsed = make_url(url)
    folder = Path("/var/run/postgresql")
    if parsed.host not in (None, "localhost", "127.0.0.1"):
        return None
    if not (folder / f".s.PGSQL.{parsed.port or 5432}").exists():
        return None
    socket = parsed._replace(host=None, port=None).update_query_dict({"host": str(folder)})
    return socket.render_as_string(hide_password=False)


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL for ``backend``; PostgreSQL schemas are dropped on exit."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'home' / 'clearnote.db'}"
        return
    with pg_schema_url() as url:
        yield url


@contextmanager
def another_database() -> Iterator[str | None]:
    """A database for a second home in the same test: None (SQLite in that home) normally, a
    second fresh PostgreSQL schema in a PostgreSQL suite run."""
    if not PG_SUITE:
        yield None
        return
    with pg_schema_url() as url:
        yield url
