"""What is *not* an identifier: clinical durations and times, years, ages under 90, states and
larger places, clinical terms a general-purpose model mistakes for names or organisations.

Decisions (documented for the reviewer, tested in tests/deid/test_keeplist.py):

- Safe Harbor removes "all elements of dates (except year)". Month names, days of the month
  (numeric or ordinal), full numeric dates and named holidays (a fixed or computable day) are date
  elements: redacted as ``DATE``.
- Durations ("four hours", "two weeks"), frequencies ("every morning", "twice a day"), clock times
  ("3 a.m.", "10:30") and relative references ("yesterday", "last week", "last Tuesday") carry no
  date element: kept. A weekday alone ("last Tuesday") names no month or day of the month; with the
  session date removed from the export it does not identify a date, so it is kept. Seasons are kept.
- A year alone is kept (Safe Harbor's own exception), except a birth year indicating an age over
  89, which is redacted as ``AGE``.
- Ages are kept up to 89; ages over 89 are redacted as ``AGE``.
- US states, countries, continents and larger regions are kept: Safe Harbor removes only
  geographic subdivisions smaller than a state.
"""

from __future__ import annotations

import re
from typing import Final, Literal

from clearnote.deid.types import EntityType

KeepReason = Literal[
    "year_only",
    "duration",
    "frequency",
    "clock_time",
    "relative_day",
    "weekday",
    "season",
    "part_of_day",
    "age_under_90",
    "no_date_element",
    "state_or_larger",
    "clinical_term",
    "not_a_name",
]

MONTHS: Final = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
ORDINAL_WORDS: Final = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|twenty[- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth"
    r"|thirty[- ]first)"
)
HOLIDAYS: Final = (
    r"(?:Christmas(?:\s+(?:Eve|Day))?|Thanksgiving|Easter|Halloween|Hanukkah|Chanukah|Kwanzaa"
    r"|New\s+Year'?s(?:\s+(?:Eve|Day))?|Independence\s+Day|Fourth\s+of\s+July"
    r"|Valentine'?s(?:\s+Day)?|Memorial\s+Day|Labou?r\s+Day|Mother'?s\s+Day|Father'?s\s+Day"
    r"|Veterans\s+Day|Juneteenth|Passover|Yom\s+Kippur|Rosh\s+Hashanah|Diwali|Ramadan"
    r"|Eid(?:\s+al-\w+)?|Martin\s+Luther\s+King\s+(?:Jr\.?\s+)?Day|Presidents'?\s+Day"
    r"|Good\s+Friday|Ash\s+Wednesday|Lunar\s+New\s+Year|St\.?\s+Patrick'?s\s+Day)"
)

_MONTH_RE = re.compile(rf"\b{MONTHS}\b\.?")
_MONTH_LOWER_RE = re.compile(
    r"\b(?:january|february|april|june|july|august|september|october|november|december)\b"
)
_NUMERIC_DATE_RE = re.compile(
    r"\b(?:\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2})\b"
)
_NOT_A_DATE_FRACTION = re.compile(r"^\s*(?:24/7|1/2|1/3|2/3|1/4|3/4)\s*$")
# an ordinal is a day of the month only where it ends the phrase ("on the 14th", "the fifth")
# or names a month ("the third of March"); "the first few days" is a duration
_ORDINAL_DAY_RE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)|{ORDINAL_WORDS})(?=\s*$|\s*[,.;!?]|\s+of\s+{MONTHS})",
    re.IGNORECASE,
)
_HOLIDAY_RE = re.compile(rf"\b{HOLIDAYS}\b", re.IGNORECASE)
_YEAR_RE = re.compile(r"\b(?:1[89]\d{2}|20\d{2})\b")
_YEAR_ONLY_RE = re.compile(
    r"^\s*(?:(?:in|since|until|by|the|year|of|back\s+in|around|circa|early|late|mid)\s+)*"
    r"(?:(?:1[89]\d{2}|20\d{2})|(?:the\s+)?'?(?:\d0s|[1-9]0's|(?:19|20)\d0s))\s*$",
    re.IGNORECASE,
)

