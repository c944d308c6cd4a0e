"""PDF of a signed note (fpdf2, core fonts: text is folded to Latin-1)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from clearnote.export.header import field_label, header_lines

_REPLACE = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
}


def _latin1(text: str) -> str:
    for a, b in _REPLACE.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def render_pdf(signed: dict[str, Any], addenda: Sequence[dict[str, Any]] = ()) -> bytes:
    fpdf: Any = importlib.import_module("fpdf")
    pdf: Any = fpdf.FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.set_title("Progress note")
    pdf.set_creator("Clearnote")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, *, style: str = "", size: int = 10, h: float = 5.5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(width, h, _latin1(text))

    note = signed["note"]
    line(f"Progress note ({str(note.get('format', '')).upper()})", style="B", size=15, h=8)
    for label, value in header_lines(signed):
        line(f"{label}: {value}")
    pdf.ln(3)
    for sec in note.get("sections", []):
        line(sec["title"], style="B", size=12, h=7)
        for st in sec.get("statements", []) or [{"text": "(nothing recorded)"}]:
            line(st["text"])
        pdf.ln(2)
    fields = signed.get("clinician_fields", [])
    if fields:
        line("Clinician observations", style="B", size=12, h=7)
        for f in fields:
            value = f.get("value") or f"(left blank: {f.get('blank_reason', '')})"
            line(f"{field_label(f['key'])}: {value}")
    for a in addenda:
        pdf.ln(2)
        line(f"Addendum ({a.get('at', '')})", style="B", size=12, h=7)
        line(str(a.get("text", "")))
    pdf.ln(3)
    line(str(signed.get("ai_labelled", "")), style="I", size=9)
    return bytes(pdf.output())
