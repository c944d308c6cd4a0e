"""The analysis stages after transcription, each switched on by consent and jurisdiction.

    transcript ─┬─ draft (+ verify)       [consent: draft_note]
                ├─ screen                 [consent: risk_screening]
                └─ assess (parts)         [consent per part; jurisdiction profile]

No I/O here beyond what the engines do; the caller stores the documents. A stage that may not
run is reported with its reason, never silently missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from clearnote.assess.jurisdiction import Policy, plan_parts, resolve
from clearnote.assess.screening import RuleScreener, default_rules
from clearnote.assess.screening.backends import (
    DEFAULT_BACKEND,
    ScreeningBackend,
    build_backends,
    screen_with,
)
from clearnote.assess.service import assess, lexical_verifier
from clearnote.config import Settings
from clearnote.domain.assessment import FRAMEWORKS, Framework
from clearnote.domain.consent import Purpose
from clearnote.domain.screening import ScreeningReport
from clearnote.domain.transcript import Transcript
from clearnote.llm.base import DraftBackend
from clearnote.llm.endpoint import remote_host, where
from clearnote.llm.extractive import ExtractiveBackend
from clearnote.llm.registry import create_backend
from clearnote.notes.drafting import draft_note
from clearnote.notes.templates import resolve_format
from clearnote.verify import Verifier, default_verifier

# assessment parts that only a risk finding makes relevant ride on risk_screening consent
ASSESS_PURPOSES = (
    Purpose.DIAGNOSTIC_SUGGESTIONS,
    Purpose.CONCEPTUALIZATION,
    Purpose.RISK_SCREENING,
    Purpose.DRAFT_NOTE,
)


@dataclass
class Engines:
    """Loaded once, reused for every session.

    A backend that sends client words off this machine (an ``openai`` endpoint at a host with a
    recorded BAA) is used for a session only with the client's ``remote_processing`` consent
    (``remote_allowed``); without it drafting falls back to the extractive drafter and screening
    to its local backends, so the session still gets a grounded draft and the rule floor."""

    drafter: DraftBackend
    verifier: Verifier
    screener: RuleScreener
    screen_extra: tuple[ScreeningBackend, ...] = ()  # may add flags, never remove a rule flag
    local_drafter: DraftBackend = field(default_factory=ExtractiveBackend)

    @property
    def screen_name(self) -> str:
        return self.screen_name_for(remote_allowed=True)

    def drafter_for(self, *, remote_allowed: bool) -> DraftBackend:
        if remote_allowed or remote_host(self.drafter) is None:
            return self.drafter
        return self.local_drafter

    def screen_backends(self, *, remote_allowed: bool) -> tuple[ScreeningBackend, ...]:
        return tuple(b for b in self.screen_extra if remote_allowed or remote_host(b) is None)

    def screen_name_for(self, *, remote_allowed: bool) -> str:
        used = self.screen_backends(remote_allowed=remote_allowed)
        return "+".join(["clearnote-rules", *(b.info.name for b in used)])

    def screen_where(self, *, remote_allowed: bool) -> str:
        used = self.screen_backends(remote_allowed=remote_allowed)
        hosts = sorted({h for b in used if (h := remote_host(b)) is not None})
        return where(", ".join(hosts) if hosts else None)


def load_engines(settings: Settings, *, backend: str | None = None) -> Engines:
    name = backend or settings.llm_backend
    rules = default_rules()
    return Engines(
        drafter=create_backend(name, settings),
        verifier=default_verifier(),
        screener=RuleScreener(rules),
        # the same screening as `clearnote screen` (setting screen_backend; by default rules +
        # sentence embeddings, falling back to the rules alone without the embedding model)
        screen_extra=build_backends(
            settings.screen_backend,
            rules,
            fallback=settings.screen_backend == DEFAULT_BACKEND,
            settings=settings,
        ),
    )


DRAFT_SKIPPED = "no client consent for purpose 'draft_note'"
SCREEN_SKIPPED = "no client consent for purpose 'risk_screening'"


def draft_document(
    transcript: Transcript, *, fmt: str, engines: Engines, remote_allowed: bool = True
) -> dict[str, Any]:
    """The draft stage: a note in ``fmt`` and its verification report."""
    drafter = engines.drafter_for(remote_allowed=remote_allowed)
    note = draft_note(transcript, resolve_format(fmt, None), drafter)
    report = engines.verifier.verify(transcript, note)
    return {
        "schema": "clearnote.draft/1",
        "note": note.to_document(),
        "verification": report.to_document(),
    }


def screening_report(
    transcript: Transcript, *, screened: bool, engines: Engines, remote_allowed: bool = True
) -> ScreeningReport:
    """The screen stage. Without consent the client's words are not screened at all; the
    assessment then sees no risk findings, and says so instead of implying a screening ran."""
    if screened:
        extra = engines.screen_backends(remote_allowed=remote_allowed)
        return screen_with(engines.screener, transcript, extra)
    return engines.screener.screen(transcript.model_copy(update={"segments": ()}))


def assessment_document(
    transcript: Transcript,
    *,
    consented: Iterable[Purpose],
    jurisdictions: Iterable[str],
    framework: str,
    screening: ScreeningReport,
) -> tuple[dict[str, Any] | None, str]:
    """The assess stage: ``(document, "")`` or ``(None, reason it may not run)``."""
    granted = set(consented)
    policy: Policy = resolve(tuple(jurisdictions))
    enabled, reasons = plan_parts(policy, [p.value for p in granted])
    if not enabled:
        return None, "; ".join(sorted(set(reasons.values()))) or "nothing enabled"
    fw: Framework = next((f for f in FRAMEWORKS if f == framework), "cbt")
    result = assess(
        transcript,
        framework=fw,
        enabled=enabled,
        goals=None,
        screening=screening,
        disabled_reasons=reasons,
        policy=policy,
        verifier=lexical_verifier(),
    )
    document = result.to_document()
    if Purpose.RISK_SCREENING not in granted:
        document["screening"] = {"status": "disabled", "reason": SCREEN_SKIPPED}
    return document, ""
