"""The assessment document (``clearnote.assessment/1``) as frozen value objects. Pure.

Every part of an assessment has a ``status``:

* ``assessed``       the part ran; its items cite segment ids; what the session did not reveal
                     is listed under ``not_assessed``;
* ``disabled``       switched off by consent or jurisdiction policy (``reason`` says which);
* ``not_assessed``   the part could not run on this input (e.g. no treatment-plan goals given);
* ``not_applicable`` safety-plan coverage when screening raised no suicide/self-harm flag.

A part is never silently missing. Items carry ``origin: "ai"``, the segment ids they came from,
and the verifier's verdict on their text (``verified`` and ``score``).
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

ASSESSMENT_SCHEMA: Final = "clearnote.assessment/1"

PartStatus = Literal["assessed", "disabled", "not_assessed", "not_applicable"]
Framework = Literal["cbt", "family-systems", "narrative"]
FRAMEWORKS: tuple[Framework, ...] = ("cbt", "family-systems", "narrative")

# The switchable parts, named after the consent purposes they need (requirements.md R23).
PartName = Literal[
    "diagnostic_suggestions",
    "service_needs",
    "strengths",
    "conceptualization",
    "treatment_goals",
    "safety_plan",
    "emotion_inference",
]
PARTS: tuple[PartName, ...] = (
    "diagnostic_suggestions",
    "service_needs",
    "strengths",
    "conceptualization",
    "treatment_goals",
    "safety_plan",
    "emotion_inference",
)
# consent purpose (clearnote.domain.consent.Purpose values; requirements.md R23) -> parts it covers
CONSENT_PURPOSES: dict[str, tuple[PartName, ...]] = {
    "diagnostic_suggestions": ("diagnostic_suggestions",),
    "conceptualization": ("conceptualization", "emotion_inference"),
    "risk_screening": ("safety_plan",),
    "draft_note": ("service_needs", "strengths", "treatment_goals"),
}

NOTICE: Final = (
    "AI-generated decision support for the clinician's review, not a diagnosis, risk assessment "
    "or treatment decision. Every item quotes or cites the transcript segments it came from and "
    "was checked by the verifier ('verified': false marks text the transcript does not support). "
    "Audio-only: nothing was observed. 'not_assessed' means the session did not reveal it, not "
    "that it is absent. The clinician reviews, edits and decides."
)
LIMITATIONS: Final = (
    "rule/lexicon matching on a transcript; no observation of non-verbal behaviour",
    "speech-recognition errors may change words; listen at the cited times",
    "not a validated instrument; suggestions need the clinician's own assessment",
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Item(_Frozen):
    """One statement for the clinician, with the segments it came from and its verification."""

    id: str
    kind: str = Field(description="what the item is (e.g. 'housing', 'automatic_thought')")
    text: str = Field(repr=False, description="the statement, attributing or quoting the speaker")
    quote: str = Field(repr=False, default="", description="the transcript words it rests on")
    evidence: tuple[str, ...] = Field(min_length=1, description="segment ids (existing ones)")
    origin: Literal["ai"] = "ai"
    rule: str = Field(description="id of the lexicon entry or rule that produced it")
    verified: bool = Field(description="the verifier found the text supported by its evidence")
    score: float = Field(ge=0, le=1, description="the verifier's support score")

    def __repr__(self) -> str:  # never show transcript words
        return f"Item(id={self.id!r}, kind={self.kind!r}, evidence={self.evidence})"


class NotAssessed(_Frozen):
    name: str
    reason: str = "not discussed in this session"


class DisabledPart(_Frozen):
    status: Literal["disabled"] = "disabled"
    reason: str


class SkippedPart(_Frozen):
    """A part that could not run (``not_assessed``) or does not apply (``not_applicable``)."""

    status: Literal["not_assessed", "not_applicable"]
    reason: str


# --- diagnostic impressions --------------------------------------------------------------------


class Criterion(_Frozen):
    id: str
    label: str
    status: Literal["supported", "discussed_not_supported", "not_assessed"]
    items: tuple[Item, ...] = ()


class DiagnosticCandidate(_Frozen):
    id: str
    name: str = Field(description="DSM-5-TR name")
    codes: tuple[str, ...] = Field(description="ICD-10-CM codes the clinician may choose from")
    suggestion: str = Field(description="worded for the clinician: 'Consider ...'")
    criteria_supported: tuple[Criterion, ...]
    criteria_not_assessed: tuple[Criterion, ...]
    criteria_discussed_not_supported: tuple[Criterion, ...] = ()
    evidence: tuple[str, ...] = Field(min_length=1)
    origin: Literal["ai"] = "ai"
    verified: bool
    score: float = Field(ge=0, le=1)


class CodeTableInfo(_Frozen):
    name: str
    version: str
    source: str


class DiagnosticPart(_Frozen):
    status: Literal["assessed"] = "assessed"
    code_table: CodeTableInfo
    candidates: tuple[DiagnosticCandidate, ...]
    not_assessed: tuple[NotAssessed, ...] = ()
    caution: str = (
        "Suggestions to consider, not diagnoses. Exclusion criteria, functional impairment, "
        "medical and substance causes are for the clinician to assess; the code is the "
        "clinician's choice from the table."
    )


# --- needs, strengths ----------------------------------------------------------------------------


class CategoryPart(_Frozen):
    """Service needs or strengths: items grouped by category, and categories not revealed."""

    status: Literal["assessed"] = "assessed"
    items: tuple[Item, ...]
    not_assessed: tuple[NotAssessed, ...] = ()


# --- conceptualization ---------------------------------------------------------------------------


class Element(_Frozen):
    name: str
    status: Literal["assessed", "not_assessed", "disabled"]
    items: tuple[Item, ...] = ()
    reason: str | None = None


class ConceptualizationPart(_Frozen):
    status: Literal["assessed"] = "assessed"
    framework: Framework
    elements: tuple[Element, ...]


# --- goals ----------------------------------------------------------------------------------------

GoalStatus = Literal["progress", "setback", "mixed", "discussed", "not_assessed"]


class GoalResult(_Frozen):
    id: str
    text: str = Field(repr=False)
    status: GoalStatus
    progress: tuple[Item, ...] = ()
    setbacks: tuple[Item, ...] = ()
    discussed: tuple[Item, ...] = ()


class GoalsPart(_Frozen):
    status: Literal["assessed"] = "assessed"
    source: str = Field(description="the goals file (name only)")
    goals: tuple[GoalResult, ...]


# --- safety plan ---------------------------------------------------------------------------------


class SafetyElement(_Frozen):
    id: str
    label: str
    status: Literal["covered", "missing"]
    items: tuple[Item, ...] = ()


class SafetyPlanPart(_Frozen):
    status: Literal["assessed"] = "assessed"
    triggered_by: tuple[str, ...] = Field(description="screening domains that were flagged")
    covered: tuple[SafetyElement, ...]
    missing: tuple[SafetyElement, ...]
    caution: str = (
        "Coverage of the Stanley-Brown safety-plan elements in this session's words; the plan "
        "itself is made with the client and confirmed by the clinician."
    )


# --- policy and document -------------------------------------------------------------------------


class PolicySummary(_Frozen):
    jurisdictions: tuple[str, ...]
    disabled: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="part -> reasons (citations)"
    )
    clinician_approval_required: bool = True
    client_disclosure_required: bool = False
    written_ai_consent_required: bool = False
    data_residency: tuple[str, ...] = ()
    citations: tuple[str, ...] = ()


class ScreeningSummary(_Frozen):
    domains: dict[str, str] = Field(description="domain -> screening status")
    flagged: tuple[str, ...] = ()


Diagnostic = DiagnosticPart | DisabledPart
Categories = CategoryPart | DisabledPart
Conceptualization = ConceptualizationPart | DisabledPart
Goals = GoalsPart | DisabledPart | SkippedPart
SafetyPlan = SafetyPlanPart | DisabledPart | SkippedPart


class Assessment(_Frozen):
    schema_: Literal["clearnote.assessment/1"] = Field(default=ASSESSMENT_SCHEMA, alias="schema")
    notice: str = NOTICE
    origin: Literal["ai"] = "ai"
    status: Literal["draft"] = "draft"
    framework: Framework
    limitations: tuple[str, ...] = LIMITATIONS
    policy: PolicySummary
    screening: ScreeningSummary
    diagnostic_impressions: Diagnostic
    service_needs: Categories
    strengths: Categories
    conceptualization: Conceptualization
    treatment_goals: Goals
    safety_plan: SafetyPlan
    backends: tuple[str, ...] = ()

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    def to_document(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)

    def items(self) -> list[Item]:
        """Every item in the document (diagnostic criteria included), in document order."""
        out: list[Item] = []
        d = self.diagnostic_impressions
        if isinstance(d, DiagnosticPart):
            for cand in d.candidates:
                for crit in cand.criteria_supported:
                    out.extend(crit.items)
        for part in (self.service_needs, self.strengths):
            if isinstance(part, CategoryPart):
                out.extend(part.items)
        c = self.conceptualization
        if isinstance(c, ConceptualizationPart):
            for el in c.elements:
                out.extend(el.items)
        g = self.treatment_goals
        if isinstance(g, GoalsPart):
            for goal in g.goals:
                out.extend((*goal.progress, *goal.setbacks, *goal.discussed))
        s = self.safety_plan
        if isinstance(s, SafetyPlanPart):
            for covered in s.covered:
                out.extend(covered.items)
        return out

    def not_assessed_count(self) -> int:
        """How many things the document explicitly lists as not assessed."""
        n = 0
        d = self.diagnostic_impressions
        if isinstance(d, DiagnosticPart):
            n += len(d.not_assessed)
            n += sum(len(c.criteria_not_assessed) for c in d.candidates)
        for part in (self.service_needs, self.strengths):
            if isinstance(part, CategoryPart):
                n += len(part.not_assessed)
        c = self.conceptualization
        if isinstance(c, ConceptualizationPart):
            n += sum(el.status == "not_assessed" for el in c.elements)
        g = self.treatment_goals
        if isinstance(g, GoalsPart):
            n += sum(goal.status == "not_assessed" for goal in g.goals)
        s = self.safety_plan
        if isinstance(s, SafetyPlanPart):
            n += len(s.missing)
        return n

    def __repr__(self) -> str:
        return f"Assessment(framework={self.framework!r}, items={len(self.items())})"
