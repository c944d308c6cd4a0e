"""Reads and erasures of one artefact at the same time, on SQLite and PostgreSQL: a read that has
its row never meets a blob erased under it, and two erasures of one artefact issue one receipt.
(PostgreSQL's READ COMMITTED needs the row locks that SQLite's single writer gives for free.)"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import func, select

from clearnote.records import sessions
from clearnote.records.sessions import ErasedError
from clearnote.store.blobs import BlobStore
from clearnote.store.models import DeletionReceiptRow
from tests.records.conftest import World, consented_client

PAYLOAD = b"transcript bytes that must read back whole"


@dataclass
class GatedBlobs:
    """The practice's blob store, with one operation held at a gate until the test opens it."""

    inner: BlobStore
    gate: str  # "get" or "delete"
    entered: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def _wait(self, op: str) -> None:
        if op == self.gate and not self.entered.is_set():
            self.entered.set()
            assert self.release.wait(20), "the test never opened the gate"

    def put(self, sealed: bytes) -> str:
        return self.inner.put(sealed)

    def put_as(self, ref: str, sealed: bytes) -> None:
        self.inner.put_as(ref, sealed)

    def get(self, ref: str) -> bytes:
        self._wait("get")
        return self.inner.get(ref)

    def delete(self, ref: str) -> bool:
        self._wait("delete")
        return self.inner.delete(ref)

    def exists(self, ref: str) -> bool:
        return self.inner.exists(ref)


def _thread(fn: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fn())
        except BaseException as exc:  # handed to the test
            out.append(exc)

    return threading.Thread(target=run, daemon=True), out


def _artefact(world: World) -> str:
    cid = consented_client(world, "record", "transcribe")
    sid = sessions.create_session(cid, world.owner, ctx=world.ctx)
    return sessions.store_artefact(sid, "transcript", PAYLOAD, actor=world.owner, ctx=world.ctx)


def _erase(world: World, aid: str) -> Callable[[], Any]:
    return lambda: sessions.erase_artefact(
        world.ctx, aid, actor=None, rule="test", reason="retention due"
    )


@pytest.mark.timeout(60)
def test_an_erasure_waits_for_a_read_in_progress(world: World) -> None:
    aid = _artefact(world)
    gated = GatedBlobs(world.ctx.blobs, gate="get")
    world.ctx.blobs = gated
    reader, read = _thread(lambda: sessions.load_artefact(aid, actor=world.owner, ctx=world.ctx))
    reader.start()
    assert gated.entered.wait(20)  # the reader has the row and is fetching the blob
    eraser, erased = _thread(_erase(world, aid))
    eraser.start()
    eraser.join(1.0)
    assert eraser.is_alive(), "the erasure ran while a read of the artefact was in progress"
    gated.release.set()
    reader.join(20)
    eraser.join(20)
    assert read == [PAYLOAD]  # read whole, not "failed its integrity check"
    assert len(erased) == 1 and not isinstance(erased[0], BaseException), erased
    with pytest.raises(ErasedError):
        sessions.load_artefact(aid, actor=world.owner, ctx=world.ctx)


@pytest.mark.timeout(60)
def test_two_erasures_of_one_artefact_issue_one_receipt(world: World) -> None:
    aid = _artefact(world)
    gated = GatedBlobs(world.ctx.blobs, gate="delete")
    world.ctx.blobs = gated
    first, first_out = _thread(_erase(world, aid))
    first.start()
    assert gated.entered.wait(20)  # the first erasure has destroyed the key, blob next
    second, second_out = _thread(_erase(world, aid))
    second.start()
    second.join(1.0)
    gated.release.set()
    first.join(20)
    second.join(20)
    assert not isinstance(first_out[0], BaseException), first_out
    assert isinstance(second_out[0], ErasedError), second_out
    with world.ctx.tx() as db:
        receipts = db.scalar(
            select(func.count())
            .select_from(DeletionReceiptRow)
            .where(DeletionReceiptRow.artefact_id == aid)
        )
    assert receipts == 1
