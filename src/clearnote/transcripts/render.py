"""A readable terminal rendering of a transcript: times, speakers, unsure words marked."""

from __future__ import annotations

from clearnote.domain.transcript import Segment, Transcript

ROLE_TITLES = {"clinician": "Clinician", "client": "Client", "other": "Other", "unknown": "Speaker"}


def clock(seconds: float) -> str:
    minutes, secs = divmod(max(seconds, 0.0), 60)
    hours, minutes = divmod(int(minutes), 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:04.1f}"
    return f"{minutes:02d}:{secs:04.1f}"


def marked_text(segment: Segment) -> str:
    """Segment text with each low-confidence word shown as ``[word?]``."""
    if not segment.words:
        return segment.text
    return " ".join(f"[{w.text}?]" if w.low_confidence else w.text for w in segment.words)


def speaker_title(transcript: Transcript, speaker_id: str) -> str:
    for s in transcript.speakers:
        if s.id == speaker_id:
            name = s.label or ROLE_TITLES.get(s.role, "Speaker")
            return f"{name} ({s.id})"
    return speaker_id


def render_transcript(transcript: Transcript) -> str:
    lines = [
        f"Transcript: {clock(transcript.duration)} long, {len(transcript.speakers)} speaker(s), "
        f"{len(transcript.segments)} segments, model {transcript.asr.model}",
        "Words the recogniser was unsure of are shown as [word?].",
        "",
    ]
    for seg in transcript.segments:
        note = "  (listen: possible recogniser error)" if seg.flags else ""
        lines.append(
            f"[{clock(seg.start)}–{clock(seg.end)}] {speaker_title(transcript, seg.speaker)}: "
            f"{marked_text(seg)}{note}"
        )
    for warning in transcript.warnings:
        lines.append(f"warning: {warning}")
    return "\n".join(lines)
