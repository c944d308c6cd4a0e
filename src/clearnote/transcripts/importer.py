"""Parse typed transcripts into a ``Transcript``.

One turn per line, in any of these shapes (mixing them in one file is allowed):

    Therapist: How was your week?
    [client] Not great, honestly.
    [    2.53-   12.50] DOCTOR: Good morning, how can I help?

A line that matches none of them continues the previous turn. Transcriber marks from PriMock57
(``<UNSURE>word</UNSURE>``, ``<UNIN/>``) are honoured: unsure passages make the segment
low-confidence, inaudible marks are dropped. Errors name the file and line number, never the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from clearnote.domain.roles import role_for_name
from clearnote.domain.transcript import AsrInfo, Segment, Speaker, Transcript, segment_id
from clearnote.errors import TranscriptFormatError

_NAME = r"[A-Za-z][\w .'\-]{0,39}?"
_TIMED = re.compile(
    r"^\s*\[\s*(?P<start>\d+(?:\.\d+)?)\s*-\s*(?P<end>\d+(?:\.\d+)?)\s*\]\s*"
    rf"(?P<name>{_NAME})\s*:\s*(?P<text>.*)$"
)
_BRACKET = re.compile(rf"^\s*\[\s*(?P<name>{_NAME})\s*\]\s*:?\s*(?P<text>.*)$")
_COLON = re.compile(rf"^\s*(?P<name>{_NAME})\s*:\s+(?P<text>.*)$|^\s*(?P<name2>{_NAME}):$")
_UNSURE = re.compile(r"<UNSURE>(.*?)</UNSURE>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^<>]{1,40}/?>")
_SPACES = re.compile(r"\s+")


@dataclass
class _Turn:
    name: str
    parts: list[str]
    line_no: int
    start: float | None = None
    end: float | None = None
    unsure: bool = False
    extra: list[str] = field(default_factory=list)


def _match(line: str) -> tuple[str, str, float | None, float | None] | None:
    m = _TIMED.match(line)
    if m:
        return m["name"], m["text"], float(m["start"]), float(m["end"])
    m = _BRACKET.match(line)
    if m:
        return m["name"], m["text"], None, None
    m = _COLON.match(line)
    if m:
        return (m["name"] or m["name2"]), (m["text"] or ""), None, None
    return None


def _clean(text: str) -> tuple[str, bool]:
    unsure = bool(_UNSURE.search(text))
    text = _UNSURE.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    return _SPACES.sub(" ", text).strip(), unsure


def parse_turns(text: str, *, source: str = "transcript") -> Transcript:
    """Parse typed-transcript ``text``; ``source`` names the input in error messages."""
    turns: list[_Turn] = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        hit = _match(raw)
        if hit is None:
            if not turns:
                raise TranscriptFormatError(
                    f"{source}: line {line_no}: expected 'Role: words', '[role] words' or "
                    "'[start-end] ROLE: words' before any continuation text"
                )
            turns[-1].parts.append(raw.strip())
            continue
        name, words, start, end = hit
        if start is not None and end is not None and end < start:
            raise TranscriptFormatError(f"{source}: line {line_no}: end time before start time")
        turns.append(_Turn(name=name.strip(), parts=[words], line_no=line_no, start=start, end=end))
    if not turns:
        raise TranscriptFormatError(f"{source}: no speaker turns found (the file is empty)")

    speaker_ids: dict[str, str] = {}
    speakers: list[Speaker] = []
    segments: list[Segment] = []
    timed = all(t.start is not None for t in turns)
    for turn in turns:
        body, unsure = _clean(" ".join(turn.parts))
        if not body:
            continue
        key = turn.name.lower()
        if key not in speaker_ids:
            sid = f"S{len(speakers) + 1}"
            speaker_ids[key] = sid
            speakers.append(Speaker(id=sid, role=role_for_name(turn.name), label=turn.name))
        start = turn.start if timed and turn.start is not None else 0.0
        end = turn.end if timed and turn.end is not None else 0.0
        segments.append(
            Segment(
                id=segment_id(len(segments) + 1),
                start=start,
                end=end,
                speaker=speaker_ids[key],
                text=body,
                low_confidence=unsure,
                flags=("transcriber_unsure",) if unsure else (),
            )
        )
    if not segments:
        raise TranscriptFormatError(f"{source}: every turn is empty")
    warnings: tuple[str, ...] = () if timed else ("untimed: the typed transcript has no times",)
    return Transcript(
        duration=max((s.end for s in segments), default=0.0),
        language="en",
        asr=AsrInfo(engine="import", model="typed"),
        speakers=tuple(speakers),
        segments=tuple(segments),
        warnings=warnings,
    )


def read_typed_transcript(path: Path) -> Transcript:
    """Read a typed transcript file; raises ``TranscriptFormatError`` naming the file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TranscriptFormatError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise TranscriptFormatError(f"{path}: is a directory, expected a text file") from None
    except OSError as exc:
        raise TranscriptFormatError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TranscriptFormatError(f"{path}: not UTF-8 text") from None
    return parse_turns(text, source=str(path))
