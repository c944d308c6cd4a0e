"""What LLM backends send and accept: the chat messages and the JSON schema of the answer.

The answer is ``{"sections": {"<key>": ["statement", ...], ...}}``. Citations are not asked
for: every statement is re-grounded against the transcript afterwards.
"""

from __future__ import annotations

import json
from typing import Any

from clearnote.domain.transcript import Transcript
from clearnote.errors import ModelError
from clearnote.llm.base import DraftedStatement
from clearnote.notes.formats import NoteFormat

PROMPT_VERSION = "draft-1"

SYSTEM = (
    "You write a psychotherapy progress note from a session transcript, for a clinician to review. "
    'Write short clinical third-person statements ("Client reported ...", "Clinician '
    'suggested ..."). State only what was said in the transcript. Never write a denial or a '
    "negative that was not said; if a topic was not discussed, leave it out. Never describe "
    "appearance, eye contact, psychomotor activity or affect. Answer with JSON only."
)


def answer_schema(fmt: NoteFormat, *, max_items: int = 12, max_chars: int = 300) -> dict[str, Any]:
    """The JSON schema the model's answer must follow (used for constrained decoding)."""
    item = {"type": "string", "minLength": 1, "maxLength": max_chars}
    props = {s.key: {"type": "array", "items": item, "maxItems": max_items} for s in fmt.sections}
    return {
        "type": "object",
        "properties": {
            "sections": {
                "type": "object",
                "properties": props,
                "required": list(props),
                "additionalProperties": False,
            }
        },
        "required": ["sections"],
        "additionalProperties": False,
    }


def transcript_text(transcript: Transcript) -> str:
    lines = []
    for seg in transcript.segments:
        role = transcript.role_of(seg.speaker)
        lines.append(f"{role.upper() if role != 'unknown' else seg.speaker}: {seg.text}")
    return "\n".join(lines)


def messages(transcript: Transcript, fmt: NoteFormat) -> list[dict[str, str]]:
    guide = "\n".join(
        f"- {s.key} ({s.title}): {s.guidance or ', '.join(s.kinds)}" for s in fmt.sections
    )
    user = (
        f"Note format: {fmt.name}. Sections:\n{guide}\n\nTranscript:\n"
        f"{transcript_text(transcript)}\n\nWrite the note as JSON."
    )
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}]


def request_body(
    transcript: Transcript,
    fmt: NoteFormat,
    *,
    model: str,
    max_tokens: int,
    max_items: int = 12,
    max_chars: int = 300,
) -> dict[str, Any]:
    """An OpenAI chat-completions request with a JSON-schema response format."""
    return {
        "model": model,
        "messages": messages(transcript, fmt),
        "temperature": 0,
        "max_tokens": max_tokens,
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": f"clearnote_{fmt.name.replace('-', '_')}",
                "strict": True,
                "schema": answer_schema(fmt, max_items=max_items, max_chars=max_chars),
            },
        },
    }


def completion_json(body: Any, *, source: str) -> Any:
    """The JSON answer inside a chat-completions response (``choices[0].message.content``);
    errors name ``source`` and where the JSON broke, never content."""
    try:
        content = body["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise ModelError(f"{source}: response has no choices[0].message.content") from None
    if not isinstance(content, str):
        raise ModelError(f"{source}: message content is not text")
    try:
        return json.loads(content)
    except json.JSONDecodeError as exc:
        finish = ""
        try:
            finish = f"; finish_reason={body['choices'][0].get('finish_reason')}"
        except (KeyError, IndexError, TypeError, AttributeError):
            pass
        raise ModelError(
            f"{source}: answer is not valid JSON (at character {exc.pos}{finish})"
        ) from None


def parse_completion(body: Any, fmt: NoteFormat, *, source: str) -> list[DraftedStatement]:
    """Statements from a chat-completions response; errors name ``source``, never content."""
    answer = completion_json(body, source=source)
    sections = answer.get("sections") if isinstance(answer, dict) else None
    if not isinstance(sections, dict):
        raise ModelError(f"{source}: answer has no 'sections' object")
    out: list[DraftedStatement] = []
    for spec in fmt.sections:
        items = sections.get(spec.key, [])
        if not isinstance(items, list):
            raise ModelError(f"{source}: 'sections.{spec.key}' is not a list")
        for item in items:
            text = item if isinstance(item, str) else None
            if isinstance(item, dict):  # tolerate {"text": ...} objects some servers return
                text = item.get("text") if isinstance(item.get("text"), str) else None
            if text and text.strip():
                out.append(DraftedStatement(spec.key, " ".join(text.split())))
    return out
