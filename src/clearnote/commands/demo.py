"""``clearnote demo``: run the main job on the sample session shipped with Clearnote."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from clearnote.config import load_settings
from clearnote.transcription.service import build_transcriber
from clearnote.transcripts.render import render_transcript


def sample_session() -> Path:
    """The bundled, synthesized sample session (two espeak-ng voices; no real client)."""
    return Path(str(resources.files("clearnote.samples").joinpath("session.ogg")))


@click.command("demo")
@click.option("--model", default=None, help="bundled model (tiny.en, base) or a model folder")
def demo(model: str | None) -> None:
    """Transcribe the bundled sample session and print the readable transcript."""
    from clearnote.commands.transcribe import terminal_progress

    settings = load_settings()
    audio = sample_session()
    click.echo(f"Sample session: {audio.name} (synthesized voices, an invented dialogue)\n")
    transcriber = build_transcriber(settings, model=model)
    result = transcriber.transcribe_file(audio, progress=terminal_progress)
    click.echo(render_transcript(result.transcript))
    t = result.timings
    click.echo(
        f"\nTimings: decode {t.decode:.1f} s, ASR {t.asr:.1f} s, diarization {t.diarize:.1f} s; "
        f"real-time factor {t.total / max(result.transcript.duration, 1e-9):.3f}"
    )


def register(cli: click.Group) -> None:
    cli.add_command(demo)
