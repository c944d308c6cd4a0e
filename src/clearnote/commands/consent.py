"""``clearnote consent grant|revoke|show``: the per-purpose consent ledger."""

from __future__ import annotations

from typing import cast

import click

from clearnote.domain.consent import Method, Purpose, SignerRole
from clearnote.records import consent as ledger
from clearnote.records.practice import open_for_cli, to_json

PURPOSES = [p.value for p in Purpose]
METHODS = ["electronic_signature", "written", "verbal_recorded"]
SIGNER_ROLES = ["self", "guardian", "representative"]


@click.group("consent")
def consent() -> None:
    """Record, revoke and show consent per purpose (and per participant)."""


@consent.command("grant")
@click.argument("client_id", metavar="CLIENT")
@click.option("--purpose", "purposes", multiple=True, required=True, type=click.Choice(PURPOSES))
@click.option("--signed-by", required=True, help="signer's name (stored encrypted)")
@click.option("--participant", default=None, help="participant id (default: the client)")
@click.option("--method", type=click.Choice(METHODS), default="electronic_signature")
@click.option("--signer-role", type=click.Choice(SIGNER_ROLES), default="self")
@click.option("--json", "as_json", is_flag=True)
def grant(
    client_id: str,
    purposes: tuple[str, ...],
    signed_by: str,
    participant: str | None,
    method: str,
    signer_role: str,
    as_json: bool,
) -> None:
    """Record a signed grant of each purpose, on the current version of its form."""
    ctx, actor = open_for_cli()
    try:
        changes = ledger.grant(
            ctx,
            actor,
            client_id,
            purposes,
            signed_by=signed_by,
            method=cast(Method, method),
            signer_role=cast(SignerRole, signer_role),
            participant_id=participant,
        )
    finally:
        ctx.close()
    if as_json:
        click.echo(to_json({"client_id": client_id, "granted": changes}))
    else:
        for c in changes:
            click.echo(f"granted {c.purpose} (form {c.form_id} v{c.form_version}) at {c.at}")


@consent.command("revoke")
@click.argument("client_id", metavar="CLIENT")
@click.option("--purpose", required=True, type=click.Choice(PURPOSES))
@click.option("--participant", default=None, help="participant id (default: the client)")
@click.option("--json", "as_json", is_flag=True)
def revoke(client_id: str, purpose: str, participant: str | None, as_json: bool) -> None:
    """Revoke a purpose now. What its earlier consent produced for notes not yet signed is
    crypto-erased at once; the rest is listed (to delete with ``session delete``)."""
    ctx, actor = open_for_cli()
    try:
        result = ledger.revoke(ctx, actor, client_id, purpose, participant_id=participant)
    finally:
        ctx.close()
    if as_json:
        click.echo(to_json(result))
        return
    click.echo(f"revoked {purpose}; stops: {', '.join(result.stops)}")
    for a in result.erased_artefacts:
        click.echo(f"  erased now: {a['kind']} {a['artefact_id']} (session {a['session_id']})")
    for a in result.erasable_artefacts:
        click.echo(f"  may delete: {a['kind']} {a['artefact_id']} (session {a['session_id']})")


@consent.command("show")
@click.argument("client_id", metavar="CLIENT")
@click.option("--json", "as_json", is_flag=True)
def show(client_id: str, as_json: bool) -> None:
    """Consent state per purpose and participant, and the full history."""
    ctx, actor = open_for_cli()
    try:
        doc = ledger.show(ctx, actor, client_id)
    finally:
        ctx.close()
    if as_json:
        click.echo(to_json(doc))
        return
    for p in doc["purposes"]:
        click.echo(f"{p['who']:>24} {p['purpose']:<24} {p['status']}")


def register(cli: click.Group) -> None:
    cli.add_command(consent)
