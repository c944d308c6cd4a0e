"""``clearnote client add|participant|report``."""

from __future__ import annotations

import click

from clearnote.records import clients, report
from clearnote.records.practice import open_for_cli, to_json


@click.group("client")
def client() -> None:
    """Clients of the practice (names are stored encrypted)."""


@client.command("add")
@click.option("--name", required=True, help="the client's name (stored encrypted)")
@click.option("--jurisdiction", "jurisdictions", multiple=True, help="e.g. US-IL (repeatable)")
@click.option("--json", "as_json", is_flag=True)
def add(name: str, jurisdictions: tuple[str, ...], as_json: bool) -> None:
    """Add a client of the practice owner; prints the client id."""
    ctx, actor = open_for_cli()
    try:
        cid = clients.add_client(ctx, actor, name=name, jurisdictions=jurisdictions)
    finally:
        ctx.close()
    click.echo(to_json({"id": cid}) if as_json else cid)


@client.command("participant")
@click.argument("client_id", metavar="CLIENT")
@click.option("--name", required=True, help="the participant's name (stored encrypted)")
@click.option("--relation", required=True, type=click.Choice(clients.RELATIONS))
@click.option("--json", "as_json", is_flag=True)
def participant(client_id: str, name: str, relation: str, as_json: bool) -> None:
    """Add a further participant (couples and family work); prints the participant id."""
    ctx, actor = open_for_cli()
    try:
        pid = clients.add_participant(ctx, actor, client_id, name=name, relation=relation)
    finally:
        ctx.close()
    click.echo(to_json({"id": pid, "client_id": client_id}) if as_json else pid)


@client.command("report")
@click.argument("client_id", metavar="CLIENT")
@click.option("--json", "as_json", is_flag=True)
def report_cmd(client_id: str, as_json: bool) -> None:
    """What the client may see: consents, AI use, who accessed the record, deletion dates."""
    ctx, actor = open_for_cli()
    try:
        doc = report.client_report(ctx, actor, client_id)
    finally:
        ctx.close()
    if as_json:
        click.echo(to_json(doc))
        return
    click.echo(f"client {client_id}")
    for c in doc["consents"]:
        click.echo(f"  consent {c['purpose']}: {c['status']} since {c['since']}")
    for r in doc["ai_runs"]:
        click.echo(f"  AI {r['stage']} on session {r['session_id']}: {r['model']} ({r['where']})")
    for a in doc["artefacts"]:
        when = a["deleted_at"] and f"deleted {a['deleted_at']}" or f"due {a['delete_due']}"
        click.echo(f"  {a['kind']} {a['artefact_id']}: {when}")
    click.echo(f"  {len(doc['accesses'])} recorded accesses (see --json)")


def register(cli: click.Group) -> None:
    cli.add_command(client)
