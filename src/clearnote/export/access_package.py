"""The client access package (right of access, 45 CFR 164.524; R12): one ZIP file with what the
designated record set holds of a client, for the practice to hand over.

Included: every signed progress note with its addenda (PDF and Markdown), the consent record
(purposes, form versions, times), and the client report (AI steps with where they ran, who
accessed the record, the accounting of disclosures, deletion dates and receipts). Left out, and
said so in the package's README: psychotherapy notes (kept apart, 164.524(a)(1)(i)), unsigned AI
drafts, screenings and assessments (decision support the clinician did not adopt), and
transcripts and audio (deleted after signing by default; an open legal question is flagged in
requirements.md R12). Third parties named in a note are not redacted here: the clinician reviews
the package before it is released (NASW 1.08(c)).

Building it reads each note through the record system (authorized, audited reads) and is
audited as ``client.access_package`` with counts only.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from clearnote.export.markdown import render_markdown
from clearnote.export.pdf import render_pdf
from clearnote.records import audit_log, consent, sessions
from clearnote.records.access import authorize, load_client
from clearnote.records.context import Actor, PracticeContext
from clearnote.records.report import client_report
from clearnote.records.review import EXPORT_PARTS, load_review
from clearnote.security.roles import Permission

README = """Your record at this practice (client access package)

notes/      each signed progress note, with any later addenda, as PDF and as Markdown
consent.json  what you agreed to and withdrew, with the form versions and times
report.json   which AI steps ran on your record and where, who accessed it, disclosures
              outside the practice (the accounting of the last six years), and when
              stored items were or will be deleted, with deletion receipts

Not included:
- psychotherapy (process) notes your therapist may keep apart from the record;
- AI drafts, risk screenings and assessments your therapist did not sign into a note
  (the signed notes are what your therapist adopted);
- recordings and transcripts: they are deleted once the note is signed unless you agreed
  to keep them; ask your therapist if any are still kept.

Created {created} for client {client_id}: {notes} signed note(s).
"""


@dataclass(frozen=True)
class AccessPackage:
    filename: str
    content: bytes
    notes: int

    def __repr__(self) -> str:
        return f"AccessPackage(filename={self.filename!r}, notes={self.notes})"


def _json(doc: Any) -> bytes:
    return json.dumps(doc, indent=2, ensure_ascii=False, default=str).encode("utf-8")


def build_access_package(ctx: PracticeContext, actor: Actor, client_id: str) -> AccessPackage:
    """The package for ``client_id`` (needs ``export`` and ``client_report`` for the client)."""
    with ctx.tx() as db:
        client = load_client(db, client_id)
        authorize(ctx, db, actor, Permission.EXPORT, action="client.access_package", client=client)
        cid = client.id
    signed = [
        s
        for s in sessions.list_sessions(ctx, actor, client_id=cid)
        if s.signed_at is not None and s.deleted_at is None
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for s in sorted(signed, key=lambda v: v.created_at):
            bundle = load_review(ctx, actor, s.id, EXPORT_PARTS)
            if bundle.signed is None:
                continue
            stem = f"notes/{s.created_at.date().isoformat()}-{s.id[:8]}"
            zf.writestr(f"{stem}.pdf", render_pdf(bundle.signed, bundle.addenda))
            zf.writestr(f"{stem}.md", render_markdown(bundle.signed, bundle.addenda))
        zf.writestr("consent.json", _json(consent.show(ctx, actor, cid)))
        zf.writestr("report.json", _json(client_report(ctx, actor, cid)))
        created = ctx.now().isoformat(timespec="seconds")
        zf.writestr("README.txt", README.format(created=created, client_id=cid, notes=len(signed)))
    content = buf.getvalue()
    with ctx.tx() as db:
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="client.access_package",
            object_type="client",
            object_id=cid,
            client_id=cid,
            meta={"notes": len(signed), "size": len(content)},
        )
    return AccessPackage(f"record-{cid[:8]}.zip", content, len(signed))
