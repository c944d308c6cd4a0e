"""Adapter: read a screening rules file (YAML) and compile it. The only I/O in screening."""

from __future__ import annotations

import importlib
import importlib.resources
from functools import lru_cache
from pathlib import Path

from clearnote.assess.screening.rules import RulesError, RuleSet, compile_rules
from clearnote.files import parse_yaml, read_yaml_mapping

DEFAULT_RULES = "screening_rules.yaml"


def load_rules(path: Path) -> RuleSet:
    """Read and compile a rules file; errors name the file."""
    return compile_rules(read_yaml_mapping(path, error=RulesError), source=str(path))


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The rules shipped with Clearnote (compiled once per process)."""
    resource = importlib.resources.files("clearnote.assess").joinpath("data", DEFAULT_RULES)
    data = parse_yaml(resource.read_text(encoding="utf-8"), DEFAULT_RULES, error=RulesError)
    return compile_rules(data, source=DEFAULT_RULES)
