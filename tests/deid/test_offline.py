"""De-identification opens no network connection: model, Presidio and tldextract included."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from clearnote.deid.offline import OFFLINE_EXTRACTOR


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every connect / DNS lookup raises and is recorded; tldextract would otherwise swallow
    the error and fall back, so the test asserts on the record, not on an exception."""
    attempts: list[str] = []

    def refuse(kind: str) -> Any:
        def _raise(*args: object, **kwargs: object) -> Any:
            attempts.append(kind)
            raise OSError(f"network disabled in tests ({kind})")

        return _raise

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    yield attempts


def test_offline_extractor_has_nothing_to_fetch(no_network: list[str]) -> None:
    assert OFFLINE_EXTRACTOR.suffix_list_urls == ()
    assert OFFLINE_EXTRACTOR("someone@mail.example.co.uk").suffix == "co.uk"
    assert no_network == []


@pytest.mark.slow
def test_model_pipeline_runs_without_network(no_network: list[str]) -> None:
    from clearnote.deid.presidio_detector import load_presidio_detector
    from clearnote.deid.service import Deidentifier

    engine = Deidentifier(load_presidio_detector(), reference_year=2026)
    result = engine.text(
        "Email maria.g@example.com or visit www.example.org; Maria Lopez lives in Evanston."
    )
    assert result.text is not None
    assert "maria.g@example.com" not in result.text
    assert "Maria Lopez" not in result.text
    assert no_network == []
