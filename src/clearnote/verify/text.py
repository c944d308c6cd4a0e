"""Word-level text normalisation shared by the checks: tokens, stems, stopwords, number words."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?(?:\.[0-9]+)?")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing done down during each few for from
    further get gets got had has have having he her here hers him his how i if in
    into is it its itself just me more most my no nor not of off on once only or other our
    ours out over own same she should so some such than that the their theirs them then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours okay ok yeah yes um uh mm hmm like well oh so
    really right kind sort thing things just know think mean go going gonna wanna lot also said says
    say tell told today now patient client pt he's she's i'm it's that's don't doesn't didn't i've
    i'd you're we're they're there's isn't wasn't aren't can't won't been would've let's per
    reports reported report states stated state notes noted describes described mentions mentioned
    endorses endorsed indicates indicated shares shared discussed discuss explains explained
    presents today's miss dr
    clinician clinician's non able several many approximately another""".split()
)
# note conventions that carry no fact to check against the conversation
NOTE_CONVENTIONS = frozenset(
    """present presents presented presenting comes came office clinic visit visits today
    significant complaining complains complained
    complaint evaluation evaluated follow followup follow-up noncontributory unremarkable pleasant
    returns returned returning deny denies denied denying history otherwise involved sustained
    known reason seen seeing regarding currently ongoing""".split()
)

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "once": 1, "twice": 2, "single": 1, "couple": 2, "half": 0.5, "dozen": 12,
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "twenties": 20, "thirties": 30,
    "forties": 40, "fifties": 50, "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90,
}  # fmt: skip
NUMBER_WORDS: dict[str, float] = {k: float(v) for k, v in _NUMBER_WORDS.items()}
_SMALL = {k: v for k, v in NUMBER_WORDS.items() if v < 100 and k not in ("once", "twice")}

_SUFFIXES = ("ational", "ization", "fulness", "iveness", "ations", "ation", "ingly", "ments",
             "ment", "ness", "ings", "ing", "edly", "ies", "ied", "ers", "er", "ed", "ly",
             "es", "s")  # fmt: skip


def spelled_values(words: list[str]) -> list[float]:
    """Values of runs of number words in ``words`` ("one hundred twenty" → 120; "twenty-six"
    → 26; "one twenty four" → 124; "two and three" → 2, 3)."""
    values: list[float] = []
    total = 0.0
    current = 0.0
    active = False
    for raw in [*words, ""]:
        parts = raw.split("-") if raw else [""]
        for w in parts:
            if w in ("hundred",) and active:
                current = max(current, 1.0) * 100
            elif w == "thousand" and active:
                total += max(current, 1.0) * 1000
                current = 0.0
            elif w in _SMALL or w in ("once", "twice", "hundred", "thousand"):
                value = NUMBER_WORDS[w]
                if w == "hundred":
                    value = 100.0
                if w == "thousand":
                    value = 1000.0
                if active and current == 0 and total > 0 and value < 1000:
                    current = value
                elif active and current >= 100 and current % 100 == 0 and value < 100:
                    current += value
                elif active and current % 100 >= 20 and current % 10 == 0 and 0 < value < 10:
                    current += value
                elif active and 1 <= current <= 9 and 10 <= value < 100:
                    current = current * 100 + value  # "one twenty four" -> 124
                elif active and 10 <= current < 100 and 10 <= value < 100 and total == 0:
                    current = current * 100 + value  # "twenty twenty" -> 2020
                elif active and w not in ("half", "dozen"):
                    values.append(total + current)
                    total, current = 0.0, value
                else:
                    current, active = value, True
                active = True
            elif w == "and" and active:
                continue
            else:
                if active:
                    values.append(total + current)
                total, current, active = 0.0, 0.0, False
    return values


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens (numbers with decimals kept whole)."""
    return _TOKEN.findall(text.lower().replace("’", "'"))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A small suffix-stripping stemmer: good enough to match 'sleeping' with 'sleep'."""
    w = word.lower().replace("'", "")
    if w.endswith("n't"):
        return w
    if len(w) <= 3 or w.isdigit():
        return w
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            if suf in ("ies", "ied"):
                w += "y"
            break
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
        w = w[:-1]
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


