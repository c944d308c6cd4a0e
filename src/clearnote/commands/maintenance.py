"""``clearnote retention run`` and ``clearnote keys rotate`` (for an administrator or a timer)."""

from __future__ import annotations

import json

import click

from clearnote.records.maintenance import retention_run, rotate_keys
from clearnote.records.practice import open_for_cli


@click.group("retention")
def retention() -> None:
    """Retention policies: erase what is due and leave deletion receipts."""


@retention.command("run")
@click.option("--json", "as_json", is_flag=True)
def retention_run_cmd(as_json: bool) -> None:
    """Crypto-erase every artefact whose retention is due (run daily, e.g. from a timer)."""
    ctx, actor = open_for_cli()
    try:
        receipts = retention_run(ctx, actor)
    finally:
        ctx.close()
    if as_json:
        click.echo(json.dumps({"receipts": [r.to_document() for r in receipts]}))
        return
    click.echo(f"retention run: {len(receipts)} artefact(s) erased")


@click.group("keys")
def keys() -> None:
    """Key-encryption keys."""


@keys.command("rotate")
@click.option("--json", "as_json", is_flag=True)
def rotate(as_json: bool) -> None:
    """Re-wrap every data key under a new key-encryption key (no re-encryption, no downtime)."""
    ctx, actor = open_for_cli()
    try:
        report = rotate_keys(ctx, actor)
    finally:
        ctx.close()
    doc = {
        "new_kek_id": report.new_kek_id,
        "rewrapped": report.rewrapped,
        "retired": list(report.retired_kek_ids),
    }
    click.echo(json.dumps(doc) if as_json else f"rotated: {report.rewrapped} data keys re-wrapped")


def register(cli: click.Group) -> None:
    cli.add_command(retention)
    cli.add_command(keys)
