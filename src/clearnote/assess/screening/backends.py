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
from clearnote.config import Settings
from clearnote.domain.screening import BackendInfo, Domain, RiskFlag, ScreeningReport, merge_flags
from clearnote.domain.transcript import Transcript
from clearnote.errors import BadInputError, ModelError

# Backend choices for ``clearnote screen --backend``: the rule floor alone, or the rules plus the
# sentence-embedding backend (semantic.py). The default follows tests/bench/bench_screen.py
# --semantic: +7 points of Reddit held-out recall, our case sets unchanged, 1/130 AnnoMI non-risk
# sessions flagged. Without the model package the default falls back to the rules (the report's
# ``backends`` says which ran); asking for rules+semantic explicitly then fails (ModelError).
# "+llm" adds a chat model (llm.py) configured by the drafting settings (CLEARNOTE_LLM_BACKEND
# openai or llama-cpp); it is never the default: no capable model ships with Clearnote.
BACKEND_CHOICES = ("rules", "rules+semantic", "rules+llm", "rules+semantic+llm")
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
    choice: str, rules: RuleSet, *, fallback: bool = False, settings: Settings | None = None
) -> tuple[ScreeningBackend, ...]:
    """The extra backends for a ``--backend`` choice (models load here, once). With ``fallback``
    a missing embedding model leaves the rules alone instead of failing. ``settings`` (read when
    not given) configure the LLM of the ``+llm`` choices."""
    if choice not in BACKEND_CHOICES:
        raise BadInputError(f"--backend: unknown screening backend '{choice}'")
    out: list[ScreeningBackend] = []
    if "semantic" in choice.split("+"):
        from clearnote.assess.screening.semantic import default_semantic

        try:
            out.append(default_semantic(rules))
        except ModelError:
            if not fallback:
                raise
            log.warning("embedding model not available: screening with the rules only")
    if "llm" in choice.split("+"):
        from clearnote.assess.screening.llm import LlmScreener
        from clearnote.config import load_settings
        from clearnote.llm.registry import create_chat_model

        settings = settings or load_settings()
        out.append(
            LlmScreener(create_chat_model(settings), rules, max_tokens=settings.llm_max_tokens)
        )
    return tuple(out)
