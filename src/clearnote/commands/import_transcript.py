"""``clearnote import-transcript FILE -o transcript.json``."""

from __future__ import annotations

from pathlib import Path

import click

from clearnote.transcripts.document import write_json
from clearnote.transcripts.importer import read_typed_transcript


@click.command("import-transcript")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="transcript JSON to write ('-' for stdout)",
)
def import_transcript(file: Path, output: Path) -> None:
    """Read a typed transcript: 'Role: words', '[role] words' or '[start-end] ROLE: words'."""
    transcript = read_typed_transcript(file)
    write_json(transcript.to_document(), output)
    click.echo(
        f"imported {len(transcript.segments)} segments, {len(transcript.speakers)} speakers",
        err=True,
    )


def register(cli: click.Group) -> None:
    cli.add_command(import_transcript)
