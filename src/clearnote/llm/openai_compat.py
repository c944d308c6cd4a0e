"""The ``openai`` backend: any OpenAI-compatible chat-completions server (Ollama, vLLM,
llama.cpp server, LM Studio), with JSON-schema constrained output. Loopback by default."""

from __future__ import annotations

from typing import Any

import httpx

from clearnote.domain.transcript import Transcript
from clearnote.errors import ModelError
from clearnote.llm.base import DraftedStatement
from clearnote.llm.endpoint import check_endpoint
from clearnote.llm.prompt import parse_completion, request_body
from clearnote.notes.formats import NoteFormat


class OpenAIBackend:
    name = "openai"
    cites_by_construction = False

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        allow_remote: bool = False,
        baa_hosts: list[str] | tuple[str, ...] = (),
        timeout_s: float = 300.0,
        max_tokens: int = 1024,
        max_items: int = 12,
        max_chars: int = 300,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.host = check_endpoint(base_url, allow_remote=allow_remote, baa_hosts=baa_hosts)
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.max_tokens = max_tokens
        self.max_items = max_items
        self.max_chars = max_chars
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout_s
        self._transport = transport

    def __repr__(self) -> str:
        return f"OpenAIBackend(host={self.host!r}, model={self.model!r})"

    @property
    def model_name(self) -> str:
        return self.model

    def chat(self, body: dict[str, Any]) -> Any:
        """POST one chat-completions request; the parsed JSON response. Errors name the host,
        never what was sent."""
        url = f"{self.base_url}/chat/completions"
        source = f"LLM server {self.host}"
        try:
            # one client per request: nothing is left open between notes; no proxy from the env
            with httpx.Client(
                timeout=self._timeout,
                headers=self._headers,
                transport=self._transport,
                trust_env=False,
            ) as client:
                resp = client.post(url, json=body)
        except httpx.TimeoutException as exc:
            raise ModelError(f"{source}: request timed out") from exc
        except httpx.HTTPError as exc:
            raise ModelError(f"{source}: request failed ({type(exc).__name__})") from exc
        if resp.status_code != 200:
            raise ModelError(f"{source}: HTTP {resp.status_code} from /chat/completions")
        try:
            return resp.json()
        except ValueError:
            raise ModelError(f"{source}: response is not JSON") from None

    def draft(self, transcript: Transcript, fmt: NoteFormat) -> list[DraftedStatement]:
        body = request_body(
            transcript,
            fmt,
            model=self.model,
            max_tokens=self.max_tokens,
            max_items=self.max_items,
            max_chars=self.max_chars,
        )
        return parse_completion(self.chat(body), fmt, source=f"LLM server {self.host}")
