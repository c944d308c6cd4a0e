"""The consent and retention domain stays pure: importing it loads no I/O or rendering library."""

from __future__ import annotations

import json
import subprocess
import sys

from clearnote.domain.consent import ConsentEvent

from .factories import grant, revoke

FORBIDDEN = ("yaml", "fpdf", "pypdf", "sqlalchemy", "httpx", "faster_whisper", "cryptography")


def test_domain_modules_import_no_io_library() -> None:
    code = (
        "import sys, json\n"
        "import clearnote.domain.consent, clearnote.domain.retention\n"
        f"print(json.dumps([m for m in {FORBIDDEN!r} if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_events_round_trip_through_json_for_the_store() -> None:
    for ev in (grant("draft_note", participant="p2"), revoke("record", 3)):
        doc = json.loads(json.dumps(ev.model_dump(mode="json")))
        assert ConsentEvent.model_validate(doc) == ev
