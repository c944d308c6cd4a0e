"""The open practice: settings, database, key provider, blob store and a clock, plus the acting
user. Built once at the edge (CLI, web app, worker) by ``records.practice.open_practice``.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from clearnote.config import Settings
from clearnote.errors import PolicyError
from clearnote.security.keys import FileKeyProvider
from clearnote.security.roles import Role
from clearnote.store.blobs import BlobStore


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Actor:
    """Who acts: a user id with roles, and the channel (``cli:<os user>``, ``web``, ``worker``)."""

    user_id: str
    roles: frozenset[Role]
    via: str

    @staticmethod
    def cli_via() -> str:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
        return f"cli:{name}"


SYSTEM = "system"


class Refused(PolicyError):
    """A refusal raised inside ``PracticeContext.tx``: the transaction is rolled back (nothing is
    stored), then the refusal is audited in a transaction of its own, then it propagates (exit 3).
    ``audit`` holds the keyword arguments of ``audit_log.append``."""

    def __init__(self, message: str, audit: dict[str, object]) -> None:
        super().__init__(message)
        self.audit = audit


@dataclass
class PracticeContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    keys: FileKeyProvider
    blobs: BlobStore
    practice_id: str
    clock: Callable[[], datetime] = utcnow
    _key_cache: dict[str, bytes] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return f"PracticeContext(practice_id={self.practice_id!r}, db={self.engine.dialect.name})"

    @contextmanager
    def tx(self) -> Iterator[Session]:
        """One transaction (SQLite: BEGIN IMMEDIATE); commits on success, rolls back on error."""
        try:
            with self.sessions.begin() as db:
                yield db
        except Refused as refusal:
            from clearnote.records import audit_log

            audit_log.append_alone(self, **refusal.audit)
            raise

    def now(self) -> datetime:
        return self.clock()

    def forget_key(self, key_id: str) -> None:
        self._key_cache.pop(key_id, None)

    def close(self) -> None:
        self._key_cache.clear()
        self.engine.dispose()
