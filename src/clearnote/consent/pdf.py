"""Render a chosen set of consent forms as one printable PDF with choice boxes and signature
lines (fpdf2). Blank forms only: no names or other PHI are written into the file.

Each purpose gets its own page(s) with an unticked "Yes" and "No" box per signer (no pre-ticked
boxes, requirements R23) and the form's id, version and sha256 prefix, so a signed paper copy can
be matched to the exact text version recorded on the consent event.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from clearnote.consent.forms import ConsentForm
from clearnote.domain.consent import PURPOSES, prerequisites

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_REPLACE = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
}

LINE_H = 5.5


def _latin1(text: str) -> str:
    for a, b in _REPLACE.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def _signer_labels(signers: int) -> list[str]:
    return ["Client"] + [f"Participant {i}" for i in range(2, signers + 1)]


class _Writer:
    def __init__(self, title: str, created: datetime | None) -> None:
        fpdf: Any = importlib.import_module("fpdf")
        self.pdf: Any = fpdf.FPDF(format="Letter")
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.set_margins(20, 18, 20)
        self.pdf.set_title(title)
        self.pdf.set_creator("Clearnote")
        self.pdf.set_author("Clearnote")
        if created is not None:
            self.pdf.set_creation_date(created)
        self.footer_text = ""
        self.pdf.footer = self._footer
        self.pdf.alias_nb_pages()

    def _footer(self) -> None:
        pdf = self.pdf
        pdf.set_y(-13)
        pdf.set_font("Helvetica", "", 7.5)
        pdf.set_text_color(90)
        pdf.cell(0, 4, _latin1(self.footer_text), align="L")
        pdf.set_x(pdf.l_margin)
        pdf.cell(0, 4, f"Page {pdf.page_no()} of {{nb}}", align="R")
        pdf.set_text_color(0)

    def heading(self, text: str, size: float) -> None:
        self.pdf.set_font("Helvetica", "B", size)
        self.pdf.multi_cell(0, size * 0.5, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1.5)

    def paragraph(self, text: str, indent: float = 0.0, bullet: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "", 10.5)
        x = pdf.l_margin + indent
        if bullet:
            pdf.set_x(x)
            pdf.cell(4, LINE_H, "-")
            x += 4
        pdf.set_x(x)
        pdf.multi_cell(
            pdf.w - pdf.r_margin - x,
            LINE_H,
            _latin1(text),
            markdown=True,
            new_x="LMARGIN",
            new_y="NEXT",
        )

    def markdown(self, body: str) -> None:
        """Headings (#), bullets (- , continued by indented lines) and paragraphs."""
        block: list[str] = []
        bullet = False

        def flush() -> None:
            if block:
                self.paragraph(" ".join(block), indent=3 if bullet else 0, bullet=bullet)
                self.pdf.ln(0.5 if bullet else 1.5)
                block.clear()

        for raw in body.splitlines():
            line = raw.strip()
            if not line:
                flush()
                bullet = False
            elif line.startswith("#"):
                flush()
                self.pdf.ln(1)
                self.heading(line.lstrip("#").strip(), 12)
            elif line.startswith("- "):
                flush()
                bullet = True
                block.append(line[2:])
            else:
                block.append(line)
        flush()

    def box_line(self, label: str, signers: int) -> None:
        pdf = self.pdf
        pdf.set_font("Helvetica", "", 10.5)
        for who in _signer_labels(signers):
            if pdf.get_y() > pdf.h - 35:
                pdf.add_page()
            y = pdf.get_y() + 1
            pdf.rect(pdf.l_margin, y, 4, 4)
            pdf.set_xy(pdf.l_margin + 6, y - 0.8)
            pdf.cell(40, LINE_H, "Yes, I agree")
            pdf.rect(pdf.l_margin + 48, y, 4, 4)
            pdf.set_xy(pdf.l_margin + 54, y - 0.8)
            pdf.cell(42, LINE_H, "No, I do not agree")
            pdf.set_xy(pdf.l_margin + 100, y - 0.8)
            pdf.cell(0, LINE_H, _latin1(f"{who} initials: ______________"))
            pdf.ln(LINE_H + 3)
        pdf.set_font("Helvetica", "I", 8.5)
        pdf.multi_cell(0, 4, _latin1(label), new_x="LMARGIN", new_y="NEXT")

    def signature_block(self, who: str, *, on_behalf: bool = True) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 55:
            pdf.add_page()
        pdf.set_font("Helvetica", "B", 10.5)
        pdf.cell(0, LINE_H, _latin1(who), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        labels = ["Printed name", "Signature", "Date"]
        if on_behalf:
            labels.append("Signing for (self / parent or guardian / representative)")
        for label in labels:
            pdf.ln(5)
            pdf.cell(0, LINE_H, _latin1(f"{label}: " + "_" * max(10, 70 - len(label))))
            pdf.ln(LINE_H)
        pdf.ln(4)


def render_pdf(
    forms: Sequence[ConsentForm],
    *,
    intro: ConsentForm | None = None,
    signers: int = 1,
    created: datetime | None = None,
    title: str = "Consent to AI-assisted documentation",
) -> bytes:
    """A PDF of ``intro`` (if given) and each form, a choice box per signer under each form, and a
    signature page (each signer plus the clinician)."""
    if signers < 1:
        raise ValueError("signers must be at least 1")
    w = _Writer(title, created)
    pdf = w.pdf
    if intro is not None:
        w.footer_text = intro.footer()
        pdf.add_page()
        w.heading(title, 16)
        w.heading(intro.title, 13)
        w.markdown(intro.body)
        w.paragraph("Parts in this packet: " + "; ".join(f.title for f in forms if f.purpose) + ".")
    for form in forms:
        w.footer_text = form.footer()
        pdf.add_page()
        w.heading(form.title, 15)
        if form.purpose is not None:
            needs = prerequisites(form.purpose)
            if needs:
                titles = ", ".join(PURPOSES[p].summary for p in reversed(needs))
                w.paragraph(f"This part only works if you also agree to: {titles}.")
                pdf.ln(1)
        w.markdown(form.body)
        pdf.ln(2)
        w.box_line(f"Your choice for: {form.title}. {form.footer()}", signers)
    w.footer_text = "Signature page"
    pdf.add_page()
    w.heading("Signatures", 15)
    w.paragraph(
        "Forms in this packet: "
        + "; ".join(f"{f.id} version {f.version} (sha256 {f.sha256[:16]})" for f in forms)
        + "."
    )
    pdf.ln(2)
    w.paragraph(
        "By signing, you confirm that you read the pages above (or had them read to you), that "
        "your questions were answered, and that you marked your own choices. You can change any "
        "choice later by telling your therapist."
    )
    pdf.ln(3)
    for who in _signer_labels(signers):
        w.signature_block(who)
    w.signature_block("Clinician (explained the forms and answered questions)", on_behalf=False)
    return bytes(pdf.output())


def render_markdown(forms: Sequence[ConsentForm], *, intro: ConsentForm | None = None) -> str:
    """The same packet as Markdown (no boxes: for screens and copying into a portal)."""
    parts = [intro.markdown()] if intro is not None else []
    parts.extend(form.markdown() for form in forms)
    return "\n---\n\n".join(parts)
