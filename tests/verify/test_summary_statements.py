"""Summary-style statements ("The patient is a 57-year-old female ...", "Noncontributory.",
"Cholecystectomy.") against short doctor-patient exchanges: how a note says a fact and how a
conversation says it differ in numbers, forms of address, lay words and answers of "no"."""

from __future__ import annotations

import pytest

from clearnote.transcripts.importer import parse_turns
from clearnote.verify import Verifier, note_from_text
from clearnote.verify.negation import negated_items
from clearnote.verify.split import split_sentences
from clearnote.verify.text import content_stems

LEXICAL = Verifier(None)


def verdict_and_flags(transcript: str, note: str) -> tuple[str, set[str]]:
    report = LEXICAL.verify(parse_turns(transcript, source="test"), note_from_text(note))
    (result,) = report.statements
    kinds = {f.kind for f in report.flags if f.statement_id == result.id}
    return result.verdict, kinds - {"low_confidence", "stigmatizing_language"}


def test_inline_numbering_is_not_a_statement() -> None:
    assert split_sentences("1. Headache. 2. Nausea and vomiting. 3.") == [
        "Headache.",
        "Nausea and vomiting.",
    ]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("a 57-year-old", "I'm fifty seven years old"),
        ("a 57-year-old", "I'm fifty-seven"),
        ("12th grade", "my twelfth grade"),
        ("in her 80s", "in her eighties"),
        ("heart rate of 122", "heart rate of one twenty two"),
    ],
)
def test_numbers_are_one_token_however_written(written: str, said: str) -> None:
    assert set(content_stems(written)) <= set(content_stems(said))


@pytest.mark.parametrize(
    ("text", "stems"),
    [
        ("Good afternoon, ma'am.", {"female"}),
        ("Hello, miss.", {"female"}),
        ("Miss G is here.", {"female"}),
        ("I'm seventeen, sir.", {"17", "male"}),
        ("A 58-year-old woman.", {"58", "female"}),
    ],
)
def test_forms_of_address_say_the_gender(text: str, stems: set[str]) -> None:
    assert stems <= set(content_stems(text))


def test_the_verb_miss_is_not_an_address() -> None:
    assert "female" not in content_stems("I miss her a lot and I missed work.")


AGE = """\
Doctor: Good afternoon, ma'am. Before we begin, how old are you?
Patient: I'm fifty seven years old.
"""


@pytest.mark.parametrize(
    ("note", "verdict"),
    [
        ("The patient is a 57-year-old female.", "supported"),
        # the number said differs, and "sir" would be a man
        ("The patient is a 67-year-old female.", "contradicted"),
        ("The patient is a 57-year-old male.", "unsupported"),
    ],
)
def test_age_and_gender_opening(note: str, verdict: str) -> None:
    assert verdict_and_flags(AGE, note)[0] == verdict


SURGERY = """\
Doctor: Do you have a history of any surgical procedures?
Patient: I had my gallbladder removed.
Doctor: Do you have high blood pressure?
Patient: No.
Doctor: Do you check your blood sugar at home?
Patient: Yes, every morning.
"""


@pytest.mark.parametrize(
    ("note", "verdict", "flags"),
    [
        ("Cholecystectomy.", "supported", set()),
        ("Significant for cholecystectomy.", "supported", set()),
        ("Appendectomy.", "unsupported", {"unsupported"}),
        # the lay words answer the denial
        ("No history of hypertension.", "supported", set()),
        # lay words are looser than the name: "blood sugar" checked says nothing about a
        # diabetes diagnosis, so only their denial answers one
        ("Denies diabetes.", "unsupported", {"unverified_negative"}),
    ],
)
def test_lay_words_for_conditions_and_operations(note: str, verdict: str, flags: set[str]) -> None:
    assert verdict_and_flags(SURGERY, note) == (verdict, flags)


SOCIAL = """\
Doctor: Do you smoke or drink?
Patient: No, I don't!
Doctor: Have you been feeling suicidal?
Patient: No, not at all.
Doctor: Any trouble swallowing?
Patient: Um no.
"""


@pytest.mark.parametrize(
    ("note", "verdict"),
    [
        ("He is a nonsmoker.", "supported"),
        ("She is a nonsmoker and nondrinker.", "supported"),
        ("The patient denies any suicidal ideation.", "supported"),
        ("Denies swallowing difficulties.", "supported"),
    ],
)
def test_summary_denials(note: str, verdict: str) -> None:
    assert verdict_and_flags(SOCIAL, note) == (verdict, set())


def test_nonsmoker_is_a_denial_of_smoking() -> None:
    assert negated_items("He is a nonsmoker.") == [("smok",)]
    smoker = "Doctor: Do you smoke?\nPatient: Yes, a pack a day.\n"
    assert verdict_and_flags(smoker, "He is a non-smoker.")[0] == "contradicted"


