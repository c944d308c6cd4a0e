"""``clearnote screen TRANSCRIPT -o screening.json`` and ``clearnote screen --batch IN -o OUT``."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import click

from clearnote.assess.screening import RuleScreener, default_rules, load_rules, screen_with
from clearnote.assess.screening.backends import BACKEND_CHOICES, DEFAULT_BACKEND, build_backends
from clearnote.config import load_settings
from clearnote.domain.screening import ScreeningReport
from clearnote.domain.transcript import Transcript
from clearnote.errors import BadInputError, ClearnoteError
from clearnote.transcripts.document import load_transcript, transcript_from_obj, write_json

Screen = Callable[[Transcript], ScreeningReport]


def _screener(rules: Path | None, backend: str | None = None) -> Screen:
    """The rule floor plus the chosen extra backends (``--backend``, else setting
    ``screen_backend``; the default falls back to the rules when its model is not installed),
    loaded once for the whole run."""
    floor = RuleScreener(load_rules(rules) if rules is not None else default_rules())
    settings = load_settings()
    choice = backend or settings.screen_backend
    extra = build_backends(
        choice,
        floor.rules,
        fallback=backend is None and choice == DEFAULT_BACKEND,
        settings=settings,
    )
    return lambda transcript: screen_with(floor, transcript, extra)


def _batch(screener: Screen, source: Path, out: TextIO) -> int:
    """Screen each JSONL line; a bad line is bad input naming its number (no text)."""
    try:
        fh = source.open(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BadInputError(f"{source}: file not found") from None
    except OSError as exc:
        raise BadInputError(f"{source}: cannot be read ({exc.strerror})") from None
    count = 0
    with fh:
        try:
            lines = list(fh)
        except UnicodeDecodeError:
            raise BadInputError(f"{source}: not UTF-8 text") from None
    results: list[str] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        where = f"{source}: line {number}"
        try:
            obj: Any = json.loads(raw)
        except json.JSONDecodeError:
            raise BadInputError(f"{where}: not valid JSON") from None
        if not isinstance(obj, dict) or "id" not in obj or "transcript" not in obj:
            raise BadInputError(f"{where}: expected an object with 'id' and 'transcript'")
        if not isinstance(obj["id"], str | int):
            raise BadInputError(f"{where}: 'id' must be a string or number")
        try:
            transcript = transcript_from_obj(obj["transcript"], source=where)
        except ClearnoteError as exc:
            raise BadInputError(exc.message) from None
        report = screener(transcript)
        results.append(
            json.dumps({"id": obj["id"], "report": report.to_document()}, ensure_ascii=False)
        )
        count += 1
    out.write("".join(line + "\n" for line in results))
    return count


@click.command("screen")
@click.argument("transcript", required=False, type=click.Path(path_type=Path))
@click.option(
    "--batch",
    "batch",
    type=click.Path(path_type=Path),
    default=None,
    help="JSONL input: one {'id', 'transcript'} object a line",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="screening JSON (or JSONL with --batch) to write ('-' for stdout)",
)
@click.option(
    "--rules",
    type=click.Path(path_type=Path),
    default=None,
    help="a screening rules YAML file to use instead of the shipped rules",
)
@click.option(
    "--backend",
    type=click.Choice(BACKEND_CHOICES),
    default=None,
    help=f"rules alone, or rules plus the sentence-embedding backend and/or an LLM (each adds "
    f"flags, never removes; the LLM is the one set by CLEARNOTE_LLM_BACKEND, openai or "
    f"llama-cpp); default: setting CLEARNOTE_SCREEN_BACKEND ({DEFAULT_BACKEND} unless set), "
    f"falling back to rules without the embedding model",
)
def screen(
    transcript: Path | None,
    batch: Path | None,
    output: Path,
    rules: Path | None,
    backend: str | None,
) -> None:
    """Risk screening (AI-generated decision support for the clinician): suicide, self-harm,
    harm to others, child abuse, elder/dependent-adult abuse, intimate-partner violence and
    substance use, each flagged, mentioned, discussed_denied or not_discussed, with evidence."""
    if (transcript is None) == (batch is None):
        raise BadInputError("give either TRANSCRIPT or --batch IN.jsonl (exactly one)")
    screener = _screener(rules, backend)
    if batch is not None:
        if str(output) == "-":
            count = _batch(screener, batch, sys.stdout)
        else:
            if not output.parent.is_dir() and str(output.parent):
                raise BadInputError(f"{output}: output folder does not exist")
            tmp = output.with_name(f".{output.name}.tmp")
            try:
                with tmp.open("w", encoding="utf-8") as fh:
                    count = _batch(screener, batch, fh)
                tmp.replace(output)
            finally:
                tmp.unlink(missing_ok=True)
        click.echo(f"screened {count} transcripts", err=True)
        return
    assert transcript is not None
    report = screener(load_transcript(transcript))
    write_json(report.to_document(), output)
    flagged = sum(d.status == "flagged" for d in report.domains)
    click.echo(f"screened {len(report.domains)} domains, {flagged} flagged", err=True)


def register(cli: click.Group) -> None:
    cli.add_command(screen)
