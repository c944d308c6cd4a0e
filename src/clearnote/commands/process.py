"""``clearnote process AUDIO --client CLIENT [-f soap] [--async] --json``: the whole pipeline for
one session, under the client's consent and jurisdiction, stored encrypted in the practice.

With ``--async`` (needs ``CLEARNOTE_QUEUE_URL``) consent and the recording are checked and the
audio sealed here, then the transcription job is queued for ``clearnote worker`` and the command
prints ``{"session_id": ..., "status": "queued"}``; ``clearnote session show ID`` follows it."""

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
@click.option(
    "--async",
    "run_async",
    is_flag=True,
    help="queue the stages for workers (CLEARNOTE_QUEUE_URL) and return at once",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def process(
    audio: Path,
    client_id: str,
    fmt: str,
    framework: str,
    participants: tuple[str, ...],
    speakers: int | None,
    run_async: bool,
    as_json: bool,
) -> None:
    """Record, transcribe, draft, screen and assess a session, as far as consent allows."""
    from clearnote.commands.transcribe import terminal_progress

    settings = load_settings()
    if run_async:
        _enqueue(audio, client_id, fmt, framework, participants, speakers, as_json)
        return
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


def _enqueue(
    audio: Path,
    client_id: str,
    fmt: str,
    framework: str,
    participants: tuple[str, ...],
    speakers: int | None,
    as_json: bool,
) -> None:
    from clearnote.errors import BadInputError
    from clearnote.jobs.celery_queue import CeleryQueue, make_app, signer_for
    from clearnote.pipeline.process import enqueue_recording

    settings = load_settings()
    if settings.queue_url is None:
        raise BadInputError("--async: set CLEARNOTE_QUEUE_URL (redis:// or amqp://) for workers")
    app = make_app(settings)
    ctx, actor = open_for_cli(settings)
    queue = CeleryQueue(app, signer_for(ctx))
    try:
        result = enqueue_recording(
            ctx,
            actor,
            client_id=client_id,
            audio_path=audio,
            queue=queue,
            participants=participants,
            fmt=fmt,
            framework=framework,
            speakers=speakers,
            max_audio_seconds=settings.max_audio_seconds,
        )
    finally:
        ctx.close()
        queue.close()
    if as_json:
        click.echo(json.dumps({"session_id": result.session_id, "status": result.status}))
        return
    click.echo(f"session {result.session_id}: {result.status}")


def register(cli: click.Group) -> None:
    cli.add_command(process)