_NUMBER_WORDS: Final[dict[str, int]] = {
    "ninety": 90,
    "one hundred": 100,
    "a hundred": 100,
    "hundred": 100,
}
_UNITS: Final[dict[str, int]] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
}
AGE_NUMBER: Final = (
    r"(?:\d{1,3}|(?:ninety|(?:one|a)\s+hundred)(?:[- ](?:and\s+)?(?:one|two|three|four|five|six"
    r"|seven|eight|nine))?|(?:ten|twenty|thirty|forty|fifty|sixty|seventy|eighty)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)"
)
_AGE_RE = re.compile(
    rf"(?P<n>{AGE_NUMBER})\s*(?:-|\s)?\s*(?:years?|yrs?)(?:\s*-\s*|\s+)old"
    rf"|\b(?:age|aged)\s+(?P<n2>{AGE_NUMBER})\b",
    re.IGNORECASE,
)
_BORN_YEAR_RE = re.compile(r"\bborn\b.*?\b(?P<y>1[89]\d{2}|20\d{2})\b", re.IGNORECASE)

_CLOCK_RE = re.compile(
    r"\b\d{1,2}(?::\d{2})?\s*(?:a\.?\s?m\.?|p\.?\s?m\.?)|\b\d{1,2}:\d{2}\b|o'clock|\bnoon\b"
    r"|\bmidnight\b",
    re.IGNORECASE,
)
_WEEKDAY_RE = re.compile(
    r"\b(?:mon|tues|wednes|thurs|fri|satur|sun)days?\b|\bweekends?\b|\bweekdays?\b",
    re.IGNORECASE,
)
_DURATION_RE = re.compile(
    r"\b(?:seconds?|minutes?|mins?|hours?|hrs?|days?|nights?|weeks?|months?|years?|decades?"
    r"|fortnight)\b",
    re.IGNORECASE,
)
_FREQUENCY_RE = re.compile(
    r"\b(?:every|each|daily|nightly|weekly|monthly|yearly|annually|twice|once|times|hourly"
    r"|bi-?weekly|per)\b",
    re.IGNORECASE,
)
_RELATIVE_RE = re.compile(
    r"\b(?:yesterday|today|tomorrow|tonight|last|next|this|ago|recently|lately|earlier|later"
    r"|now|past|previous|coming|following|since|before|after)\b",
    re.IGNORECASE,
)
_SEASON_RE = re.compile(r"\b(?:spring|summer|fall|autumn|winter|holidays?)\b", re.IGNORECASE)
_PART_OF_DAY_RE = re.compile(
    r"\b(?:morning|mornings|afternoon|afternoons|evening|evenings|night|nights|bedtime|dawn"
    r"|dusk|lunch|dinner|breakfast)\b",
    re.IGNORECASE,
)


def parse_age(text: str) -> int | None:
    """The number in an age expression ("92", "ninety-two", "a hundred and one"), or None."""
    t = text.strip().lower().replace("-", " ")
    if t.isdigit():
        return int(t)
    t = re.sub(r"\band\b", " ", t)
    t = re.sub(r"\s+", " ", t).strip()
    tens = {
        "ten": 10,
        "twenty": 20,
        "thirty": 30,
        "forty": 40,
        "fifty": 50,
        "sixty": 60,
        "seventy": 70,
        "eighty": 80,
    }
    for word, value in {**_NUMBER_WORDS, **tens}.items():
        if t == word:
            return value
        if t.startswith(word + " "):
            rest = t[len(word) + 1 :]
            if rest in _UNITS:
                return value + _UNITS[rest]
    return None


def age_in(text: str) -> int | None:
    """The age an expression states ("92 years old", "aged 95"), or None when it states none."""
    m = _AGE_RE.search(text)
    if not m:
        return None
    return parse_age(m["n"] or m["n2"])


def date_decision(
    text: str, *, reference_year: int
) -> tuple[EntityType, None] | tuple[None, KeepReason]:
    """Decide what a span a model tagged as a date/time is: a date element, an age over 89, or
    something to keep (with the reason). ``reference_year`` is the export's year, used to tell a
    birth year that indicates an age over 89."""
    if _NOT_A_DATE_FRACTION.match(text):
        return None, "frequency" if "24" in text else "no_date_element"
    if (
        _MONTH_RE.search(text)
        or _MONTH_LOWER_RE.search(text)
        or _NUMERIC_DATE_RE.search(text)
        or _HOLIDAY_RE.search(text)
        or _ORDINAL_DAY_RE.search(text)
    ):
        return "DATE", None
    age = age_in(text)
    if age is not None:
        return ("AGE", None) if age > 89 else (None, "age_under_90")
    born = _BORN_YEAR_RE.search(text)
    if born and reference_year - int(born["y"]) > 89:
        return "AGE", None
    if _YEAR_ONLY_RE.match(text):
        return None, "year_only"
    if _YEAR_RE.search(text) and not _DURATION_RE.search(text):
        return None, "year_only"
    for pattern, reason in (
        (_CLOCK_RE, "clock_time"),
        (_WEEKDAY_RE, "weekday"),
        (_FREQUENCY_RE, "frequency"),
        (_DURATION_RE, "duration"),
        (_RELATIVE_RE, "relative_day"),
        (_SEASON_RE, "season"),
        (_PART_OF_DAY_RE, "part_of_day"),
    ):
        if pattern.search(text):
            return None, reason  # type: ignore[return-value]
    return None, "no_date_element"


