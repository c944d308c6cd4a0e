"""``clearnote serve``: the clinician web app on this machine (127.0.0.1 by default).

Cookies are Secure: browse over HTTPS (``--cert``/``--key``), or use the loopback address,
which browsers treat as a secure context. Binding another address exposes PHI to the network:
do it only behind TLS.
"""

from __future__ import annotations

from pathlib import Path

import click

from clearnote.config import load_settings
from clearnote.errors import BadInputError

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to bind")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--cert", type=click.Path(dir_okay=False, path_type=Path), help="TLS certificate")
@click.option("--key", type=click.Path(dir_okay=False, path_type=Path), help="TLS private key")
def serve(host: str, port: int, cert: Path | None, key: Path | None) -> None:
    """Serve the clinician web app (loopback only unless --host says otherwise)."""
    if host not in LOOPBACK and (cert is None or key is None):
        raise BadInputError("--host: a non-loopback address needs --cert and --key (TLS)")
    if (cert is None) != (key is None):
        raise BadInputError("--cert/--key: give both or neither")
    import uvicorn

    from clearnote.web.app import create_app

    app = create_app(load_settings())
    click.echo(f"Clearnote on {'https' if cert else 'http'}://{host}:{port}/", err=True)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,  # URLs carry ids only, but keep request logs off by default
        ssl_certfile=str(cert) if cert else None,
        ssl_keyfile=str(key) if key else None,
        server_header=False,
        # no logging config of uvicorn's own: its loggers propagate to the root handlers, which
        # carry the no-content filter (a traceback could quote a request's text)
        log_config=None,
    )


def register(cli: click.Group) -> None:
    cli.add_command(serve)
