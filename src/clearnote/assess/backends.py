"""Extension point: further assessment engines (an LLM backend, later) that may add items.

Like the screening backends, a backend only adds: it proposes items for a part that is already
running (service needs, strengths, or a conceptualization element); every proposal must cite
existing segment ids (others are dropped) and is checked by the verifier like any rule item
(``verified: false`` when the transcript does not support it). A backend can never switch on a
disabled part or element, nor remove or change a rule item.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from clearnote.assess.grounding import Grounder
from clearnote.domain.assessment import (
    Assessment,
    CategoryPart,
    ConceptualizationPart,
    Element,
    Item,
)
from clearnote.domain.transcript import Transcript

ProposalPart = Literal["service_needs", "strengths", "conceptualization"]


@dataclass(frozen=True)
class Proposal:
    part: ProposalPart
    kind: str  # the category (needs, strengths) or element name (conceptualization)
    text: str
    evidence: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Proposal(part={self.part!r}, kind={self.kind!r}, evidence={self.evidence})"


class AssessmentBackend(Protocol):
    @property
    def name(self) -> str: ...

    def propose(self, transcript: Transcript, assessment: Assessment) -> Sequence[Proposal]: ...


def _add_items(part: CategoryPart, items: list[Item]) -> CategoryPart:
    if not items:
        return part
    kinds = {i.kind for i in items}
    return CategoryPart(
        items=(*part.items, *items),
        not_assessed=tuple(n for n in part.not_assessed if n.name not in kinds),
    )


def _add_elements(part: ConceptualizationPart, items: list[Item]) -> ConceptualizationPart:
    elements: list[Element] = []
    for el in part.elements:
        mine = [i for i in items if i.kind == el.name]
        if not mine or el.status == "disabled":
            elements.append(el)
        else:
            elements.append(
                Element(name=el.name, status="assessed", items=(*el.items, *mine), reason=None)
            )
    return ConceptualizationPart(framework=part.framework, elements=tuple(elements))


def apply_backends(
    transcript: Transcript,
    assessment: Assessment,
    backends: Iterable[AssessmentBackend],
    grounder: Grounder,
) -> Assessment:
    """Each backend's proposals, verified and added where the part is running."""
    known = {s.id for s in transcript.segments}
    result = assessment
    for backend in backends:
        by_part: dict[str, list[Item]] = {}
        for prop in backend.propose(transcript, result):
            if not prop.evidence or not set(prop.evidence) <= known or not prop.text.strip():
                continue
            item = grounder.item(prop.kind, prop.text, prop.evidence, f"{backend.name}:{prop.kind}")
            by_part.setdefault(prop.part, []).append(item)
        update: dict[str, object] = {}
        for key in ("service_needs", "strengths"):
            part = getattr(result, key)
            if isinstance(part, CategoryPart) and by_part.get(key):
                update[key] = _add_items(part, by_part[key])
        concept = result.conceptualization
        if isinstance(concept, ConceptualizationPart) and by_part.get("conceptualization"):
            update["conceptualization"] = _add_elements(concept, by_part["conceptualization"])
        result = result.model_copy(update={**update, "backends": (*result.backends, backend.name)})
    return result
