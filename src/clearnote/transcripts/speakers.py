"""Swap or rename speakers after transcription (the user knows best who spoke)."""

from __future__ import annotations

from typing import cast, get_args

from clearnote.domain.transcript import Role, Speaker, Transcript
from clearnote.errors import BadInputError

ROLES: tuple[str, ...] = get_args(Role)


def relabel(
    transcript: Transcript,
    roles: dict[str, str] | None = None,
    labels: dict[str, str] | None = None,
) -> Transcript:
    """Return a copy with speaker roles and/or display labels changed.

    ``roles`` maps speaker id → role; ``labels`` maps speaker id → display name.
    """
    roles = roles or {}
    labels = labels or {}
    known = {s.id for s in transcript.speakers}
    for sid in (*roles, *labels):
        if sid not in known:
            raise BadInputError(
                f"speaker '{sid}' is not in the transcript (speakers: {', '.join(sorted(known))})"
            )
    for sid, role in roles.items():
        if role not in ROLES:
            raise BadInputError(f"role for {sid} must be one of {', '.join(ROLES)}")
    speakers = tuple(
        Speaker(
            id=s.id,
            role=cast(Role, roles.get(s.id, s.role)),
            label=labels.get(s.id, s.label),
        )
        for s in transcript.speakers
    )
    return transcript.model_copy(update={"speakers": speakers})


def swap_roles(transcript: Transcript, first: str, second: str) -> Transcript:
    """Exchange the roles of two speakers (the common fix: clinician and client reversed)."""
    by_id = {s.id: s for s in transcript.speakers}
    for sid in (first, second):
        if sid not in by_id:
            raise BadInputError(f"speaker '{sid}' is not in the transcript")
    return relabel(transcript, roles={first: by_id[second].role, second: by_id[first].role})
