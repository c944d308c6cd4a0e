"""``clearnote verify TRANSCRIPT NOTE -o report.json`` and ``clearnote verify --batch IN -o OUT``.

Batch mode reads JSON lines ``{"id", "transcript", "note"}`` and writes ``{"id", "report"}`` lines
in input order, one as each is verified (flushed), with the models loaded once. At the first bad
line it stops with exit 2 naming the line number: every line before it has already been written
whole to OUT, nothing after it is processed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO

import click

from clearnote.errors import BadInputError
from clearnote.transcripts.document import load_transcript, transcript_from_obj, write_json
from clearnote.verify import Verifier, default_verifier
from clearnote.verify.documents import load_note, note_from_obj


def _summary(doc: dict[str, object]) -> str:
    statements = doc.get("statements", [])
    flags = doc.get("flags", [])
    assert isinstance(statements, list) and isinstance(flags, list)
    kinds: dict[str, int] = {}
    for f in flags:
        kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
    detail = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "none"
    return f"verified {len(statements)} statements; flags: {detail}"


def run_batch(verifier: Verifier, source: Path, out: IO[str]) -> int:
    """Verify every line of ``source`` into ``out``; returns the number of lines written."""
    written = 0
    try:
        fh = source.open(encoding="utf-8-sig")
    except OSError as exc:
        raise BadInputError(f"{source}: cannot be read ({exc.strerror or 'not found'})") from None
    with fh:
        for line_no, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            where = f"{source}: line {line_no}"
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError:
                raise BadInputError(
                    f"{where}: not valid JSON ({written} report(s) already written)"
                ) from None
            if not isinstance(obj, dict) or "transcript" not in obj or "note" not in obj:
                raise BadInputError(
                    f"{where}: expected an object with 'id', 'transcript' and 'note' "
                    f"({written} report(s) already written)"
                )
            try:
                transcript = transcript_from_obj(obj["transcript"], source=f"{where} transcript")
                note = note_from_obj(obj["note"], source=f"{where} note")
            except BadInputError as exc:
                raise BadInputError(
                    f"{exc.message} ({written} report(s) already written)"
                ) from None
            report = verifier.verify(transcript, note)
            out.write(
                json.dumps(
                    {"id": obj.get("id"), "report": report.to_document()}, ensure_ascii=False
                )
                + "\n"
            )
            out.flush()
            written += 1
    return written


@click.command("verify")
@click.argument("transcript", required=False, type=click.Path(path_type=Path))
@click.argument("note", required=False, type=click.Path(path_type=Path))
@click.option(
    "--batch",
    "batch",
    type=click.Path(path_type=Path),
    default=None,
    help="JSONL of {id, transcript, note}; writes {id, report} lines to -o",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="report JSON (or JSONL with --batch) to write ('-' for stdout)",
)
@click.option("--lexical-only", is_flag=True, help="skip the embedding model")
def verify(
    transcript: Path | None, note: Path | None, batch: Path | None, output: Path, lexical_only: bool
) -> None:
    """Check every statement of NOTE against TRANSCRIPT; flag what the session does not support."""
    verifier = Verifier(None) if lexical_only else default_verifier()
    if batch is not None:
        if transcript is not None or note is not None:
            raise BadInputError("--batch: give either --batch or TRANSCRIPT and NOTE, not both")
        if str(output) == "-":
            n = run_batch(verifier, batch, sys.stdout)
        else:
            if not (output.parent if str(output.parent) else Path(".")).is_dir():
                raise BadInputError(f"{output}: output folder does not exist")
            with output.open("w", encoding="utf-8") as out:
                n = run_batch(verifier, batch, out)
        click.echo(f"verified {n} line(s)", err=True)
        return
    if transcript is None or note is None:
        raise BadInputError("verify: TRANSCRIPT and NOTE are required (or use --batch)")
    doc = verifier.verify(load_transcript(transcript), load_note(note)).to_document()
    write_json(doc, output)
    click.echo(_summary(doc), err=True)


def register(cli: click.Group) -> None:
    cli.add_command(verify)
