"""Reuse the drafting tests' small session."""

from tests.notes.conftest import session

__all__ = ["session"]
