"""Nothing readable at rest: canaries, tamper, moved ciphertext, crypto-erase, KEK rotation."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from clearnote.errors import IntegrityError
from clearnote.records import clients, keyring, sessions
from clearnote.records.audit_log import list_entries
from clearnote.security.crypto import aad_for, open_sealed
from clearnote.store.models import ArtefactRow, Client, DataKey
from tests.records.conftest import CLIENT_NAME, World, consented_client

CANARY = "the violet heron sings at midnight in Kalamazoo"


def _all_bytes(folder: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in folder.rglob("*") if p.is_file()]


def test_canary_and_client_name_appear_nowhere_in_plaintext(sqlite_world: World) -> None:
    w = sqlite_world
    cid = consented_client(w, "record", "transcribe", "draft_note")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    sessions.store_artefact(sid, "audio", b"RIFF" + CANARY.encode() * 50, actor=w.owner, ctx=w.ctx)
    sessions.store_artefact(sid, "transcript", CANARY.encode(), actor=w.owner, ctx=w.ctx)
    sessions.store_artefact(
        sid, "draft", f"Client said {CANARY}".encode(), actor=w.owner, ctx=w.ctx
    )
    clients.show_client(w.ctx, w.owner, cid)
    w.ctx.close()
    needles = [s.encode() for s in (CANARY, "violet heron", CLIENT_NAME, "Quillfeather")]
    needles += [s.encode("utf-16-le") for s in ("violet heron", "Quillfeather")]
    files = _all_bytes(w.settings.home)
    assert any(p.name == "clearnote.db" for p, _ in files)
    assert sum(1 for p, _ in files if "blobs" in p.parts) == 3
    for path, data in files:
        for needle in needles:
            assert needle not in data, f"plaintext found in {path.name}"
    kek = w.settings.key_file.read_bytes()
    assert not w.settings.key_file.is_relative_to(w.settings.home)
    for _, data in files:
        assert kek[:40] not in data


def test_round_trip_and_a_flipped_blob_byte_fails_closed_and_is_audited(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    aid = sessions.store_artefact(sid, "transcript", CANARY.encode(), actor=w.owner, ctx=w.ctx)
    assert sessions.load_artefact(aid, actor=w.owner, ctx=w.ctx) == CANARY.encode()
    with w.ctx.tx() as db:
        ref = db.get(ArtefactRow, aid).blob_ref  # type: ignore[union-attr]
    assert ref is not None
    path = w.settings.home / "blobs" / ref[:2] / ref
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x40
    path.write_bytes(bytes(data))
    with pytest.raises(IntegrityError):
        sessions.load_artefact(aid, actor=w.owner, ctx=w.ctx)
    with w.ctx.tx() as db:
        reads = list_entries(db, action_prefix="artefact.read")
    assert [e.outcome for e in reads] == ["ok", "integrity_error"]


def test_swapping_name_ciphertexts_between_clients_fails(world: World) -> None:
    w = world
    a = consented_client(w, name="Alice Example")
    b = consented_client(w, name="Bob Example")
    with w.ctx.tx() as db:
        ca, cb = db.get(Client, a), db.get(Client, b)
        assert ca is not None and cb is not None
        ca_ct = ca.name_ct
        db.execute(update(Client).where(Client.id == b).values(name_ct=ca_ct))
    w.ctx._key_cache.clear()
    with pytest.raises(IntegrityError):
        clients.show_client(w.ctx, w.owner, b)
    assert clients.show_client(w.ctx, w.owner, a).name == "Alice Example"


def test_a_deleted_session_cannot_be_read_even_with_the_database_and_kek(
    sqlite_world: World,
) -> None:
    w = sqlite_world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    aid = sessions.store_artefact(sid, "transcript", CANARY.encode(), actor=w.owner, ctx=w.ctx)
    with w.ctx.tx() as db:
        art = db.get(ArtefactRow, aid)
        assert art is not None and art.blob_ref is not None
        key_row = db.get(DataKey, art.key_id)
        assert key_row is not None and key_row.wrapped is not None
        wrapped, key_id, ref = key_row.wrapped, art.key_id, art.blob_ref
    blob = (w.settings.home / "blobs" / ref[:2] / ref).read_bytes()  # an attacker's old copy
    receipt = sessions.delete_session(w.ctx, w.owner, sid)
    assert [r["key_id"] for r in receipt["receipts"]] == [key_id]
    assert receipt["receipts"][0]["method"] == "crypto_erase"
    with pytest.raises(sessions.ErasedError):
        sessions.load_artefact(aid, actor=w.owner, ctx=w.ctx)
    w.ctx._key_cache.clear()
    with pytest.raises(IntegrityError), w.ctx.tx() as db:
        keyring.get_key(w.ctx, db, key_id)
    # the database file (and WAL) no longer hold the wrapped key: secure_delete + checkpoint
    for path, data in _all_bytes(w.settings.home):
        assert wrapped not in data, f"wrapped key still in {path.name}"
    # no key left in the database (unwrapped with the KEK) opens the attacker's copy of the blob
    with w.ctx.tx() as db:
        remaining = db.scalars(select(DataKey).where(DataKey.wrapped.is_not(None))).all()
        assert remaining
        for row in remaining:
            key = keyring.get_key(w.ctx, db, row.id)
            for bound_to in (key_id, row.id):
                with pytest.raises(IntegrityError):
                    open_sealed(key, blob, aad_for("artefacts", aid, "blob", bound_to), what="x")


def test_kek_rotation_rewraps_and_keeps_data_readable(world: World) -> None:
    w = world
    cid = consented_client(w, "record", "transcribe")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    aid = sessions.store_artefact(sid, "transcript", CANARY.encode(), actor=w.owner, ctx=w.ctx)
    old_kek = w.ctx.keys.current_kek_id
    rep = keyring.rotate_kek(w.ctx, batch=2)
    assert rep.retired_kek_ids == (old_kek,) and rep.rewrapped >= 3
    w.ctx._key_cache.clear()
    with w.ctx.tx() as db:
        rows = db.scalars(select(DataKey).where(DataKey.wrapped.is_not(None))).all()
        assert {r.kek_id for r in rows} == {rep.new_kek_id}
        assert all(r.version == 2 for r in rows)
    assert sessions.load_artefact(aid, actor=w.owner, ctx=w.ctx) == CANARY.encode()
    assert clients.show_client(w.ctx, w.owner, cid).name == CLIENT_NAME
