from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from tests.store.backends import another_database


@pytest.fixture
def fresh_db() -> Iterator[Callable[[], str | None]]:
    """Another empty database for each further home in a test: None (SQLite in that home), or a
    new PostgreSQL schema in a PostgreSQL suite run (dropped after the test)."""
    with ExitStack() as stack:
        yield lambda: stack.enter_context(another_database())
