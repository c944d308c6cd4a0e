"""Exports of a signed note: Markdown (for pasting into an EHR), FHIR R4 DocumentReference and
PDF. The renderers are pure functions of the signed-note document; ``service.export_note``
authorizes, audits and stores each export as an ``export`` artefact."""
