"""``clearnote process AUDIO --client CLIENT [-f soap] --json``: the whole pipeline for one
session, under the client's consent and jurisdiction, stored encrypted in the practice."""

from __future__ import annotations

import json
from pathlib import Path

import click

from clearnote.config import load_settings
from clearnote.pipeline.analysis import Engines, load_engines
from clearnote.pipeline.process import process_recording
from clearnote.records.practice import open_for_cli
from clearnote.transcription.service import Transcriber, build_transcriber


@click.command("process")
@click.argument("audio", type=click.Path(path_type=Path))
@click.option("--client", "client_id", required=True, help="the client's id")
@click.option(
    "-f",
    "--format",
    "fmt",
    default="soap",
    show_default=True,
    type=click.Choice(["soap", "dap", "birp", "girp", "pirp"]),
    help="note format",
)
@click.option(
    "--framework",
    default="cbt",
    show_default=True,
    type=click.Choice(["cbt", "family-systems", "narrative"]),
    help="framework of the case conceptualization (when consented)",
)
@click.option(
    "--participant",
    "participants",
    multiple=True,
    help="a further participant present (couples, families); repeatable",
)
@click.option(
    "--speakers", type=click.IntRange(1, 10), default=None, help="number of speakers when known"
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def process(
    audio: Path,
    client_id: str,
    fmt: str,
    framework: str,
    participants: tuple[str, ...],
    speakers: int | None,
    as_json: bool,
) -> None:
    """Record, transcribe, draft, screen and assess a session, as far as consent allows."""
    from clearnote.commands.transcribe import terminal_progress

    settings = load_settings()
    ctx, actor = open_for_cli(settings)
    try:

        def transcriber() -> Transcriber:
            return build_transcriber(settings)

        def engines() -> Engines:
            return load_engines(settings)

        result = process_recording(
            ctx,
            actor,
            client_id=client_id,
            audio_path=audio,
            transcriber_for=transcriber,
            engines_for=engines,
            participants=participants,
            fmt=fmt,
            framework=framework,
            speakers=speakers,
            max_audio_seconds=settings.max_audio_seconds,
            progress=terminal_progress,
        )
    finally:
        ctx.close()
    if as_json:
        click.echo(json.dumps(result.to_document()))
        return
    click.echo(f"session {result.session_id}: {result.status}")
    for name, status in result.stages.items():
        click.echo(f"  {name:<11} {status}")


def register(cli: click.Group) -> None:
    cli.add_command(process)
