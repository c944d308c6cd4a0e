from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

import av
import numpy as np
import pytest

from clearnote.audio import SAMPLE_RATE, load_audio
from clearnote.errors import AudioError
from tests.conftest import eval_file


def _tone_wav(path: Path, seconds: float, rate: int = 44100, channels: int = 2) -> Path:
    n = int(seconds * rate)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        frames = b"".join(
            struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate))) * channels
            for i in range(n)
        )
        w.writeframes(frames)
    return path


def test_wav_is_resampled_to_16k_mono_float32(tmp_path: Path) -> None:
    audio = load_audio(_tone_wav(tmp_path / "t.wav", 1.5), max_seconds=60)
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    assert abs(audio.duration - 1.5) < 0.02
    assert audio.source_rate == 44100 and audio.source_channels == 2
    assert 0.2 < float(np.abs(audio.samples).max()) < 0.4  # downmix at -3 dB


def test_bytes_input_decodes_like_a_file(tmp_path: Path) -> None:
    data = _tone_wav(tmp_path / "t.wav", 0.5).read_bytes()
    assert abs(load_audio(data, max_seconds=60, name="upload").duration - 0.5) < 0.02


@pytest.mark.parametrize(
    "name",
    ["dialogue.m4a", "dialogue.mp3", "dialogue.ogg", "dialogue.webm", "dialogue_8k_mulaw.wav"],
)
def test_every_shipped_format_decodes_to_the_same_length(name: str) -> None:
    audio = load_audio(eval_file(f"speech-synth/formats/{name}"), max_seconds=3600)
    assert abs(audio.duration - 86.6) < 0.3


def test_flac_decodes() -> None:
    audio = load_audio(eval_file("speech-fixtures/faster-whisper/jfk.flac"), max_seconds=60)
    assert abs(audio.duration - 11.0) < 0.1


def test_missing_empty_directory_and_text_files_are_bad_input(tmp_path: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.touch()
    text = tmp_path / "notes.wav"
    text.write_text("Client said something private\n" * 20)
    cases = {
        tmp_path / "missing.wav": "file not found",
        empty: "file is empty",
        tmp_path: "is a directory",
        text: "not a readable audio file",
    }
    for path, problem in cases.items():
        with pytest.raises(AudioError) as err:
            load_audio(path, max_seconds=60)
        assert problem in err.value.message and str(path) in err.value.message
        assert "private" not in err.value.message


def test_corrupt_file_is_bad_input() -> None:
    with pytest.raises(AudioError, match="not a readable audio file"):
        load_audio(eval_file("speech-synth/formats/corrupt.mp3"), max_seconds=60)


def test_truncated_file_keeps_what_decodes_or_fails_cleanly(tmp_path: Path) -> None:
    whole = _tone_wav(tmp_path / "whole.wav", 2.0)
    cut = tmp_path / "cut.wav"
    cut.write_bytes(whole.read_bytes()[:-50_000])
    audio = load_audio(cut, max_seconds=60)
    assert 0.5 < audio.duration < 2.0


def test_too_long_recordings_are_refused(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="over the limit"):
        load_audio(_tone_wav(tmp_path / "t.wav", 3.0, rate=8000, channels=1), max_seconds=2)


def test_unsupported_container_is_named(tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    with av.open(str(path), "w", format="avi") as out:
        stream = out.add_stream("pcm_s16le", rate=SAMPLE_RATE, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 1600), dtype=np.int16), format="s16", layout="mono"
        )
        frame.sample_rate = SAMPLE_RATE
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    with pytest.raises(AudioError, match="unsupported container 'avi'"):
        load_audio(path, max_seconds=60)


def test_video_without_audio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "silent.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=5)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for _ in range(3):
            frame = av.VideoFrame.from_ndarray(
                np.zeros((32, 32, 3), dtype=np.uint8), format="rgb24"
            )
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    with pytest.raises(AudioError, match="no audio stream"):
        load_audio(path, max_seconds=60)
