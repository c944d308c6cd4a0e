"""The drafting port: a backend turns a transcript into statements per section of a format."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from clearnote.domain.transcript import Transcript
from clearnote.notes.formats import NoteFormat


@dataclass(frozen=True)
class DraftedStatement:
    """One statement a backend proposes for a section.

    ``evidence`` is what the backend claims; it is trusted only when the backend's
    ``cites_by_construction`` is true (the extractive drafter). Model output is re-grounded.
    """

    section: str
    text: str
    evidence: tuple[str, ...] = ()

    def __repr__(self) -> str:  # never show note words
        return f"DraftedStatement(section={self.section!r}, evidence={len(self.evidence)})"


@runtime_checkable
class DraftBackend(Protocol):
    """What every drafting backend offers."""

    name: str
    cites_by_construction: bool

    def draft(self, transcript: Transcript, fmt: NoteFormat) -> list[DraftedStatement]:
        """Statements for the sections of ``fmt``, in reading order within each section."""
        ...


@runtime_checkable
class ChatModel(Protocol):
    """An OpenAI-style chat-completions model (the ``openai`` and ``llama-cpp`` backends), for
    uses other than drafting (an LLM screening backend)."""

    name: str

    @property
    def model_name(self) -> str: ...

    def chat(self, body: dict[str, Any]) -> Any:
        """One chat-completions request body → the response object (``choices[0].message``)."""
        ...
