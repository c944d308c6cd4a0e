"""Database backends for the store and records tests: a SQLite file per test, and PostgreSQL
(localhost:5432, trust auth, database ``test``; override with CLEARNOTE_TEST_PG_URL) with a
throwaway schema per test, dropped afterwards. PostgreSQL tests skip when the server is down."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

PG_URL = os.environ.get(
    "CLEARNOTE_TEST_PG_URL", "postgresql+psycopg://postgres@localhost:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL for ``backend``; PostgreSQL schemas are dropped on exit."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'home' / 'clearnote.db'}"
        return
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    schema = f"cn_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError:
        admin.dispose()
        pytest.skip("PostgreSQL not reachable at localhost:5432")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
