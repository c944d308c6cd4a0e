"""Backend registry: a backend name → a factory that builds it from settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from clearnote.config import Settings
from clearnote.errors import BadInputError
from clearnote.llm.base import ChatModel, DraftBackend

if TYPE_CHECKING:  # imported where built: the optional runtimes load only when chosen
    from clearnote.llm.llama_cpp import LlamaCppBackend
    from clearnote.llm.openai_compat import OpenAIBackend


def _extractive(settings: Settings) -> DraftBackend:
    del settings
    from clearnote.llm.extractive import ExtractiveBackend

    return ExtractiveBackend()


def _openai(settings: Settings) -> OpenAIBackend:
    from clearnote.llm.openai_compat import OpenAIBackend

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return OpenAIBackend(
        settings.llm_base_url,
        settings.llm_model,
        api_key=key,
        allow_remote=settings.llm_allow_remote,
        baa_hosts=settings.llm_baa_hosts,
        timeout_s=settings.llm_timeout_s,
        max_tokens=settings.llm_max_tokens,
    )


def _llama_cpp(settings: Settings) -> LlamaCppBackend:
    from clearnote.llm.llama_cpp import LlamaCppBackend

    return LlamaCppBackend(
        settings.llm_model_path,
        sha256=settings.llm_model_sha256,
        threads=settings.llm_threads,
        max_tokens=settings.llm_max_tokens,
    )


BACKENDS: dict[str, Callable[[Settings], DraftBackend]] = {
    "extractive": _extractive,
    "llama-cpp": _llama_cpp,
    "openai": _openai,
}


def create_backend(name: str, settings: Settings) -> DraftBackend:
    """Build the backend called ``name``; unknown names are bad input naming the choices."""
    key = name.strip().lower()
    factory = BACKENDS.get(key)
    if factory is None:
        raise BadInputError(
            f"--backend: unknown backend '{key}' (expected one of: {', '.join(BACKENDS)})"
        )
    return factory(settings)


CHAT_BACKENDS: dict[str, Callable[[Settings], ChatModel]] = {
    "llama-cpp": _llama_cpp,
    "openai": _openai,
}


def create_chat_model(settings: Settings) -> ChatModel:
    """The chat model named by setting ``llm_backend`` (``openai`` or ``llama-cpp``); the
    extractive drafter is no model, so it is bad input here."""
    key = settings.llm_backend.strip().lower()
    factory = CHAT_BACKENDS.get(key)
    if factory is None:
        raise BadInputError(
            f"setting llm_backend: '{key}' is not a language model (expected one of: "
            f"{', '.join(CHAT_BACKENDS)})"
        )
    return factory(settings)
