"""Jurisdiction profiles (data files under ``data/jurisdictions``) and the strictest-wins merge.

``merge_profiles`` is pure: the union of what any profile switches off, every requirement that
any profile sets, and every data-residency constraint (requirements.md §B R33). The result is
what the assessments run under; the parts it switches off appear as ``disabled`` with the
profiles' reasons, never silently missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from clearnote.assess.resources import AssessDataError, packaged_names, read_packaged
from clearnote.domain.assessment import CONSENT_PURPOSES, PARTS, PartName, PolicySummary

BASELINE = "US"


class Profile(BaseModel):
    """One jurisdiction's rules for AI assessments."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    jurisdiction: str
    name: str
    status: Literal["enacted", "pending"]
    effective: str
    citations: tuple[str, ...]
    disabled: dict[PartName, str]
    clinician_approval_required: bool
    client_disclosure_required: bool
    written_ai_consent_required: bool
    client_facing_ai: bool
    data_residency: str | None


@dataclass(frozen=True)
class Policy:
    """The effective policy of several profiles."""

    jurisdictions: tuple[str, ...]
    disabled: Mapping[str, tuple[str, ...]]
    clinician_approval_required: bool
    client_disclosure_required: bool
    written_ai_consent_required: bool
    client_facing_ai: bool
    data_residency: tuple[str, ...]
    citations: tuple[str, ...]

    def allows(self, part: str) -> bool:
        return part not in self.disabled

    def summary(self) -> PolicySummary:
        return PolicySummary(
            jurisdictions=self.jurisdictions,
            disabled=dict(self.disabled),
            clinician_approval_required=self.clinician_approval_required,
            client_disclosure_required=self.client_disclosure_required,
            written_ai_consent_required=self.written_ai_consent_required,
            data_residency=self.data_residency,
            citations=self.citations,
        )


def merge_profiles(profiles: Sequence[Profile]) -> Policy:
    """Strictest wins: a part off in any profile is off; a requirement set in any is set."""
    if not profiles:
        raise ValueError("merge_profiles needs at least one profile")
    disabled: dict[str, list[str]] = {}
    for p in profiles:
        for part, reason in p.disabled.items():
            disabled.setdefault(part, [])
            if reason not in disabled[part]:
                disabled[part].append(reason)
    return Policy(
        jurisdictions=tuple(dict.fromkeys(p.jurisdiction for p in profiles)),
        disabled={k: tuple(v) for k, v in sorted(disabled.items())},
        clinician_approval_required=any(p.clinician_approval_required for p in profiles),
        client_disclosure_required=any(p.client_disclosure_required for p in profiles),
        written_ai_consent_required=any(p.written_ai_consent_required for p in profiles),
        client_facing_ai=all(p.client_facing_ai for p in profiles),
        data_residency=tuple(
            sorted({p.data_residency for p in profiles if p.data_residency is not None})
        ),
        citations=tuple(dict.fromkeys(c for p in profiles for c in p.citations)),
    )


def parse_profile(data: Any, *, source: str) -> Profile:
    if not isinstance(data, dict):
        raise AssessDataError(f"{source}: expected a mapping at the top level")
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise AssessDataError(f"{source}: invalid field '{where}' ({first['type']})") from None


def known_jurisdictions() -> list[str]:
    return packaged_names("jurisdictions")


def load_profile(code: str) -> Profile:
    """A shipped profile by code (``US-IL``); an unknown code names --jurisdiction."""
    known = known_jurisdictions()
    key = code.strip().upper()
    if key not in known:
        raise AssessDataError(
            f"--jurisdiction: unknown jurisdiction '{code}' (known: {', '.join(known)})"
        )
    profile = parse_profile(read_packaged("jurisdictions", f"{key}.yaml"), source=f"{key}.yaml")
    if profile.jurisdiction != key:
        raise AssessDataError(f"{key}.yaml: jurisdiction field does not match the file name")
    return profile


def resolve(codes: Iterable[str]) -> Policy:
    """The federal baseline plus every named jurisdiction, merged strictest-wins."""
    wanted = [BASELINE, *codes]
    keys = list(dict.fromkeys(c.strip().upper() for c in wanted))
    return merge_profiles([load_profile(k) for k in keys])


def plan_parts(
    policy: Policy, consented: Iterable[str] | None = None
) -> tuple[set[str], dict[str, str]]:
    """Which parts may run under ``policy`` and, when given, the client's consented purposes
    (consent-ledger names, requirements.md R23); the reason for each part switched off."""
    enabled: set[str] = set(PARTS)
    reasons: dict[str, str] = {}
    if consented is not None:
        granted = set(consented)
        for purpose, parts in CONSENT_PURPOSES.items():
            if purpose not in granted:
                for name in parts:
                    enabled.discard(name)
                    reasons[name] = f"no client consent for purpose '{purpose}'"
    for part, why in policy.disabled.items():
        enabled.discard(part)
        reasons[part] = "; ".join(why)
    return enabled, reasons
