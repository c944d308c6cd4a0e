"""One error tree for Clearnote; the CLI maps it to the exit codes in DESIGN.md.

    ClearnoteError                 exit 1  internal error (a bug, a broken install)
    ├── BadInputError              exit 2  the user's file or argument is wrong
    │   ├── AudioError                     missing, empty, corrupt, unsupported or too long audio
    │   └── TranscriptFormatError          a typed transcript or transcript JSON that cannot be read
    ├── PolicyError                exit 3  refused by consent or jurisdiction policy
    ├── IntegrityError             exit 1  ciphertext, wrapped key or audit chain fails its check
    ├── ModelError                 exit 1  a model package is missing or fails its checksum
    └── QueueUnavailableError      exit 1  the broker did not take a stage job (it stays queued)

Messages name the file or argument and the problem. They never carry transcript, note or
client words: callers pass only paths, parameter names, counts and reasons.
"""

from __future__ import annotations


class ClearnoteError(Exception):
    """Root of every error Clearnote raises on purpose."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class BadInputError(ClearnoteError):
    """The user's input is wrong; nothing was stored."""

    exit_code = 2


class AudioError(BadInputError):
    """An audio file cannot be used (missing, empty, corrupt, unsupported, too long)."""


class TranscriptFormatError(BadInputError):
    """A typed transcript or transcript document cannot be read."""


class PolicyError(ClearnoteError):
    """Refused by consent or jurisdiction policy."""

    exit_code = 3


class IntegrityError(ClearnoteError):
    """Stored ciphertext, a wrapped key or the audit chain failed its integrity check.

    Fails closed: nothing is returned from data that does not verify.
    """


class ModelError(ClearnoteError):
    """A model is missing, unreadable or fails its integrity check."""


class QueueUnavailableError(ClearnoteError):
    """The broker did not take a stage job (the stage stays marked queued; a worker's sweep
    sends it)."""
