"""``clearnote transcribe AUDIO [--model PATH] [--speakers N] -o transcript.json``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from clearnote.asr.base import ProgressCallback
from clearnote.audio import load_audio
from clearnote.config import load_settings
from clearnote.transcription.service import build_transcriber
from clearnote.transcripts.document import write_json


def terminal_progress(total_seconds: float) -> ProgressCallback | None:
    """A progress bar over seconds of audio, on a terminal only."""
    if not sys.stderr.isatty():
        return None
    bar = tqdm(
        total=round(total_seconds, 1),
        unit="s",
        desc="transcribing",
        leave=False,
        file=sys.stderr,
        bar_format="{l_bar}{bar}| {n:.0f}/{total:.0f} s audio [{elapsed}]",
    )

    def update(done: float) -> None:
        bar.update(max(0.0, min(done, total_seconds) - bar.n))
        if done >= total_seconds - 0.5:
            bar.close()

    return update


@click.command("transcribe")
@click.argument("audio", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="transcript JSON to write ('-' for stdout)",
)
@click.option(
    "--model",
    default=None,
    help="bundled model (tiny.en, base) or a CTranslate2 Whisper folder; "
    "default: setting CLEARNOTE_ASR_MODEL (base)",
)
@click.option(
    "--speakers",
    type=click.IntRange(1, 10),
    default=None,
    help="number of speakers when known (estimated otherwise)",
)
@click.option(
    "--clinician-voice",
    type=click.Path(path_type=Path),
    default=None,
    help="an enrolled sample of the clinician's voice, to label roles",
)
@click.option("--no-diarize", is_flag=True, help="one speaker, no speaker separation")
@click.option("--show/--no-show", default=False, help="also print the readable transcript")
def transcribe(
    audio: Path,
    output: Path,
    model: str | None,
    speakers: int | None,
    clinician_voice: Path | None,
    no_diarize: bool,
    show: bool,
) -> None:
    """Transcribe a session recording into a diarized, confidence-marked transcript."""
    settings = load_settings()
    started = time.perf_counter()
    decoded = load_audio(audio, max_seconds=settings.max_audio_seconds, name=str(audio))
    decode_seconds = time.perf_counter() - started  # bad input fails before any model loads
    transcriber = build_transcriber(settings, model=model, diarize=False if no_diarize else None)
    result = transcriber.transcribe_decoded(
        decoded,
        speakers=speakers,
        clinician_voice=clinician_voice,
        progress=terminal_progress,
        decode_seconds=decode_seconds,
    )
    transcript = result.transcript
    write_json(transcript.to_document(), output)
    if show:
        from clearnote.transcripts.render import render_transcript

        click.echo(render_transcript(transcript))
    for warning in transcript.warnings:
        click.echo(f"clearnote: warning: {warning}", err=True)
    click.echo(
        f"transcribed {transcript.duration:.1f} s in {result.timings.total:.1f} s: "
        f"{len(transcript.segments)} segments, {len(transcript.speakers)} speaker(s)",
        err=True,
    )


def register(cli: click.Group) -> None:
    cli.add_command(transcribe)
