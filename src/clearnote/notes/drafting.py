"""Drafting service: transcript + format + backend → a ``clearnote.note/1`` draft.

Every statement is ``origin: "ai"``. Model statements are re-grounded (their citations are never
trusted); a statement nothing grounds stays in the note with no evidence, for the verifier to
flag. Observational mental-status fields are always left to the clinician.
"""

from __future__ import annotations

import logging
from functools import cache

from clearnote.assess.screening import RuleScreener, default_rules
from clearnote.domain.note import ClinicianField, Note, Section, Statement, statement_id
from clearnote.domain.screening import DOMAINS
from clearnote.domain.transcript import Transcript
from clearnote.llm.base import DraftBackend, DraftedStatement
from clearnote.notes import lexicon as lx
from clearnote.notes.formats import NoteFormat
from clearnote.notes.grounding import ground

log = logging.getLogger(__name__)
NOT_OBSERVABLE = "not observable from audio"
MSE_FIELDS: tuple[str, ...] = (
    "mse.appearance",
    "mse.eye_contact",
    "mse.psychomotor_activity",
    "mse.observed_affect",
)
NOT_DISCUSSED = "not discussed in this session: not assessed"
_DOMAIN_LABEL = {
    "suicide": "Suicide risk",
    "self_harm": "Self-harm",
    "harm_to_others": "Risk of harm to others",
    "child_abuse": "Child abuse",
    "elder_dependent_abuse": "Elder or dependent-adult abuse",
    "intimate_partner_violence": "Intimate partner violence",
    "substance_use": "Substance use",
}


@cache
def _screener() -> RuleScreener:
    return RuleScreener(default_rules())


def discussed_domains(transcript: Transcript) -> set[str]:
    """Risk domains that came up in the session, by either speaker (asked, disclosed, denied or
    mentioned). The screening rules are the one place that knows how each topic is spoken of, so
    the note can never call "not discussed" what the screening saw discussed."""
    report = _screener().screen(transcript)
    return {d.domain for d in report.domains if d.status != "not_discussed"}


def not_assessed_text(domain: str) -> str:
    return f"{_DOMAIN_LABEL.get(domain, domain)}: not assessed in this session."


def _evidence(
    transcript: Transcript, st: DraftedStatement, trusted: bool, known: set[str]
) -> tuple[str, ...]:
    if trusted:
        valid = tuple(e for e in st.evidence if e in known)
        if valid:
            return valid
    ids, _score = ground(transcript, st.text)
    return tuple(i for i in ids if i in known)


def observes(text: str) -> bool:
    """Does ``text`` report what only eyes could have seen (appearance, eye contact,
    psychomotor activity, observed affect), other than as the client's own account?"""
    return bool(lx.OBSERVED.search(text)) and not lx.SELF_REPORTED.search(text)


def draft_note(transcript: Transcript, fmt: NoteFormat, backend: DraftBackend) -> Note:
    """Draft a note of format ``fmt`` from ``transcript`` with ``backend``. A model's statement
    that reports a visual observation is dropped (the recording has no eyes; those fields are
    the clinician's), and the count is logged (never the words)."""
    drafted = backend.draft(transcript, fmt)
    known = {s.id for s in transcript.segments}
    by_section: dict[str, list[tuple[str, tuple[str, ...]]]] = {k: [] for k in fmt.keys}
    dropped = 0
    for st in drafted:
        if st.section not in by_section or not st.text.strip():
            continue
        if not backend.cites_by_construction and observes(st.text):
            dropped += 1
            continue
        ev = _evidence(transcript, st, backend.cites_by_construction, known)
        by_section[st.section].append((st.text.strip(), ev))
    if dropped:
        log.info("draft: %d model statement(s) of visual observation dropped", dropped)

    discussed = discussed_domains(transcript)
    sections: list[Section] = []
    n = 0
    for spec in fmt.sections:
        statements: list[Statement] = []
        for text, ev in by_section[spec.key]:
            n += 1
            statements.append(Statement(id=statement_id(n), text=text, evidence=ev, origin="ai"))
        for domain in spec.not_assessed:
            if domain not in discussed:
                n += 1
                statements.append(
                    Statement(id=statement_id(n), text=not_assessed_text(domain), origin="ai")
                )
        sections.append(Section(key=spec.key, title=spec.title, statements=tuple(statements)))

    fields = [ClinicianField(key=k, reason=NOT_OBSERVABLE) for k in MSE_FIELDS]
    fields += [
        ClinicianField(key=f"risk.{d}", reason=NOT_DISCUSSED) for d in DOMAINS if d not in discussed
    ]
    return Note.model_validate(
        {
            "format": fmt.name,
            "status": "draft",
            "sections": sections,
            "clinician_fields": fields,
            "backend": backend.name,
        }
    )
