"""Service needs: housing, employment, medical, legal, financial, food, transportation,
substance-use treatment, and crisis resources whenever screening flags suicide, self-harm or harm
to others (protective services when it flags abuse or partner violence)."""

from __future__ import annotations

from clearnote.assess.categories import MAX_ITEMS_PER_CATEGORY, category_items
from clearnote.assess.grounding import Grounder, flag_words
from clearnote.assess.lexicon import Lexicon
from clearnote.assess.matching import SessionText
from clearnote.domain.assessment import CategoryPart, Item, NotAssessed
from clearnote.domain.screening import Domain, ScreeningReport
from clearnote.domain.transcript import Transcript

CRISIS_DOMAINS: tuple[Domain, ...] = ("suicide", "self_harm", "harm_to_others")
PROTECTIVE_DOMAINS: tuple[Domain, ...] = (
    "child_abuse",
    "elder_dependent_abuse",
    "intimate_partner_violence",
)
SUBSTANCE_LEVELS = frozenset({"problem_use", "dependence_or_withdrawal", "overdose"})


def _flag_items(
    screening: ScreeningReport,
    domains: tuple[Domain, ...],
    kind: str,
    grounder: Grounder,
    transcript: Transcript,
) -> list[Item]:
    out: list[Item] = []
    for domain in domains:
        result = screening.domain(domain)
        quotes: set[str] = set()
        for flag in result.flags:
            if flag.quote in quotes or len(quotes) >= 2:
                continue
            quotes.add(flag.quote)
            out.append(
                grounder.item(
                    kind,
                    f"Screening flagged {domain.replace('_', ' ')}: {flag_words(flag, transcript)}",
                    flag.segment_ids,
                    f"screening:{domain}:{flag.rule}",
                    flag.quote,
                )
            )
    return out


def assess_needs(
    session: SessionText, lexicon: Lexicon, screening: ScreeningReport, grounder: Grounder
) -> CategoryPart:
    substance = [f for f in screening.domain("substance_use").flags if f.level in SUBSTANCE_LEVELS][
        :MAX_ITEMS_PER_CATEGORY
    ]
    extra = {
        "substance_use_treatment": [
            grounder.item(
                "substance_use_treatment",
                f'Client said: "{f.quote}"',
                f.segment_ids,
                f"screening:substance_use:{f.rule}",
                f.quote,
            )
            for f in substance
        ]
    }
    items, missing = category_items(session, lexicon.needs.values(), "needs", grounder, extra)
    crisis = _flag_items(
        screening, CRISIS_DOMAINS, "crisis_resources", grounder, session.transcript
    )
    if crisis:
        items.extend(crisis)
    else:
        missing.append(
            NotAssessed(
                name="crisis_resources",
                reason="screening raised no suicide, self-harm or harm-to-others flag in this "
                "transcript (not a finding that risk is absent)",
            )
        )
    protective = _flag_items(
        screening, PROTECTIVE_DOMAINS, "protective_services", grounder, session.transcript
    )
    if protective:
        items.extend(protective)
    else:
        missing.append(
            NotAssessed(
                name="protective_services",
                reason="screening raised no abuse or partner-violence flag in this transcript",
            )
        )
    return CategoryPart(items=tuple(items), not_assessed=tuple(missing))
