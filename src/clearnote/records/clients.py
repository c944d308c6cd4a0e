"""Clients and further participants (couples, families). Names are sealed with the client's
data key; jurisdictions (e.g. ``US-IL``) are kept in clear to choose rules."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from clearnote.consent.recording import normalize_jurisdiction
from clearnote.errors import BadInputError
from clearnote.records import audit_log, keyring
from clearnote.records.access import UnknownObjectError, authorize, load_client
from clearnote.records.context import Actor, PracticeContext
from clearnote.security.roles import Permission
from clearnote.store.models import Client, Participant

RELATIONS = ("partner", "parent", "child", "sibling", "family", "guardian", "other")


def _check_name(name: str, option: str) -> str:
    value = name.strip()
    if not value or len(value) > 200:
        raise BadInputError(f"{option}: a name of 1 to 200 characters is needed")
    return value


MAX_JURISDICTIONS_CHARS = 200  # the clients.jurisdictions column


def _check_jurisdictions(codes: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for code in codes:
        value = normalize_jurisdiction(code)
        if not (value == "US" or (value.startswith("US-") and len(value) == 5)):
            raise BadInputError(f"--jurisdiction {code}: expected US or US-XX (e.g. US-IL)")
        if value not in out:
            out.append(value)
    if len(",".join(out)) > MAX_JURISDICTIONS_CHARS:
        raise BadInputError("--jurisdiction: too many jurisdictions for one client (at most 33)")
    return tuple(out)


def add_client(
    ctx: PracticeContext, actor: Actor, *, name: str, jurisdictions: Sequence[str] = ()
) -> str:
    """Create a client of the acting clinician; returns the client id."""
    clean = _check_name(name, "--name")
    codes = _check_jurisdictions(jurisdictions)
    client_id = str(uuid.uuid4())
    with ctx.tx() as db:
        authorize(ctx, db, actor, Permission.CREATE_CLIENT, action="client.create")
        key_id, _ = keyring.create_key(ctx, db, scope="client", client_id=client_id)
        db.add(
            Client(
                id=client_id,
                clinician_id=actor.user_id,
                key_id=key_id,
                name_ct=keyring.seal_field(ctx, db, key_id, "clients", client_id, "name", clean),
                jurisdictions=",".join(codes),
                legal_hold=False,
                created_at=ctx.now(),
            )
        )
        db.flush()
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="client.create",
            object_type="client",
            object_id=client_id,
            client_id=client_id,
            meta={"jurisdictions": list(codes), "key_id": key_id},
        )
    return client_id


def add_participant(
    ctx: PracticeContext, actor: Actor, client_id: str, *, name: str, relation: str
) -> str:
    if relation not in RELATIONS:
        raise BadInputError(f"--relation {relation}: expected one of: {', '.join(RELATIONS)}")
    clean = _check_name(name, "--name")
    pid = str(uuid.uuid4())
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(
            ctx, db, actor, Permission.CREATE_CLIENT, action="participant.create", client=client
        )
        db.add(
            Participant(
                id=pid,
                client_id=client_id,
                relation=relation,
                name_ct=keyring.seal_field(
                    ctx, db, client.key_id, "participants", pid, "name", clean
                ),
                created_at=ctx.now(),
            )
        )
        db.flush()
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="participant.create",
            object_type="participant",
            object_id=pid,
            client_id=client_id,
            meta={"relation": relation},
        )
    return pid


def participant_ids(db: Session, client_id: str) -> list[str]:
    return list(
        db.scalars(
            select(Participant.id)
            .where(Participant.client_id == client_id)
            .order_by(Participant.created_at)
        )
    )


def check_participants(db: Session, client_id: str, ids: Sequence[str]) -> tuple[str, ...]:
    known = set(participant_ids(db, client_id))
    for pid in ids:
        if pid not in known:
            raise UnknownObjectError(f"--participant {pid}: not a participant of this client")
    return tuple(dict.fromkeys(ids))


class ParticipantView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    relation: str
    name: str = Field(repr=False)


class ClientView(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    name: str = Field(repr=False)
    jurisdictions: tuple[str, ...]
    clinician_id: str
    legal_hold: bool
    participants: tuple[ParticipantView, ...]


def client_view(ctx: PracticeContext, db: Session, actor: Actor, client: Client) -> ClientView:
    """The client's decrypted name and participants for an authorized reader, in the caller's
    transaction (audited ``client.read``)."""
    authorize(ctx, db, actor, Permission.READ_CLIENT, action="client.read", client=client)
    parts = db.scalars(
        select(Participant)
        .where(Participant.client_id == client.id)
        .order_by(Participant.created_at)
    ).all()
    view = ClientView(
        id=client.id,
        name=keyring.open_field(
            ctx, db, client.key_id, "clients", client.id, "name", client.name_ct
        ),
        jurisdictions=tuple(j for j in client.jurisdictions.split(",") if j),
        clinician_id=client.clinician_id,
        legal_hold=client.legal_hold,
        participants=tuple(
            ParticipantView(
                id=p.id,
                relation=p.relation,
                name=keyring.open_field(
                    ctx, db, client.key_id, "participants", p.id, "name", p.name_ct
                ),
            )
            for p in parts
        ),
    )
    audit_log.append(
        ctx,
        db,
        actor=actor,
        action="client.read",
        object_type="client",
        object_id=client.id,
        client_id=client.id,
    )
    return view


def show_client(ctx: PracticeContext, actor: Actor, client_id: str) -> ClientView:
    """Decrypt the client's name and participants for an authorized reader (audited read)."""
    with ctx.tx() as db:
        return client_view(ctx, db, actor, load_client(db, client_id))


def list_clients(ctx: PracticeContext, actor: Actor) -> list[str]:
    """Ids of the acting clinician's own clients."""
    with ctx.tx() as db:
        return list(
            db.scalars(
                select(Client.id)
                .where(Client.clinician_id == actor.user_id)
                .order_by(Client.created_at)
            )
        )


def set_legal_hold(ctx: PracticeContext, actor: Actor, client_id: str, *, hold: bool) -> None:
    """Owner/admin: suspend (or resume) every erasure for a client; audited with the reason."""
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(ctx, db, actor, Permission.LEGAL_HOLD, action="client.legal_hold")
        client.legal_hold = hold
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="client.legal_hold",
            object_type="client",
            object_id=client_id,
            client_id=client_id,
            meta={"hold": hold},
        )
