"""Data keys: create (wrapped by the current KEK), unwrap (cached for the open practice),
crypto-erase, and KEK rotation by re-wrapping every live data key."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from clearnote.errors import IntegrityError
from clearnote.records.context import PracticeContext
from clearnote.security import crypto
from clearnote.store.models import DataKey


def create_key(
    ctx: PracticeContext,
    db: Session,
    *,
    scope: str,
    client_id: str | None = None,
    owner_user_id: str | None = None,
) -> tuple[str, bytes]:
    key_id = str(uuid.uuid4())
    key = crypto.new_key()
    kek_id, wrapped = ctx.keys.wrap(key, key_id=key_id)
    db.add(
        DataKey(
            id=key_id,
            scope=scope,
            client_id=client_id,
            owner_user_id=owner_user_id,
            kek_id=kek_id,
            wrapped=wrapped,
            version=1,
            created_at=ctx.now(),
        )
    )
    db.flush()  # the key row exists before rows that reference it
    ctx._key_cache[key_id] = key
    return key_id, key


def get_key(ctx: PracticeContext, db: Session, key_id: str) -> bytes:
    cached = ctx._key_cache.get(key_id)
    if cached is not None:
        return cached
    row = db.get(DataKey, key_id)
    if row is None or row.wrapped is None:
        raise IntegrityError(f"data key {key_id}: destroyed or missing (crypto-erased)")
    key = ctx.keys.unwrap(row.kek_id, row.wrapped, key_id=key_id)
    ctx._key_cache[key_id] = key
    return key


def destroy_key(ctx: PracticeContext, db: Session, key_id: str) -> bool:
    """Crypto-erase: overwrite the wrapped key with nothing (SQLite ``secure_delete`` zeroes the
    old bytes in the file). Returns False if it was already destroyed."""
    ctx.forget_key(key_id)
    row = db.get(DataKey, key_id)
    if row is None or row.wrapped is None:
        return False
    row.wrapped = None
    row.destroyed_at = ctx.now()
    return True


def seal_field(
    ctx: PracticeContext, db: Session, key_id: str, table: str, row_id: str, field: str, text: str
) -> bytes:
    key = get_key(ctx, db, key_id)
    return crypto.seal(key, text.encode("utf-8"), crypto.aad_for(table, row_id, field, key_id))


def open_field(
    ctx: PracticeContext,
    db: Session,
    key_id: str,
    table: str,
    row_id: str,
    field: str,
    sealed: bytes,
) -> str:
    key = get_key(ctx, db, key_id)
    aad = crypto.aad_for(table, row_id, field, key_id)
    return crypto.open_sealed(key, sealed, aad, what=f"{table}.{field} of {row_id}").decode("utf-8")


@dataclass(frozen=True)
class RotationReport:
    new_kek_id: str
    retired_kek_ids: tuple[str, ...]
    rewrapped: int


def rotate_kek(ctx: PracticeContext, *, batch: int = 500) -> RotationReport:
    """Make a new KEK, re-wrap every live data key under it in small transactions (readers keep
    working: rows not yet re-wrapped still open with the old KEK), then retire the old KEKs."""
    new_id = ctx.keys.add_kek()
    done = 0
    while True:
        with ctx.tx() as db:
            rows = db.scalars(
                select(DataKey)
                .where(DataKey.wrapped.is_not(None), DataKey.kek_id != new_id)
                .limit(batch)
            ).all()
            for row in rows:
                assert row.wrapped is not None
                key = ctx.keys.unwrap(row.kek_id, row.wrapped, key_id=row.id)
                row.kek_id, row.wrapped = ctx.keys.wrap(key, key_id=row.id)
                row.version += 1
                row.rewrapped_at = ctx.now()
            done += len(rows)
        if len(rows) < batch:
            break
    retired = ctx.keys.retire(new_id)
    return RotationReport(new_id, tuple(retired), done)
