"""Consent forms: reading level, length and PDF rendering time.

Run: ``.venv/bin/python -m tests.bench.bench_consent``. Figures, not assertions.
"""

from __future__ import annotations

import time

from clearnote.consent.loader import load_form, load_intro
from clearnote.consent.pdf import render_pdf
from clearnote.consent.readability import _WORD, fk_grade, plain_text
from clearnote.domain.consent import Purpose


def main() -> None:
    forms = [load_intro(), *(load_form(p) for p in Purpose)]
    print(f"{'form':<34} {'version':>7} {'words':>6} {'FK grade':>9}")
    for form in forms:
        words = len(_WORD.findall(plain_text(form.body)))
        print(f"{form.filename:<34} {form.version:>7} {words:>6} {fk_grade(form.body):>9.1f}")
    print()
    for label in ("first call, imports fpdf2", "warm"):
        start = time.perf_counter()
        data = render_pdf(forms[1:], intro=forms[0], signers=2)
        took = time.perf_counter() - start
        print(
            f"PDF of all {len(forms) - 1} purposes + intro, 2 signers ({label}): "
            f"{len(data) / 1024:.1f} KiB in {took * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
