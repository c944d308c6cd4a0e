"""Speaker accuracy on real and synthetic recordings from ../shared/eval (slow)."""

from __future__ import annotations

import numpy as np
import pytest

from clearnote.diarize import Diarizer
from clearnote.diarize.roles import Turn, assign_roles
from tests.conftest import eval_file
from tests.diarize.evalaudio import Case, frames_over, load, score, speech_regions

pytestmark = pytest.mark.slow

TARGETS = [
    ("speech-synth/dialogue_espeak_16k.wav", "speech-synth/dialogue_espeak_16k.turns.json", 0.95),
    (
        "speech-synth/dialogue_samegender_16k.wav",
        "speech-synth/dialogue_samegender_16k.turns.json",
        0.90,
    ),
    ("speech-synth/realvoices_mix_16k.wav", "speech-synth/realvoices_mix_16k.turns.json", 0.85),
    (
        "speech-fixtures/pyannote-sample/sample.wav",
        "speech-fixtures/pyannote-sample/sample.rttm",
        0.75,
    ),
]


@pytest.fixture(scope="module")
def diarizer() -> Diarizer:
    """The real numpy voice encoder, loaded once for this module."""
    return Diarizer()


@pytest.mark.parametrize(
    ("audio", "ref", "target"), TARGETS, ids=[t[0].split("/")[-1] for t in TARGETS]
)
def test_speaker_accuracy_with_estimated_count(
    diarizer: Diarizer, audio: str, ref: str, target: float
) -> None:
    case = Case(audio, eval_file(audio), eval_file(ref), 2)
    result, found, _ = score(diarizer, case, None)
    assert found == 2
    assert result.accuracy >= target


def test_single_reader_is_one_speaker(diarizer: Diarizer) -> None:
    audio = load(eval_file("speech-synth/librivox_austen_concat_16k.wav"))
    regions = speech_regions(audio)
    assert diarizer.diarize(audio, regions, frames_over(regions)).num_speakers == 1


def test_therapist_comes_out_as_clinician(diarizer: Diarizer) -> None:
    import json

    path = eval_file("speech-synth/dialogue_espeak_16k.wav")
    ref = json.loads(eval_file("speech-synth/dialogue_espeak_16k.turns.json").read_text())
    audio = load(path)
    regions = speech_regions(audio)
    words = frames_over(regions)
    result = diarizer.diarize(audio, regions, words)
    mids = np.array([(s + e) / 2 for s, e in words])
    labels = np.array(result.word_speakers)
    turns = []
    for t in ref:  # give each reference turn's text to the speaker diarization heard there
        inside = labels[(mids >= t["start"]) & (mids < t["end"])]
        turns.append(Turn(int(np.bincount(inside).argmax()), t["start"], t["end"], t["text"]))
    roles = assign_roles(turns, result.num_speakers, centroids=result.centroids)
    therapist = {
        turn.speaker for turn, t in zip(turns, ref, strict=True) if t["speaker"] == "THERAPIST"
    }
    assert len(therapist) == 1
    assert roles[therapist.pop()] == "clinician"


def test_enrolled_voice_picks_the_clinician(diarizer: Diarizer) -> None:
    import json

    path = eval_file("speech-synth/dialogue_samegender_16k.wav")
    ref = json.loads(eval_file("speech-synth/dialogue_samegender_16k.turns.json").read_text())
    audio = load(path)
    regions = speech_regions(audio)
    words = frames_over(regions)
    result = diarizer.diarize(audio, regions, words)
    # Enrol the therapist from their last turn; turn texts are blank: only the voice decides.
    last = [t for t in ref if t["speaker"] == "THERAPIST"][-1]
    voice = diarizer.embed_utterance(audio[int(last["start"] * 16000) : int(last["end"] * 16000)])
    mids = np.array([(s + e) / 2 for s, e in words])
    labels = np.array(result.word_speakers)
    first = ref[0]
    therapist_label = int(
        np.bincount(labels[(mids >= first["start"]) & (mids < first["end"])]).argmax()
    )
    turns = [Turn(1 - therapist_label, 0.0, 1.0, ""), Turn(therapist_label, 2.0, 3.0, "")]
    roles = assign_roles(turns, 2, centroids=result.centroids, clinician_voice=voice)
    assert roles[therapist_label] == "clinician"
