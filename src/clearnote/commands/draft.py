"""``clearnote draft TRANSCRIPT -f soap|dap|birp|girp|pirp [--template FILE] [--backend B]
-o note.json``."""

from __future__ import annotations

from pathlib import Path

import click

from clearnote.config import load_settings
from clearnote.llm.registry import BACKENDS, create_backend
from clearnote.notes.drafting import draft_note
from clearnote.notes.formats import BUILTIN_FORMATS
from clearnote.notes.templates import resolve_format
from clearnote.transcripts.document import load_transcript, write_json


@click.command("draft")
@click.argument("transcript", type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "fmt",
    default="soap",
    show_default=True,
    type=click.Choice(sorted(BUILTIN_FORMATS), case_sensitive=False),
    help="note format",
)
@click.option(
    "--template",
    type=click.Path(path_type=Path),
    default=None,
    help="custom template (YAML or TOML) naming sections and what goes in each",
)
@click.option(
    "--backend",
    default=None,
    type=click.Choice(sorted(BACKENDS), case_sensitive=False),
    help="drafting backend (default: setting llm_backend, normally 'extractive')",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="note JSON to write ('-' for stdout)",
)
def draft(
    transcript: Path, fmt: str, template: Path | None, backend: str | None, output: Path
) -> None:
    """Draft a progress note; every statement cites the transcript segments it came from."""
    settings = load_settings()
    note_format = resolve_format(fmt, template)
    doc = load_transcript(transcript)
    engine = create_backend(backend or settings.llm_backend, settings)
    note = draft_note(doc, note_format, engine)
    write_json(note.to_document(), output)
    n = len(note.statements())
    bare = sum(1 for st in note.statements() if not st.evidence)
    click.echo(
        f"drafted {n} statements in {len(note.sections)} sections ({note.format}, "
        f"{engine.name}); {bare} without evidence",
        err=True,
    )


def register(cli: click.Group) -> None:
    cli.add_command(draft)
