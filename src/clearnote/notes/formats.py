"""Note formats: which sections a note has and which kinds of content go in each.

A *content kind* is what a drafted statement is about (a symptom, an intervention, a plan, ...).
Every backend drafts per section; the extractive drafter classifies what was said into kinds and
a format places each kind in exactly one section (a kind no section names is left out).
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

ContentKind = Literal[
    "presenting_concern",  # why the client came / what they are struggling with
    "symptom",  # symptoms, with duration and severity where said
    "stressor",  # work, family, money, loss, conflict ...
    "history",  # background the session mentioned
    "medication",  # medication the client reported taking
    "denial",  # a question asked in the session and answered no
    "score",  # measures said aloud: mood 4/10, PHQ-9, GAD-7
    "finding",  # what the clinician stated as a finding (exam, results, vitals)
    "risk",  # risk disclosures: suicide, self-harm, harm to others, abuse, substance use
    "assessment",  # the clinician's impression
    "intervention",  # what the clinician did or introduced
    "response",  # how the client responded to it
    "goal",  # what the client wants to change
    "homework",  # tasks between sessions
    "plan",  # what will happen next (treatment, referrals, medication changes)
    "next_appointment",  # when they meet again
]
CONTENT_KINDS: tuple[str, ...] = get_args(ContentKind)

RiskDomain = Literal[
    "suicide",
    "self_harm",
    "harm_to_others",
    "child_abuse",
    "elder_dependent_abuse",
    "intimate_partner_violence",
    "substance_use",
]
RISK_DOMAINS: tuple[str, ...] = get_args(RiskDomain)


class SectionSpec(BaseModel):
    """One section of a format and the kinds of content it holds."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    title: str = Field(min_length=1, max_length=80)
    kinds: tuple[ContentKind, ...] = Field(default=(), description="content kinds placed here")
    not_assessed: tuple[RiskDomain, ...] = Field(
        default=(),
        description="risk domains to write as 'not assessed in this session' here when the "
        "session did not touch them (never as a denial)",
    )
    guidance: str = Field(default="", max_length=400, description="what goes here, for LLMs")


class NoteFormat(BaseModel):
    """A named list of sections; each content kind belongs to at most one section."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_\-]{0,39}$")
    sections: tuple[SectionSpec, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> NoteFormat:
        keys: dict[str, int] = {}
        owner: dict[str, int] = {}
        for number, sec in enumerate(self.sections, start=1):
            if sec.key in keys:  # positions, not the key: a file's text is never echoed
                raise ValueError(f"sections {keys[sec.key]} and {number} have the same key")
            keys[sec.key] = number
            for kind in sec.kinds:
                if kind in owner:
                    raise ValueError(f"kind '{kind}' is in sections {owner[kind]} and {number}")
                owner[kind] = number
        return self

    def section_for(self, kind: str) -> str | None:
        """The key of the section that holds ``kind``, or None when the format leaves it out."""
        for sec in self.sections:
            if kind in sec.kinds:
                return sec.key
        return None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)


def _sec(key: str, title: str, kinds: str, guidance: str) -> SectionSpec:
    return SectionSpec.model_validate(
        {"key": key, "title": title, "kinds": kinds.split(), "guidance": guidance}
    )


_CLIENT_REPORT = "presenting_concern symptom stressor history medication denial"

BUILTIN_FORMATS: dict[str, NoteFormat] = {
    "soap": NoteFormat(
        name="soap",
        sections=(
            _sec(
                "subjective",
                "Subjective",
                f"{_CLIENT_REPORT} goal",
                "what the client reported: concerns, symptoms with duration and severity, "
                "stressors, medication, goals",
            ),
            _sec(
                "objective",
                "Objective",
                "score finding",
                "scores said aloud and findings the clinician stated; never appearance, eye "
                "contact, psychomotor activity or affect",
            ),
            _sec(
                "assessment",
                "Assessment",
                "assessment response risk",
                "the clinician's impression, the client's response, risk as discussed",
            ),
            _sec(
                "plan",
                "Plan",
                "intervention homework plan next_appointment",
                "interventions used, homework, plans and the next appointment",
            ),
        ),
    ),
    "dap": NoteFormat(
        name="dap",
        sections=(
            _sec(
                "data",
                "Data",
                f"{_CLIENT_REPORT} score finding intervention response",
                "what was reported and done in the session",
            ),
            _sec(
                "assessment",
                "Assessment",
                "assessment risk",
                "the clinician's impression and risk as discussed",
            ),
            _sec(
                "plan",
                "Plan",
                "goal homework plan next_appointment",
                "goals, homework, plans and the next appointment",
            ),
        ),
    ),
    "birp": NoteFormat(
        name="birp",
        sections=(
            _sec(
                "behavior",
                "Behavior",
                f"{_CLIENT_REPORT} score finding risk",
                "what the client reported and scores said aloud",
            ),
            _sec(
                "intervention", "Intervention", "intervention assessment", "what the clinician did"
            ),
            _sec(
                "response", "Response", "response", "how the client responded to the interventions"
            ),
            _sec(
                "plan",
                "Plan",
                "goal homework plan next_appointment",
                "goals, homework, plans and the next appointment",
            ),
        ),
    ),
    "girp": NoteFormat(
        name="girp",
        sections=(
            _sec(
                "goals",
                "Goals",
                "goal presenting_concern",
                "the client's goals and what brought them in",
            ),
            _sec(
                "intervention", "Intervention", "intervention assessment", "what the clinician did"
            ),
            _sec(
                "response",
                "Response",
                "response symptom stressor history medication denial score finding risk",
                "how the client responded and what they reported",
            ),
            _sec(
                "plan",
                "Plan",
                "homework plan next_appointment",
                "homework, plans and the next appointment",
            ),
        ),
    ),
    "pirp": NoteFormat(
        name="pirp",
        sections=(
            _sec(
                "problem",
                "Problem",
                f"{_CLIENT_REPORT} score finding risk",
                "the presenting problem as the client described it",
            ),
            _sec(
                "intervention", "Intervention", "intervention assessment", "what the clinician did"
            ),
            _sec(
                "response", "Response", "response", "how the client responded to the interventions"
            ),
            _sec(
                "plan",
                "Plan",
                "goal homework plan next_appointment",
                "goals, homework, plans and the next appointment",
            ),
        ),
    ),
}
