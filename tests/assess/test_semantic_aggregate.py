"""The semantic backend's several-weak-signs rule (aggregate.py): several distinct client
sentences each weakly like a suicide concept raise one flag; one such sentence, a repeated one,
someone else's or another speaker's do not. Fake-embedder geometry as in test_semantic_backend:
"I feel glorp and snerk" is about 0.71 like the "glorp glorp" prototype, below its 0.8 threshold.
"""

from __future__ import annotations

from typing import Any

import pytest

from clearnote.assess.screening import RuleScreener, default_rules, screen_with
from clearnote.assess.screening.semantic import (
    PrototypesError,
    PrototypeSet,
    SemanticScreener,
    compile_prototypes,
    default_prototypes,
)
from clearnote.domain.screening import ScreeningReport
from clearnote.errors import BadInputError
from clearnote.transcripts.importer import parse_turns
from tests.assess.test_semantic_backend import FakeEmbedder

_AGG = {
    "id": "several_weak_signs",
    "domain": "suicide",
    "level": "wish_to_be_dead",
    "source": "written for this test",
    "k": 3,
    "threshold": 0.6,
}


def _protos(**aggregate: Any) -> PrototypeSet:
    return compile_prototypes(
        {
            "name": "test",
            "version": "1",
            "source": "written for this test",
            "model": "fake",
            "threshold": 0.8,
            "margin": 0.05,
            "min_words": 3,
            "concepts": [
                {
                    "id": "wish_to_be_dead",
                    "domain": "suicide",
                    "level": "wish_to_be_dead",
                    "source": "concept",
                    "examples": ["glorp glorp"],
                },
            ],
            "negatives": [{"id": "figurative", "source": "s", "examples": ["wubble wubble"]}],
            "aggregate": {**_AGG, **aggregate},
        },
        source="test",
    )


@pytest.fixture(scope="module")
def floor() -> RuleScreener:
    return RuleScreener(default_rules())


def _screen(floor: RuleScreener, text: str, protos: PrototypeSet | None = None) -> ScreeningReport:
    semantic = SemanticScreener(FakeEmbedder(), protos or _protos(), floor.rules)
    return screen_with(floor, parse_turns(text, source="test"), [semantic])


THREE = (
    "Therapist: How has the week been?\n"
    "Client: Monday I felt glorp and snerk.\n"
    "Therapist: Say more.\n"
    "Client: The evenings are glorp and snerk. Sunday was glorp and snerk too.\n"
)


def test_several_weak_signs_raise_one_flag_citing_them(floor: RuleScreener) -> None:
    report = _screen(floor, THREE)
    result = report.domain("suicide")
    assert result.status == "flagged"
    (flag,) = result.flags
    assert flag.level == "wish_to_be_dead"
    assert flag.segment_ids == ("seg-0002", "seg-0004")
    assert flag.quote == (
        "Monday I felt glorp and snerk. … The evenings are glorp and snerk. … "
        "Sunday was glorp and snerk too."
    )
    assert flag.rule.startswith("semantic:several_weak_signs[3 sentences, lowest 0.")
    assert 0.6 <= float(flag.rule.rsplit(" ", 1)[1].rstrip("]")) < 0.8
    assert flag.speaker_role == "client"


def test_the_rule_can_be_switched_off(floor: RuleScreener) -> None:
    off = _protos().with_decision(aggregate=None)
    assert _screen(floor, THREE, off).domain("suicide").status == "not_discussed"


@pytest.mark.parametrize(
    "text",
    [
        # one weak sign
        "Client: Monday I felt glorp and snerk.\n",
        # two, one short of k
        "Client: Monday I felt glorp and snerk. The evenings are glorp and snerk.\n",
        # one sentence said three times is one sign
        "Client: I felt glorp and snerk.\nClient: I felt glorp and snerk.\n"
        "Client: I felt  GLORP and snerk.\n",
        # someone else's
        "Client: My brother feels glorp and snerk. My sister is glorp and snerk. "
        "Her husband says he is glorp and snerk.\n",
        # a film's
        "Client: In the movie the hero is glorp and snerk. The villain was glorp and snerk. "
        "The film ends glorp and snerk.\n",
        # the clinician's words
        "Therapist: Some feel glorp and snerk. Others are glorp and snerk. "
        "Many get glorp and snerk.\nClient: Okay.\n",
        # closer to a negative group than the margin allows
        "Client: Monday was glorp and wubble. Evenings are glorp and wubble. "
        "Sundays get glorp and wubble.\n",
    ],
)
def test_fewer_than_k_own_distinct_signs_raise_nothing(floor: RuleScreener, text: str) -> None:
    assert _screen(floor, text).domain("suicide").status != "flagged"


def test_below_the_lower_threshold_counts_nothing(floor: RuleScreener) -> None:
    assert _screen(floor, THREE, _protos(threshold=0.75)).domain("suicide").status != "flagged"
    assert _screen(floor, THREE, _protos(k=4)).domain("suicide").status != "flagged"


def test_not_added_when_the_domain_is_already_flagged(floor: RuleScreener) -> None:
    text = THREE + "Client: I want to kill myself.\n"
    flags = _screen(floor, text).domain("suicide").flags
    assert flags
    assert not any("several_weak_signs" in f.rule for f in flags)


def test_only_the_client_counts() -> None:
    rules = default_rules()
    floor = RuleScreener(rules)
    semantic = SemanticScreener(FakeEmbedder(), _protos(), rules)
    transcript = parse_turns(THREE, source="test")
    other = transcript.model_copy(
        update={
            "speakers": tuple(
                s.model_copy(update={"role": "other"}) if s.role == "client" else s
                for s in transcript.speakers
            )
        }
    )
    assert screen_with(floor, transcript, [semantic]).domain("suicide").status == "flagged"
    assert screen_with(floor, other, [semantic]).domain("suicide").status != "flagged"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"level": "no_such_level"}, "level 'no_such_level'"),
        ({"threshold": 0.9}, "above the sentence threshold"),
        ({"k": 1}, "aggregate.k"),
        ({"domain": "self_harm", "level": "urge"}, "no concept of its domain"),
    ],
)
def test_bad_aggregate_names_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(PrototypesError) as err:
        _protos(**change)
    assert field in err.value.message
    assert isinstance(err.value, BadInputError)


def test_shipped_prototypes_leave_the_aggregate_off() -> None:
    """The grid found no gain on the tuning half (see the YAML), so it ships switched off."""
    assert default_prototypes().aggregate is None
