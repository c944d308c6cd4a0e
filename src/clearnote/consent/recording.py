"""Recording consent: who must agree before a session is recorded. Pure; the rules table is
loaded by :mod:`clearnote.consent.loader`.

In an all-party state every participant must consent to ``record``; with several jurisdictions
involved (clinician's licence, practice, client's location at session time) the strictest
applies (requirements R30, R33). Where every jurisdiction is one-party, the client still consents
(APA 4.03, NASW 1.03(h), ACA B.6.c): the client is always required.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from clearnote.domain.consent import CLIENT, ParticipantId

RecordingRule = Literal["all_party", "one_party"]

_CODE = re.compile(r"^(?:US-)?([A-Z]{2})$")
US_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY".split()
)


class JurisdictionRecordingRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: RecordingRule
    source: str
    note: str | None = None


class RecordingRules(BaseModel):
    """The recording-consent table (``consent/data/recording_consent.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: int
    effective: date
    default_unknown: RecordingRule = "all_party"
    jurisdictions: Mapping[str, JurisdictionRecordingRule]

    def rule_for(self, jurisdiction: str) -> RecordingRule:
        entry = self.jurisdictions.get(normalize_jurisdiction(jurisdiction))
        return self.default_unknown if entry is None else entry.rule

    def all_party(self) -> tuple[str, ...]:
        return tuple(sorted(k for k, v in self.jurisdictions.items() if v.rule == "all_party"))


def normalize_jurisdiction(code: str) -> str:
    """``ca``, ``CA``, ``US-CA`` → ``US-CA`` (US states and DC); ``US`` stays ``US``; anything
    else is upper-cased and left as it is (``GB`` stays ``GB``)."""
    value = code.strip().upper()
    match = _CODE.match(value)
    if match and match.group(1) in US_STATES:
        return f"US-{match.group(1)}"
    return value


def strictest_rule(rules: RecordingRules, jurisdictions: Iterable[str]) -> RecordingRule:
    """``all_party`` when any involved jurisdiction is all-party (or none is given: unknown)."""
    codes = list(jurisdictions)
    if not codes:
        return rules.default_unknown
    return "all_party" if any(rules.rule_for(c) == "all_party" for c in codes) else "one_party"


def required_participants(
    rules: RecordingRules,
    jurisdictions: Iterable[str],
    participants: Sequence[ParticipantId],
) -> tuple[ParticipantId, ...]:
    """Whose ``record`` consent is needed: everyone present under an all-party rule, else the
    client alone. The client (``None``) is always first."""
    everyone: list[ParticipantId] = [CLIENT]
    for p in participants:
        if p not in everyone:
            everyone.append(p)
    if strictest_rule(rules, jurisdictions) == "all_party":
        return tuple(everyone)
    return (CLIENT,)


def recording_consent_required_from(
    jurisdictions: Iterable[str],
    participants: Sequence[ParticipantId],
    rules: RecordingRules | None = None,
) -> tuple[ParticipantId, ...]:
    """As :func:`required_participants`, with the shipped rules table by default."""
    if rules is None:
        from clearnote.consent.loader import recording_rules

        rules = recording_rules()
    return required_participants(rules, jurisdictions, participants)


__all__ = [
    "JurisdictionRecordingRule",
    "RecordingRule",
    "RecordingRules",
    "normalize_jurisdiction",
    "recording_consent_required_from",
    "required_participants",
    "strictest_rule",
]
