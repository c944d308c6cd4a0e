"""Markdown for pasting into an EHR: header, sections, clinician fields, addenda."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clearnote.export.header import field_label, header_lines


def render_markdown(signed: dict[str, Any], addenda: Sequence[dict[str, Any]] = ()) -> str:
    note = signed["note"]
    out = [f"# Progress note ({str(note.get('format', '')).upper()})", ""]
    out += [f"- **{label}:** {value}" for label, value in header_lines(signed)]
    out.append("")
    for sec in note.get("sections", []):
        out += [f"## {sec['title']}", ""]
        statements = sec.get("statements", [])
        out += [st["text"] for st in statements] if statements else ["(nothing recorded)"]
        out.append("")
    fields = signed.get("clinician_fields", [])
    if fields:
        out += ["## Clinician observations", ""]
        for f in fields:
            value = f.get("value") or f"(left blank: {f.get('blank_reason', '')})"
            out.append(f"- **{field_label(f['key'])}:** {value}")
        out.append("")
    for a in addenda:
        out += [f"## Addendum ({a.get('at', '')})", "", str(a.get("text", "")), ""]
    out.append(f"_{signed.get('ai_labelled', '')}_")
    return "\n".join(out).rstrip() + "\n"
