"""The clearnote.screening/1 document, the backend extension point and the rules loader."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pytest

from clearnote.assess.screening import (
    RuleScreener,
    RulesError,
    compile_rules,
    load_rules,
    screen_with,
)
from clearnote.domain.screening import (
    DOMAINS,
    BackendInfo,
    Domain,
    RiskFlag,
    ScreeningReport,
)
from clearnote.domain.transcript import Transcript
from clearnote.transcripts.importer import parse_turns
from tests.assess.conftest import screen_text

SESSION = (
    "Therapist: How have things been?\n"
    "Client: I feel like everyone would be better off without me.\n"
    "Therapist: Do you drink?\n"
    "Client: No, I don't drink.\n"
    "Client: My brother tried to kill himself last year.\n"
)


def test_document_shape(screener: RuleScreener) -> None:
    doc = screen_text(screener, SESSION).to_document()
    assert doc["schema"] == "clearnote.screening/1"
    assert "AI-generated" in str(doc["notice"])
    assert doc["origin"] == "ai"
    domains = doc["domains"]
    assert isinstance(domains, list)
    assert [d["domain"] for d in domains] == list(DOMAINS)
    by = {d["domain"]: d for d in domains}
    assert by["suicide"]["status"] == "flagged"
    assert by["substance_use"]["status"] == "discussed_denied"
    assert by["child_abuse"]["status"] == "not_discussed"
    flag = by["suicide"]["flags"][0]
    assert set(flag) >= {"level", "segment_ids", "quote", "start", "origin", "rule", "speaker_role"}
    assert flag["segment_ids"] == ["seg-0002"]
    assert flag["origin"] == "ai"
    assert flag["speaker_role"] == "client"
    assert "better off without me" in flag["quote"]
    assert flag["rule"].startswith("suicide.")


def test_report_round_trips(screener: RuleScreener) -> None:
    report = screen_text(screener, SESSION)
    again = ScreeningReport.model_validate(report.to_document())
    assert again == report


def test_reprs_and_logs_carry_no_words(
    screener: RuleScreener, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    report = screen_text(screener, SESSION)
    flag = report.domain("suicide").flags[0]
    for text in (repr(report), repr(flag), repr(report.domain("suicide").evidence[0])):
        assert "better off" not in text
    assert "better off" not in caplog.text


class _ExtraBackend:
    """A fake LLM backend: proposes one flag on a segment, and tries an unknown segment."""

    info = BackendInfo(name="fake-llm", version="0")

    def propose(
        self, transcript: Transcript, rule_report: ScreeningReport
    ) -> Sequence[tuple[Domain, RiskFlag]]:
        seg = transcript.segments[-1]
        flag = RiskFlag(
            level="use",
            segment_ids=(seg.id,),
            quote=seg.text,
            start=seg.start,
            rule="r1",
            speaker_role="client",
        )
        ghost = flag.model_copy(update={"segment_ids": ("seg-9999",)})
        return [("substance_use", flag), ("child_abuse", ghost)]


def test_backend_adds_flags_and_never_removes(screener: RuleScreener) -> None:
    transcript = parse_turns(SESSION, source="test")
    base = screener.screen(transcript)
    merged = screen_with(screener, transcript, [_ExtraBackend()])
    for before, after in zip(base.domains, merged.domains, strict=True):
        assert set(before.flags) <= set(after.flags)
        assert before.evidence == after.evidence
    assert merged.domain("substance_use").status == "flagged"
    assert merged.domain("substance_use").flags[0].rule == "fake-llm:r1"
    assert merged.domain("child_abuse").status == "not_discussed"  # unknown segment dropped
    assert [b.name for b in merged.backends] == ["rules", "fake-llm"]


def test_every_rule_has_provenance(screener: RuleScreener) -> None:
    rules = screener.rules
    assert rules.version
    for rule in rules.rules:
        assert rule.source.strip(), rule.id
    assert {r.domain for r in rules.rules if r.kind == "risk"} == set(DOMAINS)


def test_bad_rules_files_are_bad_input(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="file not found"):
        load_rules(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulesError, match="not valid YAML"):
        load_rules(bad)
    with pytest.raises(RulesError, match="invalid field"):
        compile_rules({"name": "x"})
