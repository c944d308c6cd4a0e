"""De-identify a transcript, a note or plain text: detect, decide, merge, number, replace.

The detector (Presidio with the spaCy model, see ``presidio_detector.py``) proposes spans; the
custom patterns add theirs; the keep rules (``keeplist.py``) drop clinical durations and times,
years, ages under 90 and places as large as a state; overlapping spans merge; each entity gets a
numbered placeholder that stays the same through the document.
"""

from __future__ import annotations

import datetime as _dt
import functools
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from clearnote.deid.keeplist import KeepReason, clinical_term, date_decision, location_keep
from clearnote.deid.patterns import all_patterns
from clearnote.deid.placeholders import Numberer, entity_key
from clearnote.deid.result import DeidResult, KeptSpan, Method, Replacement, SourceKind
from clearnote.deid.spans import Span, resolve
from clearnote.deid.types import SAFE_HARBOR
from clearnote.domain.note import Note, Section, Statement
from clearnote.domain.transcript import Segment, Speaker, Transcript


class Detector(Protocol):
    """Proposes candidate spans for each text (a model, or nothing)."""

    @property
    def description(self) -> dict[str, str]: ...

    def detect(self, texts: Sequence[str]) -> list[list[Span]]: ...


class PatternsOnly:
    """A detector that proposes nothing: the custom patterns alone (tests, fallbacks)."""

    @property
    def description(self) -> dict[str, str]:
        return {"engine": "patterns only", "model": "none"}

    def detect(self, texts: Sequence[str]) -> list[list[Span]]:
        return [[] for _ in texts]


def _url_like(words: str) -> bool:
    """Presidio's URL pattern also matches "um...ye" and "No.Th" in transcripts."""
    if ".." in words:
        return False
    if "/" in words or words.lower().startswith("www"):
        return True
    return len(words.split(".")[0]) >= 3


def name_words(text: str, spans: Sequence[Span]) -> set[str]:
    """The words of every name found in a text (to recognise the same person elsewhere)."""
    words: set[str] = set()
    for span in spans:
        if span.entity == "NAME":
            words.update(entity_key("NAME", text[span.start : span.end]).split())
    return words


def _as_name(text: str, span: Span, known_names: set[str]) -> Span:
    """A model's organisation or place guess that is a name found elsewhere is that name."""
    if span.entity not in ("ORGANIZATION", "LOCATION") or span.source.startswith("pattern:"):
        return span
    words = entity_key("NAME", text[span.start : span.end]).split()
    if words and all(w in known_names for w in words):
        return Span(span.start, span.end, "NAME", span.score, span.source)
    return span


def decide(
    text: str,
    candidates: Sequence[Span],
    *,
    reference_year: int,
    known_names: set[str] | None = None,
) -> tuple[list[Span], list[tuple[Span, KeepReason]]]:
    """Split candidates into redactions (merged, in order) and kept spans with their reasons.
    ``known_names``: words of names found anywhere in the document."""
    redact: list[Span] = []
    kept: list[tuple[Span, KeepReason]] = []
    for span in candidates:
        words = text[span.start : span.end]
        if span.entity == "DATE":
            entity, reason = date_decision(words, reference_year=reference_year)
            if entity is None:
                kept.append((span, reason or "no_date_element"))
                continue
            span = Span(span.start, span.end, entity, span.score, span.source)
        elif span.entity in ("NAME", "LOCATION", "ORGANIZATION"):
            if clinical_term(words):
                kept.append((span, "clinical_term"))
                continue
            if span.entity == "LOCATION" and location_keep(words):
                kept.append((span, "state_or_larger"))
                continue
            if not span.source.startswith("pattern:") and not any(c.isupper() for c in words):
                kept.append((span, "not_a_name"))  # a model's guess on a lower-case word
                continue
        elif span.entity == "URL" and span.source.startswith("presidio:") and not _url_like(words):
            kept.append((span, "not_a_name"))
            continue
        redact.append(span)
    if known_names:
        redact = [_as_name(text, s, known_names) for s in redact]
    merged = resolve(redact)
    still_kept = [
        (s, r) for s, r in kept if not any(m.start <= s.start and s.end <= m.end for m in merged)
    ]
    return merged, still_kept


