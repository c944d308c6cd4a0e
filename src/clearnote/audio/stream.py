"""Decode a recording while its bytes are still arriving (a browser's MediaRecorder chunks).

:class:`ByteStream` holds the bytes received so far, in memory only; one thread appends, and a
reader sees it as a file whose ``read`` waits for more until the stream is closed. WebM/Opus
chunks from MediaRecorder concatenate into one valid stream, so FFmpeg's demuxer reads it as it
would a pipe.

:class:`StreamDecoder` runs PyAV over a :class:`ByteStream` in a thread of its own and keeps the
audio decoded so far (16 kHz mono float32, the same samples :func:`load_audio` gives for the
same bytes). Each byte is decoded once, so the cost over a session is one decode, spread over
the session. A failure (corrupt or unsupported data, over the length limit) stops the thread
and is kept as ``error``; the bytes stay for the caller to handle as an upload.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import av
import numpy as np

from clearnote.audio.decode import (
    SAMPLE_RATE,
    DecodedAudio,
    check_container,
    resampled,
)
from clearnote.errors import AudioError

log = logging.getLogger(__name__)
_BLOCK = 60 * SAMPLE_RATE  # samples per stored block


class ByteStream:
    """Bytes appended by one thread, read as a blocking file by another."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._pos = 0
        self._closed = False
        self._cv = threading.Condition()

    def __len__(self) -> int:
        return len(self._buf)

    def append(self, data: bytes) -> None:
        with self._cv:
            if self._closed:
                raise ValueError("ByteStream: append after close")
            self._buf += data
            self._cv.notify_all()

    def close(self) -> None:
        """No more bytes: a waiting reader gets the end of the stream."""
        with self._cv:
            self._closed = True
            self._cv.notify_all()

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes, waiting until some have arrived; b"" once closed and drained."""
        with self._cv:
            while self._pos >= len(self._buf) and not self._closed:
                self._cv.wait()
            end = len(self._buf) if size < 0 else min(len(self._buf), self._pos + size)
            out = bytes(self._buf[self._pos : end])
            self._pos = end
            return out

    def getvalue(self) -> bytes:
        with self._cv:
            return bytes(self._buf)

    def wipe(self) -> None:
        """Close, overwrite and drop the bytes."""
        with self._cv:
            self._closed = True
            self._buf[:] = bytes(len(self._buf))
            del self._buf[:]
            self._pos = 0
            self._cv.notify_all()


class StreamDecoder:
    """Decodes ``source`` in a background thread as its bytes arrive.

    ``on_progress`` is called (from the decoding thread) with the seconds decoded so far,
    about once a second of audio."""

    def __init__(
        self,
        source: ByteStream,
        *,
        max_seconds: float,
        name: str = "live recording",
        on_progress: Callable[[float], None] | None = None,
    ) -> None:
        self._source = source
        self._limit = int(max_seconds * SAMPLE_RATE)
        self._name = name
        self._on_progress = on_progress
        self._blocks: list[np.ndarray] = []
        self._used = 0  # samples in the last block
        self._total = 0
        self._lock = threading.Lock()
        self._discarded = False
        self.error: str | None = None
        self.source_rate = 0
        self.source_channels = 0
        self.container = ""
        self.codec = ""
        self._thread = threading.Thread(target=self._run, name="clearnote-decode", daemon=True)
        self._thread.start()

    @property
    def samples_decoded(self) -> int:
        return self._total

    @property
    def seconds(self) -> float:
        return self._total / SAMPLE_RATE

    def read(self, lo: int, hi: int) -> np.ndarray:
        """A copy of samples [lo, hi) of what is decoded so far (clipped to it)."""
        with self._lock:
            hi = min(hi, self._total if self._blocks else 0)
            lo = max(0, min(lo, hi))
            out = np.empty(hi - lo, dtype=np.float32)
            at = 0
            for i in range(lo // _BLOCK, (hi + _BLOCK - 1) // _BLOCK):
                base = i * _BLOCK
                a, b = max(lo, base) - base, min(hi, base + _BLOCK) - base
                out[at : at + b - a] = self._blocks[i][a:b]
                at += b - a
            return out

    def finish(self, timeout: float | None = None) -> DecodedAudio | None:
        """Wait for the decoding thread (the caller has closed the source) and return all the
        audio, or None when decoding failed or produced nothing. The stored blocks are
        released."""
        self._thread.join(timeout)
        if self._thread.is_alive() or self.error is not None or self._total == 0:
            return None
        with self._lock:
            blocks, used = self._blocks, self._used
            self._blocks = []
        samples = np.concatenate([*blocks[:-1], blocks[-1][:used]]) if blocks else None
        if samples is None:
            return None
        return DecodedAudio(
            samples=samples,
            source_rate=self.source_rate,
            source_channels=self.source_channels,
            container=self.container,
            codec=self.codec,
        )

    def discard(self) -> None:
        """Overwrite and drop the decoded audio (a discarded recording); decoding stops."""
        with self._lock:
            for block in self._blocks:
                block.fill(0.0)
            self._blocks = []
            self._used = 0
            self._discarded = True

    def _append(self, piece: np.ndarray) -> None:
        if self._total + piece.shape[0] > self._limit:
            raise AudioError(f"{self._name}: recording is over the length limit")
        with self._lock:
            if self._discarded:
                raise AudioError(f"{self._name}: discarded")
            while piece.shape[0]:
                if not self._blocks or self._used == _BLOCK:
                    self._blocks.append(np.empty(_BLOCK, dtype=np.float32))
                    self._used = 0
                take = min(_BLOCK - self._used, piece.shape[0])
                self._blocks[-1][self._used : self._used + take] = piece[:take]
                self._used += take
                self._total += take
                piece = piece[take:]

    def _run(self) -> None:
        reported = 0
        try:
            with av.open(self._source, mode="r", metadata_errors="ignore") as container:
                check_container(container, self._name)
                stream = container.streams.audio[0]
                self.container = container.format.name
                self.codec = stream.codec_context.name
                self.source_rate = int(stream.codec_context.sample_rate or 0)
                self.source_channels = int(stream.codec_context.channels or 0)
                for piece in resampled(container, stream):
                    self._append(piece)
                    if self._on_progress is not None and self._total - reported >= SAMPLE_RATE:
                        reported = self._total
                        self._on_progress(self.seconds)
        except AudioError as exc:
            self.error = exc.message
        except (av.error.FFmpegError, OSError, ValueError) as exc:
            self.error = f"{self._name}: cannot be decoded ({type(exc).__name__})"
        except Exception as exc:  # a decoding thread must record every failure
            self.error = f"{self._name}: decoding failed ({type(exc).__name__})"
            log.error("stream decoding crashed: %s", type(exc).__name__)
        if self.error is not None:
            log.info("stream decoding stopped: %s", self.error)
        elif self._on_progress is not None:
            self._on_progress(self.seconds)
