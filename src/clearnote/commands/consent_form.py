"""``clearnote consent-form --purpose P [--purpose P ...] -o form.pdf [--markdown]``.

Prints blank, plain-language consent forms (one page or more per purpose, unticked Yes/No boxes,
signature lines). No client names are written: the forms are filled in by hand or on screen.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from clearnote.consent.forms import ConsentForm
from clearnote.consent.loader import load_form, load_intro
from clearnote.consent.pdf import render_markdown, render_pdf
from clearnote.domain.consent import Purpose
from clearnote.errors import BadInputError

PURPOSE_HELP = ", ".join(p.value for p in Purpose)


def _parse_purpose(value: str) -> tuple[str, int | None]:
    name, sep, version = value.partition(":")
    if not sep:
        return name, None
    if not version.isdigit() or int(version) < 1:
        raise BadInputError(f"--purpose {value}: version after ':' must be a positive number")
    return name, int(version)


def build_forms(purposes: tuple[str, ...]) -> list[ConsentForm]:
    """The forms for ``purposes`` (``P`` or ``P:VERSION``) in the canonical purpose order; all
    purposes when none is given."""
    requested = [_parse_purpose(v) for v in purposes] or [(p.value, None) for p in Purpose]
    forms = {}
    for name, version in requested:
        form = load_form(name, version)
        forms[form.purpose] = form
    order = list(Purpose)
    return [forms[p] for p in sorted(forms, key=lambda p: order.index(p) if p else -1)]


@click.command("consent-form")
@click.option(
    "--purpose",
    "purposes",
    multiple=True,
    metavar="P[:VERSION]",
    help=f"a purpose to include (repeat; default: all): {PURPOSE_HELP}",
)
@click.option(
    "--signers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 12),
    help="people who sign (the client and other participants)",
)
@click.option("--no-intro", is_flag=True, help="leave out the introduction page")
@click.option("--markdown", "as_markdown", is_flag=True, help="write Markdown instead of PDF")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="file to write ('-' for stdout, Markdown only)",
)
def consent_form(
    purposes: tuple[str, ...], signers: int, no_intro: bool, as_markdown: bool, output: Path
) -> None:
    """Write blank consent forms for the chosen purposes, with signature lines."""
    forms = build_forms(purposes)
    intro = None if no_intro else load_intro()
    if as_markdown:
        text = render_markdown(forms, intro=intro)
        if str(output) == "-":
            sys.stdout.write(text)
        else:
            _write(output, text.encode("utf-8"))
    else:
        if str(output) == "-":
            raise BadInputError("-o -: PDF cannot go to stdout; give a file or use --markdown")
        _write(output, render_pdf(forms, intro=intro, signers=signers))
    names = ", ".join(f"{f.purpose.value if f.purpose else 'intro'} v{f.version}" for f in forms)
    click.echo(f"wrote {len(forms)} consent forms ({names})", err=True)


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise BadInputError(f"{path}: cannot write ({exc.strerror})") from None


def register(cli: click.Group) -> None:
    cli.add_command(consent_form)
