"""The ``llama-cpp`` backend: a local GGUF model run in-process with ``xllamacpp``.

Optional: ``pip install 'clearnote[llm]'``. The model file is named by setting
``llm_model_path`` and, when ``llm_model_sha256`` is set, checked before it is loaded.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import secrets
from pathlib import Path
from typing import Any

from clearnote.domain.transcript import Transcript
from clearnote.errors import ModelError
from clearnote.llm.base import DraftedStatement
from clearnote.llm.prompt import parse_completion, request_body
from clearnote.notes.formats import NoteFormat

INSTALL_HINT = "install the optional extra: pip install 'clearnote[llm]' (xllamacpp)"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_xllamacpp() -> Any:
    try:
        return importlib.import_module("xllamacpp")
    except ImportError:
        raise ModelError(f"backend llama-cpp: xllamacpp is not installed; {INSTALL_HINT}") from None


def check_model(path: Path | None, sha256: str | None) -> Path:
    if path is None:
        raise ModelError("backend llama-cpp: setting llm_model_path names no GGUF file")
    if not path.is_file():
        raise ModelError(f"{path}: GGUF model file not found (setting llm_model_path)")
    if sha256 is not None and sha256_of(path) != sha256.lower():
        raise ModelError(f"{path}: sha256 does not match setting llm_model_sha256")
    return path


class LlamaCppBackend:
    name = "llama-cpp"
    cites_by_construction = False

    def __init__(
        self,
        model_path: Path | None,
        *,
        sha256: str | None = None,
        n_ctx: int = 8192,
        threads: int = 0,
        max_tokens: int = 1024,
        max_items: int = 12,
        max_chars: int = 300,
    ) -> None:
        self.xlc = load_xllamacpp()
        self.model_path = check_model(model_path, sha256)
        self.n_ctx = n_ctx
        self.threads = threads or (os.cpu_count() or 1)
        self.max_tokens = max_tokens
        self.max_items = max_items
        self.max_chars = max_chars
        self._server: Any = None

    def __repr__(self) -> str:
        return f"LlamaCppBackend(model={self.model_path.name!r})"

    def _load(self) -> Any:
        if self._server is None:
            params = self.xlc.CommonParams()
            params.model.path = str(self.model_path)
            params.n_ctx = self.n_ctx
            params.n_parallel = 1
            params.cpuparams.n_threads = self.threads
            params.cpuparams_batch.n_threads = self.threads
            params.warmup = False
            # the server also listens on loopback: lock it with a key nobody else holds
            params.api_keys = [secrets.token_hex(16)]
            try:
                self._server = self.xlc.Server(params)
            except Exception as exc:  # the binding raises plain exceptions
                raise ModelError(f"{self.model_path}: llama.cpp could not load the model") from exc
        return self._server

    @property
    def model_name(self) -> str:
        return self.model_path.name

    def chat(self, body: dict[str, Any]) -> Any:
        """One chat-completions request to the in-process server (loaded on first use)."""
        result = self._load().handle_chat_completions(body)
        if isinstance(result, dict) and "error" in result and "choices" not in result:
            raise ModelError(f"{self.model_path.name}: llama.cpp returned an error")
        return result

    def draft(self, transcript: Transcript, fmt: NoteFormat) -> list[DraftedStatement]:
        body = request_body(
            transcript,
            fmt,
            model=self.model_path.name,
            max_tokens=self.max_tokens,
            max_items=self.max_items,
            max_chars=self.max_chars,
        )
        return parse_completion(self.chat(body), fmt, source=f"model {self.model_path.name}")