US_STATES: Final = frozenset(
    s.lower()
    for s in (
        "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia "
        "Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland "
        "Massachusetts Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio "
        "Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin "
        "Wyoming"
    ).split()
) | frozenset(
    {
        "new hampshire",
        "new jersey",
        "new mexico",
        "new york state",
        "north carolina",
        "north dakota",
        "rhode island",
        "south carolina",
        "south dakota",
        "west virginia",
        "puerto rico",
        "guam",
        "district of columbia",
    }
)
LARGER_PLACES: Final = frozenset(
    {
        "us",
        "u.s.",
        "usa",
        "u.s.a.",
        "america",
        "united states",
        "united states of america",
        "the united states",
        "the us",
        "the states",
        "north america",
        "south america",
        "central america",
        "latin america",
        "europe",
        "asia",
        "africa",
        "australia",
        "antarctica",
        "the middle east",
        "middle east",
        "the caribbean",
        "caribbean",
        "the midwest",
        "midwest",
        "new england",
        "the south",
        "the west coast",
        "the east coast",
        "west coast",
        "east coast",
        "the pacific northwest",
        "scandinavia",
        "uk",
        "the uk",
        "britain",
        "great britain",
        "england",
        "scotland",
        "wales",
        "ireland",
        "northern ireland",
    }
    | {
        c.lower()
        for c in (
            "Afghanistan Albania Algeria Argentina Armenia Austria Bangladesh Belarus Belgium "
            "Bolivia Bosnia Brazil Bulgaria Cambodia Cameroon Canada Chile China Colombia Cuba "
            "Cyprus Denmark Ecuador Egypt Eritrea Estonia Ethiopia Fiji Finland France Germany "
            "Ghana Greece Guatemala Haiti Honduras Hungary Iceland India Indonesia Iran Iraq "
            "Israel Italy Jamaica Japan Jordan Kazakhstan Kenya Korea Kuwait Laos Latvia Lebanon "
            "Liberia Libya Lithuania Malaysia Mexico Moldova Mongolia Morocco Myanmar Nepal "
            "Netherlands Nicaragua Nigeria Norway Pakistan Palestine Panama Paraguay Peru "
            "Philippines Poland Portugal Romania Russia Rwanda Senegal Serbia Singapore Slovakia "
            "Slovenia Somalia Spain Sudan Sweden Switzerland Syria Taiwan Tanzania Thailand "
            "Tunisia Turkey Uganda Ukraine Uruguay Venezuela Vietnam Yemen Zambia Zimbabwe"
        ).split()
    }
    | {
        "costa rica",
        "dominican republic",
        "el salvador",
        "new zealand",
        "north korea",
        "south korea",
        "south africa",
        "saudi arabia",
        "sri lanka",
        "the netherlands",
        "the philippines",
        "czech republic",
        "united kingdom",
        "the united kingdom",
        "puerto rico",
        "hong kong",
        "ivory coast",
    }
)

