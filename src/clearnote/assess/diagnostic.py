"""Diagnostic considerations: candidate DSM-5-TR diagnoses with ICD-10-CM codes, the criteria the
session shows evidence for, and the criteria it does not. Worded as suggestions for the
clinician ("Consider ..."), never as a diagnosis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearnote.assess.grounding import Grounder, flag_words
from clearnote.assess.lexicon import Lexicon
from clearnote.assess.matching import Hit, SessionText
from clearnote.assess.resources import AssessDataError, read_packaged
from clearnote.domain.assessment import (
    CodeTableInfo,
    Criterion,
    DiagnosticCandidate,
    DiagnosticPart,
    Item,
    NotAssessed,
)
from clearnote.domain.screening import ScreeningReport

DEFAULT_TABLE = "diagnoses.yaml"
MAX_ITEMS_PER_CRITERION = 3
SUICIDE_CRITERION = "suicidal_thoughts"
DURATION_CRITERION = "duration"
_NUMBER = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "couple": 2,
    "couple of": 2,
    "few": 3,
    "several": 4,
}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CriterionSpec(_Spec):
    id: str
    label: str | None = None
    min_days: int | None = Field(default=None, ge=1)


class CandidateSpec(_Spec):
    id: str
    name: str
    codes: tuple[str, ...] = Field(min_length=1)
    requirement: str
    core: tuple[str, ...] = ()
    gate: tuple[str, ...] = ()
    min_supported: int = Field(ge=1)
    criteria: tuple[CriterionSpec, ...] = Field(min_length=1)
    clinician_only: tuple[str, ...] = ()


class TableSpec(_Spec):
    code_table: CodeTableInfo
    codes: dict[str, str]
    candidates: tuple[CandidateSpec, ...]


@dataclass(frozen=True)
class DiagnosisTable:
    info: CodeTableInfo
    codes: dict[str, str]
    candidates: tuple[CandidateSpec, ...]

    def __repr__(self) -> str:
        return f"DiagnosisTable(version={self.info.version!r}, codes={len(self.codes)})"


def compile_table(data: Any, lexicon: Lexicon, *, source: str) -> DiagnosisTable:
    """Validate the table: every candidate's codes are in the code table and every criterion is a
    lexicon symptom, the screening criterion or a duration."""
    try:
        spec = TableSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise AssessDataError(f"{source}: invalid field '{where}' ({first['type']})") from None
    for cand in spec.candidates:
        for gate in cand.gate:
            if gate not in lexicon.symptoms and gate != DURATION_CRITERION:
                raise AssessDataError(f"{source}: {cand.id}: unknown gate '{gate}'")
        for code in cand.codes:
            if code not in spec.codes:
                raise AssessDataError(f"{source}: {cand.id}: code {code} not in the code table")
        for crit in cand.criteria:
            known = crit.id in lexicon.symptoms or crit.id == SUICIDE_CRITERION
            if crit.id == DURATION_CRITERION:
                known = crit.min_days is not None
            if not known:
                raise AssessDataError(f"{source}: {cand.id}: unknown criterion '{crit.id}'")
    return DiagnosisTable(spec.code_table, dict(spec.codes), spec.candidates)


@lru_cache(maxsize=1)
def default_table() -> DiagnosisTable:
    from clearnote.assess.lexicon import default_lexicon

    return compile_table(read_packaged(DEFAULT_TABLE), default_lexicon(), source=DEFAULT_TABLE)


def duration_days(n: str | None, unit: str) -> int:
    count = _NUMBER.get(n, 0) if n and not n.isdigit() else int(n) if n else 2
    base = unit.rstrip("s")
    return count * _UNIT_DAYS.get(base, 0)


@dataclass(frozen=True)
class _Duration:
    days: int
    hit: Hit


def _durations(session: SessionText, lexicon: Lexicon) -> list[_Duration]:
    out: list[_Duration] = []
    for u in session.client_utterances():
        best = 0
        for m in lexicon.durations.finditer(u.sentence.masked):
            best = max(best, duration_days(m.group("n"), m.group("unit")))
        if best:
            hit = Hit(
                entry=DURATION_CRITERION,
                segment_ids=(u.segment.id,),
                quote=u.sentence.original,
                start=u.segment.start,
                role=u.role,
                rule="durations",
                index=u.index,
            )
            out.append(_Duration(best, hit))
    return out


class DiagnosticAssessor:
    """Evaluates every candidate of the table against one session."""

    def __init__(
        self,
        session: SessionText,
        lexicon: Lexicon,
        table: DiagnosisTable,
        screening: ScreeningReport,
        grounder: Grounder,
    ) -> None:
        self.session = session
        self.lexicon = lexicon
        self.table = table
        self.screening = screening
        self.grounder = grounder
        self._hits: dict[str, list[Hit]] = {}
        self._items: dict[tuple[str, str], tuple[Item, ...]] = {}
        self._durations = _durations(session, lexicon)

    def _symptom(self, sid: str) -> list[Hit]:
        if sid not in self._hits:
            self._hits[sid] = self.session.match(self.lexicon.symptoms[sid], "symptoms")
        return self._hits[sid]

    def _items_for(self, key: str, hits: Sequence[Hit]) -> tuple[Item, ...]:
        cache_key = (key, "|".join(h.rule + ":" + ",".join(h.segment_ids) for h in hits))
        if cache_key not in self._items:
            self._items[cache_key] = tuple(
                self.grounder.from_hit(key, h) for h in hits[:MAX_ITEMS_PER_CRITERION]
            )
        return self._items[cache_key]

    def _suicide(self, label: str) -> Criterion:
        result = self.screening.domain("suicide")
        if result.status == "flagged":
            items = tuple(
                self.grounder.item(
                    SUICIDE_CRITERION,
                    f"Screening flagged suicide: {flag_words(f, self.session.transcript)}",
                    f.segment_ids,
                    f"screening:suicide:{f.rule}",
                    f.quote,
                )
                for f in result.flags[:MAX_ITEMS_PER_CRITERION]
            )
            return Criterion(id=SUICIDE_CRITERION, label=label, status="supported", items=items)
        if result.status == "discussed_denied":
            return Criterion(id=SUICIDE_CRITERION, label=label, status="discussed_not_supported")
        return Criterion(id=SUICIDE_CRITERION, label=label, status="not_assessed")

    def _duration(self, label: str, min_days: int, related: set[int]) -> Criterion:
        near = [d for d in self._durations if any(d.hit.index - k in related for k in (0, 1, 2))]
        if not near:
            return Criterion(id=DURATION_CRITERION, label=label, status="not_assessed")
        long_enough = [d.hit for d in near if d.days >= min_days]
        if long_enough:
            return Criterion(
                id=DURATION_CRITERION,
                label=label,
                status="supported",
                items=self._items_for(DURATION_CRITERION, long_enough),
            )
        return Criterion(
            id=DURATION_CRITERION,
            label=label,
            status="discussed_not_supported",
            items=self._items_for(DURATION_CRITERION, [d.hit for d in near]),
        )

    def evaluate(self, cand: CandidateSpec) -> tuple[DiagnosticCandidate | None, str]:
        criteria: list[Criterion] = []
        related: set[int] = set()
        listed = {c.id for c in cand.criteria}
        specs = [CriterionSpec(id=g) for g in cand.gate if g not in listed]
        specs.extend(cand.criteria)
        for spec in specs:
            if spec.id in (SUICIDE_CRITERION, DURATION_CRITERION):
                continue
            related.update(h.index for h in self._symptom(spec.id) if not h.denied)
        for spec in specs:
            if spec.id == SUICIDE_CRITERION:
                criteria.append(self._suicide(spec.label or "thoughts of death or suicide"))
                continue
            if spec.id == DURATION_CRITERION:
                assert spec.min_days is not None
                criteria.append(self._duration(spec.label or "duration", spec.min_days, related))
                continue
            entry = self.lexicon.symptoms[spec.id]
            hits = self._symptom(spec.id)
            found = [h for h in hits if not h.denied]
            label = spec.label or entry.label
            if found:
                criteria.append(
                    Criterion(
                        id=spec.id,
                        label=label,
                        status="supported",
                        items=self._items_for(spec.id, found),
                    )
                )
            elif hits:
                criteria.append(
                    Criterion(id=spec.id, label=label, status="discussed_not_supported")
                )
            else:
                criteria.append(Criterion(id=spec.id, label=label, status="not_assessed"))
        supported = {c.id for c in criteria if c.status == "supported"}
        if not all(g in supported for g in cand.gate):
            return None, "the session did not show the required context"
        if cand.core and not supported & set(cand.core):
            return None, "no evidence for a core criterion in this session"
        counted = [
            c
            for c in criteria
            if c.status == "supported" and c.id not in cand.gate and c.id != DURATION_CRITERION
        ]
        if len(counted) < cand.min_supported:
            return None, "too little evidence in this session to suggest it (not ruled out)"
        return self._candidate(cand, criteria), ""

    def _candidate(self, cand: CandidateSpec, criteria: list[Criterion]) -> DiagnosticCandidate:
        sup = tuple(c for c in criteria if c.status == "supported")
        missing = tuple(c for c in criteria if c.status == "not_assessed")
        denied = tuple(c for c in criteria if c.status == "discussed_not_supported")
        clinician = tuple(
            Criterion(id=f"clinician.{i + 1}", label=text, status="not_assessed")
            for i, text in enumerate(cand.clinician_only)
        )
        codes = " / ".join(f"{c} {self.table.codes[c]}" for c in cand.codes)
        not_assessed = [c.label for c in missing] + list(cand.clinician_only)
        suggestion = (
            f"Consider {cand.name} (ICD-10-CM {codes}) for the clinician's own assessment: "
            f"the session shows evidence for {len(sup)} of {len(criteria)} criterion concepts "
            f"({'; '.join(c.label for c in sup)}); DSM-5-TR asks for {cand.requirement}. "
            f"Criteria not assessed: {'; '.join(not_assessed) or 'none listed'}. "
            "A suggestion for the clinician, not a diagnosis."
        )
        items = [i for c in sup for i in c.items]
        evidence = tuple(dict.fromkeys(e for i in items for e in i.evidence))
        return DiagnosticCandidate(
            id=cand.id,
            name=cand.name,
            codes=cand.codes,
            suggestion=suggestion,
            criteria_supported=sup,
            criteria_not_assessed=(*missing, *clinician),
            criteria_discussed_not_supported=denied,
            evidence=evidence,
            verified=all(i.verified for i in items),
            score=min((i.score for i in items), default=0.0),
        )


def assess_diagnostic(
    session: SessionText,
    lexicon: Lexicon,
    table: DiagnosisTable,
    screening: ScreeningReport,
    grounder: Grounder,
) -> DiagnosticPart:
    assessor = DiagnosticAssessor(session, lexicon, table, screening, grounder)
    candidates: list[DiagnosticCandidate] = []
    skipped: list[NotAssessed] = []
    for cand in table.candidates:
        result, why = assessor.evaluate(cand)
        if result is None:
            skipped.append(NotAssessed(name=cand.name, reason=why))
        else:
            candidates.append(result)
    candidates.sort(key=lambda c: -len(c.criteria_supported))
    return DiagnosticPart(
        code_table=table.info, candidates=tuple(candidates), not_assessed=tuple(skipped)
    )
