"""Custom templates (YAML and TOML): good files load, bad ones give one line naming file+field."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearnote.errors import BadInputError
from clearnote.notes.templates import TemplateError, load_template, resolve_format

GOOD_YAML = """\
name: Intake Lite
sections:
  - key: concerns
    title: Presenting concerns
    kinds: [presenting_concern, symptom, stressor]
  - key: plan
    title: Plan
    kinds: [homework, plan, next_appointment]
    not_assessed: [suicide]
"""
GOOD_TOML = """\
[[sections]]
key = "summary"
title = "Summary"
kinds = ["symptom", "intervention"]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_yaml(tmp_path: Path) -> None:
    fmt = load_template(_write(tmp_path, "intake.yaml", GOOD_YAML))
    assert fmt.name == "intake-lite"
    assert fmt.keys == ("concerns", "plan")
    assert fmt.section_for("symptom") == "concerns"
    assert fmt.section_for("score") is None
    assert fmt.sections[1].not_assessed == ("suicide",)


def test_good_toml_takes_name_from_file(tmp_path: Path) -> None:
    fmt = load_template(_write(tmp_path, "brief.toml", GOOD_TOML))
    assert fmt.name == "brief"
    assert fmt.section_for("intervention") == "summary"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "a.yaml",
            "sections:\n  - key: x\n    title: X\n    kinds: [vibes]\n",
            "field 'sections[0].kinds[0]': unknown content kind",
        ),
        (
            "b.yaml",
            "sections:\n  - title: X\n",
            "field 'sections[0].key': required field is missing",
        ),
        ("c.yaml", "title: no sections\n", "field 'sections': required field is missing"),
        (
            "d.yaml",
            "sections:\n  - key: Bad Key\n    title: X\n",
            "field 'sections[0].key': section key must be lower_snake_case",
        ),
        (
            "e.yaml",
            "sections:\n  - key: a\n    title: A\n    kinds: [plan]\n"
            "  - key: b\n    title: B\n    kinds: [plan]\n",
            "kind 'plan' is in sections 1 and 2",
        ),
        ("f.yaml", "sections: [\n", "not valid YAML (line"),
        ("g.toml", "[[sections]\n", "not valid TOML"),
        ("h.yaml", "- just\n- a list\n", "expected a mapping"),
        ("i.json", "{}", "must be a .yaml, .yml or .toml file"),
        (
            "j.yaml",
            "sections:\n  - key: x\n    title: X\n    colour: red\n",
            "field 'sections[0].colour': unknown field",
        ),
        (
            "k.yaml",
            "sections:\n  - key: x\n    title: X\n    not_assessed: [mood]\n",
            "field 'sections[0].not_assessed[0]': unknown risk domain",
        ),
        ("l.yaml", "sections: []\n", "field 'sections'"),
    ],
)
def test_bad_templates(tmp_path: Path, name: str, text: str, expected: str) -> None:
    path = _write(tmp_path, name, text)
    with pytest.raises(TemplateError) as info:
        load_template(path)
    message = info.value.message
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message
    assert info.value.exit_code == 2


def test_missing_template(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="template file not found"):
        load_template(tmp_path / "nope.yaml")


def test_resolve_builtin_and_unknown() -> None:
    assert resolve_format("SOAP").keys == ("subjective", "objective", "assessment", "plan")
    assert resolve_format("dap").keys == ("data", "assessment", "plan")
    assert resolve_format("birp").keys == ("behavior", "intervention", "response", "plan")
    assert resolve_format("girp").keys == ("goals", "intervention", "response", "plan")
    assert resolve_format("pirp").keys == ("problem", "intervention", "response", "plan")
    with pytest.raises(BadInputError, match="--format: unknown format 'xyz'"):
        resolve_format("xyz")
