"""An LLM screening backend: a chat model reads the sentences the rule layer left open.

The model sees numbered client sentences (never the clinician's, never a sentence the rules read
as a denial or as someone else's, never a segment the rules already flagged) in batches, and
answers with the numbers of the sentences that disclose the speaker's own suicidal thoughts or
behaviour or self-harm, each with a level from the C-SSRS screener concepts (named, not quoted).
A flag quotes the transcript's own sentence and cites its segment: the model's words never reach
the report. Answers that name an unknown number, domain or level are dropped and counted.

Like every extra backend it only adds recall (``screen_with`` / ``merge_flags`` keep each rule
flag and finding). Where the model runs is the drafting settings' business: ``llm_backend``
``openai`` (loopback unless a BAA host is configured) or ``llama-cpp`` (in-process GGUF).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from clearnote.assess.screening.rules import RuleSet
from clearnote.assess.screening.semantic import Candidate, open_sentences
from clearnote.domain.screening import LEVELS, BackendInfo, Domain, RiskFlag, ScreeningReport
from clearnote.domain.transcript import Transcript
from clearnote.errors import ModelError
from clearnote.llm.base import ChatModel
from clearnote.llm.prompt import completion_json

BACKEND_NAME = "llm"
PROMPT_VERSION = "screen-1"
DOMAINS: tuple[Domain, ...] = ("suicide", "self_harm")
BATCH_SENTENCES = 40
MAX_SENTENCE_CHARS = 600

log = logging.getLogger(__name__)

SYSTEM = (
    "You help a clinician screen what a client said in a therapy session for suicide and "
    "self-harm risk. You get numbered sentences the client said. List the sentences in which the "
    "client discloses their OWN suicidal thoughts or behaviour, now or in the past, including "
    "indirect and euphemistic ways of saying it, or their own self-harm. Do not list figurative "
    'speech ("that exam killed me"), sentences about other people, films or news, advice or '
    "support given to someone else, or denials. Levels for suicide, least to most severe: "
    "past_history, wish_to_be_dead, passive_ideation, active_ideation, method, intent, plan, "
    "preparatory_behavior, attempt. Levels for self_harm: past_history, urge, concealment, "
    "self_harm. Answer with JSON only; an empty list when no sentence qualifies."
)


def answer_schema(count: int) -> dict[str, Any]:
    """The JSON schema of the model's answer (for constrained decoding)."""
    levels = sorted({lvl for d in DOMAINS for lvl in LEVELS[d]})
    return {
        "type": "object",
        "properties": {
            "findings": {
                "type": "array",
                "maxItems": count,
                "items": {
                    "type": "object",
                    "properties": {
                        "n": {"type": "integer", "minimum": 1, "maximum": count},
                        "domain": {"type": "string", "enum": list(DOMAINS)},
                        "level": {"type": "string", "enum": levels},
                    },
                    "required": ["n", "domain", "level"],
                    "additionalProperties": False,
                },
            }
        },
        "required": ["findings"],
        "additionalProperties": False,
    }


def request_body(sentences: Sequence[str], *, model: str, max_tokens: int) -> dict[str, Any]:
    numbered = "\n".join(
        f"{i}. {text[:MAX_SENTENCE_CHARS]}" for i, text in enumerate(sentences, start=1)
    )
    return {
        "model": model,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": f"Client sentences:\n{numbered}\n\nAnswer as JSON."},
        ],
        "temperature": 0,
        "max_tokens": max_tokens,
        "response_format": {
            "type": "json_schema",
            "json_schema": {
                "name": "clearnote_screen",
                "strict": True,
                "schema": answer_schema(len(sentences)),
            },
        },
    }


@dataclass(frozen=True)
class Finding:
    """One valid item of an answer: the sentence number (1-based), domain and level."""

    n: int
    domain: Domain
    level: str


