"""Flesch-Kincaid grade level of plain-language text (for the consent forms' ~8th-grade target).

FK grade = 0.39 * words/sentence + 11.8 * syllables/word - 15.59 (Kincaid et al. 1975). Syllables
are estimated from vowel groups, so the figure is an approximation (about +/- 1 grade).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?;:]+(?:\s|$)")
_MARKUP = re.compile(r"[#*_`>]")


def syllables(word: str) -> int:
    w = word.lower().strip("'")
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|ed|[^laeiouy]e)$", "", w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))


def plain_text(markdown: str) -> str:
    """Markdown to sentences: headings are dropped; each paragraph or list item ends a sentence."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in markdown.splitlines():
        stripped = raw.strip()
        if not stripped or stripped.startswith(("#", "- ")):
            if current:
                blocks.append(current)
            current = []
            if stripped.startswith("- "):
                current = [stripped[2:]]
            continue
        current.append(stripped)
    if current:
        blocks.append(current)
    out = []
    for block in blocks:
        text = _MARKUP.sub("", " ".join(block)).strip()
        if text and not text.endswith((".", "!", "?", ":", ";")):
            text += "."
        out.append(text)
    return " ".join(x for x in out if x)


def fk_grade(markdown: str) -> float:
    text = plain_text(markdown)
    words = _WORD.findall(text)
    if not words:
        return 0.0
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    syl = sum(syllables(w) for w in words)
    return 0.39 * len(words) / sentences + 11.8 * syl / len(words) - 15.59
