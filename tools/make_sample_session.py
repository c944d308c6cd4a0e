"""Synthesize the sample session shipped with Clearnote (run once; the output is committed).

Two espeak-ng voices read a short, invented therapy dialogue written for this project; the
turn times are recorded exactly, so tests can score transcription and diarization on it.
Needs Debian's espeak-ng and sox:  python tools/make_sample_session.py
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import wave
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "clearnote" / "samples"
VOICES = {"THERAPIST": "en-us+m3", "CLIENT": "en-us+f2"}
PAUSE = 0.6
TURNS = [
    ("THERAPIST", "Good afternoon, Jordan. How has the week been since we last met?"),
    (
        "CLIENT",
        "Pretty rough. I have been sleeping about four hours a night, and work has been piling up.",
    ),
    ("THERAPIST", "I am sorry to hear that. What has been on your mind when you cannot sleep?"),
    (
        "CLIENT",
        "Mostly the deadline. And some nights I wonder if everyone would be better off without me.",
    ),
    (
        "THERAPIST",
        "Thank you for telling me that. Have you had any thoughts of ending your "
        "life, or a plan to hurt yourself?",
    ),
    ("CLIENT", "No, I would not do anything. It is more that I feel like a burden."),
    (
        "THERAPIST",
        "Let's keep talking about that feeling. On a scale from one to ten, how would "
        "you rate your mood today?",
    ),
    ("CLIENT", "Maybe a four. Calling my brother on Sunday helped a little."),
    (
        "THERAPIST",
        "For this week, could you write down the thoughts that come up at night, "
        "and try the breathing exercise before bed?",
    ),
    ("CLIENT", "Yes, I can do that."),
    ("THERAPIST", "Good. We will meet again next Tuesday at four."),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    rate = 16000
    turns = []
    clock = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        parts: list[str] = []
        silence = Path(tmp) / "pause.wav"
        subprocess.run(
            [
                "sox",
                "-n",
                "-r",
                str(rate),
                "-c",
                "1",
                "-b",
                "16",
                str(silence),
                "trim",
                "0",
                str(PAUSE),
            ],
            check=True,
        )
        for i, (speaker, text) in enumerate(TURNS):
            raw = Path(tmp) / f"t{i}.wav"
            wav = Path(tmp) / f"t{i}_16k.wav"
            subprocess.run(
                ["espeak-ng", "-v", VOICES[speaker], "-s", "160", "-w", str(raw), text], check=True
            )
            subprocess.run(
                ["sox", str(raw), "-r", str(rate), "-c", "1", "-b", "16", str(wav)], check=True
            )
            with wave.open(str(wav)) as w:
                length = w.getnframes() / w.getframerate()
            turns.append(
                {
                    "turn": i,
                    "speaker": speaker,
                    "voice": VOICES[speaker],
                    "start": round(clock, 3),
                    "end": round(clock + length, 3),
                    "text": text,
                }
            )
            clock += length + PAUSE
            parts += [str(wav), str(silence)]
        full = Path(tmp) / "session.wav"
        subprocess.run(["sox", *parts[:-1], str(full)], check=True)
        subprocess.run(["sox", str(full), "-C", "5", str(OUT / "session.ogg")], check=True)
    (OUT / "session.turns.json").write_text(json.dumps(turns, indent=1) + "\n")
    (OUT / "session.txt").write_text(" ".join(t for _, t in TURNS) + "\n")


if __name__ == "__main__":
    main()
