"""Evaluation of note verification on ../shared/eval (figures for the README; no assertions here).

    python -m tests.bench.bench_verify [--quick] [--lexical-only] [--full] [--aci-split NAME ...]

1. MTS-Dialog Correlation-Study: AUROC of our unsupported share for the machine summaries
   that human judges found imprecise (factual precision < 1); Spearman of our omission-flag
   count with the human omission rate.
2. Planted errors in real clinicians' notes (ACI-Bench reference notes, PriMock57 notes): a
   new drug, a new condition, a new event, a denial the visit never contained, a changed
   number. Each planted statement must come back unsupported, contradicted or
   unverified_negative. The planting procedure is generic (templates x fillers, random
   positions, numbers taken from the note itself); drug and condition fillers are half inside
   the verifier's lexicon and half outside it, reported apart.
   Also: the share of untouched ACI-Bench reference statements that we flag.
3. AnnoMI: a client risk disclosure planted into a counselling transcript at a random place, with a
   note that leaves it out, must come back as an omission citing it; on the same transcript
   without it, the share of client turns covered by omission flags.
4. Speed: verifying a 50-minute session's note with the models loaded once.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from clearnote.domain.note import Note, Section, Statement, statement_id
from clearnote.domain.transcript import AsrInfo, Segment, Speaker, Transcript, segment_id
from clearnote.domain.verification import VerificationReport
from clearnote.errors import TranscriptFormatError
from clearnote.transcripts.importer import parse_turns
from clearnote.verify import Verifier, default_verifier, note_from_text
from clearnote.verify.numbers import numbers_in
from clearnote.verify.text import content_stems

REPO = Path(__file__).resolve().parents[2]
EVAL = REPO.parent / "shared" / "eval"
SUPPORT_FLAGS = ("unsupported", "contradicted", "unverified_negative")

# ---------------------------------------------------------------- loading


ACI_SPLITS = ("valid", "clinicalnlp_taskB_test1", "clinicalnlp_taskC_test2", "clef_taskC_test3")


def aci_visits(split: str = "valid") -> list[tuple[str, str, str]]:
    """(id, transcript text, reference note) of one ACI-Bench split."""
    path = EVAL / "aci-bench" / "data" / "challenge_data_json" / f"{split}.json"
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    return [(d["file"], d["src"], d["tgt"]) for d in data]


def primock_visits() -> list[tuple[str, str, str]]:
    base = EVAL / "primock57"
    out = []
    for note_path in sorted((base / "notes").glob("*.json")):
        tx = base / "joined_transcripts" / (note_path.stem + ".txt")
        if tx.exists():
            note = json.loads(note_path.read_text(encoding="utf-8"))["note"]
            out.append((note_path.stem, tx.read_text(encoding="utf-8"), note))
    return out


def annomi_sessions() -> dict[str, tuple[str, list[tuple[str, str, float]]]]:
    """transcript id → (topic, [(role, text, start seconds)])."""
    sessions: dict[str, tuple[str, list[tuple[str, str, float]]]] = {}
    with (EVAL / "annomi" / "AnnoMI-simple.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            h, m, s = (int(x) for x in row["timestamp"].split(":"))
            role = "clinician" if row["interlocutor"] == "therapist" else "client"
            topic, turns = sessions.setdefault(row["transcript_id"], (row["topic"], []))
            turns.append((role, row["utterance_text"], h * 3600 + m * 60 + s))
    return sessions


def transcript_from_turns(turns: list[tuple[str, str, float]]) -> Transcript:
    segs = []
    for i, (role, text, start) in enumerate(turns):
        nxt = turns[i + 1][2] if i + 1 < len(turns) else start + 5
        segs.append(
            Segment(
                id=segment_id(i + 1),
                start=start,
                end=max(start, nxt),
                speaker="S1" if role == "clinician" else "S2",
                text=text,
            )
        )
    return Transcript(
        duration=segs[-1].end if segs else 0.0,
        asr=AsrInfo(engine="import", model="annomi"),
        speakers=(Speaker(id="S1", role="clinician"), Speaker(id="S2", role="client")),
        segments=tuple(segs),
    )


# ---------------------------------------------------------------- planting

# fillers: half are in the verifier's lexicon, half are not ("out")
PLANT_DRUGS = {
    "in": ["sertraline", "lisinopril", "metformin", "gabapentin", "quetiapine", "atorvastatin",
           "prednisone", "amoxicillin", "lorazepam", "omeprazole"],
    "out": ["trulicity", "nurtec", "xeljanz", "rexulti", "caplyta", "qelbree", "zurzuvae",
            "auvelity", "entresto", "dupixent"],
}  # fmt: skip
PLANT_CONDITIONS = {
    "in": ["epilepsy", "gout", "atrial fibrillation", "bipolar disorder", "psoriasis", "lupus",
           "hypothyroidism", "anemia", "schizophrenia", "pancreatitis"],
    "out": ["sarcoidosis", "hemochromatosis", "myasthenia gravis", "celiac disease",
            "narcolepsy", "glaucoma", "tinnitus", "scoliosis", "vertigo", "shingles"],
}  # fmt: skip
DRUG_TEMPLATES = [
    "The patient was started on {x} {n} mg daily.",
    "He reports taking {x} for the past month.",
    "She has been prescribed {x}.",
    "Continue {x} as previously prescribed.",
    "We will start {x} at a low dose.",
    "Current medications include {x}.",
]
CONDITION_TEMPLATES = [
    "Past medical history is significant for {x}.",
    "The patient was diagnosed with {x} last year.",
    "He has a family history of {x}.",
    "Her {x} has been stable.",
    "History of {x}.",
]
EVENTS = [
    "was involved in a car accident", "fell down the stairs", "was admitted to the hospital",
    "went to the emergency room", "was bitten by a dog", "travelled to Mexico",
    "lost his job", "broke her wrist while skiing", "had a seizure at work",
    "fainted in the grocery store", "was stung by a bee", "got a new puppy",
]  # fmt: skip
WHEN = ["last weekend", "two months ago", "on Thursday", "earlier this year", "over the holidays"]
EVENT_TEMPLATES = [
    "The patient reports that she {e} {w}.",
    "He {e} {w}.",
    "Of note, the patient {e} {w}.",
]
SYMPTOMS = [
    "chest pain", "shortness of breath", "fever", "chills", "night sweats", "weight loss",
    "blurred vision", "hematuria", "palpitations", "numbness", "dizziness", "nausea", "vomiting",
    "diarrhea", "constipation", "headaches", "rash", "joint swelling", "suicidal ideation",
    "hallucinations", "cough", "sore throat", "abdominal pain", "back pain", "insomnia",
    "hearing loss", "tremor", "syncope", "dysuria", "leg swelling",
]  # fmt: skip
DENIAL_TEMPLATES = [
    "The patient denies {x}.",
    "He denies any {x}.",
    "No {x}.",
    "She reports no {x}.",
    "Negative for {x}.",
]
KINDS = ("drug", "condition", "event", "denial", "number")


@dataclass
class Planted:
    kind: str
    source: str  # "in"/"out" lexicon for drugs and conditions
    note: Note
    target: str  # statement id of the planted statement


def _absent(transcript_text: str, phrase: str) -> bool:
    stems = set(content_stems(transcript_text))
    return not (set(content_stems(phrase)) & stems)


def _insert(note: Note, text: str, rng: random.Random) -> tuple[Note, str]:
    """Insert a statement at a random place and renumber; returns the new note and its id."""
    sentences = [(sec.key, sec.title, st.text) for sec in note.sections for st in sec.statements]
    pos = rng.randrange(len(sentences) + 1)
    key, title = (sentences[min(pos, len(sentences) - 1)][:2]) if sentences else ("note", "Note")
    sentences.insert(pos, (key, title, text))
    return _renumber(sentences), statement_id(pos + 1)


def _renumber(sentences: list[tuple[str, str, str]]) -> Note:
    sections: list[Section] = []
    n = 0
    current: list[Statement] = []
    current_key = None
    current_title = ""
    for key, title, text in sentences:
        if key != current_key and current:
            sections.append(
                Section(key=current_key or "note", title=current_title, statements=tuple(current))
            )
            current = []
        current_key, current_title = key, title
        n += 1
        current.append(Statement(id=statement_id(n), text=text, origin="imported"))
    if current:
        sections.append(
            Section(key=current_key or "note", title=current_title, statements=tuple(current))
        )
    keys: set[str] = set()
    fixed = []
    for s in sections:  # a section key may recur after an insertion: keep keys unique
        k = s.key
        while k in keys:
            k += "_"
        keys.add(k)
        fixed.append(s.model_copy(update={"key": k}))
    return Note(format="text", sections=tuple(fixed))


_DIGIT = re.compile(r"(?<![\w./])(\d{1,3})(?![\w/]|\.\d)")


def plant(note: Note, transcript_text: str, kind: str, rng: random.Random) -> Planted | None:
    """One planted error of ``kind`` in ``note``; None when the note offers no place for it."""
    if kind in ("drug", "condition"):
        pool = PLANT_DRUGS if kind == "drug" else PLANT_CONDITIONS
        source = rng.choice(["in", "out"])
        options = [x for x in pool[source] if _absent(transcript_text, x)]
        if not options:
            return None
        x = rng.choice(options)
        tpl = rng.choice(DRUG_TEMPLATES if kind == "drug" else CONDITION_TEMPLATES)
        text = tpl.format(x=x, n=rng.choice([5, 10, 20, 25, 40, 50]))
        new, sid = _insert(note, text, rng)
        return Planted(kind, source, new, sid)
    if kind == "event":
        options = [e for e in EVENTS if _absent(transcript_text, e.split(" ", 2)[-1])]
        if not options:
            return None
        text = rng.choice(EVENT_TEMPLATES).format(e=rng.choice(options), w=rng.choice(WHEN))
        new, sid = _insert(note, text, rng)
        return Planted(kind, "", new, sid)
    if kind == "denial":
        options = [s for s in SYMPTOMS if _absent(transcript_text, s)]
        if not options:
            return None
        text = rng.choice(DENIAL_TEMPLATES).format(x=rng.choice(options))
        new, sid = _insert(note, text, rng)
        return Planted(kind, "", new, sid)
    # number: change a number of a statement to another plausible value
    said = set(numbers_in(transcript_text))
    candidates = []
    for st in note.statements():
        for m in _DIGIT.finditer(st.text):
            v = int(m.group(1))
            if v > 2 and float(v) in said:
                candidates.append((st, m))
    if not candidates:
        return None
    st, m = rng.choice(candidates)
    v = int(m.group(1))
    choices = [v + d for d in (1, 2, 3, 5, 10) if float(v + d) not in said]
    choices += [v - d for d in (1, 2, 3, 5) if v - d > 2 and float(v - d) not in said]
    if not choices:
        return None
    new_text = st.text[: m.start()] + str(rng.choice(choices)) + st.text[m.end() :]
    sections = tuple(
        sec.model_copy(
            update={
                "statements": tuple(
                    x.model_copy(update={"text": new_text}) if x.id == st.id else x
                    for x in sec.statements
                )
            }
        )
        for sec in note.sections
    )
    return Planted("number", "", note.model_copy(update={"sections": sections}), st.id)


def flagged(report: VerificationReport, sid: str) -> bool:
    return any(f.kind in SUPPORT_FLAGS and f.statement_id == sid for f in report.flags)


# ---------------------------------------------------------------- evaluations


@dataclass
class PlantedResult:
    hits: dict[str, list[bool]] = field(default_factory=dict)
    untouched: list[bool] = field(default_factory=list)
    untouched_kinds: dict[str, int] = field(default_factory=dict)


def run_planted(
    verifier: Verifier, visits: list[tuple[str, str, str]], *, seed: int = 7, baseline: bool
) -> PlantedResult:
    rng = random.Random(seed)
    res = PlantedResult()
    for _vid, tx_text, note_text in visits:
        try:
            transcript = parse_turns(tx_text, source="eval")
        except TranscriptFormatError:  # one test2 visit lacks its first speaker tag
            continue
        note = note_from_text(note_text)
        if baseline:
            report = verifier.verify(transcript, note)
            for st in report.statements:
                kinds = [
                    f.kind
                    for f in report.flags
                    if f.statement_id == st.id and f.kind in SUPPORT_FLAGS
                ]
                res.untouched.append(bool(kinds))
                for k in kinds:
                    res.untouched_kinds[k] = res.untouched_kinds.get(k, 0) + 1
        for kind in KINDS:
            p = plant(note, tx_text, kind, rng)
            if p is None:
                continue
            report = verifier.verify(transcript, p.note)
            key = f"{kind}:{p.source}" if p.source else kind
            res.hits.setdefault(key, []).append(flagged(report, p.target))
    return res


def auroc(scores: list[float], labels: list[bool]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def spearman(a: list[float], b: list[float]) -> float:
    def ranks(x: list[float]) -> list[float]:
        order = sorted(range(len(x)), key=lambda i: x[i])
        r = [0.0] * len(x)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and x[order[j + 1]] == x[order[i]]:
                j += 1
            for k in range(i, j + 1):
                r[order[k]] = (i + j) / 2
            i = j + 1
        return r

    ra, rb = ranks(a), ranks(b)
    if len(set(ra)) < 2 or len(set(rb)) < 2:
        return float("nan")
    return statistics.correlation(ra, rb)


def _rows(
    scores: list[float], labels: list[bool], row_no: list[int], parity: int
) -> tuple[list[float], list[bool]]:
    keep = [i for i, k in enumerate(row_no) if k % 2 == parity]
    return [scores[i] for i in keep], [labels[i] for i in keep]


def run_mts(verifier: Verifier, limit: int | None = None) -> dict[str, float]:
    base = EVAL / "mts-dialog" / "Correlation-Study"
    with (base / "MTS-Dialog-Automatic-Summaries-ValidationSet.csv").open(
        encoding="utf-8-sig"
    ) as fh:
        summaries = list(csv.DictReader(fh))
    with (base / "MTS-Dialog-Manual-Scores4CorrelationStudy.csv").open(encoding="utf-8-sig") as fh:
        scores = list(csv.DictReader(fh))
    share: list[float] = []
    graded: list[float] = []  # mean of (1 - support score): for comparison, not the headline
    imprecise: list[bool] = []
    row_no: list[int] = []
    omissions: list[float] = []
    human_omission: list[float] = []
    rows = list(zip(summaries, scores, strict=True))[:limit]
    for k, (summ, human) in enumerate(rows):
        text = summ["Automatic Summary"].strip()
        try:
            transcript = parse_turns(summ["Dialogue"], source="mts")
        except Exception:  # noqa: BLE001 - a dialogue our importer cannot read is skipped
            continue
        if not text:
            continue
        report = verifier.verify(transcript, note_from_text(text))
        n = max(1, len(report.statements))
        bad = sum(1 for s in report.statements if s.verdict != "supported")
        share.append(bad / n)
        graded.append(sum(1 - s.score for s in report.statements) / n)
        row_no.append(k)
        imprecise.append(float(human["FactualPrecision"]) < 1.0)
        omissions.append(float(sum(1 for f in report.flags if f.kind == "omission")))
        human_omission.append(float(human["OmissionRate"]))
    return {
        "n": float(len(share)),
        "imprecise": float(sum(imprecise)),
        "auroc": auroc(share, imprecise),
        "auroc_graded": auroc(graded, imprecise),
        "auroc_even": auroc(*_rows(share, imprecise, row_no, 0)),
        "auroc_odd": auroc(*_rows(share, imprecise, row_no, 1)),
        "spearman_omission": spearman(omissions, human_omission),
    }


RISK_DISCLOSURES = [
    "Honestly, some nights I think about killing myself.",
    "I've been cutting my arms again when it gets bad.",
    "Sometimes I feel like everyone would be better off if I was dead.",
    "Last week I took a bunch of pills, more than I should have, I just wanted it to stop.",
    "When he gets drunk he hits me, and I'm scared to go home.",
    "I swear if he talks to me like that again I'm going to hurt him.",
    "My uncle abused me when I was a kid and nobody did anything.",
    "I've been thinking I don't want to wake up anymore.",
    "I keep a knife in my car and I've thought about using it on him.",
    "I burned myself with a lighter the other day.",
    "I've thought about ending my life, I even looked up how.",
    "My partner choked me last month.",
]
ANNOMI_PREFIX = ["Um, ", "You know, ", "", "I mean, ", "Well, "]


def annomi_note(turns: list[tuple[str, str, float]], topic: str) -> Note:
    """A plain note of the kind a clinician writes: the topic and a few client statements."""
    sentences = [f"Session focused on {topic.split(';')[0].strip()}."]
    client = [t for r, t, _ in turns if r == "client" and len(t.split()) >= 8]
    for t in client[:: max(1, len(client) // 6)][:6]:
        first = re.split(r"(?<=[.!?])\s+", t.strip())[0]
        sentences.append("Client reported: " + first)
    sentences.append("Plan: continue to explore ambivalence next session.")
    return note_from_text("\n".join(sentences))


def run_annomi(verifier: Verifier, limit: int | None = None, seed: int = 11) -> dict[str, float]:
    rng = random.Random(seed)
    sessions = list(annomi_sessions().items())[:limit]
    found: list[bool] = []
    coverage: list[float] = []
    for _tid, (topic, turns) in sessions:
        if len(turns) < 6:
            continue
        note = annomi_note(turns, topic)
        base_t = transcript_from_turns(turns)
        report = verifier.verify(base_t, note)
        client_ids = {s.id for s in base_t.segments if s.speaker == "S2"}
        omitted = {i for f in report.flags if f.kind == "omission" for i in f.segment_ids}
        coverage.append(len(omitted & client_ids) / max(1, len(client_ids)))
        # plant a disclosure at a random client turn position
        pos = rng.randrange(1, len(turns))
        at = turns[pos - 1][2]
        disclosure = rng.choice(ANNOMI_PREFIX) + rng.choice(RISK_DISCLOSURES)
        planted = turns[:pos] + [("client", disclosure, at)] + turns[pos:]
        t2 = transcript_from_turns(planted)
        target = segment_id(pos + 1)
        report2 = verifier.verify(t2, note)
        found.append(
            any(
                f.kind == "omission" and target in f.segment_ids and "risk" in f.message
                for f in report2.flags
            )
        )
    return {
        "n": float(len(found)),
        "recall": sum(found) / max(1, len(found)),
        "client_turn_coverage_mean": statistics.mean(coverage) if coverage else float("nan"),
        "client_turn_coverage_max": max(coverage) if coverage else float("nan"),
        "sessions_over_30pct": float(sum(c > 0.30 for c in coverage)),
    }


def fifty_minute_session() -> tuple[Transcript, Note]:
    """About 7,500 words of counselling turns, re-timed to 50 minutes, and a 40-sentence note."""
    turns: list[tuple[str, str, float]] = []
    words = 0
    for _tid, (_topic, ts) in annomi_sessions().items():
        for role, text, _ in ts:
            turns.append((role, text, 0.0))
            words += len(text.split())
        if words >= 7500:
            break
    step = 3000.0 / len(turns)
    turns = [(r, t, i * step) for i, (r, t, _) in enumerate(turns)]
    client = [t for r, t, _ in turns if r == "client" and len(t.split()) >= 8]
    note_lines = [
        re.split(r"(?<=[.!?])\s+", t)[0] for t in client[:: max(1, len(client) // 40)][:40]
    ]
    return transcript_from_turns(turns), note_from_text("\n".join(f"- {x}" for x in note_lines))


def run_speed(verifier: Verifier) -> dict[str, float]:
    transcript, note = fifty_minute_session()
    t0 = time.perf_counter()
    verifier.verify(transcript, note)
    first = time.perf_counter() - t0
    return {
        "segments": float(len(transcript.segments)),
        "statements": float(len(note.statements())),
        "seconds": first,
    }


# ---------------------------------------------------------------- main


def _fmt(v: float) -> str:
    return f"{v:.3f}" if isinstance(v, float) and v == v else str(v)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small slices (a minute)")
    ap.add_argument("--lexical-only", action="store_true", help="no embedding model")
    ap.add_argument("--full", action="store_true", help="all four ACI-Bench splits (slow)")
    ap.add_argument(
        "--aci-split",
        action="append",
        default=[],
        choices=ACI_SPLITS,
        help="also report planted-error recall and untouched statements flagged for this "
        "ACI-Bench split alone (repeatable)",
    )
    args = ap.parse_args(argv)
    if not EVAL.is_dir():
        print(f"evaluation data not present at {EVAL}; nothing to do")
        return 0
    t_load = time.perf_counter()
    verifier = Verifier(None) if args.lexical_only else default_verifier()
    load_s = time.perf_counter() - t_load
    emb = "MiniLM" if verifier.embedder is not None else "lexical only"
    print(f"# verification evaluation ({emb}; model load {load_s:.1f} s)\n")
    q = args.quick
    rows: list[tuple[str, str, str, str]] = []

    mts = run_mts(verifier, limit=100 if q else None)
    rows.append(("MTS-Dialog: AUROC unsupported share vs imprecise", _fmt(mts["auroc"]), ">= 0.70",
                 f"{int(mts['n'])} summaries, {int(mts['imprecise'])} imprecise; even/odd rows "
                 f"{_fmt(mts['auroc_even'])}/{_fmt(mts['auroc_odd'])}; graded share "
                 f"(mean 1 - score) {_fmt(mts['auroc_graded'])}"))  # fmt: skip
    rows.append(("MTS-Dialog: Spearman omission flags vs human", _fmt(mts["spearman_omission"]),
                 ">= 0.20", ""))  # fmt: skip

    aci: list[tuple[str, str, str]] = []
    for split in ACI_SPLITS:
        aci.extend(aci_visits(split))
        if q or (not args.full and len(aci) >= 60):
            break
    pr = run_planted(verifier, aci[:12] if q else aci, baseline=True)
    pm = run_planted(verifier, primock_visits()[: 10 if q else None], baseline=False, seed=8)
    kinds: dict[str, list[bool]] = {}
    for res in (pr, pm):
        for key, hits in res.hits.items():
            kinds.setdefault(key, []).extend(hits)
    total = [h for hits in kinds.values() for h in hits]
    rows.append(("Planted errors: recall overall", _fmt(sum(total) / len(total)), ">= 0.90",
                 f"{len(total)} planted (ACI {sum(len(h) for h in pr.hits.values())}, "
                 f"PriMock {sum(len(h) for h in pm.hits.values())})"))  # fmt: skip
    by_kind: dict[str, list[bool]] = {}
    for key, hits in kinds.items():
        by_kind.setdefault(key.split(":")[0], []).extend(hits)
    for kind in KINDS:
        hits = by_kind.get(kind, [])
        detail = ", ".join(
            f"{k.split(':')[1]}-lexicon {sum(v) / len(v):.2f} (n={len(v)})"
            for k, v in sorted(kinds.items())
            if k.startswith(kind + ":")
        )
        rows.append((f"  recall: {kind}", _fmt(sum(hits) / max(1, len(hits))), ">= 0.80",
                     detail or f"n={len(hits)}"))  # fmt: skip
    fp = sum(pr.untouched) / max(1, len(pr.untouched))
    rows.append(("ACI-Bench untouched statements flagged", _fmt(fp), "<= 0.30",
                 f"{len(pr.untouched)} statements; " + ", ".join(
                     f"{k} {v}" for k, v in sorted(pr.untouched_kinds.items()))))  # fmt: skip

    for split in args.aci_split:
        one = run_planted(verifier, aci_visits(split), baseline=True)
        hits = [h for v in one.hits.values() for h in v]
        worst = min(sum(v) / len(v) for v in one.hits.values())
        rows.append((f"ACI {split}: planted recall; untouched flagged",
                     f"{sum(hits) / len(hits):.3f}", ">= 0.90",
                     f"{len(hits)} planted, worst kind {worst:.2f}; untouched "
                     f"{sum(one.untouched) / max(1, len(one.untouched)):.3f} of "
                     f"{len(one.untouched)} (<= 0.30)"))  # fmt: skip

    an = run_annomi(verifier, limit=30 if q else None)
    rows.append(("AnnoMI: planted risk disclosure -> omission", _fmt(an["recall"]), ">= 0.95",
                 f"{int(an['n'])} sessions"))  # fmt: skip
    rows.append(("AnnoMI: client turns under omission flags", _fmt(an["client_turn_coverage_mean"]),
                 "<= 0.30", f"max {_fmt(an['client_turn_coverage_max'])}, "
                 f"{int(an['sessions_over_30pct'])} sessions over 30 %"))  # fmt: skip

    sp = run_speed(verifier)
    detail = f"{int(sp['segments'])} segments, {int(sp['statements'])} statements"
    rows.append(("Speed: 50-minute session note (s)", f"{sp['seconds']:.2f}", "< 10", detail))

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>7}  {'target':>8}  detail")
    for name, value, target, detail in rows:
        print(f"{name:<{width}}  {value:>7}  {target:>8}  {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