# words that say the same thing in a note and in speech map to one stem; reflexives of every
# person are one content stem, so "denied hurting themselves" meets "hurting yourself?" (and still
# differs from "hurting others")
CANON = {
    "oneself": "self", "yourselves": "self",
    "yourself": "self", "myself": "self", "himself": "self", "herself": "self",
    "themselves": "self", "themself": "self", "ourselves": "self", "hurt": "harm",
    "hurting": "harm", "harming": "harm", "harmed": "harm", "hurts": "harm",
    "suicidal": "suicid", "suicide": "suicid", "dying": "die", "died": "die", "dead": "die",
    "death": "die", "kids": "child", "kid": "child", "children": "child", "mom": "moth",
    "mum": "moth", "dad": "fath", "meds": "medic", "medication": "medic",
    "medications": "medic", "medicine": "medic", "medicines": "medic", "tired": "fatigu",
    "fatigue": "fatigu", "exhausted": "fatigu", "poorly": "poor", "badly": "poor", "bad": "poor",
    "sleeping": "sleep", "slept": "sleep", "drank": "drink", "drinking": "drink", "ate": "eat",
    "eating": "eat", "felt": "feel", "feeling": "feel", "feelings": "feel", "wife": "spous",
    "husband": "spous", "partner": "spous", "boyfriend": "spous", "girlfriend": "spous",
    # in a history, "Do you drink?" asks about alcohol
    "alcohol": "drink", "etoh": "drink", "alcoholic": "drink", "booze": "drink", "tobacco": "smok",
    "cigarette": "smok", "cigarettes": "smok", "cigs": "smok", "smoker": "smok", "weed": "cannabi",
    "marijuana": "cannabi", "pot": "cannabi", "dyspnea": "breath", "sob": "breath",
    "nonsmoker": "smok", "nondrinker": "drink",
    # irregular forms the suffix stemmer cannot join ("fell" and "a fall", "feet" and "foot")
    "fell": "fall", "fallen": "fall", "broke": "break", "broken": "break", "took": "tak",
    "taken": "tak", "began": "begin", "begun": "begin", "lost": "los",
    "threw": "throw", "thrown": "throw", "gave": "giv", "given": "giv", "swollen": "swell",
    "stung": "sting", "bled": "bleed", "bleed": "bleed", "fought": "fight", "brought": "bring",
    "caught": "catch", "came": "com",
    "woke": "wak", "woken": "wak", "ran": "run", "held": "hold", "kept": "keep", "found": "find",
    "grew": "grow", "grown": "grow", "feet": "foot", "teeth": "tooth", "wore": "wear",
    # a condition's adjective and its noun ("allergic to" and "allergies")
    "allergic": "allergy", "asthmatic": "asthma", "diabetic": "diabet", "anemic": "anemia",
    "epileptic": "epilepsy", "arthroscopic": "arthroscopy", "endoscopic": "endoscopy",
    "hypertensive": "hypertension", "obese": "obesity", "anxious": "anxiety",
    "depressed": "depression", "nauseous": "nausea", "nauseated": "nausea", "feverish": "fev",
    "dizzy": "dizzi", "itchy": "itch", "itchiness": "itch", "painful": "pain",
    # a note's "57-year-old female" rests on how the patient was addressed or described
    "female": "female", "females": "female", "woman": "female", "women": "female",
    "lady": "female", "ladies": "female", "girl": "female", "ma'am": "female", "maam": "female",
    "madam": "female", "mrs": "female", "ms": "female",
    "male": "male", "males": "male", "man": "male", "men": "male", "gentleman": "male",
    "gentlemen": "male", "guy": "male", "boy": "male", "sir": "male", "mister": "male",
    "mr": "male",
}  # fmt: skip


# a form of address ("Hello, miss.", "Miss G") rather than the verb ("I miss her")
_MISS_ADDRESS = re.compile(r"\bMiss\b(?=\s+[A-Z])|\b[Mm]iss\b(?=\s*(?:[,.!?;:]|$))")
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?:st|nd|rd|th|s)?")  # 57, 2.5, 12th, 80s
_AGE_UNITS = frozenset({"year", "years", "yr", "yrs", "month", "months", "week", "weeks", "day",
                        "days"})  # fmt: skip


def number_token(value: float) -> str:
    """The one spelling of a number that stems use: 57, 0.5, 2005 (whether written or said)."""
    return str(int(value)) if value == int(value) else f"{value:g}"


# an acronym spelled out letter by letter ("E K G", "I.V."), as typed transcripts often have it
_SPELLED_ACRONYM = re.compile(r"\b[A-Z](?:[ .][A-Z]\b){1,5}")


def _join_letters(m: re.Match[str]) -> str:
    return re.sub(r"[ .]", "", m.group(0))


# one spelling for words written apart or hyphenated ("follow up", "re-evaluation")
_JOINED = re.compile(r"\b(follow)[- ](up)\b|\b(re)-(?=[a-z])", re.IGNORECASE)


def _join_words(m: re.Match[str]) -> str:
    return "".join(g for g in m.groups() if g)


def content_stems(text: str, *, conventions: bool = False) -> list[str]:
    """Stems of the content words of ``text`` (stopwords dropped), in order.

    Numbers are one token however they are written ("fifty seven", "57", "057" → ``57``), and the
    age convention "57-year-old" is the number alone, as the answer "I'm fifty seven" says it. An
    acronym spelled letter by letter is one word ("E K G" → ``ekg``). ``conventions`` keeps the
    words of note convention ("follow-up", "presents"), for a statement made only of them.
    """
    text = _JOINED.sub(_join_words, _MISS_ADDRESS.sub("madam", text))
    words = tokens(_SPELLED_ACRONYM.sub(_join_letters, text))
    out: list[str] = []
    run: list[str] = []
    for i, t in enumerate([*words, ""]):
        if t in NUMBER_WORDS and t not in STOPWORDS or (run and t == "and"):
            run.append(t)
            continue
        if run:
            out.extend(number_token(v) for v in spelled_values(run))
            run = []
        if not t:
            break
        if num := _NUMBER.fullmatch(t):
            out.append(number_token(float(num.group(1))))
        elif (
            t == "old"
            and i > 0
            and words[i - 1] in _AGE_UNITS
            and len(out) >= 2
            and out[-2][0].isdigit()
        ):
            out.pop()  # "57 year old" → 57: the unit is part of the convention
        elif t not in STOPWORDS and (conventions or t not in NOTE_CONVENTIONS) and len(t) > 1:
            out.append(CANON.get(t) or stem(t))
    return out


def normalise_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
