"""The assessment service: one transcript and its screening in, one ``Assessment`` out.

``assess`` is the composition of the parts; ``enabled`` names the parts that may run (consent
and jurisdiction decide, see ``jurisdiction.plan_parts``) and every part switched off appears as
``{"status": "disabled", "reason": ...}``. The verifier is injected (default: the note verifier
with lexical grounding, see ``lexical_verifier``); the lexicon, code table and screening rules
default to the shipped ones; further engines plug in as ``backends`` (see ``assess.backends``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearnote.assess.backends import AssessmentBackend, apply_backends
from clearnote.assess.conceptualization import conceptualize
from clearnote.assess.diagnostic import DiagnosisTable, assess_diagnostic, default_table
from clearnote.assess.goals import GoalSet, track_goals
from clearnote.assess.grounding import Grounder, GroundingVerifier
from clearnote.assess.jurisdiction import Policy, resolve
from clearnote.assess.lexicon import Lexicon, default_lexicon
from clearnote.assess.matching import SessionText
from clearnote.assess.needs import assess_needs
from clearnote.assess.safety_plan import safety_plan_coverage
from clearnote.assess.screening import default_rules
from clearnote.assess.screening.rules import RuleSet
from clearnote.assess.strengths import assess_strengths
from clearnote.domain.assessment import (
    Assessment,
    Categories,
    Conceptualization,
    Diagnostic,
    DisabledPart,
    Framework,
    Goals,
    PolicySummary,
    SafetyPlan,
    ScreeningSummary,
    SkippedPart,
)
from clearnote.domain.screening import ScreeningReport
from clearnote.domain.transcript import Transcript

log = logging.getLogger(__name__)
DEFAULT_REASON = "switched off by consent or jurisdiction policy"


@dataclass(frozen=True)
class Engines:
    lexicon: Lexicon
    table: DiagnosisTable
    rules: RuleSet


def default_engines() -> Engines:
    return Engines(default_lexicon(), default_table(), default_rules())


def lexical_verifier() -> GroundingVerifier:
    """The note verifier without embeddings: fast, and enough for items that quote the
    transcript. ``clearnote.verify.default_verifier()`` adds MiniLM similarity."""
    from clearnote.verify import Verifier

    return Verifier(None)


def _disabled(part: str, reasons: Mapping[str, str]) -> DisabledPart:
    return DisabledPart(reason=reasons.get(part, DEFAULT_REASON))


def assess(
    transcript: Transcript,
    *,
    framework: Framework,
    enabled: set[str],
    goals: GoalSet | None,
    screening: ScreeningReport,
    disabled_reasons: Mapping[str, str] | None = None,
    policy: Policy | None = None,
    verifier: GroundingVerifier | None = None,
    engines: Engines | None = None,
    backends: Sequence[AssessmentBackend] = (),
) -> Assessment:
    """Assess one transcript. Parts not in ``enabled`` come back disabled with their reason."""
    t0 = time.perf_counter()
    reasons = dict(disabled_reasons or {})
    eng = engines or default_engines()
    pol = policy or resolve(())
    session = SessionText(transcript, eng.rules)
    grounder = Grounder(transcript, verifier or lexical_verifier())
    lex = eng.lexicon

    diagnostic: Diagnostic = (
        assess_diagnostic(session, lex, eng.table, screening, grounder)
        if "diagnostic_suggestions" in enabled
        else _disabled("diagnostic_suggestions", reasons)
    )
    needs: Categories = (
        assess_needs(session, lex, screening, grounder)
        if "service_needs" in enabled
        else _disabled("service_needs", reasons)
    )
    strengths: Categories = (
        assess_strengths(session, lex, grounder)
        if "strengths" in enabled
        else _disabled("strengths", reasons)
    )
    concept: Conceptualization = (
        conceptualize(
            session,
            lex,
            framework,
            grounder,
            emotions_allowed="emotion_inference" in enabled,
            emotions_reason=reasons.get("emotion_inference", DEFAULT_REASON),
        )
        if "conceptualization" in enabled
        else _disabled("conceptualization", reasons)
    )
    goal_part: Goals
    if "treatment_goals" not in enabled:
        goal_part = _disabled("treatment_goals", reasons)
    elif goals is None:
        goal_part = SkippedPart(
            status="not_assessed", reason="no treatment-plan goals were given (--goals FILE)"
        )
    else:
        goal_part = track_goals(session, lex, goals, grounder)
    safety: SafetyPlan = (
        safety_plan_coverage(session, lex, screening, grounder)
        if "safety_plan" in enabled
        else _disabled("safety_plan", reasons)
    )
    summary: PolicySummary = pol.summary()
    result = Assessment(
        framework=framework,
        policy=summary,
        screening=ScreeningSummary(
            domains={d.domain: d.status for d in screening.domains},
            flagged=tuple(d.domain for d in screening.domains if d.status == "flagged"),
        ),
        diagnostic_impressions=diagnostic,
        service_needs=needs,
        strengths=strengths,
        conceptualization=concept,
        treatment_goals=goal_part,
        safety_plan=safety,
        backends=(
            f"rules:{lex.name}/{lex.version}",
            f"codes:{eng.table.info.version}",
            f"screening:{eng.rules.name}/{eng.rules.version}",
        ),
    )
    if backends:
        result = apply_backends(transcript, result, backends, grounder)
    log.info(
        "assessed %d segments: %d items, %d checked by the verifier, in %.2f s",
        len(transcript.segments),
        len(result.items()),
        grounder.checked,
        time.perf_counter() - t0,
    )
    return result
