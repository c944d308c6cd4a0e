"""Decode a recording to 16 kHz mono float32 in memory with PyAV (its own FFmpeg).

No temporary file is written: the container is read from the path (or bytes) and resampled
frame by frame into a preallocated buffer. Failures raise ``AudioError`` naming the file and
the problem, never the content.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np

from clearnote.errors import AudioError

SAMPLE_RATE = 16_000
log = logging.getLogger(__name__)

# FFmpeg demuxer names we accept: the recording formats clinics actually produce.
_ACCEPTED_FORMATS = frozenset(
    {
        "wav",
        "mp3",
        "mov",
        "mp4",
        "m4a",
        "3gp",
        "3g2",
        "mj2",
        "ogg",
        "matroska",
        "webm",
        "flac",
        "aac",
        "caf",
        "aiff",
        "w64",
    }
)
SUPPORTED = "wav, mp3, m4a/mp4, ogg, webm/opus, flac"
_BLOCK = 60 * SAMPLE_RATE  # samples per block when the length is not declared


@dataclass(frozen=True)
class DecodedAudio:
    """Mono float32 samples at ``SAMPLE_RATE`` and what we learnt about the source."""

    samples: np.ndarray
    source_rate: int
    source_channels: int
    container: str
    codec: str

    @property
    def duration(self) -> float:
        return float(self.samples.shape[0]) / SAMPLE_RATE

    def __repr__(self) -> str:
        return (
            f"DecodedAudio(duration={self.duration:.1f}s, source_rate={self.source_rate}, "
            f"container={self.container!r}, codec={self.codec!r})"
        )


def _open(source: Path | bytes, name: str) -> av.container.InputContainer:
    if isinstance(source, Path):
        if not source.exists():
            raise AudioError(f"{name}: file not found")
        if source.is_dir():
            raise AudioError(f"{name}: is a directory, expected an audio file")
        if source.stat().st_size == 0:
            raise AudioError(f"{name}: file is empty")
        target: str | BinaryIO = str(source)
    else:
        if not source:
            raise AudioError(f"{name}: no audio data (empty upload)")
        target = io.BytesIO(source)
    try:
        return av.open(target, mode="r", metadata_errors="ignore")
    except av.error.InvalidDataError:
        raise AudioError(f"{name}: not a readable audio file (corrupt or unknown format)") from None
    except av.error.PermissionError:
        raise AudioError(f"{name}: permission denied") from None
    except (av.error.FFmpegError, OSError) as exc:
        raise AudioError(f"{name}: cannot be opened ({type(exc).__name__})") from None


def load_audio(
    source: Path | bytes, *, max_seconds: float, name: str | None = None
) -> DecodedAudio:
    """Decode ``source`` (a path or the bytes of an upload) to 16 kHz mono float32.

    Raises ``AudioError`` for missing, empty, corrupt or non-audio input, containers outside
    the accepted set, and recordings longer than ``max_seconds``.
    """
    label = name or (str(source) if isinstance(source, Path) else "upload")
    container = _open(source, label)
    with container:
        check_container(container, label)
        stream = container.streams.audio[0]
        declared = float(container.duration) / av.time_base if container.duration else None
        if declared is not None and declared > max_seconds:
            raise AudioError(
                f"{label}: recording is {declared / 60:.1f} min, over the limit of "
                f"{max_seconds / 60:.1f} min (setting CLEARNOTE_MAX_AUDIO_SECONDS)"
            )
        samples = _decode_stream(container, stream, label, max_seconds, declared)
        return DecodedAudio(
            samples=samples,
            source_rate=int(stream.codec_context.sample_rate or 0),
            source_channels=int(stream.codec_context.channels or 0),
            container=container.format.name,
            codec=stream.codec_context.name,
        )


def check_container(container: av.container.InputContainer, label: str) -> None:
    """Refuse containers outside the accepted set and files without audio."""
    if not set(container.format.name.split(",")) & _ACCEPTED_FORMATS:
        raise AudioError(
            f"{label}: unsupported container '{container.format.name}'; supported: {SUPPORTED}"
        )
    if not container.streams.audio:
        raise AudioError(f"{label}: contains no audio stream")


def resampled(
    container: av.container.InputContainer, stream: av.audio.stream.AudioStream
) -> Iterator[np.ndarray]:
    """The stream's audio as 16 kHz mono float32 pieces, in order (FFmpeg errors propagate).

    A stream whose sample format, layout or rate changes part way (concatenated files, or a
    damaged frame header read as another rate) gets a new resampler from that frame on; the
    old one is flushed first, so no audio is dropped or reordered."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    setup: tuple[str, str, int] | None = None
    for frame in container.decode(stream):
        frame.pts = None
        frame_setup = (frame.format.name, frame.layout.name, frame.sample_rate)
        if setup is not None and frame_setup != setup:
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
        setup = frame_setup
        for out in resampler.resample(frame):
            yield out.to_ndarray().reshape(-1)
    for out in resampler.resample(None):
        yield out.to_ndarray().reshape(-1)


def _decode_stream(
    container: av.container.InputContainer,
    stream: av.audio.stream.AudioStream,
    label: str,
    max_seconds: float,
    declared: float | None,
) -> np.ndarray:
    """Resample into blocks: one exact block when the container declares its length (no copy),
    else one-minute blocks joined once at the end (peak twice the audio, never more)."""
    limit = int(max_seconds * SAMPLE_RATE)
    first = int((declared or 0.0) * SAMPLE_RATE * 1.01) + SAMPLE_RATE if declared else 0
    blocks: list[np.ndarray] = []
    block = np.empty(min(first or _BLOCK, limit + 1), dtype=np.float32)
    used = 0
    total = 0

    def append(chunk: np.ndarray) -> None:
        nonlocal block, used, total
        if total + chunk.shape[0] > limit:
            raise AudioError(
                f"{label}: recording is over the limit of {max_seconds / 60:.1f} min "
                "(setting CLEARNOTE_MAX_AUDIO_SECONDS)"
            )
        while chunk.shape[0]:
            room = block.shape[0] - used
            if room == 0:
                blocks.append(block)
                block = np.empty(_BLOCK, dtype=np.float32)
                used, room = 0, _BLOCK
            take = min(room, chunk.shape[0])
            block[used : used + take] = chunk[:take]
            used += take
            total += take
            chunk = chunk[take:]

    try:
        for piece in resampled(container, stream):
            append(piece)
    except av.error.FFmpegError as exc:
        if total == 0:
            raise AudioError(f"{label}: audio data is corrupt and cannot be decoded") from None
        # a damaged tail: keep what decoded and say so, without the content
        log.warning(
            "%s: decoding stopped early (%s); kept %.1f s",
            label,
            type(exc).__name__,
            total / SAMPLE_RATE,
        )
    if total == 0:
        raise AudioError(f"{label}: contains no decodable audio")
    if not blocks:
        return block[:used] if block.shape[0] - used <= _BLOCK else block[:used].copy()
    return np.concatenate([*blocks, block[:used]])
