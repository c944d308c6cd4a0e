from __future__ import annotations

import pytest

from clearnote.verify.numbers import numbers_in

CASES = [
    ("3/7 hx, x6/day", [3.0, 7.0, 6.0]),
    ("one hundred twenty over eighty", [120.0, 80.0]),
    ("one twenty four over eighty", [124.0, 80.0]),
    ("I'm twenty six", [26.0]),
    ("a 58-year-old male", [58.0]),
    ("2.5 mg twice a day", [2.5, 2.0]),
    ("ninety eight point two", [98.2]),
    ("in october of twenty twenty", [10.0, 2020.0]),
    ("in her 80s", [80.0]),
    ("covid-19 and a phq-9 of 12", [12.0]),
    ("twenty, thirty", [20.0, 30.0]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_numbers(text: str, expected: list[float]) -> None:
    got = numbers_in(text)
    for value in expected:
        assert value in got
