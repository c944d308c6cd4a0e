"""The de-identified export as Markdown, for the clinician to read before sharing it."""

from __future__ import annotations

from typing import Any

from clearnote.deid.result import DeidResult

_ROLE_LABEL = {"clinician": "Clinician", "client": "Client", "other": "Other", "unknown": "Speaker"}


def _transcript_md(doc: dict[str, Any]) -> list[str]:
    roles = {s["id"]: s.get("role", "unknown") for s in doc.get("speakers", [])}
    lines: list[str] = []
    for seg in doc.get("segments", []):
        role = roles.get(seg["speaker"], "unknown")
        label = _ROLE_LABEL.get(role, "Speaker")
        if role in ("other", "unknown"):
            label = f"{label} {seg['speaker']}"
        lines.append(f"**{label}** ({seg['id']}): {seg['text']}")
        lines.append("")
    return lines


def _note_md(doc: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for sec in doc.get("sections", []):
        lines += [f"## {sec['title']}", ""]
        for st in sec.get("statements", []):
            lines.append(f"- {st['text']} ({st['id']})")
        lines.append("")
    return lines


def to_markdown(result: DeidResult) -> str:
    """A header that says review is required, the redacted content, then the review list."""
    lines = [
        "# De-identified export — REVIEW REQUIRED before sharing",
        "",
        f"> {result.notice}",
        "",
        f"Detected by {result.method.engine}, {result.method.model}, and custom patterns. "
        f"Replacements: {len(result.replacements)}; kept as non-identifying: {len(result.kept)}.",
        "",
    ]
    if result.transcript is not None:
        lines += _transcript_md(result.transcript)
    elif result.note is not None:
        lines += _note_md(result.note)
    elif result.text is not None:
        lines += [result.text, ""]
    lines += [
        "## Replacements to review",
        "",
        "| where | offsets | type | placeholder | found by |",
        "|---|---|---|---|---|",
    ]
    for r in result.replacements:
        lines.append(
            f"| {r.segment_id} | {r.start}-{r.end} | {r.entity_type} | {r.placeholder} "
            f"| {r.detector} |"
        )
    if result.dropped_fields:
        lines += ["", "Removed fields: " + ", ".join(result.dropped_fields)]
    return "\n".join(lines) + "\n"
