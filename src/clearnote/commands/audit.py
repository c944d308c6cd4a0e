"""``clearnote audit verify | audit list``.

``audit verify`` exits 0 and prints ``ok`` with the entry count and head hash (write the head
hash down or send it elsewhere: it witnesses the chain); a broken chain exits 1 with one line
naming the first bad entry and the problem (an integrity failure is an internal error, not a
policy refusal).
"""

from __future__ import annotations

import click

from clearnote.errors import IntegrityError, PolicyError
from clearnote.records import audit_log
from clearnote.records.practice import open_for_cli, to_json
from clearnote.security.roles import Permission, has_permission


@click.group("audit")
def audit() -> None:
    """The append-only, hash-chained audit."""


@audit.command("verify")
@click.option("--json", "as_json", is_flag=True)
def verify(as_json: bool) -> None:
    """Recompute the hash chain and MACs; detect edited, deleted or reordered entries."""
    ctx, actor = open_for_cli()
    try:
        rep = audit_log.verify(ctx)
        audit_log.append_alone(
            ctx,
            actor=actor,
            action="audit.verify",
            object_type="audit",
            outcome="ok" if rep.ok else "broken",
            meta={"entries": rep.entries, "first_bad_seq": rep.first_bad_seq},
        )
    finally:
        ctx.close()
    if as_json:
        click.echo(
            to_json(
                {
                    "ok": rep.ok,
                    "entries": rep.entries,
                    "head_hash": rep.head_hash,
                    "first_bad_seq": rep.first_bad_seq,
                    "problem": rep.problem,
                }
            )
        )
    elif rep.ok:
        click.echo(f"ok: {rep.entries} entries, head {rep.head_hash}")
    if not rep.ok:
        raise IntegrityError(f"audit chain broken at entry {rep.first_bad_seq}: {rep.problem}")


@audit.command("list")
@click.option("--client", "client_id", default=None)
@click.option("--action", "action_prefix", default=None, help="e.g. consent. or artefact.read")
@click.option("--limit", type=click.IntRange(1), default=None)
@click.option("--json", "as_json", is_flag=True)
def list_cmd(
    client_id: str | None, action_prefix: str | None, limit: int | None, as_json: bool
) -> None:
    ctx, actor = open_for_cli()
    try:
        if not has_permission(actor.roles, Permission.READ_AUDIT):
            raise PolicyError("audit list refused: the CLI account lacks read_audit")
        with ctx.tx() as db:
            entries = audit_log.list_entries(
                db, client_id=client_id, action_prefix=action_prefix, limit=limit
            )
        audit_log.append_alone(
            ctx,
            actor=actor,
            action="audit.list",
            object_type="audit",
            client_id=client_id,
            meta={"count": len(entries)},
        )
    finally:
        ctx.close()
    if as_json:
        click.echo(to_json({"entries": entries}))
        return
    for e in entries:
        click.echo(
            f"{e.seq:>6} {e.ts} {e.actor[:8]} {e.action:<20} {e.outcome} {e.object_id or ''}"
        )


def register(cli: click.Group) -> None:
    cli.add_command(audit)
