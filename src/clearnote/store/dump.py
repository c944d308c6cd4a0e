"""A logical dump of the record database, table by table in dependency order, as JSON lines
(bytes and datetimes tagged), and its load into an empty database at the same schema revision.

Portable across backends (a SQLite practice restores into PostgreSQL and back). Columns that hold
client words are ciphertext already (``*_ct``); the backup module encrypts the dump as a whole.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select

from clearnote.errors import BadInputError
from clearnote.store.migrate import current_revision, upgrade_head
from clearnote.store.models import Base, Practice


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$b" in value:
            return base64.b64decode(value["$b"])
        if "$t" in value:
            return datetime.fromisoformat(value["$t"])
    return value


def table_names() -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables]


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see one moment: SQLite holds the writer lock (BEGIN
    IMMEDIATE, so no blob is added or erased meanwhile); PostgreSQL reads a REPEATABLE READ
    snapshot."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def dump_table(conn: Connection, name: str) -> Iterator[bytes]:
    """One JSON line per row of ``name``."""
    table = Base.metadata.tables[name]
    order = list(table.primary_key.columns) or list(table.columns)[:1]
    for row in conn.execute(select(table).order_by(*order)).mappings():
        doc = {k: _encode(v) for k, v in row.items()}
        yield json.dumps(doc, separators=(",", ":"), sort_keys=True).encode() + b"\n"


def revision(engine: Engine) -> str | None:
    return current_revision(engine)


def prepare_empty(engine: Engine, expected_revision: str | None) -> None:
    """Migrate a fresh database to head; refuse one that already holds a practice or whose head
    differs from the dump's."""
    upgrade_head(engine)
    if current_revision(engine) != expected_revision:
        raise BadInputError(
            "backup: made at schema revision "
            f"{expected_revision}, this version of Clearnote is at {current_revision(engine)}"
        )
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(Practice)).scalar_one()
        conn.rollback()
    if count:
        raise BadInputError("restore: the target database already holds a practice")


def load_table(engine: Engine, name: str, lines: Iterable[bytes], *, batch: int = 500) -> int:
    """Insert the dumped rows of ``name``; returns how many."""
    table = Base.metadata.tables[name]
    columns = set(table.columns.keys())
    n = 0
    rows: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for line in lines:
            if not line.strip():
                continue
            doc = json.loads(line)
            rows.append({k: _decode(v) for k, v in doc.items() if k in columns})
            if len(rows) >= batch:
                conn.execute(table.insert(), rows)
                n += len(rows)
                rows = []
        if rows:
            conn.execute(table.insert(), rows)
            n += len(rows)
    return n


def clear_tables(engine: Engine, names: Iterable[str]) -> None:
    """Empty the named tables, children first, in one transaction: takes back the tables a
    restore loaded into a fresh database before it failed."""
    wanted = set(names)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in wanted:
                conn.execute(table.delete())
