"""First-person speech → clinical third person.

    client:    "I've been sleeping badly"   → "Client reported sleeping poorly."
               "My boss yells at me"        → "Client reported that their boss yells at them."
    clinician: "Let's review your diary"    → "Clinician suggested reviewing the client's diary."
               "I'd like you to walk daily" → "Clinician asked the client to walk daily."

The client is referred to as "they" (it takes the same verb forms as "I" and "you", so no
agreement is lost); the clinician's "I" becomes "Clinician" with third-person agreement.
Pure functions; no state.
"""

from __future__ import annotations

import re

from clearnote.notes.text import expand_contractions, finish, normalize, strip_lead

_MODALS = frozenset(
    "can could will would shall should may might must not never also just really still "
    "already always usually often sometimes".split()
)
_ADVERBS = frozenset(
    "just really also still never always usually often sometimes already actually "
    "probably definitely honestly kind sort even only".split()
)
_IRREGULAR_PAST = frozenset(
    "was were had did went saw said told got made took gave thought felt found knew heard "
    "left put read ran came wrote brought bought sent spent kept began slept woke ate drank "
    "lost met paid sat stood understood became forgot quit".split()
)
_3SG = {"am": "is", "are": "is", "have": "has", "do": "does", "go": "goes", "was": "was"}
_GERUND_IRREGULAR = {"be": "being", "see": "seeing", "lie": "lying", "die": "dying", "tie": "tying"}
_ALREADY_GERUND = frozenset("doing going being dying lying tying eying".split())
_DOUBLE_FINAL = frozenset("get run sit stop plan put swim begin shop drop quit jog".split())
_CLINICAL_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bbadly\b", re.I), "poorly"),
    (re.compile(r"\bcrappy\b|\bcrap\b|\blousy\b", re.I), "poor"),
    (re.compile(r"\bfreaking\b|\bfucking\b|\bdamn\b", re.I), ""),
)

_CLIENT_SWAP: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), r)
    for p, r in (
        (r"\b(am|was) I\b", "_SWAPQ_\\1"),
        (r"\bI am\b", "they are"),
        (r"\bI was\b", "they were"),
        (r"\bI\b", "they"),
        (r"\bmyself\b", "themselves"),
        (r"\bmy\b", "their"),
        (r"\bmine\b", "theirs"),
        (r"\bme\b", "them"),
        (r"\bourselves\b", "themselves"),
        (r"\bours\b", "theirs"),
        (r"\bour\b", "their"),
        (r"\bwe\b", "they"),
        (r"\bus\b", "them"),
    )
)
_YOU_SWAP: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), r)
    for p, r in (
        (r"\byourselves\b|\byourself\b", "themselves"),
        (r"\byours\b", "theirs"),
        (r"\byour\b", "their"),
        (r"\byou\b", "they"),
    )
)


def gerund(verb: str) -> str:
    """sleep → sleeping, take → taking, run → running, lie → lying."""
    v = verb.lower()
    if v in _GERUND_IRREGULAR:
        return _GERUND_IRREGULAR[v]
    if v.endswith("ing") and (len(v) > 5 or v in _ALREADY_GERUND):
        return v
    if v.endswith("ie"):
        return v[:-2] + "ying"
    if v.endswith("e") and not v.endswith(("ee", "ye", "oe")) and len(v) > 2:
        return v[:-1] + "ing"
    if v in _DOUBLE_FINAL:
        return v + v[-1] + "ing"
    return v + "ing"


def third_singular(verb: str) -> str:
    """Present-tense verb for a third-person singular subject (think → thinks)."""
    v = verb.lower()
    if v in _3SG:
        return _3SG[v]
    if v in _MODALS or v in _IRREGULAR_PAST or v.endswith("ed") or not v.isalpha():
        return v
    if v.endswith(("s", "sh", "ch", "x", "z", "o")):
        return v + "es"
    if v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
        return v[:-1] + "ies"
    return v + "s"


def _swap_client(text: str) -> str:
    for pattern, repl in _CLIENT_SWAP:
        text = pattern.sub(repl, text)
    text = re.sub(
        r"_SWAPQ_(am|was)",
        lambda m: "are they" if m[1].lower() == "am" else "were they",
        text,
        flags=re.I,
    )
    return text


