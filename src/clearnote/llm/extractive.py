"""The ``extractive`` backend: no model; statements selected and rewritten from the transcript."""

from __future__ import annotations

from clearnote.domain.transcript import Transcript
from clearnote.llm.base import DraftedStatement
from clearnote.notes.extract import extract
from clearnote.notes.formats import NoteFormat


class ExtractiveBackend:
    name = "extractive"
    cites_by_construction = True

    def draft(self, transcript: Transcript, fmt: NoteFormat) -> list[DraftedStatement]:
        out: list[DraftedStatement] = []
        for item in extract(transcript):
            section = fmt.section_for(item.kind)
            if section is not None:
                out.append(DraftedStatement(section, item.text, item.evidence))
        return out
