"""Decode and validate recordings, in memory."""

from clearnote.audio.decode import SAMPLE_RATE, DecodedAudio, load_audio

__all__ = ["SAMPLE_RATE", "DecodedAudio", "load_audio"]
