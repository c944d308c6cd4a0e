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


def test_reprs_of_phi_bearing_values_show_no_words() -> None:
    from clearnote.domain.screening import RiskFlag
    from clearnote.domain.transcript import Speaker

    flag = RiskFlag(
        level="passive_ideation",
        segment_ids=("seg-0001",),
        quote="zebracanary",
        start=1.0,
        rule="r",
        speaker_role="client",
    )
    assert "zebracanary" not in repr(flag)
    assert "zebracanary" not in repr(Speaker(id="S1", role="client", label="zebracanary"))
