"""Terminal rendering of a note: each statement with its evidence (segment, time, speaker role)
and, given a verification report, its verdict and flags."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from clearnote.domain.note import Note
from clearnote.domain.transcript import Transcript

_COLORS = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
_VERDICT_COLOR = {"supported": "green", "unsupported": "yellow", "contradicted": "red"}


def _style(text: str, style: str, color: bool) -> str:
    return f"\033[{_COLORS[style]}m{text}\033[0m" if color else text


def clock(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def report_document(report: Any) -> dict[str, Any]:
    """A verification report as its ``clearnote.verification/1`` document (model or dict)."""
    if report is None:
        return {}
    if isinstance(report, Mapping):
        return dict(report)
    for attr in ("to_document", "model_dump"):
        fn = getattr(report, attr, None)
        if callable(fn):
            doc = fn() if attr == "to_document" else fn(mode="json", by_alias=True)
            if isinstance(doc, Mapping):
                return dict(doc)
    raise TypeError("report must be a verification report model or its document")


def render_note(
    note: Note, transcript: Transcript, report: Any = None, *, color: bool = False, width: int = 100
) -> str:
    """The note as text: sections, statements, evidence lines and (with ``report``) flags."""
    segs = {s.id: s for s in transcript.segments}
    doc = report_document(report)
    verdicts = {s.get("id"): s for s in doc.get("statements", []) if isinstance(s, Mapping)}
    flags_by_st: dict[str, list[Mapping[str, Any]]] = {}
    other_flags: list[Mapping[str, Any]] = []
    for flag in doc.get("flags", []):
        if not isinstance(flag, Mapping):
            continue
        sid = flag.get("statement_id")
        if sid:
            flags_by_st.setdefault(str(sid), []).append(flag)
        else:
            other_flags.append(flag)
    timed = any(s.end > 0 for s in transcript.segments)
    out = [_style(f"{note.format.upper()} note ({note.status}, AI-drafted)", "bold", color), ""]
    for section in note.sections:
        out.append(_style(section.title, "bold", color))
        if not section.statements:
            out.append("  (nothing drafted)")
        for st in section.statements:
            head = f"  {st.id} "
            body = textwrap.wrap(st.text, width=width - len(head)) or [""]
            out.append(head + body[0])
            out += [" " * len(head) + line for line in body[1:]]
            pad = " " * (len(head) + 2)
            if st.evidence:
                for sid in st.evidence:
                    seg = segs.get(sid)
                    if seg is None:
                        out.append(pad + _style(f"<- {sid}: not in this transcript", "red", color))
                        continue
                    role = transcript.role_of(seg.speaker)
                    when = f"{clock(seg.start)}-{clock(seg.end)} " if timed else ""
                    low = " (low-confidence words)" if seg.low_confidence else ""
                    out.append(pad + _style(f"<- {sid} {when}{role}{low}", "dim", color))
            else:
                out.append(pad + _style("<- no evidence", "yellow", color))
            v = verdicts.get(st.id)
            if v:
                verdict = str(v.get("verdict", ""))
                score = v.get("score")
                txt = f"verdict: {verdict}" + (
                    f" ({score:.2f})" if isinstance(score, float) else ""
                )
                out.append(pad + _style(txt, _VERDICT_COLOR.get(verdict, "yellow"), color))
            for flag in flags_by_st.get(st.id, []):
                msg = f"FLAG {flag.get('kind')}: {flag.get('message', '')}".rstrip(": ")
                out.append(pad + _style(msg, "red", color))
        out.append("")
    if note.clinician_fields:
        out.append(_style("For the clinician to complete", "bold", color))
        for f in note.clinician_fields:
            out.append(f"  {f.key}: {f.reason}")
        out.append("")
    if other_flags:
        out.append(_style("Session flags", "bold", color))
        for flag in other_flags:
            segs_txt = ", ".join(str(s) for s in flag.get("segment_ids", []) or [])
            line = f"  FLAG {flag.get('kind')}: {flag.get('message', '')}"
            out.append(_style(line + (f" [{segs_txt}]" if segs_txt else ""), "red", color))
        out.append("")
    return "\n".join(out).rstrip() + "\n"
