"""Builders shared by the assessment tests (tests/assess/test_assess_*.py)."""

from __future__ import annotations

from clearnote.assess.goals import GoalSet, compile_goals
from clearnote.assess.grounding import GroundingVerifier
from clearnote.assess.jurisdiction import plan_parts, resolve
from clearnote.assess.screening import RuleScreener
from clearnote.assess.service import assess
from clearnote.domain.assessment import Assessment, Framework
from clearnote.domain.transcript import Transcript
from clearnote.transcripts.importer import parse_turns


def transcript(text: str) -> Transcript:
    """Typed turn text ('Therapist: ...' / 'Client: ...' lines) → Transcript."""
    return parse_turns(text, source="test")


def client(*lines: str) -> Transcript:
    """A transcript of client lines only."""
    return transcript("\n".join(f"Client: {line}" for line in lines))


def goals(*specs: dict[str, object]) -> GoalSet:
    return compile_goals({"goals": list(specs)}, source="goals.yaml")


def run(
    screener: RuleScreener,
    doc: Transcript,
    *,
    framework: Framework = "cbt",
    jurisdictions: tuple[str, ...] = (),
    goal_set: GoalSet | None = None,
    consented: set[str] | None = None,
    verifier: GroundingVerifier | None = None,
) -> Assessment:
    policy = resolve(jurisdictions)
    enabled, reasons = plan_parts(policy, consented)
    return assess(
        doc,
        framework=framework,
        enabled=enabled,
        goals=goal_set,
        screening=screener.screen(doc),
        disabled_reasons=reasons,
        policy=policy,
        verifier=verifier,
    )
