"""``clearnote client add|participant|report|disclosure``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from clearnote.errors import BadInputError
from clearnote.files import write_private
from clearnote.records import clients, disclosures, report
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
    for d in doc["disclosures"]:
        click.echo(f"  disclosed {d['date']} ({d['basis']}): {d['id']}")
    click.echo(f"  {len(doc['accesses'])} recorded accesses (see --json)")


@client.command("disclosure")
@click.argument("client_id", metavar="CLIENT")
@click.option("--basis", required=True, type=click.Choice(list(disclosures.BASES)))
@click.option("--recipient", required=True, help="who received it (name, and address if known)")
@click.option("--description", required=True, help="a brief description of what was disclosed")
@click.option("--purpose", required=True, help="a brief statement of the purpose")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.option("--session", "session_id", default=None, help="the session it came from, if one")
@click.option("--json", "as_json", is_flag=True)
def disclosure(
    client_id: str,
    basis: str,
    recipient: str,
    description: str,
    purpose: str,
    day: datetime | None,
    session_id: str | None,
    as_json: bool,
) -> None:
    """Record a disclosure made outside the practice (a mandated report, a court order, ...)
    for the accounting of disclosures; Clearnote sends nothing itself."""
    ctx, actor = open_for_cli()
    try:
        did = disclosures.record_disclosure(
            ctx,
            actor,
            client_id,
            basis=basis,
            recipient=recipient,
            description=description,
            purpose=purpose,
            disclosed_on=day.date() if day is not None else None,
            session_id=session_id,
        )
    finally:
        ctx.close()
    listed = disclosures.BASES[basis]
    if as_json:
        click.echo(to_json({"id": did, "client_id": client_id, "accounted": listed}))
        return
    click.echo(f"{did} ({'in' if listed else 'not in'} the accounting of disclosures)")


@client.command("access-package")
@click.argument("client_id", metavar="CLIENT")
@click.option(
    "-o", "--output", "out", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True)
def access_package(client_id: str, out: Path, as_json: bool) -> None:
    """Write the client access package (signed notes, consents, the client report) as a ZIP
    file, for the client's right of access; review it before it is released."""
    from clearnote.export.access_package import build_access_package

    if out.exists():  # checked before the package is built (and its reads audited)
        raise BadInputError(f"{out}: exists (choose a new file name)")
    ctx, actor = open_for_cli()
    try:
        package = build_access_package(ctx, actor, client_id)
    finally:
        ctx.close()
    write_private(out, package.content)
    if as_json:
        click.echo(to_json({"path": str(out), "notes": package.notes}))
        return
    click.echo(f"{out}: {package.notes} signed note(s)")


def register(cli: click.Group) -> None:
    cli.add_command(client)
