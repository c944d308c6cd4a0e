"""The word lists the checks use, read once from ``verify/data`` (see data/PROVENANCE.md)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from clearnote.verify.text import content_stems, stem, tokens

DRUG_SUFFIX = re.compile(
    r"^[a-z]{3,}(?:pril|sartan|olol|dipine|statin|azepam|azolam|oxetine|aline|pram|triptan|"
    r"prazole|tidine|cillin|mycin|floxacin|cycline|azole|vir|mab|nib|gliptin|gliflozin|glutide|"
    r"semide|thiazide|parin|xaban|dipine|adone|zodone|peridone|apine|barbital|profen|coxib|"
    r"codone|morphone|phetamine|caine|sone|olone)$"
)
RISK_TERMS = re.compile(
    r"\b(?:suicid\w*|kill(?:ing)? (?:my|him|her|them)sel(?:f|ves)|end(?:ing)? (?:my|it all|my life)"
    r"|take my (?:own )?life|want(?:ed)? to die|wish(?:ed)? I (?:was|were) dead"
    r"|better off (?:\w+ ){0,5}(?:dead|gone|without me)|(?:I|I'd) (?:was|were|be) dead"
    r"|(?:not|don't|do not|didn't) (?:want|wanting) to (?:live|be here|wake up|be alive|go on)"
    r"|no (?:reason|point) (?:to|in) living|took (?:a bunch of|all (?:of )?(?:my|the)|too many|"
    r"a lot of|a handful of) (?:my |the )?(?:pills|tablets)"
    r"|self[- ]?harm\w*|cut(?:s|ting)? (?:my|myself)|hurt(?:s|ing)? (?:my|him|her|them)sel(?:f|ves)"
    r"|burn(?:ed|ing|t|s)? myself|overdos\w*|hang(?:ed|ing)? myself|jump off"
    r"|shoot (?:my|him|her|them)"
    r"|kill (?:him|her|them|someone|somebody|you|my)|hurt (?:him|her|them|someone|somebody|people)"
    r"|hit (?:me|him|her|them|my)|hits me|beat(?:s|ing)? (?:me|him|her|them|my)|choke[ds]? me"
    r"|abus(?:e|ed|es|ing|ive)|molest\w*|rap(?:e|ed)\b|assault\w*|violen(?:ce|t)|threaten\w*"
    r"|gun|firearm|weapon|knife)\b",
    re.IGNORECASE,
)
MEDICATION_CHANGE = re.compile(
    r"\b(?:start(?:ed|ing)?|stop(?:ped|ping)?|increas\w*|decreas\w*|switch\w*|taper\w*|chang\w*"
    r"|rais\w*|lower\w*|double\w*|halv\w*|cut (?:back|down)|came off|come off|go off|went off"
    r"|refill\w*|prescri\w*|ran out|run out|missed|skipp\w*|quit)\b",
    re.IGNORECASE,
)
MEDICATION_WORD = re.compile(
    r"\b(?:medication|medications|meds|medicine|pills?|tablets?|dose|dosage|mg|milligrams?"
    r"|prescription|antidepressants?|inhaler|injection)\b",
    re.IGNORECASE,
)
SAFETY_PLAN = re.compile(
    r"\b(?:safety plan\w*|crisis (?:line|number|team|plan)|hotline|988|911|emergency room"
    r"|go to (?:the )?(?:er|a&e|emergency)|lock (?:up|away)|remove the|means restriction"
    r"|warning signs|coping (?:plan|card)|call (?:someone|me|your|the)|reach out)\b",
    re.IGNORECASE,
)
APPOINTMENT = re.compile(
    r"\b(?:next (?:session|appointment|week|time|visit|month)|see you (?:next|on|in|again)"
    r"|follow[- ]?up|come back|book (?:you|an|a)|schedul\w*|appointment|in (?:two|three|four|\d+)"
    r"|meet again|next (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r" weeks|review (?:in|you))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class StigmaTerm:
    term: str
    use_instead: str
    category: str
    exempt: tuple[str, ...]
    pattern: re.Pattern[str]


def _data(name: str) -> str:
    return (
        resources.files("clearnote.verify")
        .joinpath("data")
        .joinpath(name)
        .read_text(encoding="utf-8")
    )


def _lines(name: str) -> list[str]:
    return [ln.strip() for ln in _data(name).splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def drugs() -> frozenset[str]:
    return frozenset(ln.lower() for ln in _lines("drugs.txt"))


@lru_cache(maxsize=1)
def conditions() -> dict[str, tuple[str, ...]]:
    """condition → the other words a transcript may use for it."""
    out: dict[str, tuple[str, ...]] = {}
    for ln in _lines("conditions.tsv"):
        name, _, alts = ln.partition("\t")
        out[name.lower()] = tuple(a.strip().lower() for a in alts.split("|") if a.strip())
    return out


@lru_cache(maxsize=1)
def stigma_terms() -> tuple[StigmaTerm, ...]:
    rows = csv.DictReader(_data("stigmatizing.csv").splitlines())
    out = []
    for row in rows:
        term = row["term"].strip().lower()
        body = re.escape(term).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]?")
        out.append(
            StigmaTerm(
                term=term,
                use_instead=row["use_instead"].strip(),
                category=row["category"].strip(),
                exempt=tuple(x.strip().lower() for x in row["context_exempt"].split("|") if x),
                pattern=re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE),
            )
        )
    # longest first so "drug abuser" wins over "drug abuse"
    return tuple(sorted(out, key=lambda t: -len(t.term)))


def phrase_stems(phrase: str) -> tuple[str, ...]:
    return tuple(stem(t) for t in tokens(phrase))


@dataclass(frozen=True)
class Entity:
    """A drug or condition named in a note statement, and what would count as support."""

    kind: str  # "drug" | "condition"
    surface: str
    alternatives: tuple[tuple[str, ...], ...]  # stem sequences, any of which supports it


@lru_cache(maxsize=1)
def _entity_pattern() -> re.Pattern[str]:
    names = sorted([*conditions(), *(d for d in drugs() if " " in d)], key=len, reverse=True)
    return re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(n) for n in names) + r")(?![a-z])")


@lru_cache(maxsize=4096)
def entities_in(text: str) -> tuple[Entity, ...]:
    """Drugs (lexicon or drug-like suffix) and conditions named in ``text``."""
    low = text.lower()
    found: list[Entity] = []
    seen: set[str] = set()
    conds = conditions()
    for m in _entity_pattern().finditer(low):
        name = m.group(0)
        seen.update(name.split())
        if name in conds:
            alts = (phrase_stems(name), *(phrase_stems(a) for a in conds[name]))
            found.append(Entity("condition", name, alts))
        else:
            found.append(Entity("drug", name, (phrase_stems(name),)))
    for w in tokens(low):
        if w in seen:
            continue
        if w in drugs() or DRUG_SUFFIX.match(w):
            seen.add(w)
            found.append(Entity("drug", w, ((stem(w),),)))
    return tuple(found)


@lru_cache(maxsize=1)
def _lay_terms() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    out: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
    for ln in _lines("synonyms.tsv"):
        name, _, alts = ln.partition("\t")
        key = tuple(content_stems(name))
        lay = tuple(x for x in (tuple(content_stems(a)) for a in alts.split("|")) if x and x != key)
        if key and lay:
            out[key] = lay
    return out


def lay_terms(name_stems: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The content stems of what a conversation says for the note term named by ``name_stems``
    (``("hypertension",)`` → ``("high", "blood", "pressur")``, ...; data/synonyms.tsv)."""
    return _lay_terms().get(name_stems, ())
