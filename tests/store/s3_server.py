"""An S3 emulator for the tests: moto's server (not AWS or MinIO) on 127.0.0.1, started once per
test session on first use (the ``s3_endpoint`` fixture, registered for every test by
``tests/conftest.py``); skips the test when moto[server] is not installed."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clearnote.config import Settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    exe = shutil.which("moto_server") or str(Path(sys.executable).with_name("moto_server"))
    if not Path(exe).exists():
        pytest.skip("moto[server] not installed (S3 emulator)")
    port = _free_port()
    proc = subprocess.Popen(
        [exe, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.skip("moto_server did not start")
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def s3_settings(root: Path, endpoint: str, url: str, **more: Any) -> Settings:
    """A practice under ``root`` whose blob store is ``url`` (s3://bucket/prefix), emulated."""
    return Settings(
        home=root / "home",
        key_file=root / "keys" / "kek",
        blob_url=url,
        s3_endpoint_url=endpoint,
        s3_region="us-east-1",
        s3_access_key_id="testing",
        s3_secret_access_key="testing",
        **more,
    )


def new_bucket(endpoint: str) -> str:
    """A new, empty bucket on the emulator; returns its name."""
    import boto3  # type: ignore[import-untyped]

    name = f"cn-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=name)
    return name
