"""Hypothesis fuzzing of the upload endpoint (``POST /api/clients/{id}/recordings``) through the
web app (in-process, a fresh practice, a signed-in clinician, the fake transcriber of
tests/web): random bytes, container magic numbers followed by noise, and the sample recording
truncated or overwritten. The endpoint answers 202 (processing in the background) or a clean 4xx,
never a 5xx; the job then ends ``done`` or ``failed`` as unusable input, never as an internal
error; neither the response nor the job ever echoes what was sent."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearnote.commands.demo import sample_session
from tests.fuzz.test_fuzz_audio import MAGIC
from tests.web.conftest import FULL, Web, add_client
from tests.web.conftest import signed_in as signed_in  # noqa: F401  (fixtures used below)
from tests.web.conftest import web as web  # noqa: F401

CANARY = b"zebracanary"
URL = "/api/clients/{}/recordings"
SAMPLE = sample_session().read_bytes()
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # one practice for all examples is intended
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def _client(w: Web) -> str:
    cid = getattr(w, "_fuzz_client", None)
    if cid is None:
        cid = add_client(w, *FULL)
        w._fuzz_client = cid  # type: ignore[attr-defined]
    return str(cid)


def _no_echo(r: Any) -> None:
    assert b"zebracanary" not in r.content
    assert all("zebracanary" not in v for v in r.headers.values())


def _upload(w: Web, body: bytes, *, cid: str | None = None, **kw: Any) -> Any:
    r = w.api(
        "POST",
        URL.format(cid or _client(w)),
        content=body,
        headers={"Content-Type": "application/octet-stream"},
        **kw,
    )
    assert r.status_code < 500, r.status_code
    _no_echo(r)
    return r


def _finish(w: Web, r: Any) -> None:
    """A 202's job must end done, or failed as unusable input (never an internal error)."""
    if r.status_code != 202:
        assert 400 <= r.status_code < 500
        assert r.headers["content-type"].startswith("application/json")
        return
    job = r.json()["id"]
    doc: dict[str, Any] = {}
    for _ in range(1200):
        resp = w.http.get(f"/api/jobs/{job}")
        _no_echo(resp)
        doc = resp.json()
        if doc["status"] in ("done", "failed"):
            break
        time.sleep(0.02)
    assert doc["status"] in ("done", "failed"), doc
    if doc["status"] == "failed":
        assert doc["error"].startswith("the recording could not be used"), doc["error"]


@FUZZ
@given(body=st.binary(min_size=0, max_size=4096))
def test_random_bytes(signed_in: Web, body: bytes) -> None:  # noqa: F811
    _finish(signed_in, _upload(signed_in, body + CANARY if body else body))


@FUZZ
@given(magic=st.sampled_from(MAGIC), noise=st.binary(max_size=1024))
def test_container_magic_then_noise(signed_in: Web, magic: bytes, noise: bytes) -> None:  # noqa: F811
    _finish(signed_in, _upload(signed_in, magic + noise + CANARY))


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_real_recording_truncated_or_overwritten(signed_in: Web, data: st.DataObject) -> None:  # noqa: F811
    blob = bytearray(SAMPLE[: data.draw(st.integers(1, len(SAMPLE)))])
    for at, chunk in data.draw(
        st.lists(
            st.tuples(st.integers(0, len(blob) - 1), st.binary(min_size=1, max_size=8)), max_size=3
        )
    ):
        blob[at : at + len(chunk)] = chunk
    _finish(signed_in, _upload(signed_in, bytes(blob)))


@FUZZ
@given(
    cid=st.text(max_size=40),
    fmt=st.text(max_size=12),
)
def test_unknown_client_and_format_are_clean_4xx(signed_in: Web, cid: str, fmt: str) -> None:  # noqa: F811
    r = _upload(
        signed_in, SAMPLE[:2048], cid=quote(f"zebracanary{cid}", safe=""), params={"fmt": fmt}
    )
    assert 400 <= r.status_code < 500
    r = _upload(signed_in, SAMPLE[:2048], params={"fmt": f"zebracanary{fmt}"})
    assert r.status_code == 422


def test_empty_oversized_unconsented_and_unsigned_uploads(signed_in: Web) -> None:  # noqa: F811
    assert _upload(signed_in, b"").status_code == 400
    too_big = CANARY * (2 * 1024 * 1024 // len(CANARY) + 1)  # over the 2 MiB limit of the fixture
    assert _upload(signed_in, too_big).status_code == 413
    bare = add_client(signed_in, name="No Consent Client")
    assert _upload(signed_in, SAMPLE, cid=bare).status_code == 403
    signed_in.http.cookies.delete("cn_session")
    r = signed_in.http.post(
        URL.format(_client(signed_in)),
        content=CANARY,
        headers={"X-CSRF-Token": signed_in.csrf(), "Content-Type": "application/octet-stream"},
    )
    assert r.status_code in (401, 403) and b"zebracanary" not in r.content