FAMILY = """\
Doctor: Do you know any diseases in your family?
Patient: Do you mean like B P, high sugar?
Doctor: Yes.
Patient: No, no one in my family has anything like that.
"""
EXAM = """\
Doctor: I will check your chest now.
Patient: Okay.
Doctor: Hm, looks good. I do not find anything abnormal.
"""
FAMILY_FAR = """\
Doctor: Does anyone in your family have heart problems?
Patient: My father had a heart attack at sixty.
Doctor: How is your sleep?
Patient: It's been poor for weeks.
Doctor: What about your work?
Patient: Busy, and my boss is difficult.
Doctor: Any fevers?
Patient: No.
"""
CHAT = """\
Doctor: How are you today? Any history of knee problems?
Patient: Fine, my knee hurts when I climb stairs.
"""


@pytest.mark.parametrize(
    ("transcript", "note", "verdict", "flags"),
    [
        # the "no" answers a question two turns earlier
        (FAMILY, "Noncontributory.", "supported", set()),
        (FAMILY, "Family history: Unremarkable.", "supported", set()),
        (EXAM, "Chest: Normal.", "supported", set()),
        (EXAM, "CARDIOVASCULAR: Chest: Negative.", "supported", set()),
        # the abdomen was never examined: a normal finding the session did not contain
        (EXAM, "Abdomen: Normal.", "unsupported", {"unverified_negative"}),
        (CHAT, "Noncontributory.", "unsupported", {"unverified_negative"}),
        # the family came up, but the only "no" is about something far from it
        (FAMILY_FAR, "Family history: Noncontributory.", "unsupported", {"unverified_negative"}),
        (FAMILY_FAR, "ROS: Negative.", "supported", set()),
    ],
)
def test_blanket_negatives(transcript: str, note: str, verdict: str, flags: set[str]) -> None:
    assert verdict_and_flags(transcript, note) == (verdict, flags)


@pytest.mark.parametrize(
    "note", ["He is", "The patient comes in today for followup.", "No history of"]
)
def test_a_statement_with_nothing_to_check_is_flagged(note: str) -> None:
    report = LEXICAL.verify(parse_turns(CHAT, source="test"), note_from_text(note))
    (flag,) = [f for f in report.flags if f.kind == "unsupported"]
    assert "no fact to check" in flag.message


INTAKE = """\
Doctor: How old are you?
Patient: Forty one.
Doctor: And your work?
Patient: I cook.
Doctor: Where do you live?
Patient: Downtown.
Doctor: Married?
Patient: Divorced.
Doctor: Any children?
Patient: Twins.
"""


@pytest.mark.parametrize(
    ("note", "verdict"),
    [
        # each fact is one answer: no two adjacent turns hold enough of them, one exchange of
        # four turns (question, answer, question, answer) does
        ("A 41-year-old divorced cook from downtown with twins.", "supported"),
        # a word the session never says is not made up by joining turns
        ("A 41-year-old divorced cook from downtown with triplets.", "unsupported"),
    ],
)
def test_one_exchange_supports_a_summary_sentence(note: str, verdict: str) -> None:
    assert verdict_and_flags(INTAKE, note)[0] == verdict


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("a fall", "I fell"),
        ("both feet", "my foot"),
        ("alcohol", "do you drink"),
        ("her mother", "my mom"),
        ("his father", "my dad"),
        ("marijuana", "weed"),
        ("bleeding", "it bled"),
        ("EKG", "your E K G"),
        ("500 mg IV", "five hundred M G, I V"),
        ("denies a history of seizures", "seizures"),
    ],
)
def test_forms_the_stemmer_cannot_join(written: str, said: str) -> None:
    assert set(content_stems(written)) == set(content_stems(said))


UNSURE = """\
Doctor: Do you know about any medical problems running in your family?
Patient: No, I don't know anything. I was never close to my family.
Doctor: Any allergies?
Patient: I'm not sure.
"""


@pytest.mark.parametrize("note", ["Family history: Noncontributory.", "No known allergies."])
def test_i_do_not_know_is_not_a_denial(note: str) -> None:
    assert verdict_and_flags(UNSURE, note) == ("unsupported", {"unverified_negative"})


FOLLOW_UP = """\
Doctor: Hi, how can I help?
Patient: I just came in for my follow up.
Doctor: Has she had any surgeries?
Guest_family: I have no clue, sorry.
Doctor: Are you allergic to anything?
Patient: Penicillin.
"""


@pytest.mark.parametrize(
    ("note", "verdict", "flags"),
    [
        # made only of a note's conventional words, and the session says them
        ("Followup.", "supported", set()),
        ("The patient comes in today for follow-up.", "supported", set()),
        ("Surgical history: Unknown.", "supported", set()),
        ("Allergies: penicillin.", "supported", set()),
        ("She is allergic to penicillin.", "supported", set()),
        # nobody said "I don't know" about anything near the chest
        ("Chest: Unknown.", "unsupported", {"unsupported"}),
    ],
)
def test_conventional_words_and_unknown(note: str, verdict: str, flags: set[str]) -> None:
    assert verdict_and_flags(FOLLOW_UP, note) == (verdict, flags)


def test_an_irregular_form_never_joins_an_everyday_word() -> None:
    # "bitten" is not "a bit": a planted event must stay unsupported
    chat = "Doctor: How are things?\nPatient: A bit down at the weekends, and last week too.\n"
    note = "The patient reports that she was bitten by a dog last weekend."
    assert verdict_and_flags(chat, note)[0] == "unsupported"
