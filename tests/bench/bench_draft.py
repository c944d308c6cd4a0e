"""Evaluation of default (extractive) drafts on ../shared/eval (figures for the README).

    python -m tests.bench.bench_draft [--quick] [--lexical-only]

1. ACI-Bench: SOAP drafts of the doctor-patient visits against the reference notes: ROUGE-1 F1
   (rouge-score's tokenisation: lower-case, non-alphanumerics to spaces; no stemming, so a little
   below rouge-score's use_stemmer=True), per split. Target >= 0.30 (GPT-4 zero-shot 0.52; copying
   the transcript 0.33).
2. The same drafts verified with ``clearnote.verify``: share of statements verified supported
   (target >= 95 %), statements without valid evidence (target 0), unverified negatives (target 0).
3. AnnoMI: a few counselling sessions (including the self-harm and violence ones) through the same
   checks (no reference notes exist there).
"""

from __future__ import annotations

import argparse
import csv
import re
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from clearnote.domain.note import Note
from clearnote.domain.transcript import Transcript
from clearnote.errors import TranscriptFormatError
from clearnote.llm.extractive import ExtractiveBackend
from clearnote.notes.drafting import draft_note
from clearnote.notes.formats import BUILTIN_FORMATS
from clearnote.transcripts.importer import parse_turns
from clearnote.verify import Verifier, default_verifier

EVAL = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
ACI_SPLITS = {
    "train": "train.csv",  # tuning splits: train and valid; test1-3 are held out
    "valid": "valid.csv",
    "test1": "clinicalnlp_taskB_test1.csv",
    "test2": "clinicalnlp_taskC_test2.csv",
    "test3": "clef_taskC_test3.csv",
}
ANNOMI_IDS = ("0", "22", "23", "37", "95", "107")
csv.field_size_limit(10_000_000)


def tokens(text: str) -> list[str]:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def rouge1_f(candidate: str, reference: str) -> float:
    c, r = Counter(tokens(candidate)), Counter(tokens(reference))
    overlap = sum((c & r).values())
    if not overlap:
        return 0.0
    p, rec = overlap / sum(c.values()), overlap / sum(r.values())
    return 2 * p * rec / (p + rec)


def note_text(note: Note) -> str:
    return "\n".join(st.text for st in note.statements())


@dataclass
class Tally:
    notes: int = 0
    statements: int = 0
    supported: int = 0
    no_evidence: int = 0
    unverified_negative: int = 0
    rouge: list[float] = field(default_factory=list)
    words: list[int] = field(default_factory=list)
    seconds: float = 0.0
    unreadable: int = 0

    def add(self, transcript: Transcript, note: Note, verifier: Verifier) -> None:
        known = {s.id for s in transcript.segments}
        report = verifier.verify(transcript, note)
        self.notes += 1
        self.statements += len(report.statements)
        self.supported += sum(1 for s in report.statements if s.verdict == "supported")
        self.no_evidence += sum(
            1 for st in note.statements() if not st.evidence or not set(st.evidence) <= known
        )
        self.unverified_negative += sum(1 for f in report.flags if f.kind == "unverified_negative")
        self.words.append(len(note_text(note).split()))

    def row(self, name: str) -> str:
        rouge = f"{statistics.mean(self.rouge):.3f}" if self.rouge else "  -  "
        share = self.supported / self.statements if self.statements else 0.0
        return (
            f"{name:<8} {self.notes:>5} {rouge:>7} {self.statements:>6} {share:>9.1%} "
            f"{self.no_evidence:>6} {self.unverified_negative:>6} "
            f"{statistics.mean(self.words) if self.words else 0:>7.0f} {self.seconds:>7.1f}"
            + (f"  ({self.unreadable} unreadable)" if self.unreadable else "")
        )


HEADER = (
    f"{'set':<8} {'notes':>5} {'R1-F1':>7} {'stmts':>6} {'supported':>9} {'no-ev':>6} "
    f"{'unv-neg':>6} {'words':>7} {'secs':>7}"
)


def aci(split: str, limit: int | None, verifier: Verifier) -> Tally:
    path = EVAL / "aci-bench" / "data" / "challenge_data" / ACI_SPLITS[split]
    rows = list(csv.DictReader(path.open(encoding="utf-8")))[:limit]
    tally = Tally()
    backend = ExtractiveBackend()
    t0 = time.perf_counter()
    for row in rows:
        try:
            transcript = parse_turns(row["dialogue"], source=f"{split}:{row['encounter_id']}")
        except TranscriptFormatError:
            tally.unreadable += 1  # e.g. a dialogue that does not start with a speaker tag
            continue
        note = draft_note(transcript, BUILTIN_FORMATS["soap"], backend)
        tally.rouge.append(rouge1_f(note_text(note), row["note"]))
        tally.add(transcript, note, verifier)
    tally.seconds = time.perf_counter() - t0
    return tally


def annomi(verifier: Verifier) -> Tally:
    path = EVAL / "annomi" / "AnnoMI-simple.csv"
    turns: dict[str, list[str]] = {}
    for row in csv.DictReader(path.open(encoding="utf-8")):
        if row["transcript_id"] in ANNOMI_IDS:
            text = " ".join(row["utterance_text"].split())
            turns.setdefault(row["transcript_id"], []).append(f"{row['interlocutor']}: {text}")
    tally = Tally()
    backend = ExtractiveBackend()
    t0 = time.perf_counter()
    for tid in ANNOMI_IDS:
        if tid not in turns:
            continue
        transcript = parse_turns("\n".join(turns[tid]), source=f"annomi:{tid}")
        tally.add(transcript, draft_note(transcript, BUILTIN_FORMATS["soap"], backend), verifier)
    tally.seconds = time.perf_counter() - t0
    return tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_draft")
    parser.add_argument("--quick", action="store_true", help="10 visits per split")
    parser.add_argument("--lexical-only", action="store_true", help="verifier without embeddings")
    parser.add_argument("--splits", default=",".join(ACI_SPLITS))
    args = parser.parse_args(argv)
    if not EVAL.is_dir():
        print(f"evaluation data not present at {EVAL}: skipped")
        return 0
    verifier = Verifier(None) if args.lexical_only else default_verifier()
    limit = 10 if args.quick else None
    print("Default (extractive) SOAP drafts; verification by clearnote.verify")
    print(HEADER)
    every = Tally()
    for split in args.splits.split(","):
        tally = aci(split, limit, verifier)
        print(tally.row(split), flush=True)
        for name in (
            "notes",
            "statements",
            "supported",
            "no_evidence",
            "unverified_negative",
            "unreadable",
        ):
            setattr(every, name, getattr(every, name) + getattr(tally, name))
        every.rouge += tally.rouge
        every.words += tally.words
        every.seconds += tally.seconds
    print(every.row("aci-all"))
    print(annomi(verifier).row("annomi"))
    print("targets: R1-F1 >= 0.30, supported >= 95 %, no-ev 0, unv-neg 0")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
