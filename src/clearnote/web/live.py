"""Recordings made in the browser: chunks kept in memory as they arrive, transcribed as they
come, processed at stop.

The browser's MediaRecorder sends a chunk every few seconds; each is appended, in order, to a
buffer held in this process (never written to a file). When transcription while recording is
on (``engine_for`` given), a :class:`~clearnote.transcription.live.LiveTranscription` decodes
the buffer as it grows and transcribes it up to the latest pause, a step at a time, on a small
shared pool (its size bounds the CPU spent); consent to record and transcribe is checked before
each step, and a revocation stops the recording (its buffer is wiped; later chunks and the stop
are refused). At stop, or once no chunk has come for ``idle_s`` seconds (the tab was closed or
the network lost), the whole buffer goes to the :class:`~clearnote.web.jobs.JobRunner` as an
upload does, which seals the audio to the blob store and runs the pipeline, with the decoded
audio, the ASR and the voice windows done ahead: only the audio after the last cut is
recognised then, and only the speech after the windows embedded for diarization. A closed tab
so loses at most the chunk being recorded.

With a :class:`~clearnote.records.spool.Spool` each chunk is also written, sealed, to the
recording's spool file before it is accepted; the file goes once the audio is sealed in the
record store (or the recording is discarded or refused). After a restart, :meth:`recover`
processes what the spool kept, as if each recording had been stopped then.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clearnote.asr.base import AsrEngine
from clearnote.audio.stream import ByteStream
from clearnote.domain.consent import Purpose
from clearnote.errors import BadInputError, IntegrityError, PolicyError
from clearnote.records import audit_log, users
from clearnote.records.access import UnknownObjectError
from clearnote.records.consent import require_consent
from clearnote.records.context import Actor
from clearnote.records.spool import Spool, SpoolHeader, SpoolWriter
from clearnote.transcription.live import LiveResult, LiveTranscription
from clearnote.web.jobs import Job, JobRunner

if TYPE_CHECKING:
    from clearnote.diarize import Diarizer

log = logging.getLogger(__name__)

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
    data: ByteStream
    live: LiveTranscription | None = None
    chunks: int = 0
    last_size: int = 0
    touched: float = 0.0
    timer: threading.Timer | None = None
    writer: SpoolWriter | None = None

    def to_document(self) -> dict[str, object]:
        return {
            "id": self.id,
            "client_id": self.client_id,
            "chunks": self.chunks,
            "bytes": len(self.data),
        }

    def progress(self) -> dict[str, object]:
        """How far decoding and transcription have got (seconds of the recording)."""
        live = self.live
        return {
            **self.to_document(),
            "transcribing": live is not None and live.active,
            "received_s": round(live.received_s, 1) if live is not None else None,
            "transcribed_s": round(live.transcribed_s, 1) if live is not None else 0.0,
        }


class LiveRecordings:
    """Open browser recordings, each visible to the user who started it only.

    ``engine_for``: the ASR engine for transcription while recording (None from it, or no
    ``engine_for``: transcription waits for the stop); ``diarizer_for``: the diarizer whose
    voice encoder embeds the speech while recording (None: diarization is all done at the
    stop); ``workers``: threads transcribing for all recordings together."""

    def __init__(
        self,
        runner: JobRunner,
        *,
        max_bytes: int,
        idle_s: float = 120.0,
        engine_for: Callable[[], AsrEngine | None] | None = None,
        diarizer_for: Callable[[], Diarizer | None] | None = None,
        workers: int = 1,
        max_audio_seconds: float = 4 * 3600,
        spool: Spool | None = None,
    ) -> None:
        self.runner = runner
        self.spool = spool
        self.max_bytes = max_bytes
        self.idle_s = idle_s
        self.max_audio_seconds = max_audio_seconds
        self._engine_for = engine_for
        self._diarizer_for = diarizer_for
        self._pool = (
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="clearnote-live")
            if engine_for is not None
            else None
        )
        self._open: dict[str, LiveRecording] = {}
        self._finished: OrderedDict[str, tuple[str, str]] = OrderedDict()  # id -> (owner, job)
        self._refused: OrderedDict[str, tuple[str, str]] = OrderedDict()  # id -> (owner, why)
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
                data=ByteStream(),
                touched=time.monotonic(),
            )
            if self.spool is not None:
                rec.writer = self.spool.open(SpoolHeader(rec.id, actor.user_id, client_id, fmt))
            if self._engine_for is not None and self._pool is not None:
                rec.live = LiveTranscription(
                    rec.data,
                    engine_for=self._engine_for,
                    diarizer_for=self._diarizer_for,
                    pool=self._pool,
                    check=self._consent_check(rec),
                    max_seconds=self.max_audio_seconds,
                )
            self._open[rec.id] = rec
            self._arm(rec)
        return rec

    def _consent_check(self, rec: LiveRecording) -> Callable[[], None]:
        def check() -> None:
            require_consent(
                rec.client_id,
                [Purpose.RECORD, Purpose.TRANSCRIBE],
                rec.actor,
                ctx=self.runner.ctx,
                stage="transcribe",
            )

        return check

    def _get(self, rec_id: str, actor: Actor) -> LiveRecording:
        rec = self._open.get(rec_id)
        if rec is not None and rec.actor.user_id == actor.user_id:
            refusal = rec.live.refusal if rec.live is not None else None
            if refusal is None:
                return rec
            self._refuse(rec, refusal)
        refused = self._refused.get(rec_id)
        if refused is not None and refused[0] == actor.user_id:
            raise PolicyError(refused[1])
        raise UnknownObjectError(f"RECORDING: no recording in progress with id {rec_id[:40]}")

    def get(self, rec_id: str, actor: Actor) -> LiveRecording:
        with self._lock:
            return self._get(rec_id, actor)

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
            if rec.writer is not None:
                rec.writer.append(chunk)  # on disk, sealed, before it is accepted
            rec.data.append(chunk)
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
            if not len(rec.data):
                raise BadInputError("recording: no audio received yet")
            self._close(rec)
        return self._submit(rec)

    def discard(self, rec_id: str, actor: Actor) -> None:
        with self._lock:
            rec = self._get(rec_id, actor)
            self._close(rec)
        self._forget(rec)

    def pending(self) -> int:
        with self._lock:
            return len(self._open)

    def close(self) -> None:
        """Drop every open recording from memory (process shutdown); spooled ones stay on disk
        for :meth:`recover` at the next start."""
        with self._lock:
            recs = list(self._open.values())
            for rec in recs:
                self._close(rec)
        for rec in recs:
            _drop(rec)
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

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
        if rec.writer is not None:
            rec.writer.close()
        self._open.pop(rec.id, None)

    def _forget(self, rec: LiveRecording) -> None:
        """Wipe the buffer and delete the spool file (discarded, refused or empty)."""
        _drop(rec)
        if self.spool is not None:
            self.spool.remove(rec.id)

    def _refuse(self, rec: LiveRecording, refusal: PolicyError) -> None:
        """Consent was revoked while recording: stop it and wipe what came."""
        self._close(rec)
        self._forget(rec)
        self._refused[rec.id] = (rec.actor.user_id, f"recording stopped: {refusal.message}")
        while len(self._refused) > _FINISHED_KEPT:
            self._refused.popitem(last=False)

    def _idle(self, rec_id: str, touched: float) -> None:
        """Timer thread: no chunk for ``idle_s``: process what came (or drop an empty one)."""
        with self._lock:
            rec = self._open.get(rec_id)
            if rec is None or rec.touched != touched:
                return
            refusal = rec.live.refusal if rec.live is not None else None
            if refusal is not None:
                self._refuse(rec, refusal)
                return
            self._close(rec)
        if len(rec.data):
            self._submit(rec)
        else:
            self._forget(rec)

    def _submit(self, rec: LiveRecording) -> Job:
        """Hand the bytes to the job runner (no lock held); the buffer is wiped once the job
        has what was done while recording (or at once when nothing was)."""
        rec.data.close()
        live = rec.live

        def ahead() -> LiveResult | None:
            try:
                return live.result() if live is not None else None
            finally:
                rec.data.wipe()

        try:
            job = self.runner.submit(
                rec.actor,
                rec.client_id,
                rec.data.getvalue(),
                fmt=rec.fmt,
                live=ahead if live is not None else None,
                release=self._releaser(rec.id),
            )
        except BaseException:
            _drop(rec)
            raise
        if live is None:
            rec.data.wipe()
        with self._lock:
            self._finished[rec.id] = (rec.actor.user_id, job.id)
            while len(self._finished) > _FINISHED_KEPT:
                self._finished.popitem(last=False)
        return job

    def _releaser(self, rec_id: str) -> Callable[[], None] | None:
        spool = self.spool
        return None if spool is None else lambda: spool.remove(rec_id)

    def recover(self) -> list[Job]:
        """Process the recordings a stopped server left in the spool, each on behalf of the
        clinician who made it (as if stopped now); audited ``recording.recover``. A file whose
        key cannot be unwrapped, or whose clinician's account is gone, stays for an
        administrator; an empty one is deleted."""
        spool = self.spool
        if spool is None:
            return []
        ctx = self.runner.ctx
        jobs: list[Job] = []
        for rec_id in spool.pending():
            with self._lock:
                if rec_id in self._open:
                    continue
            try:
                found = spool.read(rec_id)
            except (IntegrityError, OSError) as exc:
                log.warning("recording spool %s not recovered: %s", rec_id, type(exc).__name__)
                continue
            head = found.header
            actor = users.actor_of(ctx, head.user_id, via="web")
            if actor is None:
                log.warning("recording spool %s kept: its clinician's account is gone", rec_id)
                continue
            audit_log.append_alone(
                ctx,
                actor=actor,
                action="recording.recover",
                object_type="client",
                object_id=head.client_id,
                client_id=head.client_id,
                meta={"chunks": len(found.chunks), "damaged": found.damaged},
            )
            audio = b"".join(found.chunks)
            if not audio:
                spool.remove(rec_id)
                continue
            jobs.append(
                self.runner.submit(
                    actor, head.client_id, audio, fmt=head.fmt, release=self._releaser(rec_id)
                )
            )
        return jobs


def _drop(rec: LiveRecording) -> None:
    if rec.live is not None:
        rec.live.abandon()
    rec.data.wipe()
