"""Recordings made in the browser: chunks appended in memory as they arrive, processed at stop.

The browser's MediaRecorder sends a chunk every few seconds; each is appended, in order, to a
buffer held in this process (never written to a file). At stop, or once no chunk has come for
``idle_s`` seconds (the tab was closed or the network lost), the whole buffer goes to the
:class:`~clearnote.web.jobs.JobRunner` exactly as an upload does, which seals the audio to the
blob store and runs the pipeline. A closed tab so loses at most the chunk being recorded.
Buffers die with the process: a restart mid-session loses that recording.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from clearnote.errors import BadInputError
from clearnote.records.access import UnknownObjectError
from clearnote.records.context import Actor
from clearnote.web.jobs import Job, JobRunner

MAX_OPEN_PER_USER = 2
MAX_OPEN = 32
_FINISHED_KEPT = 256


class ChunkOrderError(BadInputError):
    """A chunk out of sequence (the browser sends them one after another)."""


@dataclass
class LiveRecording:
    id: str
    actor: Actor
    client_id: str
    fmt: str
    data: bytearray
    chunks: int = 0
    last_size: int = 0
    touched: float = 0.0
    timer: threading.Timer | None = None

    def to_document(self) -> dict[str, object]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "chunks": self.chunks,
            "bytes": len(self.data),
        }


class LiveRecordings:
    """Open browser recordings, each visible to the user who started it only."""

    def __init__(self, runner: JobRunner, *, max_bytes: int, idle_s: float = 120.0) -> None:
        self.runner = runner
        self.max_bytes = max_bytes
        self.idle_s = idle_s
        self._open: dict[str, LiveRecording] = {}
        self._finished: OrderedDict[str, tuple[str, str]] = OrderedDict()  # id -> (owner, job)
        self._lock = threading.Lock()

    def start(self, actor: Actor, client_id: str, *, fmt: str) -> LiveRecording:
        """A new empty recording (the caller has checked access and consent)."""
        with self._lock:
            mine = sum(1 for r in self._open.values() if r.actor.user_id == actor.user_id)
            if mine >= MAX_OPEN_PER_USER or len(self._open) >= MAX_OPEN:
                raise BadInputError("recording: too many recordings in progress; stop one first")
            rec = LiveRecording(
                id=str(uuid.uuid4()),
                actor=actor,
                client_id=client_id,
                fmt=fmt,
                data=bytearray(),
                touched=time.monotonic(),
            )
            self._open[rec.id] = rec
            self._arm(rec)
        return rec

    def _get(self, rec_id: str, actor: Actor) -> LiveRecording:
        rec = self._open.get(rec_id)
        if rec is None or rec.actor.user_id != actor.user_id:
            raise UnknownObjectError(f"RECORDING: no recording in progress with id {rec_id[:40]}")
        return rec

    def append(self, rec_id: str, actor: Actor, seq: int, chunk: bytes) -> LiveRecording:
        """Append chunk ``seq`` (0, 1, 2, ...). Resending the last chunk (a retry whose answer
        was lost) is accepted and ignored; a gap is refused."""
        with self._lock:
            rec = self._get(rec_id, actor)
            if seq == rec.chunks - 1 and len(chunk) == rec.last_size:
                return rec
            if seq != rec.chunks:
                raise ChunkOrderError(f"chunk: expected chunk {rec.chunks}, got {seq}")
            if len(rec.data) + len(chunk) > self.max_bytes:
                raise BadInputError("recording: over the upload size limit")
            rec.data += chunk
            rec.chunks += 1
            rec.last_size = len(chunk)
            rec.touched = time.monotonic()
            self._arm(rec)
            return rec

    def stop(self, rec_id: str, actor: Actor) -> Job:
        """Process the recording now; a repeated stop answers the same job."""
        with self._lock:
            done = self._finished.get(rec_id)
            if done is not None and done[0] == actor.user_id:
                job = self.runner.get(done[1], actor)
                if job is not None:
                    return job
            rec = self._get(rec_id, actor)
            if not rec.data:
                raise BadInputError("recording: no audio received yet")
            self._close(rec)
        return self._submit(rec)

    def discard(self, rec_id: str, actor: Actor) -> None:
        with self._lock:
            rec = self._get(rec_id, actor)
            self._close(rec)
        _wipe(rec.data)

    def pending(self) -> int:
        with self._lock:
            return len(self._open)

    def close(self) -> None:
        """Drop every open recording (process shutdown)."""
        with self._lock:
            recs = list(self._open.values())
            for rec in recs:
                self._close(rec)
        for rec in recs:
            _wipe(rec.data)

    # internals: called with the lock held unless said otherwise

    def _arm(self, rec: LiveRecording) -> None:
        if rec.timer is not None:
            rec.timer.cancel()
        rec.timer = threading.Timer(self.idle_s, self._idle, args=(rec.id, rec.touched))
        rec.timer.daemon = True
        rec.timer.start()

    def _close(self, rec: LiveRecording) -> None:
        if rec.timer is not None:
            rec.timer.cancel()
            rec.timer = None
        self._open.pop(rec.id, None)

    def _idle(self, rec_id: str, touched: float) -> None:
        """Timer thread: no chunk for ``idle_s``: process what came (or drop an empty one)."""
        with self._lock:
            rec = self._open.get(rec_id)
            if rec is None or rec.touched != touched:
                return
            self._close(rec)
        if rec.data:
            self._submit(rec)

    def _submit(self, rec: LiveRecording) -> Job:
        """Hand the bytes to the job runner (no lock held) and forget the buffer."""
        try:
            job = self.runner.submit(rec.actor, rec.client_id, bytes(rec.data), fmt=rec.fmt)
        finally:
            _wipe(rec.data)
        with self._lock:
            self._finished[rec.id] = (rec.actor.user_id, job.id)
            while len(self._finished) > _FINISHED_KEPT:
                self._finished.popitem(last=False)
        return job


def _wipe(data: bytearray) -> None:
    data[:] = bytes(len(data))
    del data[:]
