"""A real server (uvicorn on 127.0.0.1, a free port, in a thread) over a fresh practice with the
tiny.en model, and Debian's Chromium driven by Playwright. Skips cleanly when Playwright or
/usr/bin/chromium is missing (``make test`` installs both)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from clearnote.config import Settings
from clearnote.records.practice import cli_actor, init_practice, open_practice
from clearnote.records.users import totp_secret

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a long passphrase nobody guesses"
EMAIL = "owner@example.org"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class Server:
    url: str
    secret: str
    settings: Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """The app served on http://127.0.0.1 (Secure dropped for loopback http only)."""
    uvicorn = pytest.importorskip("uvicorn")
    from clearnote.web.app import create_app

    settings = Settings(
        home=tmp_path / "home", key_file=tmp_path / "keys" / "kek", asr_model="tiny.en"
    )
    init_practice(settings, owner_email=EMAIL, password=PASSWORD)
    ctx = open_practice(settings)
    with ctx.tx() as db:
        secret = totp_secret(ctx, db, cli_actor(ctx).user_id)
    app = create_app(settings, ctx=ctx, insecure_loopback_cookies=True)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    try:
        yield Server(f"http://127.0.0.1:{port}", secret, settings)
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        ctx.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """A Chromium (Debian's) browser context through Playwright, with a fresh profile."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed at /usr/bin/chromium")
    profile = tmp_path / "profile"
    with sync_api.sync_playwright() as p:
        # a fresh --user-data-dir: Playwright takes it as the persistent context's folder
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=FLAGS, accept_downloads=True
        )
        try:
            yield context
        finally:
            context.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: drives a real browser (Chromium via Playwright)")
