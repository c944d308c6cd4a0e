"""Speaker diarization (voice embeddings in numpy, k-means, per-word vote) and role labels."""

from clearnote.diarize.diarizer import DiarizationResult, Diarizer
from clearnote.diarize.encoder import VoiceEncoder
from clearnote.diarize.roles import Turn, assign_roles

__all__ = ["DiarizationResult", "Diarizer", "Turn", "VoiceEncoder", "assign_roles"]