_SUBJECT_BEFORE = frozenset(
    "that if when because and but so since while until whether once as or then".split()
)


def swap_you(text: str, *, first: str | None = None) -> str:
    """you/your → they/their; with ``first`` ("the client"), the first mention is named."""
    if first:
        m = re.search(r"\b(you|your)\b(?:\s+(\w+))?", text, re.I)
        if m and m[1].lower() == "your":
            text = text[: m.start()] + f"{first}'s" + text[m.start() + 4 :]
        elif m:
            before = re.findall(r"[\w']+|,", text[: m.start()])
            is_subject = not before or before[-1].lower() in _SUBJECT_BEFORE or before[-1] == ","
            verb = m[2]
            if not is_subject or verb is None or verb.lower() in {"to", "and", "know", "guys"}:
                text = text[: m.start()] + first + text[m.start() + 3 :]
            elif verb.lower() in _ADVERBS:
                m2 = re.match(r"you\s+\w+\s+(\w+)", text[m.start() :], re.I)
                if m2:
                    new = f"{first} {verb} {third_singular(m2[1])}"
                    text = text[: m.start()] + new + text[m.start() + m2.end() :]
                else:
                    text = text[: m.start()] + first + text[m.start() + 3 :]
            else:
                text = text[: m.start()] + f"{first} {third_singular(verb)}" + text[m.end() :]
    for pattern, repl in _YOU_SWAP:
        text = pattern.sub(repl, text)
    return text


def _clinicalize(text: str) -> str:
    for pattern, repl in _CLINICAL_WORDS:
        text = pattern.sub(repl, text)
    return re.sub(r"\s+", " ", text).strip()


def _prepare(sentence: str) -> str:
    text = strip_lead(normalize(sentence))
    text = expand_contractions(text)
    text = strip_lead(text)
    return _clinicalize(text)


_C_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), r)
    for p, r in (
        (r"^I have been (\w+ing)\b(.*)$", "reported G1\\2"),
        (
            r"^I have been ((?:so |very |really |pretty |a little |a bit |quite )?\w+)\b(.*)$",
            "reported being \\1\\2",
        ),
        (r"^I am (?:going to|planning to) (\w+)\b(.*)$", "reported planning to \\1\\2"),
        (r"^I am (\w+ing)\b(.*)$", "reported G1\\2"),
        (r"^I am not (.*)$", "reported not being \\1"),
        (r"^I am (.*)$", "reported being \\1"),
        (r"^I feel (.*)$", "reported feeling \\1"),
        (r"^I can not (\w+)\b(.*)$", "reported being unable to \\1\\2"),
        (r"^I do not know (?:if|whether) (.*)$", "reported being unsure whether \\1"),
        (r"^I do not (\w+)\b(.*)$", "reported not G1\\2"),
        (r"^I have not (.*)$", "reported not having \\1"),
        (r"^I have (.*)$", "reported having \\1"),
        (r"^I (want|need|like|love|hate|try|tried|wish|hope|plan) to (.*)$", "reported G1 to \\2"),
        (
            r"^I (sleep|wake|eat|drink|smoke|worry|struggle|cry|work|take|use|get|go)\b(.*)$",
            "reported G1\\2",
        ),
    )
)


def _apply_client_rules(text: str) -> str | None:
    for pattern, template in _C_RULES:
        m = pattern.match(text)
        if not m:
            continue
        out = template
        if "G1" in out:
            out = out.replace("G1", gerund(m[1]))
            out = re.sub(r"\\1", "", out)
        out = m.expand(out) if "\\" in out else out
        return out
    return None


def client_statement(sentence: str, subject: str = "Client") -> str | None:
    """A client's first-person sentence as a third-person statement, or None if empty."""
    text = _prepare(sentence)
    text = re.sub(r"[?!]+$", "", text).strip()
    if not text:
        return None
    ruled = _apply_client_rules(text)
    if ruled is not None:
        body = _swap_client(ruled)
    else:
        body = "reported that " + _swap_client(
            text[0].lower() + text[1:] if not text.startswith("I ") else text
        )
    body = swap_you(body)
    return finish(f"{subject} {body}")


