"""``sessions.read_session``: a session, the artefacts picked from it and the client's details
read in one transaction, only the picked artefacts decrypted, each read audited on its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from clearnote.errors import IntegrityError
from clearnote.records import sessions
from clearnote.records.access import UnknownObjectError
from clearnote.records.audit_log import list_entries
from clearnote.records.sessions import SessionView
from clearnote.store.models import ArtefactRow
from tests.records.conftest import CLIENT_NAME, World, consented_client


def _session(w: World) -> tuple[str, dict[str, str]]:
    cid = consented_client(w, "record", "transcribe", "draft_note")
    sid = sessions.create_session(cid, w.owner, ctx=w.ctx)
    ids = {
        kind: sessions.store_artefact(sid, kind, f"{kind} body".encode(), actor=w.owner, ctx=w.ctx)
        for kind in ("audio", "transcript", "draft")
    }
    return sid, ids


def _entries(w: World, after: int) -> list[tuple[str, str | None, str]]:
    with w.ctx.tx() as db:
        return [(e.action, e.object_id, e.outcome) for e in list_entries(db)[after:]]


def _count(w: World) -> int:
    with w.ctx.tx() as db:
        return len(list_entries(db))


@contextmanager
def _commits(w: World) -> Iterator[list[int]]:
    seen: list[int] = []

    def on_commit(_conn: object) -> None:
        seen.append(1)

    event.listen(w.ctx.engine, "commit", on_commit)
    try:
        yield seen
    finally:
        event.remove(w.ctx.engine, "commit", on_commit)


def test_reads_only_what_is_picked_in_one_transaction_each_read_audited(world: World) -> None:
    w = world
    sid, ids = _session(w)
    before = _count(w)

    def pick(view: SessionView) -> list[str]:
        return [a.id for a in view.artefacts if a.kind in ("transcript", "draft")]

    with _commits(w) as commits:
        read = sessions.read_session(w.ctx, w.owner, sid, pick, with_client=True)
    assert len(commits) == 1
    assert read.data == {ids["transcript"]: b"transcript body", ids["draft"]: b"draft body"}
    assert read.client is not None and read.client.name == CLIENT_NAME
    assert {a.kind for a in read.view.artefacts} == {"audio", "transcript", "draft"}
    cid = read.view.client_id
    assert _entries(w, before) == [
        ("session.read", sid, "ok"),
        ("artefact.read", ids["transcript"], "ok"),
        ("artefact.read", ids["draft"], "ok"),
        ("client.read", cid, "ok"),
    ]
    assert "body" not in repr(read) and CLIENT_NAME not in repr(read)


def test_a_tampered_artefact_fails_the_read_and_its_failure_is_audited(world: World) -> None:
    w = world
    sid, ids = _session(w)
    with w.ctx.tx() as db:
        ref = db.get(ArtefactRow, ids["draft"]).blob_ref  # type: ignore[union-attr]
    assert ref is not None
    path = w.settings.home / "blobs" / ref[:2] / ref
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x40
    path.write_bytes(bytes(data))
    before = _count(w)
    with pytest.raises(IntegrityError):
        sessions.read_session(w.ctx, w.owner, sid, lambda _v: [ids["transcript"], ids["draft"]])
    assert _entries(w, before) == [
        ("session.read", sid, "ok"),
        ("artefact.read", ids["transcript"], "ok"),
        ("artefact.read", ids["draft"], "integrity_error"),
    ]


def test_an_artefact_of_another_session_cannot_be_picked(world: World) -> None:
    w = world
    sid, _ = _session(w)
    _, other = _session(w)
    before = _count(w)
    with pytest.raises(UnknownObjectError):
        sessions.read_session(w.ctx, w.owner, sid, lambda _v: [other["transcript"]])
    assert _entries(w, before) == []  # rolled back: nothing was read
