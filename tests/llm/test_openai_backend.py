"""The openai backend against httpx.MockTransport: host policy, request schema, parsing,
re-grounding of model statements, and errors that carry no note words."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from clearnote.domain.transcript import Transcript
from clearnote.errors import BadInputError, ModelError, PolicyError
from clearnote.llm.openai_compat import OpenAIBackend
from clearnote.notes.drafting import draft_note
from clearnote.notes.formats import BUILTIN_FORMATS

SOAP = BUILTIN_FORMATS["soap"]


def _answer(sections: dict[str, list[Any]]) -> dict[str, Any]:
    return {
        "choices": [
            {"message": {"content": json.dumps({"sections": sections})}, "finish_reason": "stop"}
        ]
    }


class Recorder:
    def __init__(self, reply: httpx.Response) -> None:
        self.reply = reply
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.reply


def _backend(handler: Recorder, url: str = "http://127.0.0.1:8080/v1", **kw: Any) -> OpenAIBackend:
    return OpenAIBackend(url, "m", transport=httpx.MockTransport(handler), **kw)


@pytest.mark.parametrize(
    "url",
    [
        "https://llm.example.com/v1",
        "http://10.0.0.5:8000/v1",
        "http://192.168.1.2/v1",
        "http://[2001:db8::1]:8080/v1",
    ],
)
def test_remote_host_refused_by_default(url: str) -> None:
    handler = Recorder(httpx.Response(200, json=_answer({})))
    with pytest.raises(PolicyError) as info:
        _backend(handler, url)
    assert info.value.exit_code == 3
    assert not handler.requests


def test_remote_host_needs_a_baa_as_well() -> None:
    handler = Recorder(httpx.Response(200, json=_answer({})))
    with pytest.raises(PolicyError, match="no BAA"):
        _backend(handler, "https://llm.example.com/v1", allow_remote=True)
    ok = _backend(
        handler, "https://LLM.example.com/v1", allow_remote=True, baa_hosts=["llm.example.com"]
    )
    assert ok.host == "llm.example.com"


@pytest.mark.parametrize(
    "url", ["http://localhost:11434/v1", "http://127.0.0.1/v1", "http://[::1]:8000/v1"]
)
def test_loopback_allowed(url: str) -> None:
    assert _backend(Recorder(httpx.Response(200, json=_answer({}))), url).host


def test_bad_url_is_bad_input() -> None:
    with pytest.raises(BadInputError, match="llm_base_url"):
        _backend(Recorder(httpx.Response(200)), "ftp://x")


def test_request_carries_a_json_schema_for_the_format(session: Transcript) -> None:
    handler = Recorder(httpx.Response(200, json=_answer({k: [] for k in SOAP.keys})))
    _backend(handler, api_key="sk-test").draft(session, SOAP)
    (req,) = handler.requests
    assert req.url.path == "/v1/chat/completions"
    assert req.headers["authorization"] == "Bearer sk-test"
    body = json.loads(req.content)
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    schema = fmt["json_schema"]["schema"]
    assert schema["properties"]["sections"]["required"] == list(SOAP.keys)
    assert body["temperature"] == 0
    assert "CLIENT:" in body["messages"][1]["content"]


def test_model_statements_are_regrounded_never_trusted(session: Transcript) -> None:
    answer = _answer(
        {
            "subjective": [
                "Client reported sleeping badly and waking up around three in the morning.",
                {"text": "Client reported a trip to the moon with a purple giraffe."},
            ],
            "objective": [],
            "assessment": [],
            "plan": ["  "],
        }
    )
    note = draft_note(session, SOAP, _backend(Recorder(httpx.Response(200, json=answer))))
    sts = note.statements()
    assert [st.origin for st in sts] == ["ai", "ai"]
    assert "seg-0002" in sts[0].evidence  # grounded by retrieval, not by the model
    assert sts[1].text.endswith("purple giraffe.")  # kept for the verifier to flag, not dropped
    assert note.backend == "openai"  # type: ignore[attr-defined]
    assert {f.key for f in note.clinician_fields} >= {"mse.appearance", "mse.observed_affect"}


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (httpx.Response(500, text="secret words"), "HTTP 500"),
        (httpx.Response(200, text="not json"), "response is not JSON"),
        (httpx.Response(200, json={"choices": []}), "no choices[0].message.content"),
        (
            httpx.Response(
                200,
                json={"choices": [{"message": {"content": '{"sec'}, "finish_reason": "length"}]},
            ),
            "not valid JSON (at character 1; finish_reason=length)",
        ),
        (
            httpx.Response(200, json=_answer({"subjective": "x"})),
            "'sections.subjective' is not a list",
        ),
        (httpx.Response(200, json={"choices": [{"message": {"content": "[]"}}]}), "no 'sections'"),
    ],
)
def test_bad_answers_are_model_errors(
    session: Transcript, reply: httpx.Response, expected: str
) -> None:
    with pytest.raises(ModelError) as info:
        _backend(Recorder(reply)).draft(session, SOAP)
    assert expected in info.value.message
    assert "secret" not in info.value.message


def test_connection_failure_is_a_model_error(session: Transcript) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    backend = OpenAIBackend("http://127.0.0.1:9/v1", "m", transport=httpx.MockTransport(refuse))
    with pytest.raises(ModelError, match="request failed"):
        backend.draft(session, SOAP)