def topic_phrase(text: str) -> str:
    """A clinician's phrase about the client, in third person ("your sleep" → "their sleep")."""
    return swap_you(_swap_clinician_i(text))


def _swap_clinician_i(text: str) -> str:
    text = re.sub(r"\bI am\b", "the clinician is", text, flags=re.I)
    text = re.sub(r"\bI have\b", "the clinician has", text, flags=re.I)
    text = re.sub(r"\bI do\b", "the clinician does", text, flags=re.I)
    text = re.sub(
        r"\bI (think|want|need|see|feel|hear|know|like|appreciate|recommend)\b",
        lambda m: f"the clinician {third_singular(m[1])}",
        text,
        flags=re.I,
    )
    text = re.sub(r"\bI\b", "the clinician", text, flags=re.I)
    text = re.sub(r"\bmy\b", "the clinician's", text, flags=re.I)
    text = re.sub(r"\bme\b", "the clinician", text, flags=re.I)
    text = re.sub(r"\blet us\b", "let them", text, flags=re.I)
    text = re.sub(r"\bwe are\b", "clinician and client are", text, flags=re.I)
    text = re.sub(r"\bwe\b", "clinician and client", text, flags=re.I)
    text = re.sub(r"\bour\b", "their", text, flags=re.I)
    text = re.sub(r"\bus\b", "them", text, flags=re.I)
    return text


_K_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.I), r)
    for p, r in (
        (r"^I (?:would like|want|need) you to (?:go ahead and )?(.*)$", "asked CL to \\1"),
        (
            r"^(?:I would like|I want) (?:us |the two of us )?to (?:go ahead and )?(.*)$",
            "planned to \\1",
        ),
        (
            r"^let us (?:just )?(?:go ahead and )?(?:try to )?(?!(?:we|I|you|and)\b)(\w+)\b(.*)$",
            "suggested G1\\2",
        ),
        (
            r"^(?:maybe )?you (?:could|should|might|may) (?:want to )?(?:try |consider )(.*)$",
            "suggested trying \\1",
        ),
        (r"^(?:maybe )?you (could|should|might|may) (.*)$", "suggested that CL \\1 \\2"),
        (r"^(?:I am going to|I will|I am gonna) (?:go ahead and )?(.*)$", "will \\1"),
        (r"^(?:we are going to|we will|we can) (?:go ahead and )?(.*)$", "and CL will \\1"),
        (r"^(?:I think|I feel like|I believe) (?:that )?(.*)$", "noted that \\1"),
        (
            r"^(?:it sounds like|it seems like|it seems that|it looks like|sounds like) (.*)$",
            "noted that \\1",
        ),
        (r"^I (?:recommend|suggest) (?:that )?(?:you )?(.*)$", "recommended \\1"),
        (r"^(?:try to|try) (\w+)\b(.*)$", "suggested G1\\2"),
    )
)


def clinician_statement(
    sentence: str, client: str = "the client", *, lead: str = "stated that"
) -> str | None:
    """A clinician's sentence as "Clinician ...", the client named on first mention."""
    text = _prepare(sentence)
    text = re.sub(r"[?!]+$", "", text).strip()
    if not text:
        return None
    body: str | None = None
    let = re.search(r"\blet us\b", text, re.I)
    if let and let.start() > 0:
        text = text[let.start() :]
    for pattern, template in _K_RULES:
        m = pattern.match(text)
        if not m:
            continue
        out = (
            template.replace("G1", gerund(m[1])).replace("\\1\\2", "\\2")
            if "G1" in template
            else template
        )
        out = m.expand(out).replace("CL", client)
        body = out
        break
    if body is None:
        m = re.match(r"^I (\w+)\b(.*)$", text)
        if m and m[1].lower() not in {"mean", "guess"}:
            body = third_singular(m[1]) + m[2]
        else:
            body = f"{lead} " + (text[0].lower() + text[1:] if not text.startswith("I ") else text)
    body = _swap_clinician_i(body)
    named = client in body
    body = swap_you(body, first=None if named else client)
    return finish(f"Clinician {body}")
