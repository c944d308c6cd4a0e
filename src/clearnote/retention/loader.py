"""Adapter: read the shipped state record-retention table (``data/record_retention.yaml``)."""

from __future__ import annotations

import importlib
from functools import lru_cache
from importlib.resources import files
from typing import Any

from clearnote.domain.retention import StateRecordRule
from clearnote.errors import ClearnoteError
from clearnote.retention.policy import RetentionSchedule

TABLE = "record_retention.yaml"


def parse_table(data: Any, source: str) -> tuple[StateRecordRule, dict[str, StateRecordRule]]:
    """``(floor, rules by jurisdiction)`` from the table's mapping."""
    if not isinstance(data, dict) or "jurisdictions" not in data or "floor" not in data:
        raise ClearnoteError(f"{source}: expected 'floor' and 'jurisdictions'")
    floor = StateRecordRule.model_validate(data["floor"])
    rules = {
        code: StateRecordRule.model_validate({"jurisdiction": code, **entry})
        for code, entry in data["jurisdictions"].items()
    }
    return floor, rules


@lru_cache(maxsize=1)
def shipped_schedule() -> RetentionSchedule:
    yaml: Any = importlib.import_module("yaml")
    text = files("clearnote.retention").joinpath("data", TABLE).read_text(encoding="utf-8")
    floor, rules = parse_table(yaml.safe_load(text), TABLE)
    return RetentionSchedule(record_rules=rules, floor=floor)
