"""``clearnote speakers TRANSCRIPT [--role S1=client] [--label S1=Name] [--swap S1 S2] -o out``."""

from __future__ import annotations

from pathlib import Path

import click

from clearnote.errors import BadInputError
from clearnote.transcripts.document import load_transcript, write_json
from clearnote.transcripts.speakers import relabel, swap_roles


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        sid, sep, rest = value.partition("=")
        if not sep or not sid.strip() or not rest.strip():
            raise BadInputError(f"{option} expects SPEAKER=VALUE, e.g. {option} S1=client")
        out[sid.strip()] = rest.strip()
    return out


@click.command("speakers")
@click.argument("transcript", type=click.Path(path_type=Path))
@click.option("--role", "roles", multiple=True, help="SPEAKER=ROLE (clinician, client, other)")
@click.option("--label", "labels", multiple=True, help="SPEAKER=display name")
@click.option("--swap", nargs=2, default=None, help="swap the roles of two speakers")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path))
def speakers(
    transcript: Path,
    roles: tuple[str, ...],
    labels: tuple[str, ...],
    swap: tuple[str, str] | None,
    output: Path,
) -> None:
    """Swap, re-role or rename speakers in a transcript."""
    doc = load_transcript(transcript)
    if swap:
        doc = swap_roles(doc, *swap)
    doc = relabel(doc, _pairs(roles, "--role"), _pairs(labels, "--label"))
    write_json(doc.to_document(), output)


def register(cli: click.Group) -> None:
    cli.add_command(speakers)
