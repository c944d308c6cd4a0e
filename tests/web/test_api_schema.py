"""schemathesis over the /api OpenAPI document, in-process, signed in as the practice's
clinician: a bounded number of generated requests per operation, none may answer 5xx, and every
error answers the one JSON error shape without echoing what was sent."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.web.conftest import Web, add_client

pytestmark = pytest.mark.slow
EXAMPLES = 25
MARKER = "Qzxv-Echo-Probe"


def check(case: Any, response: Any) -> None:
    where = f"{case.method} {case.path}"
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert set(body) == {"error"}, where
        assert {"status", "code", "message"} <= set(body["error"]), where
        assert body["error"]["status"] == response.status_code, where


def test_api_answers_no_server_error(signed_in: Web) -> None:
    add_client(signed_in, "record", "transcribe")
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", signed_in.app)
    headers = {"X-CSRF-Token": signed_in.csrf()}
    cookies = dict(signed_in.http.cookies.items())
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    seen: list[int] = []
    assert len(operations) >= 8, "the document lists the API"
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call(headers=headers, cookies=cookies)
            seen.append(response.status_code)
            check(case, response)

        run()
    assert len(seen) >= 3 * len(operations), "examples were generated"
    assert any(200 <= s < 300 for s in seen), "the signed-in session reached the API"


def test_api_errors_never_echo_what_was_sent(signed_in: Web) -> None:
    r = signed_in.api("GET", f"/api/sessions/{MARKER}/review")
    assert r.status_code in (400, 404) and MARKER not in r.text
    r = signed_in.api("POST", "/api/clients", json={"name": 12345, "jurisdictions": MARKER})
    assert r.status_code in (400, 422) and MARKER not in r.text
