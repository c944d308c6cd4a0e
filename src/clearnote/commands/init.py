"""``clearnote init --owner-email E``: create the practice in CLEARNOTE_HOME, its key file at
CLEARNOTE_KEY_FILE (outside the home) and the owner account (roles owner + clinician)."""

from __future__ import annotations

import click

from clearnote.config import load_settings
from clearnote.records.practice import init_practice, to_json


@click.command("init")
@click.option("--owner-email", required=True, help="the owner's sign-in e-mail")
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
def init(owner_email: str, as_json: bool) -> None:
    """Create a practice: database, encrypted blob store, key file and owner account.

    The owner password comes from CLEARNOTE_OWNER_PASSWORD or a prompt (at least 15 characters,
    not a common password). The TOTP set-up URI is printed once, on stderr.
    """
    settings = load_settings()
    if settings.owner_password is not None:
        password = settings.owner_password.get_secret_value()
    else:
        password = click.prompt(
            "Owner password (15+ characters)", hide_input=True, confirmation_prompt=True
        )
    result = init_practice(settings, owner_email=owner_email, password=password)
    click.echo(
        "Add this to your authenticator app now (shown once; sign-in to the web app needs it):\n"
        f"  {result.totp_uri}",
        err=True,
    )
    doc = {
        "schema": "clearnote.practice/1",
        "practice_id": result.practice_id,
        "owner_id": result.owner_id,
        "database": result.database,
        "home": str(settings.home),
        "key_file": result.key_file,
    }
    if as_json:
        click.echo(to_json(doc))
    else:
        click.echo(f"practice {result.practice_id} created in {settings.home} ({result.database})")
        click.echo(
            f"key file: {result.key_file} (keep it off the data disk's backups; back it up apart)"
        )


def register(cli: click.Group) -> None:
    cli.add_command(init)
