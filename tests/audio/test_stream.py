"""Decoding a recording while its bytes arrive gives the samples decoding it whole gives."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from clearnote.audio import SAMPLE_RATE, load_audio
from clearnote.audio.stream import ByteStream, StreamDecoder
from tests.web.livefeed import sample_samples, split, webm_opus


@pytest.fixture(scope="module")
def webm() -> bytes:
    return webm_opus(sample_samples()[: 20 * SAMPLE_RATE])


def test_bytestream_reads_wait_for_data_until_closed() -> None:
    s = ByteStream()
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.extend([s.read(4), s.read(), s.read()]))
    reader.start()
    time.sleep(0.05)
    assert got == [] and reader.is_alive()  # nothing yet: the reader waits
    s.append(b"abcdef")
    time.sleep(0.05)
    s.close()
    reader.join(2)
    assert got == [b"abcd", b"ef", b""]
    assert s.getvalue() == b"abcdef" and len(s) == 6
    with pytest.raises(ValueError, match="after close"):
        s.append(b"x")
    s.wipe()
    assert len(s) == 0 and s.getvalue() == b""


def test_webm_chunks_decode_as_they_come_to_the_same_samples(webm: bytes) -> None:
    reference = load_audio(webm, max_seconds=60).samples
    source = ByteStream()
    seen: list[float] = []
    decoder = StreamDecoder(source, max_seconds=60, on_progress=seen.append)
    chunks = split(webm, 20.0, 5.0)
    for part in chunks[:2]:
        source.append(part)
    for _ in range(500):  # ~10 s of the 20 arrived: it is decoded before the rest comes
        if decoder.seconds > 8:
            break
        time.sleep(0.02)
    assert 8 < decoder.seconds < 11, decoder.seconds
    middle = decoder.read(2 * SAMPLE_RATE, 5 * SAMPLE_RATE)
    np.testing.assert_array_equal(middle, reference[2 * SAMPLE_RATE : 5 * SAMPLE_RATE])
    for part in chunks[2:]:
        source.append(part)
    source.close()
    audio = decoder.finish(timeout=10)
    assert audio is not None and decoder.error is None
    np.testing.assert_array_equal(audio.samples, reference)
    assert audio.codec == "opus" and "webm" in audio.container
    assert seen == sorted(seen) and seen[-1] == pytest.approx(audio.duration)


def test_reads_across_blocks_while_decoding() -> None:
    source = ByteStream()
    decoder = StreamDecoder(source, max_seconds=600)
    data = webm_opus(sample_samples(repeat=2)[: 70 * SAMPLE_RATE])
    reference = load_audio(data, max_seconds=600).samples
    source.append(data)
    for _ in range(1000):
        if decoder.seconds > 65:
            break
        time.sleep(0.02)
    piece = decoder.read(59 * SAMPLE_RATE, 61 * SAMPLE_RATE)  # across two 60-s blocks
    np.testing.assert_array_equal(piece, reference[59 * SAMPLE_RATE : 61 * SAMPLE_RATE])
    assert decoder.read(80 * SAMPLE_RATE, 90 * SAMPLE_RATE).shape[0] == 0  # not decoded
    source.close()
    audio = decoder.finish(timeout=20)
    assert audio is not None
    np.testing.assert_array_equal(audio.samples, reference)


@pytest.mark.parametrize(
    ("data", "limit", "error"),
    [
        (b"not audio at all " * 100, 60.0, "cannot be decoded"),
        (None, 5.0, "over the length limit"),
    ],
)
def test_failures_are_kept_and_give_no_audio(
    webm: bytes, data: bytes | None, limit: float, error: str
) -> None:
    source = ByteStream()
    decoder = StreamDecoder(source, max_seconds=limit)
    source.append(data if data is not None else webm)
    source.close()
    assert decoder.finish(timeout=10) is None
    assert decoder.error is not None and error in decoder.error


def test_wiping_the_source_ends_a_waiting_decoder(webm: bytes) -> None:
    source = ByteStream()
    decoder = StreamDecoder(source, max_seconds=60)
    source.append(webm[:5000])
    time.sleep(0.1)
    began = time.monotonic()
    source.wipe()
    decoder.finish(timeout=5)
    assert time.monotonic() - began < 4  # the thread saw the end of the stream and ended
    assert decoder.seconds < 1.0


def test_discard_overwrites_the_audio_and_stops_decoding(webm: bytes) -> None:
    source = ByteStream()
    decoder = StreamDecoder(source, max_seconds=60)
    source.append(webm[: len(webm) // 2])
    for _ in range(500):
        if decoder.seconds > 5:
            break
        time.sleep(0.02)
    blocks = list(decoder._blocks)
    heard = int(decoder.seconds * SAMPLE_RATE)  # a block's tail past that is not yet written
    assert blocks and np.abs(blocks[0][: min(heard, blocks[0].shape[0])]).max() > 0
    decoder.discard()
    assert all(not b.any() for b in blocks)  # overwritten, not only dropped
    assert decoder.read(0, 5 * SAMPLE_RATE).shape[0] == 0
    source.append(webm[len(webm) // 2 :])
    source.close()
    assert decoder.finish(timeout=10) is None
