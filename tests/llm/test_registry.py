"""The backend registry builds backends by name from settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearnote.config import Settings
from clearnote.errors import BadInputError, ModelError, PolicyError
from clearnote.llm.base import DraftBackend
from clearnote.llm.registry import BACKENDS, create_backend


def test_names() -> None:
    assert set(BACKENDS) == {"extractive", "llama-cpp", "openai"}


def test_default_is_extractive() -> None:
    backend = create_backend(Settings().llm_backend, Settings())
    assert isinstance(backend, DraftBackend)
    assert backend.name == "extractive" and backend.cites_by_construction


def test_openai_loopback_builds() -> None:
    backend = create_backend("openai", Settings(llm_base_url="http://127.0.0.1:9/v1"))
    assert backend.name == "openai" and not backend.cites_by_construction


def test_openai_remote_refused_by_settings() -> None:
    with pytest.raises(PolicyError):
        create_backend("OpenAI", Settings(llm_base_url="https://llm.example.com/v1"))


def test_unknown_backend() -> None:
    with pytest.raises(BadInputError, match="--backend: unknown backend 'gpt'"):
        create_backend("gpt", Settings())


def test_llama_cpp_needs_a_model(tmp_path: Path) -> None:
    pytest.importorskip("xllamacpp")
    with pytest.raises(ModelError, match="llm_model_path"):
        create_backend("llama-cpp", Settings())
    with pytest.raises(ModelError, match="not found"):
        create_backend("llama-cpp", Settings(llm_model_path=tmp_path / "m.gguf"))
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF")
    with pytest.raises(ModelError, match="sha256 does not match"):
        create_backend("llama-cpp", Settings(llm_model_path=bad, llm_model_sha256="0" * 64))


def test_llama_cpp_absent_is_a_helpful_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import clearnote.llm.llama_cpp as mod

    def missing(name: str) -> object:
        raise ImportError(name)

    monkeypatch.setattr(mod.importlib, "import_module", missing)
    with pytest.raises(ModelError, match=r"pip install 'clearnote\[llm\]'"):
        create_backend("llama-cpp", Settings())
