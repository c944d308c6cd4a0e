"""``clearnote deidentify TRANSCRIPT_OR_NOTE -o out.json [--markdown]``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import get_args

import click

from clearnote.deid.loading import InputKind, load_input
from clearnote.errors import BadInputError


@click.command("deidentify")
@click.argument("source", metavar="TRANSCRIPT_OR_NOTE", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="where to write the export ('-' for stdout)",
)
@click.option(
    "--markdown", is_flag=True, help="write Markdown for reading instead of the JSON document"
)
@click.option(
    "--kind",
    type=click.Choice(get_args(InputKind)),
    default="auto",
    show_default=True,
    help="what the input is; auto: by JSON schema, else typed transcript, else text",
)
def deidentify(source: Path, output: Path, markdown: bool, kind: InputKind) -> None:
    """De-identify a transcript or note for supervision or consultation (offline).

    Names, places smaller than a state, dates (not years), contact details and identifying
    numbers become numbered placeholders ([NAME 1], [DATE 2], ...); clinical durations and times
    stay. The export says review_required: read it before it leaves.
    """
    from clearnote.deid.render import to_markdown
    from clearnote.deid.service import default_deidentifier
    from clearnote.domain.note import Note
    from clearnote.domain.transcript import Transcript
    from clearnote.transcripts.document import write_json

    document = load_input(source, kind)
    if str(output) != "-" and not (output.parent if str(output.parent) else Path(".")).is_dir():
        raise BadInputError(f"{output}: output folder does not exist")
    engine = default_deidentifier()
    if isinstance(document, Transcript):
        result = engine.transcript(document)
    elif isinstance(document, Note):
        result = engine.note(document)
    else:
        result = engine.text(document)
    if markdown:
        text = to_markdown(result)
        if str(output) == "-":
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
    else:
        write_json(result.to_document(), output)
    click.echo(
        f"de-identified {result.source_kind}: {len(result.replacements)} replacements "
        f"({', '.join(f'{k} {v}' for k, v in result.counts.items()) or 'none'}); "
        "review required before sharing",
        err=True,
    )


def register(cli: click.Group) -> None:
    cli.add_command(deidentify)
