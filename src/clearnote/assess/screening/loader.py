"""Adapter: read a screening rules file (YAML) and compile it. The only I/O in screening."""

from __future__ import annotations

import importlib
import importlib.resources
from functools import lru_cache
from pathlib import Path
from typing import Any

from clearnote.assess.screening.rules import RulesError, RuleSet, compile_rules

DEFAULT_RULES = "screening_rules.yaml"


def _parse_yaml(text: str, source: str) -> Any:
    yaml: Any = importlib.import_module("yaml")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        raise RulesError(f"{source}: not valid YAML") from None


def load_rules(path: Path) -> RuleSet:
    """Read and compile a rules file; errors name the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError):
        raise RulesError(f"{path}: cannot be read as UTF-8 text") from None
    data = _parse_yaml(text, str(path))
    if not isinstance(data, dict):
        raise RulesError(f"{path}: expected a mapping at the top level")
    return compile_rules(data, source=str(path))


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The rules shipped with Clearnote (compiled once per process)."""
    resource = importlib.resources.files("clearnote.assess").joinpath("data", DEFAULT_RULES)
    data = _parse_yaml(resource.read_text(encoding="utf-8"), DEFAULT_RULES)
    return compile_rules(data, source=DEFAULT_RULES)