# Terms a general English NER model often tags as a person or an organisation in therapy talk.
CLINICAL_TERMS: Final = frozenset(
    t.lower()
    for t in (
        "CBT DBT ACT EMDR IFS IPT MBCT MI PE CPT TF-CBT PHQ PHQ-9 PHQ9 GAD GAD-7 GAD7 PCL PCL-5 "
        "C-SSRS CSSRS AUDIT DAST DSM DSM-5 DSM-IV ICD ICD-10 PTSD ADHD ADD OCD MDD BPD ASD SUD "
        "AUD TBI SSRI SSRIs SNRI SNRIs MAOI ECT TMS IOP PHP ER ICU ED EHR AA NA SMART Al-Anon "
        "MRN SSN DOB ID IDs IP URL VIN NPI DEA Medicaid Medicare Email E-mail Zoom Telehealth "
        "Zoloft Prozac Lexapro Celexa Paxil Effexor Cymbalta Wellbutrin Remeron Trazodone "
        "Xanax Ativan Klonopin Valium Ambien Seroquel Abilify Risperdal Zyprexa Lamictal "
        "Lithium Depakote Adderall Ritalin Vyvanse Concerta Strattera Suboxone Naltrexone "
        "Vivitrol Narcan Buspar Buspirone Hydroxyzine Gabapentin Prazosin Propranolol Melatonin "
        "Benadryl Tylenol Advil Ibuprofen Sertraline Fluoxetine Escitalopram Bupropion "
        "Quetiapine Aripiprazole Lorazepam Clonazepam Alprazolam Mirtazapine Venlafaxine "
        "Duloxetine Methylphenidate Therapist Counselor Client Patient Doctor Clinician God "
        "Jesus Lord Mom Dad Mommy Daddy Grandma Grandpa Nana Papa Ma Pa Sir Ma'am Okay OK Yeah "
        "Hmm Mm Mhm Um Uh Alright GP IBS IBD TIA STD STI UTI SLE COPD CKD HIV HPV MRI CT ECG EKG "
        "BMI BP A&E NHS IT HR OT PT ENT GI IUD COVID COVID-19 Covid NSAID NSAIDs "
        "Tinnitus Eczema Psoriasis Angina Asthma Diabetes Migraine Arthritis Gout Lupus Lyme "
        "Latex Shingles Sciatica Implanon Microgynon Dioralyte Piriton Gaviscon Lemsip Calpol "
        "Nurofen Imodium Canesten Sudafed Voltarol Co-codamol Paracetamol Paracetamols "
        "Acetaminophen Naproxen Aspirin Codeine Morphine Tramadol Oxycodone Methadone Naloxone "
        "Insulin Metformin Warfarin Heparin Prednisolone Prednisone Levothyroxine Omeprazole "
        "Salbutamol Ventolin Epipen EpiPen Viagra Plan B"
    ).split()
) | frozenset(
    {
        "alcoholics anonymous",
        "narcotics anonymous",
        "medical record number",
        "social security",
        "social security number",
        "member id",
        "medicaid id",
        "medicare id",
        "date of birth",
        "health plan",
        "insurance",
        # large public institutions: naming them identifies no one
        "army",
        "navy",
        "air force",
        "marines",
        "marine corps",
        "national guard",
        "coast guard",
        "va",
        "social security administration",
    }
)

# International nonproprietary name stems: a word ending in one is a medicine, not a person
_DRUG_STEM_RE = re.compile(
    r"(?:pril|olol|sartan|statin|prazole|cillin|mycin|cycline|oxacin|azole|tidine|dipine|semide"
    r"|thiazide|oprim|furantoin|formin|gliptin|gliflozin|triptan|azepam|azolam|profen|oxetine"
    r"|traline|pramine|triptyline|apine|peridone|peridol|trigine|amate|adine|izine|afil|parin"
    r"|lukast|sone|olone|ocaine|codone|orphine|phenidate|xaban|gatran|mab|nib|vir|tadine"
    r"|oxone|exone|fenac|coxib|setron|barbital|zolam|clone|pidem)s?$",
    re.IGNORECASE,
)


def medicine(text: str) -> bool:
    """A single word shaped like a medicine's international name (sertraline, lisinopril)."""
    word = text.strip()
    return " " not in word and len(word) > 5 and bool(_DRUG_STEM_RE.search(word))


_TRIM_RE = re.compile(r"^(?:the|a|an|my|our)\s+|[\s.,;:!?'’]+$|'s$|’s$", re.IGNORECASE)


def normalise(text: str) -> str:
    """Lower-case, trimmed of leading articles and trailing punctuation and possessives."""
    out = text.strip()
    for _ in range(3):
        out = _TRIM_RE.sub("", out).strip()
    return re.sub(r"\s+", " ", out).lower()


def location_keep(text: str) -> bool:
    """True for a US state, a country or a larger region (Safe Harbor keeps those)."""
    norm = normalise(text)
    return norm in US_STATES or norm in LARGER_PLACES or f"the {norm}" in LARGER_PLACES


def clinical_term(text: str) -> bool:
    """True when a model's name/organisation/location guess is a clinical term or a label."""
    norm = normalise(text)
    if norm in CLINICAL_TERMS or all(w in CLINICAL_TERMS for w in norm.split()):
        return True
    return medicine(norm)
