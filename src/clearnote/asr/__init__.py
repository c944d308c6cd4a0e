"""Speech recognition: the engine port, the faster-whisper adapter and post-processing."""

from clearnote.asr.base import AsrEngine, AsrOutput, AsrSegment, AsrWord

__all__ = ["AsrEngine", "AsrOutput", "AsrSegment", "AsrWord"]
