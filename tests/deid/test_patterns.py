"""Table-driven: each Safe Harbor identifier type a pattern can find, without the model."""

from __future__ import annotations

import pytest

from clearnote.deid.service import Deidentifier

CASES = [
    ("NAME", "My sister Jenna called again.", "Jenna"),
    ("NAME", "Dr. Okonkwo changed my meds.", "Okonkwo"),
    ("NAME", "My name is Lena Fischer.", "Lena Fischer"),
    ("LOCATION", "We live at 1208 North Birch Road now.", "1208 North Birch Road"),
    ("LOCATION", "My zip code is 60201.", "60201"),
    ("LOCATION", "The office is in Lake County, past the mall.", "Lake County"),
    ("LOCATION", "I grew up in Kenosha and hated it.", "Kenosha"),
    ("DATE", "My birthday is July 4th.", "July 4th"),
    ("DATE", "I was discharged on 11/02/2023.", "11/02/2023"),
    ("DATE", "The hearing is the 3rd of May.", "3rd of May"),
    ("DATE", "We split up on the 21st and I moved out.", "21st"),
    ("DATE", "Things fell apart after Thanksgiving.", "Thanksgiving"),
    ("AGE", "My grandmother is 96 years old.", "96"),
    ("AGE", "He just turned ninety-two.", "ninety-two"),
    ("PHONE", "Call me at (847) 555-0100.", "(847) 555-0100"),
    ("PHONE", "My cell is 224.555.0199.", "224.555.0199"),
    ("PHONE", "It's +1 312 555 0108, my mom's line.", "+1 312 555 0108"),
    ("FAX", "Their fax is 312-555-0177.", "312-555-0177"),
    ("EMAIL", "Write to lena.f@example.org please.", "lena.f@example.org"),
    ("EMAIL", "It's lena at example dot com.", "lena at example dot com"),
    ("SSN", "My SSN is 219-33-4410.", "219-33-4410"),
    ("SSN", "The last four of my social are 7731.", "7731"),
    ("MRN", "My MRN is 00339182.", "00339182"),
    ("HEALTH_PLAN", "My Medicaid ID is QRT55120932.", "QRT55120932"),
    ("ACCOUNT", "My account number is 559102384.", "559102384"),
    ("LICENSE", "My driver's license is B551-0293-8812.", "B551-0293-8812"),
    ("VEHICLE", "His plate is 4XYZ882.", "4XYZ882"),
    ("VEHICLE", "The VIN is 1FTFW1ET5DFC10312.", "1FTFW1ET5DFC10312"),
    ("DEVICE", "The pump serial number is SN-2293811.", "SN-2293811"),
    ("URL", "See my blog at www.lenawrites.net for it.", "www.lenawrites.net"),
    ("URL", "It's on https://example.org/lena/posts.", "https://example.org/lena/posts"),
    ("IP", "The login came from 98.34.201.17 yesterday.", "98.34.201.17"),
    ("BIOMETRIC", "My fingerprint ID is FP-559012.", "FP-559012"),
    ("ID", "My case number is 2022-JV-00881.", "2022-JV-00881"),
    ("ID", "The badge said E7730219.", "E7730219"),
    ("ORGANIZATION", "I teach at Washington Elementary School.", "Washington Elementary School"),
]


@pytest.mark.parametrize(("entity", "sentence", "value"), CASES)
def test_identifier_is_replaced_with_its_type(
    patterns_only: Deidentifier, entity: str, sentence: str, value: str
) -> None:
    result = patterns_only.text(sentence)
    assert result.text is not None
    assert value not in result.text
    start = sentence.index(value)
    covering = [r for r in result.replacements if r.start <= start and start + len(value) <= r.end]
    assert covering, f"{entity} not fully covered"
    assert covering[0].entity_type == entity
    assert f"[{entity} 1]" in result.text


@pytest.mark.parametrize(
    "sentence",
    [
        "I take 100mg of sertraline and 1000 mg of metformin.",
        "My PHQ-9 was 18 and my GAD-7 was 12.",
        "My blood pressure was 140/90.",
        "I owe 4000 dollars.",
        "She is 85 years old.",
        "We billed 90837 for that session.",
        "I walk 10000 steps a day.",
    ],
)
def test_numbers_that_identify_no_one_are_kept(patterns_only: Deidentifier, sentence: str) -> None:
    result = patterns_only.text(sentence)
    assert result.text == sentence
    assert result.replacements == ()


def test_a_cue_types_only_the_value_after_it(patterns_only: Deidentifier) -> None:
    result = patterns_only.text("My Medicaid ID is XKT449201883, call 312-555-0142.")
    assert [r.entity_type for r in result.replacements] == ["HEALTH_PLAN", "PHONE"]


def test_adjacent_cues_take_the_first(patterns_only: Deidentifier) -> None:
    result = patterns_only.text("My fingerprint card number is 2093114.")
    assert [r.entity_type for r in result.replacements] == ["BIOMETRIC"]
