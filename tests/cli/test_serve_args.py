"""``clearnote serve`` refuses, before opening anything, an address off this machine without TLS
and a certificate without its key (exit 2, one line, no traceback)."""

from __future__ import annotations

import pytest

from clearnote.cli import main


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--host", "0.0.0.0"], "--host"),
        (["--host", "192.168.1.20", "--cert", "c.pem"], "--host"),
        (["--cert", "c.pem"], "--cert/--key"),
        (["--key", "k.pem"], "--cert/--key"),
    ],
)
def test_serve_refuses_plain_http_off_loopback_and_half_a_tls_pair(
    args: list[str], names: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", *args]) == 2
    err = capsys.readouterr().err
    assert names in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
