"""Hypothesis fuzzing of the policy files: consent forms (``consent.forms.parse_form`` with the
loader's YAML reader), jurisdiction profiles (``assess.jurisdiction.parse_profile``,
``load_profile``, ``resolve``) and custom note templates (``notes.templates.load_template``, YAML
and TOML). Each either loads or raises its own clean error, whose message never quotes the file's
content."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clearnote.assess.jurisdiction import load_profile, parse_profile, resolve
from clearnote.assess.resources import AssessDataError
from clearnote.consent.forms import FormIntegrityError, parse_form
from clearnote.consent.loader import _yaml_load, form_files
from clearnote.notes.templates import TemplateError, format_from_obj, load_template

CANARY = "zebracanary"
yaml: Any = importlib.import_module("yaml")  # no stubs installed; the package reads it so too
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PROFILE_DIR = Path(__file__).parents[2] / "src" / "clearnote" / "assess" / "data" / "jurisdictions"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.just(CANARY),
)
json_like = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
yaml_ish = st.text(
    alphabet=st.sampled_from(list("abz:-[]{}\n '\"#&*!|>%@`?,.0123456789\t")), max_size=200
)


def _no_canary(err: Exception) -> None:
    assert CANARY not in str(err) and CANARY not in repr(err)


# --- consent forms ---------------------------------------------------------------------------

REAL_FORMS = sorted(form_files().items())


def _parse_form(data: bytes) -> None:
    try:
        form = parse_form(data, "fuzz.v1.md", _yaml_load)
    except FormIntegrityError as err:
        assert err.message.startswith("consent form fuzz.v1.md: ")
        _no_canary(err)
        return
    assert form.filename == "fuzz.v1.md"


@FUZZ
@given(st.binary(max_size=600))
def test_consent_form_random_bytes(data: bytes) -> None:
    _parse_form(b"---\n" + data if data[:1] == b"a" else data)


@FUZZ
@given(yaml_ish, st.text(max_size=50))
def test_consent_form_random_front_matter(head: str, body: str) -> None:
    _parse_form(f"---\n{head}\n---\n{body}{CANARY}".encode())


@FUZZ
@given(st.data())
def test_consent_form_real_files_mutated(data: st.DataObject) -> None:
    _, raw = data.draw(st.sampled_from(REAL_FORMS))
    text = raw.decode()
    head_end = text.index("\n---\n", 4)
    at = data.draw(st.integers(0, head_end + 5))
    cut = data.draw(st.integers(0, 20))
    insert = data.draw(yaml_ish)  # may become a key: errors name fields, not values
    _parse_form((text[:at] + insert + text[at + cut :]).encode())


@pytest.mark.slow
@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["id", "version", "purpose", "effective", "title"]), json_like, max_size=6
    )
)
def test_consent_form_front_matter_fields_of_any_type(meta: dict[str, Any]) -> None:
    _parse_form(f"---\n{yaml.safe_dump(meta)}---\n{CANARY}\n".encode())


# --- jurisdiction profiles -------------------------------------------------------------------

REAL_PROFILES = [yaml.safe_load(p.read_text()) for p in sorted(PROFILE_DIR.glob("*.yaml"))]


def _parse_profile(obj: Any) -> None:
    try:
        parse_profile(obj, source="fuzz.yaml")
    except AssessDataError as err:
        assert err.message.startswith("fuzz.yaml: ")
        _no_canary(err)


@FUZZ
@given(json_like)
def test_profile_of_any_shape(obj: Any) -> None:
    _parse_profile(obj)


@FUZZ
@given(st.data())
def test_profile_real_files_with_one_field_replaced(data: st.DataObject) -> None:
    profile = dict(data.draw(st.sampled_from(REAL_PROFILES)))
    key = data.draw(st.sampled_from(sorted(profile)) | st.text(max_size=8))
    profile[key] = data.draw(json_like)
    _parse_profile(profile)


@FUZZ
@given(st.lists(st.text(max_size=8) | st.sampled_from(["US-IL", "us-ca", " US-NV "]), max_size=4))
def test_jurisdiction_codes_of_any_text(codes: list[str]) -> None:
    try:
        policy = resolve(codes)
    except AssessDataError as err:
        assert err.message.startswith("--jurisdiction: unknown jurisdiction")
        return
    assert policy is not None
    for code in codes:
        try:
            load_profile(code)
        except AssessDataError:
            raise AssertionError("resolve accepted a code load_profile refuses") from None


# --- note templates --------------------------------------------------------------------------


def _load_template(path: Path) -> None:
    try:
        fmt = load_template(path)
    except TemplateError as err:
        assert err.message.startswith(str(path))
        _no_canary(err)
        return
    assert fmt.sections


@FUZZ
@given(st.sampled_from([".yaml", ".toml", ".yml", ".txt"]), yaml_ish | st.text(max_size=200))
def test_template_file_of_any_text(tmp_path_factory: Any, suffix: str, text: str) -> None:
    path = tmp_path_factory.mktemp("tpl") / f"custom{suffix}"
    path.write_text(text + CANARY, encoding="utf-8")
    _load_template(path)


@FUZZ
@given(st.binary(max_size=300))
def test_template_file_of_any_bytes(tmp_path_factory: Any, data: bytes) -> None:
    path = tmp_path_factory.mktemp("tpl") / "custom.yaml"
    path.write_bytes(data)
    _load_template(path)


section = st.fixed_dictionaries(
    {"key": st.text(max_size=12) | st.just(CANARY), "title": st.text(max_size=12)},
    optional={"guidance": json_like, "required": json_like, "extra": json_like},
)


@FUZZ
@given(
    st.one_of(
        json_like,
        st.fixed_dictionaries(
            {"sections": st.lists(section | json_like, max_size=5)},
            optional={"name": json_like, "title": json_like},
        ),
    )
)
def test_template_object_of_any_shape(obj: Any) -> None:
    try:
        fmt = format_from_obj(obj, source="fuzz.yaml")
    except TemplateError as err:
        assert err.message.startswith("fuzz.yaml: ")
        _no_canary(err)
        return
    assert fmt.sections


def test_found_by_fuzzing_invalid_front_matter_yaml_is_a_clean_form_error() -> None:
    """Was a raw yaml.ScannerError/ParserError, whose message quotes the offending line."""
    for head in ("[", "id: *id", f"title: '{CANARY}", "%", f"a: |\n{CANARY}\n b"):
        try:
            parse_form(f"---\n{head}\n---\nbody\n".encode(), "fuzz.v1.md", _yaml_load)
        except FormIntegrityError as err:
            assert "not valid YAML" in err.message
            _no_canary(err)
        else:
            raise AssertionError(f"front matter {head!r} was accepted")
