"""Create and open a practice: the home folder, the key file (outside the home), the database
(migrated to head on every open) and the blob store. The owner account is made on init.

The local CLI acts as the practice's owner account (a solo practitioner: roles owner and
clinician), unlocked by possession of the key file; the audit records the owner's user id with
``via = "cli:<os user>"``. A group practice adds clinicians through ``users.create_user`` and
serves them through the web app, where each signs in with password and TOTP.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from clearnote.config import Settings
from clearnote.errors import BadInputError
from clearnote.records import audit_log
from clearnote.records.context import Actor, PracticeContext, utcnow
from clearnote.records.users import create_user
from clearnote.security import audit as chain
from clearnote.security.keys import FileKeyProvider, check_key_file_location
from clearnote.security.roles import Role
from clearnote.store.blobs import open_blob_store
from clearnote.store.engine import default_sqlite_url, make_engine, session_factory
from clearnote.store.migrate import current_revision, upgrade_head
from clearnote.store.models import Practice, User

OWNER_ROLES = frozenset({Role.OWNER, Role.CLINICIAN})


def database_url(settings: Settings) -> str:
    return settings.database_url or default_sqlite_url(settings.home)


def _prepare_home(settings: Settings) -> None:
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(settings.home, 0o700)
    (settings.home / "blobs").mkdir(exist_ok=True, mode=0o700)


@dataclass(frozen=True)
class InitResult:
    practice_id: str
    owner_id: str
    totp_uri: str
    key_file: str
    database: str


def init_practice(settings: Settings, *, owner_email: str, password: str) -> InitResult:
    """Create the key file, the schema and the owner (roles owner + clinician, TOTP enrolled)."""
    check_key_file_location(settings.key_file, settings.home)
    _prepare_home(settings)
    engine = make_engine(database_url(settings))
    try:
        return _init_schema_and_owner(settings, engine, owner_email=owner_email, password=password)
    finally:
        engine.dispose()  # no pooled connection outlives init, a refused one included


def _init_schema_and_owner(
    settings: Settings, engine: Engine, *, owner_email: str, password: str
) -> InitResult:
    try:
        if current_revision(engine) is not None:
            with engine.connect() as conn:
                exists = conn.execute(select(Practice.id)).first() is not None
            if exists:
                raise BadInputError(f"CLEARNOTE_HOME: a practice already exists at {settings.home}")
        upgrade_head(engine)
    except OperationalError as exc:
        raise BadInputError("CLEARNOTE_DATABASE_URL: cannot open the database") from exc
    if settings.key_file.exists():
        keys = FileKeyProvider.load(settings.key_file, home=settings.home)
    else:
        keys = FileKeyProvider.create(settings.key_file, home=settings.home)
    practice_id = str(uuid.uuid4())
    ctx = PracticeContext(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        keys=keys,
        blobs=open_blob_store(settings),
        practice_id=practice_id,
    )
    now = utcnow()
    key = keys.audit_key()
    with ctx.tx() as db:
        db.add(
            Practice(
                id=practice_id,
                created_at=now,
                audit_head_seq=0,
                audit_head_hash=chain.GENESIS,
                audit_head_mac=chain.head_mac(key, 0, chain.GENESIS),
            )
        )
        db.flush()
        owner, totp_uri = create_user(
            ctx, db, email=owner_email, roles=OWNER_ROLES, password=password, actor=None
        )
        audit_log.append(
            ctx,
            db,
            actor=Actor(owner.id, OWNER_ROLES, Actor.cli_via()),
            action="practice.init",
            object_type="practice",
            object_id=practice_id,
            meta={"db": engine.dialect.name, "kek_id": keys.current_kek_id},
        )
    ctx.close()
    return InitResult(
        practice_id=practice_id,
        owner_id=owner.id,
        totp_uri=totp_uri,
        key_file=str(settings.key_file),
        database=engine.dialect.name,
    )


def open_practice(settings: Settings) -> PracticeContext:
    """Open an initialized practice (migrating the schema to head)."""
    check_key_file_location(settings.key_file, settings.home)
    url = database_url(settings)
    if settings.database_url is None and not (settings.home / "clearnote.db").exists():
        raise BadInputError(f"CLEARNOTE_HOME: no practice at {settings.home} (run clearnote init)")
    keys = FileKeyProvider.load(settings.key_file, home=settings.home)
    engine = make_engine(url)
    try:
        upgrade_head(engine)
        with engine.connect() as conn:
            row = conn.execute(select(Practice.id)).first()
    except OperationalError as exc:
        engine.dispose()
        raise BadInputError("CLEARNOTE_DATABASE_URL: cannot open the database") from exc
    except BaseException:
        engine.dispose()
        raise
    if row is None:
        engine.dispose()
        raise BadInputError("CLEARNOTE_HOME: the database holds no practice (run clearnote init)")
    return PracticeContext(
        settings=settings,
        engine=engine,
        sessions=session_factory(engine),
        keys=keys,
        blobs=open_blob_store(settings),
        practice_id=str(row[0]),
    )


def cli_actor(ctx: PracticeContext) -> Actor:
    """The local CLI acts as the practice owner (the first owner account, not disabled)."""
    with ctx.tx() as db:
        owner = db.scalars(
            select(User)
            .where(User.roles.contains(Role.OWNER.value), User.disabled.is_(False))
            .order_by(User.created_at)
        ).first()
        if owner is None:
            raise BadInputError("CLEARNOTE_HOME: the practice has no active owner account")
        return Actor(owner.id, parse_roles(owner.roles), Actor.cli_via())


def parse_roles(text: str) -> frozenset[Role]:
    return frozenset(Role(r) for r in text.split(",") if r)


def open_for_cli(settings: Settings | None = None) -> tuple[PracticeContext, Actor]:
    """Open the practice in the home and act as its owner (see the module docstring)."""
    from clearnote.config import load_settings

    ctx = open_practice(settings or load_settings())
    return ctx, cli_actor(ctx)


def to_json(obj: object) -> str:
    """Pretty JSON for CLI output (pydantic models and datetimes included)."""
    import json

    from pydantic import BaseModel

    def default(value: object) -> object:
        if isinstance(value, BaseModel):
            return value.model_dump(mode="json")
        if hasattr(value, "isoformat"):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps(obj, indent=2, default=default, ensure_ascii=False)
