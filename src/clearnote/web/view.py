"""Shape a review bundle into what the review template shows (no I/O)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from clearnote.domain.review import required_fields
from clearnote.records.review import ReviewBundle


def clock(seconds: float) -> str:
    s = int(seconds)
    return (
        f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


def _words_html(words: list[dict[str, Any]], text: str) -> str:
    """A segment's words as escaped HTML, low-confidence ones marked. The confident words
    between two marks are escaped as one string (a call per word was most of the time)."""
    if not words:
        return str(escape(text.strip()))
    texts = [str(w["text"]).strip() for w in words]
    unsure = [i for i, w in enumerate(words) if w.get("low_confidence")]
    if not unsure:
        return str(escape(" ".join(texts)))
    parts: list[str] = []
    done = 0
    for i in unsure:
        if i > done:
            parts.append(escape(" ".join(texts[done:i])))
        p = words[i].get("p")
        title = f"low confidence ({float(p):.2f})" if p is not None else "low confidence"
        parts.append(f'<mark class="lowconf" title="{title}">{escape(texts[i])}</mark>')
        done = i + 1
    if done < len(texts):
        parts.append(escape(" ".join(texts[done:])))
    return " ".join(parts)


_SEGMENT = (
    '<li id="seg-{id}" class="seg{low}" tabindex="-1" data-start="{start}">'
    '<button type="button" class="play" data-start="{start}" aria-label="Play from {clock}">'
    "{clock}</button> "
    '<span class="speaker speaker-{speaker}">{speaker}</span> '
    '<span class="text">{html}</span></li>\n'
)


def transcript_html(transcript: dict[str, Any] | None) -> Markup:
    """The transcript's list items, built here in one pass: a Jinja loop over the ~600
    segments (and their ~7000 words) of a 50-minute session was most of the page's render
    time. Every value from the document is escaped (times are formatted as numbers)."""
    if not transcript:
        return Markup("")
    speakers = {
        s["id"]: str(escape(s.get("label") or s.get("role", "unknown")))
        for s in transcript["speakers"]
    }
    out = []
    for seg in transcript["segments"]:
        start = float(seg["start"])
        out.append(
            _SEGMENT.format(
                id=escape(seg["id"]),
                low=" low" if seg.get("low_confidence") else "",
                start=start,
                clock=clock(start),
                speaker=speakers.get(seg["speaker"], "unknown"),
                html=_words_html(seg.get("words") or [], seg["text"]),
            )
        )
    return Markup("".join(out))


def review_view(b: ReviewBundle) -> dict[str, Any]:
    note = b.note
    state = b.state
    flags = b.flags
    seg_start = {s["id"]: s["start"] for s in (b.transcript or {}).get("segments", [])}
    verdicts = {
        s["id"]: s for s in ((b.draft or {}).get("verification") or {}).get("statements", [])
    }
    flag_rows = []
    for f in flags:
        r = state.resolution(f.id) if state else None
        flag_rows.append(
            {
                "flag": f,
                "resolution": r,
                "start": min((seg_start.get(s, 0.0) for s in f.segment_ids), default=None),
            }
        )
    sections = []
    if note is not None:
        for sec in note.sections:
            rows = []
            for st in sec.statements:
                edit = state.edit_of(st.id) if state else None
                rows.append(
                    {
                        "st": st,
                        "text": edit.text if edit else st.text,
                        "origin": "clinician" if edit else st.origin,
                        "removed": edit is not None and not edit.text,
                        "verdict": verdicts.get(st.id, {}).get("verdict"),
                        "evidence": [
                            {"id": e, "clock": clock(seg_start[e]), "start": seg_start[e]}
                            for e in st.evidence
                            if e in seg_start
                        ],
                        "flags": [f for f in flags if f.statement_id == st.id],
                    }
                )
            added = [a for a in (state.added if state else ()) if a.section_key == sec.key]
            sections.append({"section": sec, "rows": rows, "added": added})
    fields = []
    if note is not None:
        for c in required_fields(note, flags, state):
            fields.append({"field": c, "entry": state.field(c.key) if state else None})
    open_count = sum(1 for r in flag_rows if r["resolution"] is None)
    return {
        "bundle": b,
        "transcript_html": transcript_html(b.transcript),
        "sections": sections,
        "flag_rows": flag_rows,
        "open_flags": open_count,
        "fields": fields,
        "header": (state.header if state and state.header else b.suggested_header()),
        "header_confirmed": bool(state and state.header and state.header.confirmed),
        "blockers": () if b.is_signed else b.blockers(),
        "screening": (b.screening or {}).get("domains", []),
        "assessment": b.assessment,
        "signed": b.signed,
        "addenda": b.addenda,
        "exports": b.exports,
        "duration_clock": clock(float((b.transcript or {}).get("duration", 0))),
    }
