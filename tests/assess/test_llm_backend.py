"""The LLM screening backend with a scripted chat model: which sentences are sent, how answers
become flags (the transcript's words, never the model's), what is dropped, and that rule flags
stay. A real llama.cpp run (tiny SmolLM2) checks the plumbing only."""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from clearnote.assess.screening import RuleScreener, screen_with
from clearnote.assess.screening.backends import BACKEND_CHOICES, DEFAULT_BACKEND, build_backends
from clearnote.assess.screening.llm import LlmScreener, answer_schema, parse_answer
from clearnote.cli import main
from clearnote.config import Settings
from clearnote.errors import BadInputError, ClearnoteError, ModelError
from clearnote.llm.openai_compat import OpenAIBackend
from clearnote.pipeline.analysis import load_engines
from clearnote.transcripts.importer import parse_turns

Answer = Callable[[list[str]], list[dict[str, Any]]]


def _sentences(body: dict[str, Any]) -> list[str]:
    user = body["messages"][1]["content"]
    return re.findall(r"^\d+\. (.*)$", user, flags=re.MULTILINE)


class ScriptedModel:
    """A chat model whose answer is a function of the numbered sentences it is sent."""

    name = "scripted"
    model_name = "script-1"

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.bodies: list[dict[str, Any]] = []

    def chat(self, body: dict[str, Any]) -> Any:
        self.bodies.append(body)
        findings = self.answer(_sentences(body))
        return {"choices": [{"message": {"content": json.dumps({"findings": findings})}}]}

    def sent(self) -> list[str]:
        return [s for b in self.bodies for s in _sentences(b)]


def flag_containing(word: str, domain: str = "suicide", level: str = "wish_to_be_dead") -> Answer:
    def answer(sentences: list[str]) -> list[dict[str, Any]]:
        return [
            {"n": i, "domain": domain, "level": level}
            for i, s in enumerate(sentences, start=1)
            if word in s
        ]

    return answer


SESSION = (
    "Therapist: How have things been since we last met?\n"
    "Client: Work is busy. Lately I keep thinking the lights could go out for me for good.\n"
    "Therapist: Do you ever think about suicide?\n"
    "Client: No, never.\n"
    "Client: My friend says she wants to die.\n"
    "Client: I want to kill myself.\n"
)


def test_the_model_adds_a_flag_quoting_the_transcript(screener: RuleScreener) -> None:
    transcript = parse_turns(SESSION, source="t")
    model = ScriptedModel(flag_containing("lights"))
    report = screen_with(screener, transcript, [LlmScreener(model, screener.rules)])
    flags = [f for f in report.domain("suicide").flags if f.rule.startswith("llm:")]
    assert len(flags) == 1
    flag = flags[0]
    assert flag.quote == "Lately I keep thinking the lights could go out for me for good."
    assert flag.segment_ids == ("seg-0002",) and flag.level == "wish_to_be_dead"
    assert "llm" in [b.name for b in report.backends]


def test_only_open_client_sentences_are_sent(screener: RuleScreener) -> None:
    transcript = parse_turns(SESSION, source="t")
    model = ScriptedModel(lambda s: [])
    screen_with(screener, transcript, [LlmScreener(model, screener.rules)])
    sent = model.sent()
    assert "Work is busy." in sent
    assert not any("suicide" in s or "How have" in s for s in sent)  # clinician
    assert not any("friend" in s for s in sent)  # someone else's


def test_a_sentence_is_flagged_only_for_domains_the_rules_left_open(
    screener: RuleScreener,
) -> None:
    """The "no" answered a suicide question and "kill myself" is a rule flag: a suicide finding
    on either is dropped (both stay open for self-harm)."""
    transcript = parse_turns(SESSION, source="t")

    def everything(sentences: list[str]) -> list[dict[str, Any]]:
        return [
            {"n": i, "domain": "suicide", "level": "attempt"} for i in range(1, len(sentences) + 1)
        ]

    report = screen_with(
        screener, transcript, [LlmScreener(ScriptedModel(everything), screener.rules)]
    )
    added = {f.quote for f in report.domain("suicide").flags if f.rule.startswith("llm:")}
    assert added == {
        "Work is busy.",
        "Lately I keep thinking the lights could go out for me for good.",
    }