def parse_answer(body: Any, count: int, *, source: str) -> tuple[list[Finding], int]:
    """Valid findings and the number of items dropped; a malformed response is a ModelError
    naming ``source`` (never content)."""
    answer = completion_json(body, source=source)
    items = answer.get("findings") if isinstance(answer, dict) else None
    if not isinstance(items, list):
        raise ModelError(f"{source}: answer has no 'findings' list")
    out: list[Finding] = []
    dropped = 0
    for item in items:
        n = item.get("n") if isinstance(item, dict) else None
        domain = item.get("domain") if isinstance(item, dict) else None
        level = item.get("level") if isinstance(item, dict) else None
        if (
            isinstance(n, int)
            and not isinstance(n, bool)
            and 1 <= n <= count
            and domain in DOMAINS
            and isinstance(level, str)
            and level in LEVELS[domain]
        ):
            out.append(Finding(n, domain, level))
        else:
            dropped += 1
    return out, dropped


class LlmScreener:
    """The LLM backend (a ``ScreeningBackend``)."""

    def __init__(
        self,
        model: ChatModel,
        rules: RuleSet,
        *,
        batch: int = BATCH_SENTENCES,
        max_tokens: int = 1024,
    ) -> None:
        if batch < 1:
            raise ValueError("batch must be at least 1")
        self.model = model
        self.rules = rules
        self.batch = batch
        self.max_tokens = max_tokens
        self.dropped = 0  # answer items dropped as invalid, over this screener's life

    @property
    def host(self) -> str | None:
        """The chat model's host (where the open sentences are sent), when it has one."""
        host = getattr(self.model, "host", None)
        return host if isinstance(host, str) else None

    @property
    def info(self) -> BackendInfo:
        return BackendInfo(
            name=BACKEND_NAME,
            version=f"{PROMPT_VERSION}/{self.model.name}/{self.model.model_name}",
        )

    def open_candidates(
        self, transcript: Transcript, rule_report: ScreeningReport
    ) -> list[tuple[Candidate, frozenset[Domain]]]:
        """Each sentence still open for at least one domain, with those domains, in transcript
        order."""
        opened: dict[tuple[str, str], tuple[Candidate, set[Domain]]] = {}
        for domain in DOMAINS:
            for c in open_sentences(transcript, rule_report, self.rules, frozenset({domain})):
                opened.setdefault((c.segment.id, c.original), (c, set()))[1].add(domain)
        order = {s.id: i for i, s in enumerate(transcript.segments)}
        return sorted(
            ((c, frozenset(ds)) for c, ds in opened.values()),
            key=lambda pair: order[pair[0].segment.id],
        )

    def propose(
        self, transcript: Transcript, rule_report: ScreeningReport
    ) -> list[tuple[Domain, RiskFlag]]:
        cands = self.open_candidates(transcript, rule_report)
        best: dict[tuple[str, str, Domain], tuple[Candidate, str]] = {}
        source = f"{self.model.name} model {self.model.model_name}"
        for start in range(0, len(cands), self.batch):
            chunk = cands[start : start + self.batch]
            body = request_body(
                [c.original for c, _ in chunk],
                model=self.model.model_name,
                max_tokens=self.max_tokens,
            )
            findings, dropped = parse_answer(self.model.chat(body), len(chunk), source=source)
            self.dropped += dropped
            for f in findings:
                cand, domains = chunk[f.n - 1]
                if f.domain not in domains:
                    continue  # the rules already read this sentence for that domain
                key = (cand.segment.id, cand.original, f.domain)
                rank = LEVELS[f.domain].index(f.level)
                if key not in best or rank > LEVELS[f.domain].index(best[key][1]):
                    best[key] = (cand, f.level)
        if self.dropped:
            log.warning("LLM screening: %d answer items were invalid and dropped", self.dropped)
        return [
            (
                domain,
                RiskFlag(
                    level=level,
                    segment_ids=(cand.segment.id,),
                    quote=cand.original,
                    start=cand.segment.start,
                    rule=level,
                    speaker_role=cand.role,
                ),
            )
            for (_sid, _text, domain), (cand, level) in best.items()
        ]

    def __repr__(self) -> str:
        return f"LlmScreener(model={self.model.model_name!r}, batch={self.batch})"


__all__ = ["BACKEND_NAME", "LlmScreener", "answer_schema", "parse_answer", "request_body"]
