"""Alembic environment for Clearnote: the engine is passed in ``config.attributes``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from clearnote.store.models import Base

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    raise RuntimeError("run migrations through clearnote.store.migrate (no alembic.ini)")

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
