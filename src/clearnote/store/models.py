"""Typed SQLAlchemy 2 ORM models of the record system.

Columns ending in ``_ct`` hold AES-256-GCM ciphertext (``clearnote.security.crypto``) whose
associated data names (table, row id, field, key id); every other column holds ids, enums,
times, counts or hashes, never client words. Ids are UUID4 strings made by the services before
insert, so ciphertext can be bound to its row.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


ID = String(36)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Practice(Base):
    __tablename__ = "practice"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    audit_head_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    audit_head_hash: Mapped[str] = mapped_column(String(64))
    audit_head_mac: Mapped[str] = mapped_column(String(64))


class User(Base):
    __tablename__ = "users"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    roles: Mapped[str] = mapped_column(String(100), doc="comma-separated Role values")
    password_hash: Mapped[str] = mapped_column(String(200))
    totp_secret_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    totp_key_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AuthSession(Base):
    """A login session: only the SHA-256 of its random token is stored."""

    __tablename__ = "auth_sessions"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DataKey(Base):
    """A data key wrapped by a KEK. Crypto-erase nulls ``wrapped`` and sets ``destroyed_at``."""

    __tablename__ = "data_keys"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    scope: Mapped[str] = mapped_column(String(20), doc="practice, client, artefact, psychotherapy")
    client_id: Mapped[str | None] = mapped_column(ID, nullable=True, index=True)
    owner_user_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    kek_id: Mapped[str] = mapped_column(String(40))
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1, doc="+1 on every re-wrap")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    rewrapped_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Client(Base):
    __tablename__ = "clients"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    clinician_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("data_keys.id"))
    name_ct: Mapped[bytes] = mapped_column(LargeBinary)
    jurisdictions: Mapped[str] = mapped_column(String(200), doc="comma-separated, e.g. US-IL")
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Participant(Base):
    """A further participant in couples or family work (the client is participant None)."""

    __tablename__ = "participants"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    relation: Mapped[str] = mapped_column(String(40), doc="partner, parent, child, family, other")
    name_ct: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ConsentEventRow(Base):
    """One ``clearnote.domain.consent.ConsentEvent``; the signer's name is encrypted."""

    __tablename__ = "consent_events"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    participant_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    purpose: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(10))
    form_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    form_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    form_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signed_by_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    signer_role: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(ID)
    seq: Mapped[int] = mapped_column(Integer, doc="order of recording within the client")


class AccessGrant(Base):
    """Supervision (granted by the clinician) or break-glass (time-boxed, justified)."""

    __tablename__ = "access_grants"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    grantee_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    granted_by: Mapped[str] = mapped_column(ID)
    justification_ct: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class DisclosureRow(Base):
    """A disclosure of a client's information to someone outside the practice, for the
    accounting the client may ask for (45 CFR 164.528). Recipient, description and purpose are
    sealed with the client's key; ``basis`` is a code (``records.disclosures.BASES``)."""

    __tablename__ = "disclosures"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    session_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    basis: Mapped[str] = mapped_column(String(40))
    recipient_ct: Mapped[bytes] = mapped_column(LargeBinary)
    description_ct: Mapped[bytes] = mapped_column(LargeBinary)
    purpose_ct: Mapped[bytes] = mapped_column(LargeBinary)
    disclosed_on: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str] = mapped_column(ID)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SessionRow(Base):
    """A therapy session (not a login session)."""

    __tablename__ = "sessions"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(String(20))
    stages: Mapped[str] = mapped_column(Text, doc="JSON: stage -> status")
    participant_ids: Mapped[str] = mapped_column(Text, doc="JSON list of participant ids present")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ArtefactRow(Base):
    __tablename__ = "artefacts"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    media_type: Mapped[str] = mapped_column(String(80))
    blob_ref: Mapped[str | None] = mapped_column(String(80), nullable=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("data_keys.id"))
    size: Mapped[int] = mapped_column(BigInteger)
    owner_user_id: Mapped[str] = mapped_column(
        ID, doc="who made it (psychotherapy notes: sole reader)"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    retention_due: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    retention_rule: Mapped[str | None] = mapped_column(String(80), nullable=True)
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AiRun(Base):
    __tablename__ = "ai_runs"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id"), index=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id"), index=True)
    stage: Mapped[str] = mapped_column(String(40))
    model: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    location: Mapped[str] = mapped_column(String(200), doc="local, or the endpoint host")
    actor_id: Mapped[str] = mapped_column(ID)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeletionReceiptRow(Base):
    __tablename__ = "deletion_receipts"
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    artefact_id: Mapped[str] = mapped_column(ID, index=True)
    session_id: Mapped[str | None] = mapped_column(ID, nullable=True, index=True)
    client_id: Mapped[str | None] = mapped_column(ID, nullable=True, index=True)
    key_id: Mapped[str | None] = mapped_column(ID, nullable=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime())
    document: Mapped[str] = mapped_column(Text, doc="clearnote.deletion_receipt/1 JSON, no PHI")


class AuditEntry(Base):
    """Append-only, hash-chained (``clearnote.security.audit``). ``ts`` is kept as the exact
    ISO string that was hashed."""

    __tablename__ = "audit_entries"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    ts: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(80))
    via: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    client_id: Mapped[str | None] = mapped_column(ID, nullable=True, index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    meta: Mapped[str] = mapped_column(Text, doc="canonical JSON of ids, counts and reasons")
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))


Index("ix_artefacts_retention_due", ArtefactRow.retention_due)
