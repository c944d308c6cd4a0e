"""Export a signed note: authorized (``export``), audited as ``artefact.export`` (the accounting
of disclosures in the client report reads it) and kept as an ``export`` artefact."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from clearnote.errors import BadInputError
from clearnote.export.fhir import document_reference
from clearnote.export.markdown import render_markdown
from clearnote.export.pdf import render_pdf
from clearnote.records import audit_log, sessions
from clearnote.records.access import authorize, load_client
from clearnote.records.context import Actor, PracticeContext
from clearnote.records.review import EXPORT_PARTS, load_review, refuse_unsigned
from clearnote.security.roles import Permission
from clearnote.store.models import SessionRow

ExportFormat = Literal["markdown", "fhir", "pdf"]
FORMATS: dict[str, tuple[str, str]] = {
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "fhir": ("application/fhir+json", "json"),
    "pdf": ("application/pdf", "pdf"),
}


@dataclass(frozen=True)
class Export:
    artefact_id: str
    media_type: str
    filename: str
    content: bytes

    def __repr__(self) -> str:
        return f"Export(artefact_id={self.artefact_id!r}, media_type={self.media_type!r})"


def export_note(ctx: PracticeContext, actor: Actor, session_id: str, fmt: str) -> Export:
    if fmt not in FORMATS:
        raise BadInputError(f"format {fmt[:20]!r}: expected one of: {', '.join(FORMATS)}")
    with ctx.tx() as db:
        row = db.get(SessionRow, session_id)
        if row is None:
            raise BadInputError(f"SESSION: no session with id {session_id}")
        client = load_client(db, row.client_id)
        authorize(
            ctx,
            db,
            actor,
            Permission.EXPORT,
            action="artefact.export",
            client=client,
            object_type="session",
            object_id=session_id,
        )
    bundle = load_review(ctx, actor, session_id, EXPORT_PARTS)
    signed = refuse_unsigned(bundle)
    if fmt == "markdown":
        content = render_markdown(signed, bundle.addenda).encode("utf-8")
    elif fmt == "fhir":
        content = json.dumps(document_reference(signed, bundle.addenda), indent=2).encode()
    else:
        content = render_pdf(signed, bundle.addenda)
    media, ext = FORMATS[fmt]
    aid = sessions.store_artefact(
        session_id,
        "export",
        content,
        actor=actor,
        ctx=ctx,
        purposes=(),
        media_type=media,
        stage=f"export.{fmt}",
    )
    with ctx.tx() as db:
        audit_log.append(
            ctx,
            db,
            actor=actor,
            action="artefact.export",
            object_type="artefact",
            object_id=aid,
            client_id=bundle.session.client_id,
            meta={"format": fmt, "session_id": session_id, "size": len(content)},
        )
    return Export(aid, media, f"note-{session_id[:8]}.{ext}", content)
