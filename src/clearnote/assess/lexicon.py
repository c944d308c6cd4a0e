"""The assessment lexicon: validated from plain data, compiled into regular expressions. Pure.

See ``data/assessment_lexicon.yaml`` for the format and the provenance of every entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearnote.assess.resources import AssessDataError, read_packaged

DEFAULT_LEXICON = "assessment_lexicon.yaml"
Speakers = Literal["client", "any"]


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EntrySpec(_Spec):
    label: str
    source: str
    patterns: str = ""
    negated_patterns: str = ""
    questions: str = ""
    subject_check: bool = True
    speakers: Speakers = "client"
    exclude_if: str | None = None
    requires: str | None = None


class DurationSpec(_Spec):
    source: str
    pattern: str


class GoalCueSpec(_Spec):
    progress: str
    setback: str
    setback_negated: str


class LexiconSpec(_Spec):
    name: str
    version: str
    fragments: dict[str, str] = Field(default_factory=dict)
    symptoms: dict[str, EntrySpec]
    durations: DurationSpec
    needs: dict[str, EntrySpec]
    strengths: dict[str, EntrySpec]
    cbt: dict[str, EntrySpec]
    family: dict[str, EntrySpec]
    narrative: dict[str, EntrySpec]
    safety_plan: dict[str, EntrySpec]
    goal_cues: GoalCueSpec


@dataclass(frozen=True)
class Entry:
    """One compiled lexicon entry (a symptom concept, a need category, a CBT element...)."""

    id: str
    label: str
    source: str
    patterns: tuple[re.Pattern[str], ...]
    negated_patterns: tuple[re.Pattern[str], ...]
    questions: tuple[re.Pattern[str], ...]
    subject_check: bool
    speakers: Speakers
    exclude_if: re.Pattern[str] | None
    requires: re.Pattern[str] | None

    def __repr__(self) -> str:
        return f"Entry(id={self.id!r})"


@dataclass(frozen=True)
class Lexicon:
    name: str
    version: str
    symptoms: dict[str, Entry]
    durations: re.Pattern[str]
    needs: dict[str, Entry]
    strengths: dict[str, Entry]
    cbt: dict[str, Entry]
    family: dict[str, Entry]
    narrative: dict[str, Entry]
    safety_plan: dict[str, Entry]
    goal_progress: re.Pattern[str]
    goal_setback: re.Pattern[str]
    goal_setback_negated: re.Pattern[str]

    def __repr__(self) -> str:
        return f"Lexicon(name={self.name!r}, version={self.version!r})"


_FRAGMENT = re.compile(r"\{(\w+)\}")


def _expand(text: str, fragments: dict[str, str], where: str) -> str:
    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in fragments:
            raise AssessDataError(f"{where}: unknown fragment '{name}'")
        return fragments[name]

    return _FRAGMENT.sub(sub, text)


def compile_pattern(text: str, fragments: dict[str, str], where: str) -> re.Pattern[str]:
    try:
        return re.compile(_expand(text.strip(), fragments, where))
    except re.error as exc:
        raise AssessDataError(f"{where}: invalid pattern ({exc.msg})") from None


def _lines(block: str, fragments: dict[str, str], where: str) -> tuple[re.Pattern[str], ...]:
    return tuple(
        compile_pattern(line, fragments, where) for line in block.splitlines() if line.strip()
    )


def _entries(
    group: str, specs: dict[str, EntrySpec], fragments: dict[str, str], source: str
) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for key, spec in specs.items():
        where = f"{source}: {group}.{key}"
        entry = Entry(
            id=key,
            label=spec.label,
            source=spec.source,
            patterns=_lines(spec.patterns, fragments, where),
            negated_patterns=_lines(spec.negated_patterns, fragments, where),
            questions=_lines(spec.questions, fragments, where),
            subject_check=spec.subject_check,
            speakers=spec.speakers,
            exclude_if=compile_pattern(spec.exclude_if, fragments, where)
            if spec.exclude_if
            else None,
            requires=compile_pattern(spec.requires, fragments, where) if spec.requires else None,
        )
        if not entry.patterns and not entry.negated_patterns:
            raise AssessDataError(f"{where}: no patterns")
        out[key] = entry
    return out


def compile_lexicon(data: Any, *, source: str) -> Lexicon:
    """Validate and compile a parsed lexicon; errors name the source and the entry."""
    if not isinstance(data, dict):
        raise AssessDataError(f"{source}: expected a mapping at the top level")
    try:
        spec = LexiconSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise AssessDataError(f"{source}: invalid field '{where}' ({first['type']})") from None
    fr = spec.fragments
    return Lexicon(
        name=spec.name,
        version=spec.version,
        symptoms=_entries("symptoms", spec.symptoms, fr, source),
        durations=compile_pattern(spec.durations.pattern, fr, f"{source}: durations"),
        needs=_entries("needs", spec.needs, fr, source),
        strengths=_entries("strengths", spec.strengths, fr, source),
        cbt=_entries("cbt", spec.cbt, fr, source),
        family=_entries("family", spec.family, fr, source),
        narrative=_entries("narrative", spec.narrative, fr, source),
        safety_plan=_entries("safety_plan", spec.safety_plan, fr, source),
        goal_progress=compile_pattern(spec.goal_cues.progress, fr, f"{source}: goal_cues"),
        goal_setback=compile_pattern(spec.goal_cues.setback, fr, f"{source}: goal_cues"),
        goal_setback_negated=compile_pattern(
            spec.goal_cues.setback_negated, fr, f"{source}: goal_cues"
        ),
    )


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped with Clearnote (compiled once per process)."""
    return compile_lexicon(read_packaged(DEFAULT_LEXICON), source=DEFAULT_LEXICON)
