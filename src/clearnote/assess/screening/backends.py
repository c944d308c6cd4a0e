"""Extension point: further screening backends (an LLM, later) that may add recall.

A backend sees the transcript and the rule report and proposes extra flags. ``screen_with``
merges them with :func:`clearnote.domain.screening.merge_flags`, which keeps every rule flag and
finding: a backend can raise a status, never lower it or remove a flag.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from clearnote.assess.screening.engine import RuleScreener
from clearnote.assess.screening.rules import RuleSet
from clearnote.domain.screening import BackendInfo, Domain, RiskFlag, ScreeningReport, merge_flags
from clearnote.domain.transcript import Transcript
from clearnote.errors import BadInputError, ModelError

# Backend choices for ``clearnote screen --backend``: the rule floor alone, or the rules plus the
# sentence-embedding backend (semantic.py). The default follows tests/bench/bench_screen.py
# --semantic: +7 points of Reddit held-out recall, our case sets unchanged, 1/130 AnnoMI non-risk
# sessions flagged. Without the model package the default falls back to the rules (the report's
# ``backends`` says which ran); asking for rules+semantic explicitly then fails (ModelError).
BACKEND_CHOICES = ("rules", "rules+semantic")
DEFAULT_BACKEND = "rules+semantic"

log = logging.getLogger(__name__)


class ScreeningBackend(Protocol):
    """Proposes additional flags. Implementations must cite existing segment ids; flags citing
    unknown segments are dropped by ``screen_with``."""

    @property
    def info(self) -> BackendInfo: ...

    def propose(
        self, transcript: Transcript, rule_report: ScreeningReport
    ) -> Sequence[tuple[Domain, RiskFlag]]: ...


def screen_with(
    screener: RuleScreener,
    transcript: Transcript,
    extra: Sequence[ScreeningBackend] = (),
) -> ScreeningReport:
    """The rule floor, then each extra backend's additions."""
    report = screener.screen(transcript)
    known = {s.id for s in transcript.segments}
    for backend in extra:
        proposed = [
            (domain, flag.model_copy(update={"rule": f"{backend.info.name}:{flag.rule}"}))
            for domain, flag in backend.propose(transcript, report)
            if set(flag.segment_ids) <= known
        ]
        report = merge_flags(report, proposed, backend.info)
    return report


def build_backends(
    choice: str, rules: RuleSet, *, fallback: bool = False
) -> tuple[ScreeningBackend, ...]:
    """The extra backends for a ``--backend`` choice (models load here, once). With ``fallback``
    a missing embedding model leaves the rules alone instead of failing."""
    if choice == "rules":
        return ()
    if choice == "rules+semantic":
        from clearnote.assess.screening.semantic import default_semantic

        try:
            return (default_semantic(rules),)
        except ModelError:
            if not fallback:
                raise
            log.warning("embedding model not available: screening with the rules only")
            return ()
    raise BadInputError(f"--backend: unknown screening backend '{choice}'")
