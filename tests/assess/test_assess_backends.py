"""The assessment backend extension point: adds verified items, never removes or switches on."""

from __future__ import annotations

from collections.abc import Sequence

from clearnote.assess.backends import Proposal
from clearnote.assess.jurisdiction import plan_parts, resolve
from clearnote.assess.screening import RuleScreener
from clearnote.assess.service import assess
from clearnote.domain.assessment import Assessment, CategoryPart, ConceptualizationPart
from clearnote.domain.transcript import Transcript
from tests.assess.assess_helpers import client


class _Fake:
    name = "fake-llm"

    def __init__(self, proposals: Sequence[Proposal]) -> None:
        self.proposals = proposals

    def propose(self, transcript: Transcript, assessment: Assessment) -> Sequence[Proposal]:
        return self.proposals


DOC = client("My sister has been really supportive.", "I've been sleeping badly since June.")


def _run(screener: RuleScreener, backend: _Fake, codes: tuple[str, ...] = ()) -> Assessment:
    policy = resolve(codes)
    enabled, reasons = plan_parts(policy)
    return assess(
        DOC,
        framework="cbt",
        enabled=enabled,
        goals=None,
        screening=screener.screen(DOC),
        disabled_reasons=reasons,
        policy=policy,
        backends=[backend],
    )


def test_backend_items_are_verified_and_added(screener: RuleScreener) -> None:
    backend = _Fake(
        [
            Proposal(
                "strengths",
                "supports",
                "Client said her sister has been supportive.",
                ("seg-0001",),
            ),
            Proposal(
                "service_needs", "housing", "Client was evicted from a castle.", ("seg-0002",)
            ),
            Proposal("strengths", "values", "Cites a segment that does not exist.", ("seg-0999",)),
        ]
    )
    result = _run(screener, backend)
    strengths = result.strengths
    needs = result.service_needs
    assert isinstance(strengths, CategoryPart) and isinstance(needs, CategoryPart)
    added = [i for i in strengths.items if i.rule.startswith("fake-llm:")]
    assert len(added) == 1 and added[0].verified
    rule_items = [i for i in strengths.items if not i.rule.startswith("fake-llm:")]
    assert rule_items  # the rule item is kept
    invented = next(i for i in needs.items if i.rule == "fake-llm:housing")
    assert not invented.verified  # unsupported: flagged, not dropped
    assert "housing" not in {n.name for n in needs.not_assessed}
    assert all("seg-0999" not in i.evidence for i in result.items())
    assert "fake-llm" in result.backends


def test_backend_cannot_switch_on_a_disabled_element(screener: RuleScreener) -> None:
    backend = _Fake([Proposal("conceptualization", "emotions", "Client felt sad.", ("seg-0002",))])
    result = _run(screener, backend, ("US-IL",))
    concept = result.conceptualization
    assert isinstance(concept, ConceptualizationPart)
    emotions = next(e for e in concept.elements if e.name == "emotions")
    assert emotions.status == "disabled" and not emotions.items
