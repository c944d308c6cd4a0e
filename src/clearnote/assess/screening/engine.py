"""The rule engine: a transcript and a compiled rule set in, a screening report out. Pure.

How a status is reached, per domain:

* a risk rule matching the client's (or another non-clinician's) words raises a flag, unless a
  negation scopes over it (then it is a denial, or past history when the clause says "anymore",
  "since", "in three months"), or its subject is a third party or a film/book/news item (then it
  is a mention);
* a clinician's screening question sets context for the next non-clinician turn: a clear "no"
  is a denial, anything else short that is not a counter-question ("sometimes", "once", "I
  guess so") is a flag (recall first); for questions where "yes" is the safe answer ("do you feel
  safe at home?") the polarity is inverted; a later "actually, yes" after a denial is a flag;
* mention and denial rules add evidence; the clinician's words never raise a flag;
* a *contextual* risk rule (``context: [...]`` in the rules file: words like "I'm going to do it"
  that are only a risk indicator once the topic is on the table) fires only after one of its
  context domains has come up in the conversation (any finding, either speaker, earlier in the
  transcript or earlier in the same sentence);
* *weak* rules (hopelessness, entrapment, burdensomeness...) never flag on their own: a domain's
  ``weak_tier`` raises one flag when ``min_distinct`` different weak concepts match in the
  non-clinician speech of the transcript, or one matches and there is a context (a flag in a
  context domain, e.g. self-harm, or the tier's ``context`` pattern in that speech);
* a short counter-question from the client ("What, like suicidal?") echoes the clinician's word:
  it is a mention, not a flag.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from clearnote.assess.screening.rules import Rule, RuleSet, WeakTier
from clearnote.assess.screening.text import (
    Sentence,
    analyse,
    negated,
    normalize,
    past_marked,
    split_sentences,
    third_party,
    word_count,
)
from clearnote.domain.screening import (
    DOMAINS,
    LEVELS,
    BackendInfo,
    Domain,
    Finding,
    FindingKind,
    RiskFlag,
    ScreeningReport,
    build_result,
)
from clearnote.domain.transcript import Role, Segment, Transcript

BACKEND_NAME = "rules"
MAX_IMPLICIT_ANSWER_WORDS = 12  # longer non-yes/no answers are not read as a "yes"
MAX_ACK_WORDS = 8  # a clinician turn this short without a question keeps the question's context
MAX_ECHO_WORDS = 6  # a client counter-question this short echoes the clinician's words


@dataclass
class _Prompt:
    """A clinician's screening question awaiting (or just given) an answer."""

    segment: Segment
    levels: dict[Domain, tuple[str, bool, str]]  # domain -> (level, inverted, rule id)
    answered: bool = False


@dataclass(frozen=True)
class _WeakHit:
    concept: str
    segment: Segment
    quote: str
    role: Role


@dataclass
class _Collector:
    flags: dict[Domain, list[RiskFlag]] = field(default_factory=lambda: defaultdict(list))
    evidence: dict[Domain, list[Finding]] = field(default_factory=lambda: defaultdict(list))
    weak: dict[Domain, list[_WeakHit]] = field(default_factory=lambda: defaultdict(list))
    topics: set[Domain] = field(default_factory=set)  # came up at all (any speaker, any kind)
    flagged: set[Domain] = field(default_factory=set)
    weak_context: set[Domain] = field(default_factory=set)  # a tier's context pattern was seen
    _seen: set[tuple[str, str, tuple[str, ...]]] = field(default_factory=set)

    def flag(self, domain: Domain, flag: RiskFlag) -> None:
        self.topics.add(domain)
        self.flagged.add(domain)
        key = (domain, flag.level, flag.segment_ids)
        if key not in self._seen:
            self._seen.add(key)
            self.flags[domain].append(flag)

    def find(self, domain: Domain, finding: Finding) -> None:
        self.topics.add(domain)
        key = (domain, finding.kind, finding.segment_ids)
        if key not in self._seen:
            self._seen.add(key)
            self.evidence[domain].append(finding)


def _rank(domain: Domain, level: str) -> int:
    order = LEVELS[domain]
    return order.index(level) if level in order else -1


def _has_context(tier: WeakTier, domain: Domain, out: _Collector) -> bool:
    return domain in out.weak_context or bool(tier.context_domains & out.flagged)


def _applies(rule: Rule, sentence: Sentence) -> bool:
    if rule.requires is not None and rule.requires.search(sentence.masked) is None:
        return False
    return rule.exclude_if is None or rule.exclude_if.search(sentence.masked) is None


def _denies(rule: Rule, sentence: Sentence) -> bool:
    """A denial rule matches, and not where a pseudo-negation holds its negation word ("I can't
    promise I won't hurt myself" denies nothing)."""
    return any(
        not sentence.in_pseudo_negation(m.start())
        for p in rule.patterns
        for m in p.finditer(sentence.masked)
    )