def test_rule_flags_and_denials_stay(screener: RuleScreener) -> None:
    transcript = parse_turns(
        "Therapist: Do you ever think about suicide?\nClient: No, never.\n"
        "Client: I cut my arm last night.\n",
        source="t",
    )
    floor = screener.screen(transcript)
    model = ScriptedModel(flag_containing("cut", domain="self_harm", level="past_history"))
    report = screen_with(screener, transcript, [LlmScreener(model, screener.rules)])
    assert report.domain("suicide").status == floor.domain("suicide").status == "discussed_denied"
    assert report.domain("self_harm").flags == floor.domain("self_harm").flags
    assert not any(f.rule.startswith("llm:") for d in report.domains for f in d.flags)


def test_a_domain_the_rules_already_flagged_is_not_added_to(screener: RuleScreener) -> None:
    transcript = parse_turns(
        "Client: I want to kill myself. I bought a rope on Friday, and I feel empty.\n",
        source="t",
    )
    model = ScriptedModel(flag_containing("empty", level="preparatory_behavior"))
    report = screen_with(screener, transcript, [LlmScreener(model, screener.rules)])
    assert not any(f.rule.startswith("llm:") for f in report.domain("suicide").flags)


def test_invalid_answer_items_are_dropped_and_counted(screener: RuleScreener) -> None:
    transcript = parse_turns("Client: The days all blur together now.\n", source="t")

    def answer(sentences: list[str]) -> list[dict[str, Any]]:
        return [
            {"n": 0, "domain": "suicide", "level": "attempt"},
            {"n": 2, "domain": "suicide", "level": "attempt"},
            {"n": True, "domain": "suicide", "level": "attempt"},
            {"n": 1, "domain": "harm_to_others", "level": "threat"},
            {"n": 1, "domain": "suicide", "level": "urge"},
            {"n": 1, "domain": "suicide"},
        ]

    backend = LlmScreener(ScriptedModel(answer), screener.rules)
    report = screen_with(screener, transcript, [backend])
    assert report.domain("suicide").status == "not_discussed"
    assert backend.dropped == 6


def test_the_highest_level_per_sentence_wins(screener: RuleScreener) -> None:
    transcript = parse_turns("Client: The days all blur together now.\n", source="t")

    def answer(sentences: list[str]) -> list[dict[str, Any]]:
        return [
            {"n": 1, "domain": "suicide", "level": "wish_to_be_dead"},
            {"n": 1, "domain": "suicide", "level": "plan"},
            {"n": 1, "domain": "suicide", "level": "passive_ideation"},
        ]

    report = screen_with(screener, transcript, [LlmScreener(ScriptedModel(answer), screener.rules)])
    assert [f.level for f in report.domain("suicide").flags] == ["plan"]


def test_sentences_are_sent_in_batches_numbered_from_one(screener: RuleScreener) -> None:
    lines = [f"Client: The garden needed work on day {i}.\n" for i in range(1, 6)]
    transcript = parse_turns("".join(lines), source="t")
    model = ScriptedModel(flag_containing("day 4"))
    report = screen_with(screener, transcript, [LlmScreener(model, screener.rules, batch=2)])
    assert [len(_sentences(b)) for b in model.bodies] == [2, 2, 1]
    assert [f.segment_ids for f in report.domain("suicide").flags] == [("seg-0004",)]
    schema = model.bodies[1]["response_format"]["json_schema"]["schema"]
    assert schema == answer_schema(2)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "no choices"),
        ({"choices": [{"message": {"content": "not json"}}]}, "not valid JSON"),
        ({"choices": [{"message": {"content": '{"other": []}'}}]}, "no 'findings' list"),
        ({"choices": [{"message": {"content": 3}}]}, "not text"),
    ],
)
def test_malformed_responses_are_model_errors_naming_the_source(
    body: dict[str, Any], message: str
) -> None:
    with pytest.raises(ModelError, match=message) as info:
        parse_answer(body, 3, source="scripted model x")
    assert info.value.message.startswith("scripted model x:")


