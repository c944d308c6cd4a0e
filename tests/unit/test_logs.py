from __future__ import annotations

import io
import logging

from clearnote.logs import NoContentFilter, describe


def test_tracebacks_are_replaced_by_type_and_place() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(NoContentFilter())
    logger = logging.getLogger("clearnote.test.logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError("input_value='I told nobody about the pills'")
        except ValueError:
            logger.exception("stage failed")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "stage failed" in out and "ValueError at test_logs.py:" in out
    assert "pills" not in out and "Traceback" not in out


def test_describe_names_the_innermost_frame() -> None:
    def inner() -> None:
        raise KeyError("secret")

    try:
        inner()
    except KeyError as exc:
        text = describe(exc)
    assert text.startswith("KeyError at test_logs.py:") and "secret" not in text
