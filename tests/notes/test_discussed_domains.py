from __future__ import annotations

import pytest

from clearnote.notes.drafting import discussed_domains
from clearnote.transcripts.importer import parse_turns


@pytest.mark.parametrize(
    ("turns", "domain"),
    [
        ("Therapist: Any thoughts of ending your life?\nClient: No, never.", "suicide"),
        ("Client: Some nights I feel everyone would be better off without me.", "suicide"),
        ("Therapist: Do you ever hurt yourself on purpose?\nClient: I used to cut.", "self_harm"),
        ("Client: My boyfriend shoved me into the wall again.", "intimate_partner_violence"),
    ],
)
def test_a_topic_the_screening_sees_is_never_called_not_discussed(turns: str, domain: str) -> None:
    assert domain in discussed_domains(parse_turns(turns))


def test_an_unrelated_session_discusses_no_risk_domain() -> None:
    t = parse_turns("Therapist: How was work?\nClient: Busy, but I handled the deadline.")
    assert discussed_domains(t) == set()
