"""``clearnote backup -o FILE [--passphrase]`` and ``clearnote restore FILE [--passphrase]``.

The archive is encrypted: by default with a key derived from the practice key file (restoring
needs that key file); with ``--passphrase`` (or ``CLEARNOTE_BACKUP_PASSPHRASE``) with a key
derived from the passphrase, and the key file travels inside, so the passphrase alone restores.
Restore goes into a fresh ``CLEARNOTE_HOME`` (and database) and verifies the audit chain."""

from __future__ import annotations

import json
from pathlib import Path

import click

from clearnote.config import load_settings


def _passphrase(ask: bool, *, confirm: bool) -> str | None:
    settings = load_settings()
    if settings.backup_passphrase is not None:
        return settings.backup_passphrase.get_secret_value()
    if ask:
        value: str = click.prompt(
            "Backup passphrase", hide_input=True, confirmation_prompt=confirm, err=True
        )
        return value
    return None


@click.command("backup")
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path))
@click.option(
    "--passphrase",
    "ask",
    is_flag=True,
    help="encrypt with a passphrase (prompted, or CLEARNOTE_BACKUP_PASSPHRASE)",
)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def backup(output: Path, ask: bool, as_json: bool) -> None:
    """Write an encrypted backup of the practice (database and sealed blobs)."""
    from clearnote.backup import make_backup

    summary = make_backup(load_settings(), output, passphrase=_passphrase(ask, confirm=True))
    if as_json:
        click.echo(json.dumps(summary.to_document()))
        return
    click.echo(
        f"backup {summary.path}: {sum(summary.tables.values())} rows, {summary.blobs} blobs, "
        f"encrypted ({summary.mode})"
    )


@click.command("restore")
@click.argument("archive", type=click.Path(path_type=Path))
@click.option("--passphrase", "ask", is_flag=True, help="prompt for the backup's passphrase")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def restore(archive: Path, ask: bool, as_json: bool) -> None:
    """Restore a backup into a fresh CLEARNOTE_HOME (and database)."""
    from clearnote.backup import restore_backup
    from clearnote.backup.service import archive_mode
    from clearnote.errors import IntegrityError

    if not archive.is_file():
        from clearnote.errors import BadInputError

        raise BadInputError(f"{archive}: file not found")
    needs = archive_mode(archive) == "passphrase"
    summary = restore_backup(
        load_settings(), archive, passphrase=_passphrase(ask or needs, confirm=False)
    )
    if not summary.audit_ok:
        raise IntegrityError("restore: the restored audit chain does not verify")
    if as_json:
        click.echo(json.dumps(summary.to_document()))
        return
    click.echo(
        f"restored {sum(summary.tables.values())} rows and {summary.blobs} blobs; audit chain ok"
    )


def register(cli: click.Group) -> None:
    cli.add_command(backup)
    cli.add_command(restore)
