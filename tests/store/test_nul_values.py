"""A text value with a NUL character is bad input on both backends (PostgreSQL cannot store one:
it was a server error for ``GET /api/sessions?client_id=%00``), single and batched statements."""

from __future__ import annotations

import pytest
from sqlalchemy import column, table, text

from clearnote.errors import BadInputError
from clearnote.store.engine import make_engine


def test_nul_in_a_text_value_is_bad_input(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT :v"), {"v": "no nul here"}).scalar() == "no nul here"
            with pytest.raises(BadInputError, match="NUL character") as info:
                conn.execute(text("SELECT :v"), {"v": "client\x00id"})
            assert "client" not in str(info.value)  # the value is never echoed
            conn.rollback()
            conn.execute(text("CREATE TABLE nul_probe (v VARCHAR(20))"))
            probe = table("nul_probe", column("v"))
            with pytest.raises(BadInputError):
                conn.execute(probe.insert(), [{"v": "fine"}, {"v": "\x00"}])  # executemany
            conn.rollback()
            conn.execute(text("SELECT :b"), {"b": b"sealed\x00bytes"})  # bytes are not text
    finally:
        engine.dispose()
