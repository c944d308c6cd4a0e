"""Split a plain-text or Markdown note into statements (one per sentence, ids ``st-001``…).

Headings (Markdown ``#``, an ALL-CAPS line, a short line ending in ``:``) open a new section and
are not statements. Bullets and numbering are stripped. A sentence ends at ``.``, ``!`` or ``?``
followed by space and a capital, digit or quote, unless the word before is an abbreviation
(``Dr.``, ``e.g.``, ``b.i.d.``, a single initial); decimals and ``3/7`` never split. Numbering
inside a paragraph ("1. Headache. 2. Nausea.") marks list items and is not a statement.
"""

from __future__ import annotations

import re

from clearnote.domain.note import Note, Section, Statement, statement_id
from clearnote.errors import BadInputError

FORMATS = ("text", "markdown")

_ABBREV = frozenset(
    """dr mr mrs ms prof st sr jr vs eg ie e.g i.e approx appt apt dept est fig no nos inc ltd co
    mt ft pt pts cf al bid tid qid qd qod qhs prn po iv im sc sl od os ou b.i.d t.i.d q.i.d q.d
    q.h.s p.r.n p.o a.m p.m u.s q4h q6h q8h q12h y.o""".split()
)  # units (mg, hrs, wks) and hx/dx are left out: before a capital they end the sentence
_HEADING_MD = re.compile(r"^\s{0,3}#{1,6}\s+(?P<title>.+?)\s*#*\s*$")
_HEADING_COLON = re.compile(r"^\s*(?P<title>[A-Za-z][A-Za-z0-9 /&()'\-]{0,40}):\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+•·‣◦]|\d{1,2}[.)](?=\s)|[a-z][.)](?=\s)|\[[ xX]\])\s*")
_EMPHASIS = re.compile(r"(\*\*|__|`)")
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ITEM_NUMBER = re.compile(r"\(?\d{1,2}[.)]")


def _is_heading_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return (
        len(letters) >= 3
        and all(c.isupper() for c in letters)
        and len(line.split()) <= 6
        and not line.rstrip().endswith((".", "?", "!"))
    )


def _slug(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", title.lower()).strip("_")
    return slug or "note"


def _last_word(text: str) -> str:
    words = text.rstrip().split()
    if not words:
        return ""
    return words[-1].lower().rstrip(".").lstrip("(\"'")


def split_sentences(text: str) -> list[str]:
    """Sentences of one paragraph or line, abbreviations and decimals respected."""
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        head = text[start : m.start()]
        word = _last_word(head)
        if (
            word in _ABBREV
            or (len(word) == 1 and word.isalpha())
            or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word)
        ):
            continue
        if head.strip() and not _ITEM_NUMBER.fullmatch(head.strip()):
            out.append(head.strip())
        start = m.end()
    tail = text[start:].strip()
    if tail and not _ITEM_NUMBER.fullmatch(tail):
        out.append(tail)
    return out


def note_from_text(text: str, *, fmt: str = "text") -> Note:
    """A ``Note`` whose statements are the sentences of ``text`` in reading order."""
    if fmt not in FORMATS:
        raise BadInputError(f"note format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    sections: list[tuple[str, list[str]]] = [("Note", [])]
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            sections[-1][1].extend(split_sentences(" ".join(paragraph)))
            paragraph.clear()

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = _EMPHASIS.sub("", raw).strip()
        if not line or re.fullmatch(r"[-=*_]{3,}", line):
            flush()
            continue
        md = _HEADING_MD.match(line)
        colon = _HEADING_COLON.match(line)
        if md or colon or _is_heading_caps(line):
            flush()
            title = (md["title"] if md else colon["title"] if colon else line).strip()
            sections.append((title.rstrip(":").strip(), []))
            continue
        bullet = _BULLET.match(raw.strip()) if raw.strip() else None
        if bullet:
            flush()
            line = _EMPHASIS.sub("", raw.strip()[bullet.end() :]).strip()
            if line:
                sections[-1][1].extend(split_sentences(line))
            continue
        # a line that is a label and a value ("PMH: Asthma") stands alone
        if re.match(r"^[A-Za-z][A-Za-z /&]{0,24}:\s+\S", line):
            flush()
            sections[-1][1].extend(split_sentences(line))
            continue
        paragraph.append(line)
    flush()

    built: list[Section] = []
    count = 0
    used: set[str] = set()
    for title, sentences in sections:
        if not sentences:
            continue
        key = _slug(title)
        while key in used:
            key += "_"
        used.add(key)
        statements = []
        for sentence in sentences:
            count += 1
            statements.append(Statement(id=statement_id(count), text=sentence, origin="imported"))
        built.append(Section(key=key, title=title, statements=tuple(statements)))
    return Note(format=fmt, status="draft", sections=tuple(built))