class RuleScreener:
    """Screens transcripts with one compiled rule set (reuse it across a batch)."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        risk = rules.of_kind("risk")
        self._risk = tuple(r for r in risk if not r.context)
        self._contextual = tuple(r for r in risk if r.context)
        self._weak = rules.of_kind("weak")
        self._mention = rules.of_kind("mention")
        self._denial = rules.of_kind("denial")
        self._question = rules.of_kind("question")

    @property
    def info(self) -> BackendInfo:
        return BackendInfo(name=BACKEND_NAME, version=f"{self.rules.name}/{self.rules.version}")

    # -- client speech -------------------------------------------------------------------
    def _client_sentence(
        self, seg: Segment, role: Role, sentence: Sentence, out: _Collector
    ) -> None:
        def finding(kind: FindingKind, rule: Rule) -> Finding:
            return Finding(
                kind=kind,
                segment_ids=(seg.id,),
                quote=sentence.original,
                start=seg.start,
                rule=rule.id,
                speaker_role=role,
            )

        echo = self._is_echo(sentence)
        for rule in self._risk:
            self._risk_rule(rule, seg, role, sentence, out, finding, echo)
        for rule in self._denial:
            if _applies(rule, sentence) and _denies(rule, sentence):
                out.find(rule.domain, finding("denial", rule))
        for rule in self._mention:
            if not _applies(rule, sentence):
                continue
            for pattern in rule.patterns:
                m = pattern.search(sentence.masked)
                if m is not None:
                    kind: FindingKind = (
                        "denial" if negated(sentence, m.start(), m.end()) else "mention"
                    )
                    out.find(rule.domain, finding(kind, rule))
                    break
        for rule in self._contextual:
            if rule.context & out.topics:
                self._risk_rule(rule, seg, role, sentence, out, finding, echo)
        for rule in self._weak:
            if self._matches(rule, sentence):
                out.weak[rule.domain].append(_WeakHit(rule.concept, seg, sentence.original, role))
        for domain, tier in self.rules.weak_tiers.items():
            if tier.context is not None and tier.context.search(sentence.masked):
                out.weak_context.add(domain)

    def _is_echo(self, sentence: Sentence) -> bool:
        pattern = self.rules.echo_question
        return (
            pattern is not None
            and sentence.norm.rstrip().endswith("?")
            and word_count(sentence.norm) <= MAX_ECHO_WORDS
            and pattern.search(sentence.norm) is not None
        )

    def _matches(self, rule: Rule, sentence: Sentence) -> bool:
        """A weak rule: matched, not negated, not about someone else."""
        if not _applies(rule, sentence):
            return False
        for pattern in rule.patterns:
            m = pattern.search(sentence.masked)
            if m is None:
                continue
            if not rule.negated_form and negated(sentence, m.start(), m.end()):
                continue
            if rule.subject_check and third_party(sentence, m.start(), self.rules):
                continue
            return True
        return False

    def _risk_rule(
        self,
        rule: Rule,
        seg: Segment,
        role: Role,
        sentence: Sentence,
        out: _Collector,
        finding: Callable[[FindingKind, Rule], Finding],
        echo: bool,
    ) -> None:
        if not _applies(rule, sentence):
            return
        for pattern in rule.patterns:
            m = pattern.search(sentence.masked)
            if m is None:
                continue
            level = rule.level
            if not rule.negated_form and negated(sentence, m.start(), m.end()):
                past = self.rules.past_levels.get(rule.domain)
                if past is None or not past_marked(sentence, m.start(), self.rules):
                    out.find(rule.domain, finding("denial", rule))
                    return
                level = past
            elif echo or (rule.subject_check and third_party(sentence, m.start(), self.rules)):
                out.find(rule.domain, finding("mention", rule))
                return
            out.flag(
                rule.domain,
                RiskFlag(
                    level=level,
                    segment_ids=(seg.id,),
                    quote=sentence.original,
                    start=seg.start,
                    rule=rule.id,
                    speaker_role=role,
                ),
            )
            return

    def _weak_flags(self, out: _Collector) -> None:
        for domain, tier in self.rules.weak_tiers.items():
            hits = out.weak.get(domain, [])
            firsts: dict[str, _WeakHit] = {}
            for hit in hits:
                firsts.setdefault(hit.concept, hit)
            if not firsts:
                continue
            if len(firsts) >= tier.min_distinct:
                chosen = list(firsts.values())
                rule_id = f"{tier.id}[{'+'.join(firsts)}]"
            elif _has_context(tier, domain, out):
                chosen = list(firsts.values())
                rule_id = f"{tier.id}[{'+'.join(firsts)}]+context"
            else:
                continue
            segs = tuple(dict.fromkeys(h.segment.id for h in chosen))
            out.flag(
                domain,
                RiskFlag(
                    level=tier.level,
                    segment_ids=segs,
                    quote=" … ".join(dict.fromkeys(h.quote for h in chosen)),
                    start=min(h.segment.start for h in chosen),
                    rule=rule_id,
                    speaker_role=chosen[0].role,
                ),
            )

    # -- question and answer ---------------------------------------------------------------
    def _questions(self, seg: Segment, role: Role, out: _Collector) -> _Prompt | None:
        sentences = split_sentences(seg.text)
        asked = [s for s in sentences if "?" in s] or sentences[-1:]
        levels: dict[Domain, tuple[str, bool, str]] = {}
        for original in sentences:
            norm = normalize(original)
            is_prompt = original in asked
            for rule in self._question:
                if not any(p.search(norm) for p in rule.patterns):
                    continue
                out.find(
                    rule.domain,
                    Finding(
                        kind="question",
                        segment_ids=(seg.id,),
                        quote=original,
                        start=seg.start,
                        rule=rule.id,
                        speaker_role=role,
                    ),
                )
                if not is_prompt:
                    continue
                current = levels.get(rule.domain)
                if current is None or _rank(rule.domain, rule.level) > _rank(
                    rule.domain, current[0]
                ):
                    levels[rule.domain] = (rule.level, rule.inverted, rule.id)
        return _Prompt(segment=seg, levels=levels) if levels else None

    def _answer(self, prompt: _Prompt, seg: Segment, role: Role, out: _Collector) -> None:
        sentences = split_sentences(seg.text)
        if not sentences:
            return
        first = sentences[0]
        ans = self.rules.answer
        text = ans.filler.sub("", normalize(first))
        if prompt.answered:
            # after a denial: only an explicit reversal ("actually, yes") counts
            whole = normalize(seg.text)
            if ans.reversal.search(whole) and ans.affirm_word.search(whole):
                self._answer_flags(prompt, seg, role, first, "answer.reversal", out)
            return
        if ans.nonanswer.search(text):
            return
        if ans.uncertain.search(text):
            verdict = "flag"
            rule_id = "answer.uncertain"
        elif ans.deny.search(text):
            verdict = "deny"
            rule_id = "answer.no"
        elif ans.affirm_word.search(text) or word_count(text) <= MAX_IMPLICIT_ANSWER_WORDS:
            verdict = "affirm"
            rule_id = "answer.yes"
        else:
            return
        for domain, (_level, inverted, qrule) in prompt.levels.items():
            is_flag = verdict == "flag" or (verdict == "affirm") != inverted
            if is_flag:
                self._answer_flags(prompt, seg, role, first, f"{qrule}+{rule_id}", out, domain)
            else:
                out.find(
                    domain,
                    Finding(
                        kind="denial",
                        segment_ids=(prompt.segment.id, seg.id),
                        quote=first,
                        start=prompt.segment.start,
                        rule=f"{qrule}+{rule_id}",
                        speaker_role=role,
                    ),
                )

    def _answer_flags(
        self,
        prompt: _Prompt,
        seg: Segment,
        role: Role,
        quote: str,
        rule_id: str,
        out: _Collector,
        only: Domain | None = None,
    ) -> None:
        for domain, (level, _inverted, qrule) in prompt.levels.items():
            if only is not None and domain != only:
                continue
            out.flag(
                domain,
                RiskFlag(
                    level=level,
                    segment_ids=(prompt.segment.id, seg.id),
                    quote=quote,
                    start=prompt.segment.start,
                    rule=rule_id if only is not None else f"{qrule}+{rule_id}",
                    speaker_role=role,
                    context_segment_ids=(prompt.segment.id,),
                ),
            )

    # -- whole transcript -------------------------------------------------------------------
    def screen(self, transcript: Transcript) -> ScreeningReport:
        out = _Collector()
        prompt: _Prompt | None = None
        for seg in transcript.segments:
            role = transcript.role_of(seg.speaker)
            if role == "clinician":
                new = self._questions(seg, role, out)
                if new is not None:
                    prompt = new
                elif prompt is not None and not (
                    "?" not in seg.text and word_count(seg.text) <= MAX_ACK_WORDS
                ):
                    prompt = None
                continue
            for original in split_sentences(seg.text):
                self._client_sentence(seg, role, analyse(original, self.rules), out)
            if prompt is not None:
                self._answer(prompt, seg, role, out)
                if prompt.answered:
                    prompt = None
                else:
                    prompt.answered = True
        self._weak_flags(out)
        return ScreeningReport(
            backends=(self.info,),
            domains=tuple(build_result(d, out.flags[d], out.evidence[d]) for d in DOMAINS),
        )


def screen(transcript: Transcript, rules: RuleSet) -> ScreeningReport:
    """Screen one transcript with ``rules`` (see :class:`RuleScreener` for batches)."""
    return RuleScreener(rules).screen(transcript)


def flags_of(report: ScreeningReport) -> Sequence[tuple[Domain, RiskFlag]]:
    return tuple((d.domain, f) for d in report.domains for f in d.flags)
