"""Treatment-plan goals: progress, setbacks, mixed, not assessed; goals file errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearnote.assess.goals import load_goals
from clearnote.assess.resources import AssessDataError
from clearnote.assess.screening import RuleScreener
from clearnote.domain.assessment import GoalsPart, SkippedPart
from tests.assess.assess_helpers import client, goals, run

SLEEP = {"id": "G1", "text": "Sleep six hours", "keywords": ["sleep", "asleep"]}
DRINK = {"id": "G2", "text": "Reduce drinking", "keywords": ["drink"], "direction": "reduce"}
WALK = {
    "id": "G3",
    "text": "Walk three times a week",
    "keywords": ["walk"],
    "indicators": {"progress": ["three walks"], "setback": ["skipped my walks"]},
}

CASES = [
    (SLEEP, "I've been sleeping better this week.", "progress"),
    (SLEEP, "I can't sleep at all, it's worse.", "setback"),
    (SLEEP, "My roommate can't sleep.", "not_assessed"),
    (SLEEP, "We talked about sleep.", "discussed"),
    (DRINK, "I didn't drink at all this week.", "progress"),
    (DRINK, "I relapsed and started drinking again.", "setback"),
    (DRINK, "I cut down my drinking but slipped on Saturday.", "mixed"),
    (WALK, "I did three walks this week.", "progress"),
    (WALK, "I skipped my walks because of the rain.", "setback"),
    (WALK, "Nothing much happened.", "not_assessed"),
]


@pytest.mark.parametrize(("goal", "sentence", "status"), CASES)
def test_goal_status(
    screener: RuleScreener, goal: dict[str, object], sentence: str, status: str
) -> None:
    part = run(screener, client(sentence), goal_set=goals(goal)).treatment_goals
    assert isinstance(part, GoalsPart)
    result = part.goals[0]
    assert result.status == status
    for item in (*result.progress, *result.setbacks, *result.discussed):
        assert item.evidence == ("seg-0001",) and item.origin == "ai"


def test_no_goals_given_is_not_assessed_not_missing(screener: RuleScreener) -> None:
    part = run(screener, client("Hello.")).treatment_goals
    assert part.status == "not_assessed"
    assert isinstance(part, SkippedPart)
    assert "--goals" in part.reason


@pytest.mark.parametrize(
    ("content", "why"),
    [
        ("goals: [", "not valid YAML"),
        ("goals: []", "invalid field"),
        ("goals:\n  - id: G1\n    text: x\n", "invalid field 'goals.0.keywords'"),
        (
            "goals:\n  - {id: G1, text: a, keywords: [x]}\n  - {id: G1, text: b, keywords: [y]}\n",
            "unique",
        ),
        ("just text", "expected a mapping"),
    ],
)
def test_bad_goals_file_names_the_file(tmp_path: Path, content: str, why: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AssessDataError) as err:
        load_goals(path)
    assert str(path) in err.value.message and why in err.value.message


def test_missing_goals_file(tmp_path: Path) -> None:
    with pytest.raises(AssessDataError, match="file not found"):
        load_goals(tmp_path / "none.yaml")
