"""Engine and session factory. SQLite (default, in the home): WAL journal, foreign keys,
``secure_delete`` (erased key rows are zeroed in the file), and every transaction opened with
``BEGIN IMMEDIATE`` so there is exactly one writer at a time. PostgreSQL: plain psycopg 3.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from clearnote.errors import BadInputError


def default_sqlite_url(home: Path) -> str:
    return f"sqlite:///{home / 'clearnote.db'}"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a bad or unsupported URL is bad input (named, never echoed)."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError for a malformed URL
        raise BadInputError("CLEARNOTE_DATABASE_URL: not a database URL") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_engine(url)
    elif backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True)
    else:
        raise BadInputError(
            f"CLEARNOTE_DATABASE_URL: unsupported backend {backend!r}; "
            "expected sqlite or postgresql"
        )
    event.listen(engine, "before_cursor_execute", _refuse_nul_characters)
    return engine


def _refuse_nul_characters(
    _conn: Any,
    _cursor: Any,
    _statement: str,
    parameters: Any,
    _context: Any,
    executemany: bool,
) -> None:
    """A text value with a NUL character is bad input on every backend: PostgreSQL cannot store
    one (it raised DataError, a server error, for ``?client_id=%00``) and SQLite would keep it.
    Only request-made values can hold one: sealed fields are bytes, ids are made here."""
    for row in parameters if executemany else (parameters,):
        values = row.values() if isinstance(row, dict) else row or ()
        if any(isinstance(v, str) and "\x00" in v for v in values):
            raise BadInputError("a value contains a NUL character")


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def checkpoint(engine: Engine) -> None:
    """SQLite: fold the WAL into the database file and truncate it (after a crypto-erase, so
    no copy of an erased key row lingers in the WAL)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection  # autocommit: isolation_level is None
        assert raw is not None
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
