"""Treatment-plan goals a clinician enters (YAML), and the session's evidence of progress or
setbacks toward each (GIRP-ready).

Goals file::

    goals:
      - id: G1
        text: Reduce drinking to two nights a week
        keywords: [drink, alcohol, beer]
        direction: reduce           # or increase (default): what a negated mention means
        indicators:                 # optional phrases, added to the general cues
          progress: [stayed sober, only had two]
          setback: [blacked out]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearnote.assess.grounding import Grounder
from clearnote.assess.lexicon import Lexicon
from clearnote.assess.matching import SessionText, scoped_negation
from clearnote.assess.resources import AssessDataError, read_yaml_file
from clearnote.assess.screening.text import third_party
from clearnote.domain.assessment import GoalResult, GoalsPart, GoalStatus, Item

MAX_ITEMS = 5
_CONDITIONAL = re.compile(r"\b(?:if|unless|when|whenever)\b")


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicators(_Spec):
    progress: tuple[str, ...] = ()
    setback: tuple[str, ...] = ()


class GoalSpec(_Spec):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    keywords: tuple[str, ...] = Field(min_length=1)
    direction: Literal["increase", "reduce"] = "increase"
    indicators: Indicators = Indicators()


class GoalsFileSpec(_Spec):
    goals: tuple[GoalSpec, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Goal:
    spec: GoalSpec
    keywords: re.Pattern[str]
    progress: re.Pattern[str] | None
    setback: re.Pattern[str] | None

    def __repr__(self) -> str:
        return f"Goal(id={self.spec.id!r})"


@dataclass(frozen=True)
class GoalSet:
    source: str
    goals: tuple[Goal, ...]


def _phrases(words: tuple[str, ...]) -> re.Pattern[str] | None:
    cleaned = [w.strip().lower() for w in words if w.strip()]
    if not cleaned:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in cleaned) + r")\w*")


def compile_goals(data: Any, *, source: str) -> GoalSet:
    """Validate a parsed goals file (a mapping with ``goals``, or a bare list)."""
    if isinstance(data, list):
        data = {"goals": data}
    if not isinstance(data, dict):
        raise AssessDataError(f"{source}: expected a mapping with 'goals' (a list of goals)")
    try:
        spec = GoalsFileSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise AssessDataError(f"{source}: invalid field '{where}' ({first['type']})") from None
    ids = [g.id for g in spec.goals]
    if len(set(ids)) != len(ids):
        raise AssessDataError(f"{source}: goal ids must be unique")
    goals = []
    for g in spec.goals:
        keywords = _phrases(g.keywords)
        if keywords is None:
            raise AssessDataError(f"{source}: goal {g.id}: keywords are empty")
        goals.append(
            Goal(g, keywords, _phrases(g.indicators.progress), _phrases(g.indicators.setback))
        )
    return GoalSet(source=Path(source).name, goals=tuple(goals))


def load_goals(path: Path) -> GoalSet:
    """Read a goals YAML file; every error names the file."""
    return compile_goals(read_yaml_file(path), source=str(path))


def _status(progress: list[Item], setbacks: list[Item], discussed: list[Item]) -> GoalStatus:
    if progress and setbacks:
        return "mixed"
    if progress:
        return "progress"
    if setbacks:
        return "setback"
    return "discussed" if discussed else "not_assessed"


def track_goals(
    session: SessionText, lexicon: Lexicon, goals: GoalSet, grounder: Grounder
) -> GoalsPart:
    results: list[GoalResult] = []
    for goal in goals.goals:
        progress: list[Item] = []
        setbacks: list[Item] = []
        discussed: list[Item] = []
        for u in session.client_utterances():
            text = u.sentence.masked
            m = goal.keywords.search(text)
            if m is None or third_party(u.sentence, m.start(), session.rules):
                continue
            up = bool(
                (goal.progress and goal.progress.search(text)) or lexicon.goal_progress.search(text)
            )
            down = bool(
                (goal.setback and goal.setback.search(text))
                or lexicon.goal_setback.search(text)
                or lexicon.goal_setback_negated.search(text)
            )
            conditional = _CONDITIONAL.search(text) is not None
            if (
                not up
                and not down
                and not conditional
                and scoped_negation(u.sentence, m.start(), m.end())
            ):
                up, down = goal.spec.direction == "reduce", goal.spec.direction == "increase"
            if goal.progress and goal.progress.search(text):
                down = False
            if goal.setback and goal.setback.search(text):
                up = False
            rule = f"goal.{goal.spec.id}"
            quote = u.sentence.original
            ids = (u.segment.id,)
            if up and len(progress) < MAX_ITEMS:
                progress.append(
                    grounder.item("progress", f'Client said: "{quote}"', ids, rule, quote)
                )
            if down and len(setbacks) < MAX_ITEMS:
                setbacks.append(
                    grounder.item("setback", f'Client said: "{quote}"', ids, rule, quote)
                )
            if not up and not down and len(discussed) < MAX_ITEMS:
                discussed.append(
                    grounder.item("discussed", f'Client said: "{quote}"', ids, rule, quote)
                )
        results.append(
            GoalResult(
                id=goal.spec.id,
                text=goal.spec.text,
                status=_status(progress, setbacks, discussed),
                progress=tuple(progress),
                setbacks=tuple(setbacks),
                discussed=tuple(discussed),
            )
        )
    return GoalsPart(source=goals.source, goals=tuple(results))
