"""``clearnote demo``: the main job on the bundled sample session, in a fresh temporary practice.

It creates a practice (key file apart from the data), a client, records written consent for
recording, transcription, note drafting and risk screening, processes the sample session, and
prints what a clinician and a client would see: the transcript with unsure words marked, the
AI-drafted SOAP note with each statement's evidence and the verification flags, the risk
screening with safety-plan gaps, and the client's transparency report. The temporary practice,
its keys and everything in it are deleted at the end.
"""

from __future__ import annotations

import json
import secrets
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import click

from clearnote.config import Settings, load_settings
from clearnote.domain.note import Note
from clearnote.domain.transcript import Transcript
from clearnote.notes.render import render_note
from clearnote.pipeline.analysis import load_engines
from clearnote.pipeline.process import process_recording
from clearnote.records import clients, consent, sessions
from clearnote.records.practice import cli_actor, init_practice, open_practice
from clearnote.records.report import client_report
from clearnote.transcription.service import build_transcriber
from clearnote.transcripts.render import clock, render_transcript

DEMO_PURPOSES = ["record", "transcribe", "draft_note", "risk_screening"]


def sample_session() -> Path:
    """The bundled, synthesized sample session (two espeak-ng voices; no real client)."""
    return Path(str(resources.files("clearnote.samples").joinpath("session.ogg")))


def _heading(text: str) -> str:
    return f"\n{'=' * 8} {text} {'=' * max(4, 80 - len(text))}"


def render_screening(doc: dict[str, Any]) -> str:
    lines = [doc.get("notice", "")]
    for d in doc["domains"]:
        lines.append(f"  {d['domain']:<27} {d['status']}")
        for f in d.get("flags", []):
            lines.append(
                f"      [{clock(f['start'])}] {f['level']} ({', '.join(f['segment_ids'])}): "
                f'"{f["quote"]}"'
            )
    return "\n".join(lines)


def render_safety_plan(doc: dict[str, Any]) -> str:
    part = doc.get("safety_plan") or {}
    if part.get("status") != "assessed":
        return f"  {part.get('status', 'not run')}: {part.get('reason', '')}".rstrip(": ")
    lines = [f"  triggered by: {', '.join(part.get('triggered_by', []))}"]
    for element in part.get("covered", []):
        lines.append(f"  covered  {element['label']}")
    for element in part.get("missing", []):
        lines.append(f"  MISSING  {element['label']}")
    return "\n".join(lines)


def render_report(doc: dict[str, Any]) -> str:
    lines = ["Consents:"]
    for c in doc.get("consents", []):
        lines.append(
            f"  {c.get('purpose')}: {c.get('status')} since {str(c.get('since'))[:10]} "
            f"(form {c.get('form_id')} v{c.get('form_version')})"
        )
    lines.append("AI steps that ran:")
    for r in doc.get("ai_runs", []):
        lines.append(f"  {r['stage']:<10} {r['model']} ({r['version']}), {r['where']}")
    lines.append(f"Record accesses logged: {len(doc.get('accesses', []))}")
    lines.append("Scheduled deletion:")
    for a in doc.get("artefacts", []):
        due = a.get("delete_due") or "kept while the record is kept"
        lines.append(f"  {a.get('kind'):<11} {due} ({a.get('rule')})")
    return "\n".join(lines)


def run_demo(settings: Settings, *, model: str | None) -> str:
    with tempfile.TemporaryDirectory(prefix="clearnote-demo-") as tmp:
        root = Path(tmp)
        local = settings.model_copy(
            update={
                "home": root / "practice",
                "key_file": root / "keys" / "kek",
                "database_url": None,
                **({"asr_model": model} if model else {}),
            }
        )
        init_practice(local, owner_email="demo@clinic.example", password=secrets.token_urlsafe(24))
        ctx = open_practice(local)
        try:
            actor = cli_actor(ctx)
            cid = clients.add_client(
                ctx, actor, name="Jordan (demo client)", jurisdictions=["US-CA"]
            )
            consent.grant(ctx, actor, cid, DEMO_PURPOSES, signed_by="Jordan (demo client)")
            from clearnote.commands.transcribe import terminal_progress

            result = process_recording(
                ctx,
                actor,
                client_id=cid,
                audio_path=sample_session(),
                transcriber_for=lambda: build_transcriber(local),
                engines_for=lambda: load_engines(local),
                max_audio_seconds=600,
                progress=terminal_progress,
            )
            docs = {
                kind: json.loads(sessions.load_artefact(aid, actor=actor, ctx=ctx))
                for kind, aid in result.artefacts.items()
                if kind != "audio"
            }
            report = client_report(ctx, actor, cid)
        finally:
            ctx.close()
    transcript = Transcript.model_validate(docs["transcript"])
    draft = docs["draft"]
    note = Note.model_validate(draft["note"])
    out = [
        "Sample session: an invented dialogue read by two synthetic voices (no real client).",
        f"A temporary practice was created; consent recorded for: {', '.join(DEMO_PURPOSES)}.",
        f"Session {result.session_id}: {result.status} "
        f"({', '.join(f'{k} {v}' for k, v in result.stages.items())})",
        _heading("Transcript"),
        render_transcript(transcript),
        _heading("Draft note (AI-drafted until a clinician signs)"),
        render_note(note, transcript, draft["verification"]),
        _heading("Risk screening (AI-generated decision support)"),
        render_screening(docs["screening"]),
        _heading("Safety-plan coverage"),
        render_safety_plan(docs.get("assessment", {})),
        _heading("What the client sees (transparency report)"),
        render_report(json.loads(json.dumps(report, default=str))),
        "\nThe temporary practice and its keys have been deleted.",
    ]
    return "\n".join(out)


@click.command("demo")
@click.option("--model", default=None, help="bundled model (tiny.en, base) or a model folder")
def demo(model: str | None) -> None:
    """Run the whole job on the bundled sample session in a temporary practice."""
    click.echo(run_demo(load_settings(), model=model))


def register(cli: click.Group) -> None:
    cli.add_command(demo)
