"""Risk screening: a rule/lexicon floor with provenance, and an extension point for backends
that may add recall (never remove a rule flag)."""

from clearnote.assess.screening.backends import ScreeningBackend, screen_with
from clearnote.assess.screening.engine import RuleScreener, screen
from clearnote.assess.screening.loader import default_rules, load_rules
from clearnote.assess.screening.rules import RulesError, RuleSet, compile_rules

__all__ = [
    "RuleScreener",
    "RuleSet",
    "RulesError",
    "ScreeningBackend",
    "compile_rules",
    "default_rules",
    "load_rules",
    "screen",
    "screen_with",
]
