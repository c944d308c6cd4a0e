"""``clearnote session list|show ID|delete ID``."""

from __future__ import annotations

import click

from clearnote.records import sessions
from clearnote.records.practice import open_for_cli, to_json


@click.group("session")
def session() -> None:
    """Therapy sessions and their artefacts (metadata; contents stay encrypted)."""


@session.command("list")
@click.option("--client", "client_id", default=None, help="only this client's sessions")
@click.option("--json", "as_json", is_flag=True)
def list_cmd(client_id: str | None, as_json: bool) -> None:
    ctx, actor = open_for_cli()
    try:
        views = sessions.list_sessions(ctx, actor, client_id=client_id)
    finally:
        ctx.close()
    if as_json:
        click.echo(to_json({"sessions": views}))
        return
    for v in views:
        click.echo(f"{v.id} client {v.client_id} {v.status} {len(v.artefacts)} artefacts")


@session.command("show")
@click.argument("session_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True)
def show(session_id: str, as_json: bool) -> None:
    ctx, actor = open_for_cli()
    try:
        view = sessions.show_session(ctx, actor, session_id)
    finally:
        ctx.close()
    if as_json:
        click.echo(to_json(view))
        return
    click.echo(f"session {view.id} ({view.status}) client {view.client_id}")
    for a in view.artefacts:
        state = f"erased {a.erased_at}" if a.erased_at else f"delete due {a.retention_due}"
        click.echo(f"  {a.kind:<18} {a.id} {a.size} bytes, {state}")


@session.command("delete")
@click.argument("session_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True)
def delete(session_id: str, as_json: bool) -> None:
    """Crypto-erase the session's artefacts and print the deletion receipts."""
    ctx, actor = open_for_cli()
    try:
        doc = sessions.delete_session(ctx, actor, session_id)
    finally:
        ctx.close()
    if as_json:
        click.echo(to_json(doc))
        return
    for r in doc["receipts"]:
        click.echo(f"erased {r['artefact_kind']} {r['artefact_id']}: key {r['key_id']} destroyed")


def register(cli: click.Group) -> None:
    cli.add_command(session)
