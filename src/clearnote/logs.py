"""Logging that cannot carry client words.

Clearnote's own messages hold metadata only (durations, counts, ids, model names). Tracebacks are
the leak left: a third-party exception message may quote its input (pydantic does), so every
handler gets ``NoContentFilter``, which replaces a traceback with the exception's type and where
it was raised.
"""

from __future__ import annotations

import logging
import os


def describe(exc: BaseException) -> str:
    """``TypeName at module.py:123`` for the innermost frame: enough to debug, no content."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    where = f" at {os.path.basename(tb.tb_frame.f_code.co_filename)}:{tb.tb_lineno}" if tb else ""
    return f"{type(exc).__name__}{where}"


class NoContentFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = f"exception: {describe(record.exc_info[1])} (traceback withheld)"
            record.exc_info = None
        record.stack_info = None
        return True


def configure(level: int = logging.WARNING) -> None:
    """Configure the root logger once, every handler filtered."""
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, NoContentFilter) for f in handler.filters):
            handler.addFilter(NoContentFilter())
