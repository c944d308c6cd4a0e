"""``clearnote assess TRANSCRIPT --framework cbt|family-systems|narrative [--jurisdiction X ...]
[--goals goals.yaml] -o assessment.json``."""

from __future__ import annotations

from pathlib import Path

import click

from clearnote.assess.goals import load_goals
from clearnote.assess.grounding import GroundingVerifier
from clearnote.assess.jurisdiction import plan_parts, resolve
from clearnote.assess.screening import RuleScreener, default_rules
from clearnote.assess.service import assess as run_assess
from clearnote.assess.service import lexical_verifier
from clearnote.domain.assessment import FRAMEWORKS, DiagnosticPart, Framework
from clearnote.transcripts.document import load_transcript, write_json


def _verifier(grounding: str) -> GroundingVerifier:
    if grounding == "embedding":
        from clearnote.verify import default_verifier

        return default_verifier()
    return lexical_verifier()


@click.command("assess")
@click.argument("transcript", type=click.Path(path_type=Path))
@click.option(
    "--framework",
    required=True,
    type=click.Choice(FRAMEWORKS, case_sensitive=False),
    help="theoretical framework of the case conceptualization",
)
@click.option(
    "--jurisdiction",
    "jurisdictions",
    multiple=True,
    help="jurisdiction profile (repeatable: US, US-IL, US-NV, US-UT, US-CA, US-TX); the "
    "federal baseline always applies and the strictest profile wins",
)
@click.option(
    "--goals",
    type=click.Path(path_type=Path),
    default=None,
    help="treatment-plan goals (YAML: id, text, keywords, optional indicators)",
)
@click.option(
    "--grounding",
    type=click.Choice(["lexical", "embedding"]),
    default="lexical",
    show_default=True,
    help="verifier grounding: lexical (fast) or with MiniLM embeddings (slower on CPU)",
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="assessment JSON to write ('-' for stdout)",
)
def assess(
    transcript: Path,
    framework: str,
    jurisdictions: tuple[str, ...],
    goals: Path | None,
    grounding: str,
    output: Path,
) -> None:
    """Clinician-facing assessments (AI-generated decision support): diagnostic considerations,
    service needs, strengths, a case conceptualization, goal progress and safety-plan coverage,
    each item citing the transcript and checked by the verifier."""
    policy = resolve(jurisdictions)
    goal_set = load_goals(goals) if goals is not None else None
    doc = load_transcript(transcript)
    screening = RuleScreener(default_rules()).screen(doc)
    enabled, reasons = plan_parts(policy)
    fw: Framework = next(f for f in FRAMEWORKS if f == framework.lower())
    result = run_assess(
        doc,
        framework=fw,
        enabled=enabled,
        goals=goal_set,
        screening=screening,
        disabled_reasons=reasons,
        policy=policy,
        verifier=_verifier(grounding),
    )
    write_json(result.to_document(), output)
    items = result.items()
    unverified = sum(not i.verified for i in items)
    diag = result.diagnostic_impressions
    cands = len(diag.candidates) if isinstance(diag, DiagnosticPart) else "disabled"
    click.echo(
        f"assessed ({fw}, {', '.join(policy.jurisdictions)}): {len(items)} items, "
        f"{unverified} not verified, diagnostic candidates: {cands}, "
        f"{result.not_assessed_count()} not assessed",
        err=True,
    )


def register(cli: click.Group) -> None:
    cli.add_command(assess)
