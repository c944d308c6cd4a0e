"""Client strengths: supports, coping skills, values, past successes, motivation for change."""

from __future__ import annotations

from clearnote.assess.categories import category_items
from clearnote.assess.grounding import Grounder
from clearnote.assess.lexicon import Lexicon
from clearnote.assess.matching import SessionText
from clearnote.domain.assessment import CategoryPart


def assess_strengths(session: SessionText, lexicon: Lexicon, grounder: Grounder) -> CategoryPart:
    items, missing = category_items(session, lexicon.strengths.values(), "strengths", grounder)
    return CategoryPart(items=tuple(items), not_assessed=tuple(missing))
