"""Text clean-up shared by the extractive drafter: tokenisation artefacts, disfluencies,
contractions and sentence splitting. Pure string functions."""

from __future__ import annotations

import re

_SPACED_PUNCT = re.compile(r"\s+([,.;:!?])")
_SPACED_CLITIC = re.compile(r"\s+(n't|'s|'re|'ve|'ll|'d|'m)\b", re.IGNORECASE)
_STUTTER = re.compile(r"\b(\w+(?:'\w+)?)(?:\s*,?\s+\1\b)+", re.IGNORECASE)
_STUTTER_PHRASE = re.compile(r"\b(\w+(?:\s+\w+){1,2})(?:\s*,\s*\1\b)+", re.IGNORECASE)
_SPLIT_WORDS = re.compile(r"\b(wan|gon|got) na\b", re.IGNORECASE)
_BROKEN = re.compile(r"\b\w+-\s+(?=\w)")  # "ex- exerting", "i- i think"
_FILLER = re.compile(
    r"(?:(?<=^)|(?<=[\s,]))(?:um+|uh+|uhm|erm|er|hmm+|mm+-hmm+|mhm|uh-huh|you know|i mean)"
    r"(?=[\s,.!?]|$)[,]?",
    re.IGNORECASE,
)
_LEAD = re.compile(
    r"^(?:so|well|okay|ok|all right|alright|yeah|yes|yep|and|but|oh|now|right|um|uh|"
    r"honestly|like|anyway|you know|i mean|mm-hmm|sure|actually|basically)\b[\s,.\-]*",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=\S)|(?<=\.\.\.)\s*(?=\S)")
_ABBREV = re.compile(r"\b(dr|mr|mrs|ms|vs|e\.g|i\.e|etc|approx|st|no)\.$", re.IGNORECASE)

_CONTRACTIONS: tuple[tuple[str, str], ...] = (
    (r"\bcan't\b|\bcannot\b", "can not"),
    (r"\bwon't\b", "will not"),
    (r"\bain't\b", "is not"),
    (r"\b(\w+)n't\b", r"\1 not"),
    (r"\bi'm\b", "I am"),
    (r"\bi've\b", "I have"),
    (r"\bi'll\b", "I will"),
    (r"\bi'd(?=\s+(?:been|had|gone|done|never|already|just)\b)", "I had"),
    (r"\bi'd\b", "I would"),
    (r"\b(you|we|they)'re\b", r"\1 are"),
    (r"\b(you|we|they)'ve\b", r"\1 have"),
    (r"\b(you|we|they|he|she|it|that|there)'ll\b", r"\1 will"),
    (r"\b(you|we|they|he|she)'d\b", r"\1 would"),
    (r"\b(it|that|there|here|what|he|she|who)'s(?=\s+been\b)", r"\1 has"),
    (r"\b(it|that|there|here|what|he|she|who)'s\b", r"\1 is"),
    (r"\blet's\b", "let us"),
    (r"\bgonna\b", "going to"),
    (r"\bwanna\b", "want to"),
    (r"\bgotta\b", "have to"),
    (r"\bkinda\b", "kind of"),
    (r"\bsorta\b", "sort of"),
    (r"\bcuz\b|\b'cause\b", "because"),
)
_CONTRACTION_RES = tuple((re.compile(p, re.IGNORECASE), r) for p, r in _CONTRACTIONS)


def normalize(text: str) -> str:
    """Undo tokeniser spacing (``do n't``, `` ,``), drop fillers, stutters and broken words."""
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = _SPACED_CLITIC.sub(r"\1", text)
    text = _SPLIT_WORDS.sub(
        lambda m: {"wan": "want to", "gon": "going to"}.get(m[1].lower(), "got to"), text
    )
    text = _SPACED_PUNCT.sub(r"\1", text)
    text = _BROKEN.sub("", text)
    text = _FILLER.sub(" ", text)
    for _ in range(2):
        text = _STUTTER.sub(r"\1", text)
        text = _STUTTER_PHRASE.sub(r"\1", text)
    text = re.sub(r"\s*,(\s*,)+", ",", text)
    text = re.sub(r"^[\s,.\-]+", "", text)
    return _SPACES.sub(" ", text).strip()


def expand_contractions(text: str) -> str:
    for pattern, repl in _CONTRACTION_RES:
        text = pattern.sub(repl, text)
    return text


def strip_lead(text: str) -> str:
    """Drop discourse markers at the start ("so, well, okay, yeah, and ...")."""
    prev = None
    while prev != text:
        prev = text
        text = _LEAD.sub("", text, count=1).lstrip(" ,.-")
    return text


def split_sentences(text: str) -> list[str]:
    """Split a turn into sentences; keeps abbreviations such as "Dr." together."""
    parts = _SPLIT.split(text)
    out: list[str] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and _ABBREV.search(out[-1]):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())


def finish(text: str) -> str:
    """Capitalise, tidy spacing and end with one full stop."""
    text = _SPACES.sub(" ", text).strip(" ,;:-")
    text = re.sub(r"[.!?…]+$", "", text).rstrip(" ,;:-")
    text = re.sub(r"(?:,? (?:and|but|so))?,? (?:kind of|sort of|like)$", "", text).rstrip(" ,;:-.")
    text = re.sub(r"\bi\b", "I", text)
    if not text:
        return text
    return text[0].upper() + text[1:] + "."