def test_through_an_openai_compatible_server(screener: RuleScreener) -> None:
    seen: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        sentences = _sentences(body)
        findings = [
            {"n": i, "domain": "suicide", "level": "passive_ideation"}
            for i, s in enumerate(sentences, start=1)
            if "lights" in s
        ]
        content = json.dumps({"findings": findings})
        return httpx.Response(200, json={"choices": [{"message": {"content": content}}]})

    model = OpenAIBackend("http://127.0.0.1:9/v1", "local", transport=httpx.MockTransport(handler))
    transcript = parse_turns(SESSION, source="t")
    report = screen_with(screener, transcript, [LlmScreener(model, screener.rules)])
    assert report.domain("suicide").highest_level in {"passive_ideation", "active_ideation"}
    assert any(f.rule == "llm:passive_ideation" for f in report.domain("suicide").flags)
    assert seen[0]["model"] == "local" and seen[0]["temperature"] == 0
    assert seen[0]["response_format"]["type"] == "json_schema"


def test_building_the_llm_choice_needs_a_language_model(screener: RuleScreener) -> None:
    with pytest.raises(BadInputError, match="not a language model"):
        build_backends("rules+llm", screener.rules, settings=Settings(llm_backend="extractive"))
    with pytest.raises(ClearnoteError):
        build_backends(
            "rules+llm",
            screener.rules,
            settings=Settings(llm_backend="openai", llm_base_url="https://llm.example.com/v1"),
        )
    built = build_backends("rules+llm", screener.rules, settings=Settings(llm_backend="openai"))
    assert [b.info.name for b in built] == ["llm"]


def test_cli_refuses_the_llm_choice_without_a_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARNOTE_LLM_BACKEND", "extractive")
    src = tmp_path / "s.txt"
    src.write_text("Client: The days all blur together now.\n")
    out = tmp_path / "screening.json"
    code = main(["screen", str(src), "-o", str(out), "--backend", "rules+llm"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert "not a language model" in err and "blur" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_with_a_real_local_model_the_report_cites_only_transcript_sentences(
    screener: RuleScreener,
) -> None:
    """Tiny SmolLM2 through llama.cpp: structure only (its judgement means nothing)."""
    from clearnote.llm.llama_cpp import LlamaCppBackend
    from tests.llm.test_local_server import _gguf

    model = LlamaCppBackend(_gguf(), threads=2, n_ctx=2048, max_tokens=512)
    transcript = parse_turns(SESSION, source="t")
    report = screen_with(screener, transcript, [LlmScreener(model, screener.rules, max_tokens=512)])
    sentences = {
        (seg.id, s) for seg in transcript.segments for s in re.split(r"(?<=[.!?])\s+", seg.text)
    }
    for domain in report.domains:
        for flag in domain.flags:
            assert (flag.segment_ids[0], flag.quote) in sentences
    assert report.domain("suicide").status == "flagged"  # the rule flag stays


def test_the_setting_offers_exactly_the_backend_choices() -> None:
    field = Settings.model_fields["screen_backend"]
    assert typing.get_args(field.annotation) == BACKEND_CHOICES
    assert field.default == DEFAULT_BACKEND


def test_the_pipeline_screens_with_the_configured_backend(screener: RuleScreener) -> None:
    rules_only = load_engines(Settings(screen_backend="rules"))
    assert rules_only.screen_extra == () and rules_only.screen_name == "clearnote-rules"
    with pytest.raises(BadInputError, match="not a language model"):
        load_engines(Settings(screen_backend="rules+llm", llm_backend="extractive"))
    with_llm = load_engines(Settings(screen_backend="rules+llm", llm_backend="openai"))
    assert with_llm.screen_name == "clearnote-rules+llm"


def test_cli_default_follows_the_setting_and_the_flag_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "s.txt"
    src.write_text("Client: I want to kill myself.\n")
    out = tmp_path / "screening.json"
    monkeypatch.setenv("CLEARNOTE_SCREEN_BACKEND", "rules")
    assert main(["screen", str(src), "-o", str(out)]) == 0
    assert [b["name"] for b in json.loads(out.read_text())["backends"]] == ["rules"]
    monkeypatch.setenv("CLEARNOTE_SCREEN_BACKEND", "rules+llm")  # not used: the flag wins
    assert main(["screen", str(src), "-o", str(out), "--backend", "rules"]) == 0
    assert [b["name"] for b in json.loads(out.read_text())["backends"]] == ["rules"]
