"""Numbers said or written: digits, decimals, fractions like ``3/7``, ``x6/day``, ``120/80``, and
spelled-out numbers ("twenty six", "one hundred twenty", "a couple of")."""

from __future__ import annotations

import re

from clearnote.verify.text import NUMBER_WORDS, spelled_values

_UNITS = (
    r"mg|mcg|ml|g|kg|lbs?|cm|mm|h|hr|hrs|d|wk|wks|mo|mos|y|yo|yrs|am|pm|th|st|nd|rd|s|x|"
    r"k|iu|units?|bpm|min|mins|days?|weeks?|months?|years?"
)
_DIGITS = re.compile(
    rf"(?<![A-Za-z0-9.])x?(\d+(?:[.,]\d+)?)(?:'?s|%|(?:{_UNITS})\b)?(?![A-Za-z0-9])"
)
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
_IGNORE_BEFORE = re.compile(
    r"(?:covid|phq|gad|type|vitamin [a-z]|stage|grade)[- ]?$", re.IGNORECASE
)


def _spelled(text: str) -> list[float]:
    """Values of runs of number words ("one hundred twenty" → 120)."""
    values: list[float] = []
    for chunk in re.split(r"[,;:.!?()]", text.lower()):
        values.extend(_spelled_run(chunk))
    return values


_MONTHS = {
    m: float(i)
    for i, m in enumerate(
        "january february march april may june july august september october november "
        "december".split(),
        1,
    )
    if m != "may"  # "may" is mostly the verb
}
_POINT = re.compile(r"\b([a-z]+(?:[- ][a-z]+)?) point ([a-z]+)\b")


def _spelled_run(text: str) -> list[float]:
    values: list[float] = [_MONTHS[w] for w in _WORD.findall(text) if w in _MONTHS]
    for m in _POINT.finditer(text):  # "ninety eight point two" -> 98.2
        whole = _spelled_run_plain(m.group(1))
        frac = NUMBER_WORDS.get(m.group(2))
        if whole and frac is not None and frac < 10:
            values.append(whole[-1] + frac / 10)
        elif frac is not None and frac < 10 and m.group(1).split()[-1] in ("zero", "oh"):
            values.append(frac / 10)
    return values + _spelled_run_plain(text)


def _spelled_run_plain(text: str) -> list[float]:
    return spelled_values(_WORD.findall(text))


def numbers_in(text: str) -> list[float]:
    """Every numeric value in ``text`` (digits first, then spelled numbers)."""
    values: list[float] = []
    for m in _DIGITS.finditer(text):
        if _IGNORE_BEFORE.search(text[max(0, m.start() - 6) : m.start()]):
            continue
        raw = m.group(1).replace(",", "")
        try:
            values.append(float(raw))
        except ValueError:
            continue
    values.extend(_spelled(text))
    return values


def significant(values: list[float]) -> set[float]:
    """Values worth checking: drop 0, 1 and 2 (said too loosely: "a couple", "one of them")."""
    return {v for v in values if v not in (0.0, 1.0, 2.0)}


def said_forms(value: float) -> set[float]:
    """Values a transcript may use for ``value``: a year 1992 is often said "ninety-two"."""
    forms = {value}
    if 1900 <= value <= 2099 and value == int(value):
        forms.add(float(int(value) % 100))
    return forms
