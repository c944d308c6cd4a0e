"""Custom recognisers: regular patterns for identifiers a general NER model misses or mistypes.

Pure functions over one text; each returns ``Span`` offsets, never the matched words. Typed
identifiers (MRN, health plan, account, licence, vehicle, device, biometric, fax) are told apart
by the nearest cue word before the number ("my member ID is ..."); a long number or a code with no
cue is still redacted, as ``ID`` (Safe Harbor's "any other unique identifying number").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

from clearnote.deid.keeplist import (
    AGE_NUMBER,
    HOLIDAYS,
    MONTHS,
    ORDINAL_WORDS,
    US_STATES,
    clinical_term,
    location_keep,
    parse_age,
)
from clearnote.deid.spans import Span
from clearnote.deid.types import EntityType

STRONG: Final = 0.95
CUED: Final = 0.9
WEAK: Final = 0.7

# --- cue words, nearest one before a number decides its type --------------------------------
_CUES: Final[tuple[tuple[EntityType, str], ...]] = (
    (
        "MRN",
        r"mrn|medical\s+record(?:\s+number)?|chart\s+(?:number|no|#)|patient\s+(?:id|number)"
        r"|hospital\s+number|record\s+number",
    ),
    (
        "HEALTH_PLAN",
        r"member(?:ship)?\s+(?:id|number|no)|insurance(?:\s+(?:id|number|card))?"
        r"|policy(?:\s+number)?|medicaid(?:\s+(?:id|number))?|medicare(?:\s+(?:id|number))?"
        r"|health\s+plan|group\s+(?:number|no)|subscriber(?:\s+id)?|beneficiary(?:\s+number)?"
        r"|plan\s+id",
    ),
    (
        "ACCOUNT",
        r"account|acct|routing(?:\s+number)?|(?:credit|debit|bank)\s+card|card\s+number"
        r"|bank|iban|billing\s+(?:id|number)",
    ),
    (
        "VEHICLE",
        r"(?:license|licence)\s+plate|plates?|vin|vehicle(?:\s+(?:id|number))?"
        r"|car|truck|motorcycle|tags?",
    ),
    (
        "LICENSE",
        r"(?:driver'?s\s+)?(?:license|licence)(?:\s+(?:number|no|#))?|certificate"
        r"|certification|dea(?:\s+number)?|npi|permit|passport(?:\s+number)?|badge\s+number",
    ),
    (
        "DEVICE",
        r"serial(?:\s+(?:number|no|#))?|device(?:\s+(?:id|number))?|pacemaker|implant"
        r"|(?:insulin\s+)?pump|imei|cgm|hearing\s+aid|udi|model\s+number|monitor\s+id",
    ),
    (
        "BIOMETRIC",
        r"fingerprint|finger\s+print|voice\s?print|retina(?:l)?(?:\s+scan)?|iris"
        r"(?:\s+scan)?|biometric(?:\s+id)?|palm\s+print|face\s+id|dna(?:\s+(?:profile|sample))?",
    ),
    ("FAX", r"fax(?:\s+(?:number|no|#))?"),
    ("SSN", r"ssn|social(?:\s+security)?(?:\s+(?:number|no|#))?"),
    ("LOCATION", r"zip(?:\s+code)?|postal\s+code"),
    ("PHONE", r"phone|cell|mobile|call|text|reach\s+me|landline|pager"),
)
_CUE_RE: Final = re.compile(
    "|".join(f"(?P<c{i}>\\b(?:{rx})\\b)" for i, (_, rx) in enumerate(_CUES)), re.IGNORECASE
)
_CUE_WINDOW: Final = 48
_SENTENCE_BREAK: Final = re.compile(r"[?!;]|\.\s")

# An identifier value: chunks joined by '-' or one space, each chunk holding a digit, with an
# optional short upper-case prefix ("ABC 1234", "XKT-449201883").
_VALUE_RE: Final = re.compile(
    r"(?<![\w@./])(?:[A-Z]{2,4}[- ])?[A-Za-z]*\d[A-Za-z0-9]*"
    r"(?:(?:-[A-Z]{1,4})?[- ][A-Za-z]*\d[A-Za-z0-9]*)*"
    r"(?![\w@]|\.\w)"
)
_UNIT_SUFFIX: Final = re.compile(
    r"(?:mg|mcg|µg|ug|ml|cc|g|kg|lb|lbs|oz|iu|am|pm|st|nd|rd|th|s|k|x|hrs?|mins?|yo|yr|yrs"
    r"|mmhg|bpm|cm|mm|km|mi|ft|in|d|h|m|w|y)$",
    re.IGNORECASE,
)
_AFTER_UNIT: Final = re.compile(
    r"^\s*(?:%|percent|mg|milligrams?|mcg|micrograms?|ml|units?|pills?|tablets?|capsules?"
    r"|doses?|dollars?|bucks|cents|steps|calories|miles?|feet|foot|pounds?|lbs?|kilos?|kg"
    r"|people|times|minutes?|hours?|days?|weeks?|months?|years?|points?|words?|degrees?)\b",
    re.IGNORECASE,
)
_CPT_CODES: Final = frozenset(
    "90791 90792 90832 90833 90834 90836 90837 90838 90839 90840 90845 90846 90847 90849 "
    "90853 96127 96130 96131 96136 96137 99354 99355 H0031 H0032 H2019 H0004 H0005".split()
)


def _digits(text: str) -> int:
    return sum(c.isdigit() for c in text)


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def _cue_before(text: str, start: int, floor: int = 0) -> EntityType | None:
    """The nearest cue word before ``start`` in the same sentence, after ``floor`` (the end of
    the previous value: a cue types only the first value that follows it)."""
    window_start = max(0, floor, start - _CUE_WINDOW)
    window = text[window_start:start]
    breaks = list(_SENTENCE_BREAK.finditer(window))
    if breaks:
        window = window[breaks[-1].end() :]
    # in a run of adjacent cue words the first names the domain ("fingerprint card number")
    last: EntityType | None = None
    last_end = -10
    for m in _CUE_RE.finditer(window):
        entity = next(e for i, (e, _) in enumerate(_CUES) if m.group(f"c{i}"))
        if not (last is not None and window[last_end : m.start()].strip() == ""):
            last = entity
        last_end = m.end()
    return last


def identifier_numbers(text: str) -> Iterator[Span]:
    """Numbers and codes: typed by the nearest cue word, else ``ID`` when long enough."""
    phones = [m.span() for m in _PHONE_RE.finditer(text)]
    floor = 0
    for m in _VALUE_RE.finditer(text):
        value = m.group()
        if any(s <= m.start() and m.end() <= e for s, e in phones):
            continue  # phone_numbers() types these (phone or fax)
        digits, letters = _digits(value), _letters(value)
        cue = _cue_before(text, m.start(), floor)
        floor = m.end()
        after = text[m.end() : m.end() + 16]
        if _AFTER_UNIT.match(after) and cue is None:
            continue
        if letters and _UNIT_SUFFIX.search(value) and digits < 5 and cue is None:
            continue
        if value in _CPT_CODES and cue is None:
            continue
        if cue is not None:
            minimum = 4 if cue in ("SSN", "LOCATION") else 3
            if cue == "VEHICLE" and letters and digits >= 1 and len(value) >= 4:
                minimum = 1
            if digits >= minimum:
                yield Span(m.start(), m.end(), cue, CUED, f"pattern:cue:{cue.lower()}")
                continue
        plain = value.replace("-", "").replace(" ", "")
        if letters == 0 and digits >= 5:
            yield Span(m.start(), m.end(), "ID", WEAK + 0.1, "pattern:number")
        elif letters and digits >= 2 and len(plain) >= 6:
            yield Span(m.start(), m.end(), "ID", WEAK + 0.1, "pattern:code")


_PHONE_RE: Final = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}"
    r"(?:\s*(?:x|ext\.?|extension)\s*\d{1,5})?(?!\w)"
    r"|(?<![\w+])1[\s.-]?8[0-9]{2}[\s.-]\d{3}[\s.-]\d{4}(?!\w)",
    re.IGNORECASE,
)
_PHONE_SHORT_RE: Final = re.compile(r"(?<![\w-])\d{3}[-.]\d{4}(?![\w-])")


def phone_numbers(text: str) -> Iterator[Span]:
    """US phone numbers in their written variants; ``FAX`` when a fax cue precedes them."""
    for m in _PHONE_RE.finditer(text):
        kind: EntityType = "FAX" if _cue_before(text, m.start()) == "FAX" else "PHONE"
        yield Span(m.start(), m.end(), kind, STRONG, "pattern:phone")
    for m in _PHONE_SHORT_RE.finditer(text):
        cue = _cue_before(text, m.start())
        if cue in ("PHONE", "FAX"):
            yield Span(m.start(), m.end(), cue, CUED, "pattern:phone")


_SSN_RE: Final = re.compile(r"(?<![\w-])\d{3}([- ])\d{2}\1\d{4}(?![\w-])")


def ssns(text: str) -> Iterator[Span]:
    """Social security numbers written 3-2-4 (any digits: the shape alone identifies them)."""
    for m in _SSN_RE.finditer(text):
        yield Span(m.start(), m.end(), "SSN", STRONG, "pattern:ssn")


_EMAIL_RE: Final = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+(?<![.])")
_SPOKEN_EMAIL_RE: Final = re.compile(
    r"\b[a-z0-9][\w.-]*(?:\s+(?:dot|underscore|dash)\s+[a-z0-9][\w-]*)*"
    r"\s+at\s+[a-z0-9-]+(?:\s+dot\s+[a-z0-9-]+)*\s+dot\s+"
    r"(?:com|org|net|edu|gov|io|co|us|me|info)\b",
    re.IGNORECASE,
)
_URL_RE: Final = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)]"
    r"|\b[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|io|co|us|info|me|ly|app)"
    r"(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?(?![\w@])",
    re.IGNORECASE,
)
_SPOKEN_URL_RE: Final = re.compile(
    r"\b(?:www\s+dot\s+)?[a-z0-9-]+\s+dot\s+(?:com|org|net|edu|gov|io)"
    r"(?:\s+(?:slash|forward\s+slash)\s+[a-z0-9-]+)*\b",
    re.IGNORECASE,
)
_IPV4_RE: Final = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]|\.\d)")
_IPV6_RE: Final = re.compile(r"(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{1,4}(?![\w:])", re.I)


def internet(text: str) -> Iterator[Span]:
    """Email addresses (written and spoken), web addresses and IP addresses."""
    emails = [m.span() for m in _EMAIL_RE.finditer(text)]
    for s, e in emails:
        yield Span(s, e, "EMAIL", STRONG, "pattern:email")
    for m in _SPOKEN_EMAIL_RE.finditer(text):
        yield Span(m.start(), m.end(), "EMAIL", STRONG, "pattern:email_spoken")
    for m in _URL_RE.finditer(text):
        if any(s <= m.start() < e for s, e in emails):
            continue
        yield Span(m.start(), m.end(), "URL", CUED, "pattern:url")
    for m in _SPOKEN_URL_RE.finditer(text):
        yield Span(m.start(), m.end(), "URL", CUED, "pattern:url_spoken")
    for m in _IPV4_RE.finditer(text):
        if all(0 <= int(p) <= 255 for p in m.group().split(".")):
            yield Span(m.start(), m.end(), "IP", STRONG, "pattern:ipv4")
    for m in _IPV6_RE.finditer(text):
        yield Span(m.start(), m.end(), "IP", STRONG, "pattern:ipv6")


_DATE_RES: Final = (
    re.compile(
        rf"\b{MONTHS}\.?\s+(?:\d{{1,2}}(?:st|nd|rd|th)?|{ORDINAL_WORDS})\b(?:,?\s+\d{{4}})?"
        rf"|\b(?:the\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?|{ORDINAL_WORDS})\s+of\s+{MONTHS}\b"
        r"(?:,?\s+\d{4})?"
    ),
    re.compile(
        r"(?<![\w/.-])(?:\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})(?![\w/-])"
    ),
    re.compile(
        r"(?:(?<=\bon the )|(?<=\bsince the )|(?<=\buntil the )|(?<=\btill the )"
        r"|(?<=\bby the )|(?<=\bbefore the )|(?<=\bafter the )|(?<=\bfrom the ))"
        rf"(?:\d{{1,2}}(?:st|nd|rd|th)|{ORDINAL_WORDS})\b"
        r"(?!\s+(?:time|session|week|day|month|year|grade|floor|of\s+(?:them|us|those)))",
        re.IGNORECASE,
    ),
    re.compile(rf"\b{HOLIDAYS}\b"),
    re.compile(rf"\b{MONTHS}\s+(?:of\s+)?\d{{4}}\b"),
)
_DATE_CUE_RE: Final = re.compile(
    r"\b(?:dob|date\s+of\s+birth|birthday\s+is|born\s+on|admitted\s+on|discharged\s+on"
    r"|died\s+on|passed\s+(?:away\s+)?on)\b\W{0,3}(?P<v>\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
    r"|\d{6,8})",
    re.IGNORECASE,
)


def dates(text: str) -> Iterator[Span]:
    """Explicit date elements: month and day, numeric dates, "on the 14th", named holidays."""
    for rx in _DATE_RES:
        for m in rx.finditer(text):
            # the (capital-initial) month pattern must not take the verb "may" or "march"
            if m.group().split()[0] in ("May", "March") and not _has_day(m.group()):
                prev = text[max(0, m.start() - 12) : m.start()].lower()
                if not re.search(r"\b(?:in|of|since|until|by|early|late|mid|last|next)\s*$", prev):
                    continue
            yield Span(m.start(), m.end(), "DATE", STRONG, "pattern:date")
    for m in _DATE_CUE_RE.finditer(text):
        yield Span(m.start("v"), m.end("v"), "DATE", STRONG, "pattern:date_cue")


def _has_day(text: str) -> bool:
    return bool(re.search(rf"\d|{ORDINAL_WORDS}", text, re.IGNORECASE))


_AGE_PATTERNS: Final = (
    re.compile(
        rf"\b(?P<n>{AGE_NUMBER})(?:\s*-\s*|\s+)(?:years?|yrs?)(?:\s*-\s*|\s+)old\b", re.IGNORECASE
    ),
    re.compile(
        rf"\b(?:age|aged|turned|turning|just\s+turned|will\s+be|is\s+now)\s+(?P<n>{AGE_NUMBER})\b"
        r"(?!\s*(?:%|percent|minutes?|hours?|days?|weeks?|months?|pounds?|lbs?|mg|dollars?|times))",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:I'm|I\s+am|she's|he's|she\s+is|he\s+is|they're|they\s+are)\s+(?P<n>{AGE_NUMBER})"
        r"\b(?=\s*(?:[,.!?;]|$|and\b|now\b|this\b|next\b|years?\b))",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?P<n>{AGE_NUMBER})(?:\s*-\s*|\s+)year(?:\s*-\s*|\s+)old\b", re.IGNORECASE),
    re.compile(
        r"\b(?:grandmother|grandfather|grandma|grandpa|granny|mother|father|mom|dad|aunt|uncle"
        r"|neighbou?r|husband|wife|partner|patient|client|friend)\s+(?:is|was|turned|turns)\s+"
        rf"(?P<n>{AGE_NUMBER})\b(?=\s*[,.;!?]|\s+(?:and|now|this|next|but)\b)",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?:in\s+(?:her|his|their|my)\s+)(?P<n>nineties|90s|hundreds)\b", re.I),
)


def ages_over_89(text: str) -> Iterator[Span]:
    """Ages over 89 ("92 years old", "she's ninety-three", "aged 95"); younger ages are kept."""
    for rx in _AGE_PATTERNS:
        for m in rx.finditer(text):
            raw = m["n"]
            age = 90 if raw.lower() in ("nineties", "90s", "hundreds") else parse_age(raw)
            if age is not None and 89 < age < 130:
                yield Span(m.start("n"), m.end("n"), "AGE", STRONG, "pattern:age")


_STREET_TYPES: Final = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    r"|Terrace|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Alley|Row|Crescent|Close)"
)
_CAP: Final = r"[A-Z][a-zA-Z'’-]+"
_ADDRESS_RES: Final = (
    re.compile(
        rf"\b\d{{1,6}}\s+(?:[NSEW]\.?\s+)?(?:{_CAP}\s+){{1,3}}{_STREET_TYPES}\b\.?"
        r"(?:,?\s+(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*#?\s*\w+)?"
    ),
    re.compile(
        rf"(?:(?<=\bon )|(?<=\bat )|(?<=\boff )|(?<=\bto )|(?<=\bnear )|(?<=\bfrom ))"
        rf"(?:{_CAP}\s+){{1,3}}{_STREET_TYPES}\b\.?"
    ),
    re.compile(r"\b(?:Apt|Apartment|Unit|Suite|Ste)\.?\s*#?\s*\d+[A-Za-z]?\b"),
    re.compile(r"\bP\.?\s?O\.?\s+Box\s+\d+\b", re.IGNORECASE),
    re.compile(rf"\b(?:{_CAP}\s+){{1,2}}(?:County|Parish|Township|Borough)\b"),
    re.compile(r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"),
)
_PLACE_CUE_RE: Final = re.compile(
    r"\b(?:live|lives|living|lived|moved|moving|grew\s+up|raised|born|stay|staying|stayed"
    r"|work|works|working)\s+(?:in|to|from|at|near)\s+(?:the\s+)?(?:town\s+of\s+|city\s+of\s+"
    rf"|village\s+of\s+)?(?P<p>{_CAP}(?:\s+{_CAP}){{0,2}})"
    r"|\b(?:town|city|village|neighbou?rhood)\s+of\s+(?P<q>[A-Z][a-zA-Z'’-]+(?:\s+[A-Z][a-zA-Z'’-]+)?)"
)


_ORG_RE: Final = re.compile(
    rf"\b(?:{_CAP}\s+){{1,4}}(?:School|College|University|Academy|Hospital|Clinic|Center|Centre"
    r"|Church|Synagogue|Mosque|Temple|Inc|LLC|Corp|Corporation|Company|Bank|Department"
    r"|Elementary|Middle\s+School|High\s+School)\b\.?"
)


def organisations(text: str) -> Iterator[Span]:
    """Organisation names ending in a kind word ("Lincoln Elementary School", "Acme Inc")."""
    for m in _ORG_RE.finditer(text):
        words = m.group().split()
        while words and (words[0] in _NAME_STOP or clinical_term(words[0])):
            words = words[1:]
        if len(words) < 2:
            continue
        start = m.end() - len(" ".join(words))
        yield Span(start, m.end(), "ORGANIZATION", CUED, "pattern:organisation")


def places(text: str) -> Iterator[Span]:
    """Street addresses, apartment numbers, PO boxes, counties, ZIP codes and towns after a cue
    ("I live in ..."); states, countries and larger regions are kept."""
    for rx in _ADDRESS_RES:
        for m in rx.finditer(text):
            yield Span(m.start(), m.end(), "LOCATION", STRONG, "pattern:address")
    for m in _PLACE_CUE_RE.finditer(text):
        group = "p" if m["p"] else "q"
        value = m[group]
        if location_keep(value) or value.lower() in US_STATES or clinical_term(value):
            continue
        yield Span(m.start(group), m.end(group), "LOCATION", WEAK, "pattern:place_cue")


_NAME_STOP: Final = frozenset(
    "I I'm I've I'd I'll The A An And But So Or If He She They We It It's Is Was Who That This "
    "Then There Just Like Yeah Yes No Not Okay OK Well Oh Um Uh Because When What Why How".split()
)
_NAME_RES: Final = (
    re.compile(
        rf"\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Doctor|Nurse|Coach|Pastor|Father"
        rf"|Sister|Rabbi|Imam|Officer|Judge|Aunt|Uncle)\.?\s+(?P<n>{_CAP}(?:\s+{_CAP})?)"
    ),
    re.compile(
        rf"\b(?:[Mm]y\s+name\s+is|[Nn]ame's|[Cc]all\s+me|[Nn]amed|[Cc]alled|[Tt]his\s+is)"
        rf"\s+(?P<n>{_CAP}(?:\s+{_CAP})?)"
    ),
    re.compile(
        r"\b(?:[Mm]y|[Hh]er|[Hh]is|[Oo]ur|[Tt]heir|[Cc]lient's|[Pp]atient's)\s+(?:(?:older|younger|little|big|ex|late"
        r"|step|best)[- ]?)?(?:husband|wife|partner|spouse|son|daughter|mother|father|mom|dad"
        r"|brother|sister|boss|friend|girlfriend|boyfriend|fiancée?|therapist|doctor|"
        r"psychiatrist|kid|child|neighbou?r|coworker|co-worker|roommate|cousin|aunt|uncle|niece"
        r"|nephew|grandmother|grandfather|grandma|grandpa|supervisor|manager|teacher|sponsor"
        r"|caseworker|stepdad|stepmom|baby|ex)\s*,?\s+"
        rf"(?P<n>{_CAP}(?:\s+{_CAP})?)"
    ),
)


def names(text: str) -> Iterator[Span]:
    """Names after a title, "my name is", or a relation ("my sister Jenna")."""
    for rx in _NAME_RES:
        for m in rx.finditer(text):
            words = m["n"].split()
            while words and (words[-1] in _NAME_STOP or clinical_term(words[-1])):
                words.pop()
            if not words or words[0] in _NAME_STOP or clinical_term(words[0]):
                continue
            end = m.start("n") + len(" ".join(words))
            yield Span(m.start("n"), end, "NAME", CUED, "pattern:name")


def all_patterns(text: str) -> list[Span]:
    """Every custom recogniser over one text."""
    found: list[Span] = []
    for finder in (
        identifier_numbers,
        phone_numbers,
        ssns,
        internet,
        dates,
        ages_over_89,
        places,
        names,
        organisations,
    ):
        found.extend(finder(text))
    return found
