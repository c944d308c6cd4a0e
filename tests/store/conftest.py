from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.backends import BACKENDS, database_url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend (SQLite file; PostgreSQL throwaway schema)."""
    (tmp_path / "home").mkdir()
    with database_url(request.param, tmp_path) as url:
        yield url