class Deidentifier:
    """Holds a loaded detector; de-identifies any number of documents."""

    def __init__(self, detector: Detector, *, reference_year: int | None = None) -> None:
        self.detector = detector
        self.reference_year = reference_year or _dt.date.today().year

    def _method(self) -> Method:
        from clearnote.deid.presidio_detector import SCORE_THRESHOLD

        desc = self.detector.description
        return Method(
            engine=desc.get("engine", "unknown"),
            model=desc.get("model", "unknown"),
            score_threshold=SCORE_THRESHOLD,
            reference_year=self.reference_year,
        )

    def redact_units(
        self, units: Sequence[tuple[str, str]]
    ) -> tuple[list[str], list[Replacement], list[KeptSpan]]:
        """Redact ``(unit_id, text)`` pairs with one numbering for the whole document."""
        texts = [text for _, text in units]
        model_spans = self.detector.detect(texts)
        numberer = Numberer()
        redacted: list[str] = []
        replacements: list[Replacement] = []
        kept_out: list[KeptSpan] = []
        candidates = [
            [*found, *all_patterns(text)] for text, found in zip(texts, model_spans, strict=True)
        ]
        known_names: set[str] = set()
        for text, found in zip(texts, candidates, strict=True):
            known_names |= name_words(text, found)
        for (unit_id, text), found in zip(units, candidates, strict=True):
            spans, kept = decide(
                text, found, reference_year=self.reference_year, known_names=known_names
            )
            pieces: list[str] = []
            cursor = 0
            out_len = 0
            for span in spans:
                label = numberer.number(span.entity, text[span.start : span.end])
                before = text[cursor : span.start]
                pieces.append(before)
                out_len += len(before)
                pieces.append(label)
                replacements.append(
                    Replacement(
                        entity_type=span.entity,
                        placeholder=label,
                        segment_id=unit_id,
                        start=span.start,
                        end=span.end,
                        redacted_start=out_len,
                        redacted_end=out_len + len(label),
                        score=round(span.score, 3),
                        detector=span.source,
                        safe_harbor=SAFE_HARBOR[span.entity],
                    )
                )
                out_len += len(label)
                cursor = span.end
            pieces.append(text[cursor:])
            redacted.append("".join(pieces))
            seen: set[tuple[int, int]] = set()
            for span, reason in sorted(kept, key=lambda k: (k[0].start, k[0].end)):
                if (span.start, span.end) in seen:
                    continue
                seen.add((span.start, span.end))
                kept_out.append(
                    KeptSpan(
                        segment_id=unit_id,
                        start=span.start,
                        end=span.end,
                        detected_as=span.entity,
                        reason=reason,
                    )
                )
        return redacted, replacements, kept_out

    def _result(
        self,
        kind: SourceKind,
        replacements: list[Replacement],
        kept: list[KeptSpan],
        dropped: tuple[str, ...],
        **content: object,
    ) -> DeidResult:
        counts = Counter(r.entity_type for r in replacements)
        distinct = Counter(
            r.entity_type
            for r in {(r.entity_type, r.placeholder): r for r in replacements}.values()
        )
        return DeidResult.model_validate(
            {
                "source_kind": kind,
                "method": self._method(),
                "replacements": tuple(replacements),
                "kept": tuple(kept),
                "counts": dict(sorted(counts.items())),
                "entities": dict(sorted(distinct.items())),
                "dropped_fields": dropped,
                **content,
            }
        )

    def transcript(self, transcript: Transcript) -> DeidResult:
        """Redact every segment's text; drop per-word text and speaker labels, keep roles."""
        units = [(seg.id, seg.text) for seg in transcript.segments]
        redacted, replacements, kept = self.redact_units(units)
        segments = tuple(
            Segment(
                id=seg.id,
                start=seg.start,
                end=seg.end,
                speaker=seg.speaker,
                text=text,
                low_confidence=seg.low_confidence,
                flags=seg.flags,
            )
            for seg, text in zip(transcript.segments, redacted, strict=True)
        )
        speakers = tuple(Speaker(id=s.id, role=s.role) for s in transcript.speakers)
        clean = Transcript(
            duration=transcript.duration,
            language=transcript.language,
            asr=transcript.asr,
            speakers=speakers,
            segments=segments,
            warnings=transcript.warnings,
        )
        dropped = ["segments[].words", "speakers[].label"]
        dropped += sorted(f"{k} (extra field)" for k in (transcript.model_extra or {}))
        return self._result(
            "transcript", replacements, kept, tuple(dropped), transcript=clean.to_document()
        )

    def note(self, note: Note) -> DeidResult:
        """Redact every statement of a note; section keys, evidence links and origins stay."""
        statements = note.statements()
        redacted, replacements, kept = self.redact_units([(st.id, st.text) for st in statements])
        by_id = {st.id: text for st, text in zip(statements, redacted, strict=True)}
        sections = tuple(
            Section(
                key=sec.key,
                title=sec.title,
                statements=tuple(
                    Statement(id=st.id, text=by_id[st.id], evidence=st.evidence, origin=st.origin)
                    for st in sec.statements
                ),
            )
            for sec in note.sections
        )
        clean = Note(
            format=note.format,
            status=note.status,
            sections=sections,
            clinician_fields=note.clinician_fields,
        )
        dropped = tuple(sorted(f"{k} (extra field)" for k in (note.model_extra or {})))
        return self._result("note", replacements, kept, dropped, note=clean.to_document())

    def text(self, text: str) -> DeidResult:
        """Redact plain text line by line (ids ``line-0001``...); line breaks are kept."""
        lines = text.split("\n")
        units = [(f"line-{i:04d}", line) for i, line in enumerate(lines, start=1)]
        redacted, replacements, kept = self.redact_units(units)
        return self._result("text", replacements, kept, (), text="\n".join(redacted))


@functools.lru_cache(maxsize=1)
def default_deidentifier() -> Deidentifier:
    """The Presidio + spaCy deidentifier, loaded once per process (model checksum verified)."""
    from clearnote.deid.presidio_detector import load_presidio_detector

    return Deidentifier(load_presidio_detector())


def deidentify_transcript(
    transcript: Transcript, *, deidentifier: Deidentifier | None = None
) -> DeidResult:
    """De-identify a transcript for supervision or consultation (review required)."""
    return (deidentifier or default_deidentifier()).transcript(transcript)


def deidentify_note(note: Note, *, deidentifier: Deidentifier | None = None) -> DeidResult:
    """De-identify a note document (review required)."""
    return (deidentifier or default_deidentifier()).note(note)


def deidentify_text(text: str, *, deidentifier: Deidentifier | None = None) -> DeidResult:
    """De-identify plain text or Markdown (review required)."""
    return (deidentifier or default_deidentifier()).text(text)
