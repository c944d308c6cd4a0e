"""Recording in the browser: Chromium's fake microphone plays the sample session (as WAV), the
clinician records ~10 s with the Record button, stops, and the job runs to the review page
(tiny.en). Chunks go up every 2 s here (5 s in the app) so several arrive before the stop."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyotp
import pytest

from clearnote.audio.decode import SAMPLE_RATE, load_audio
from clearnote.commands.demo import sample_session
from tests.e2e.conftest import CHROMIUM, EMAIL, FLAGS, PASSWORD, Server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CLIENT = "Robin Example"


def sample_wav(path: Path) -> Path:
    """The sample session as 16-bit mono WAV (Chromium's fake capture reads WAV only)."""
    audio = load_audio(sample_session(), max_seconds=600, name="sample")
    pcm = (np.clip(audio.samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return path


@pytest.fixture
def mic_browser(tmp_path: Path) -> Iterator[Any]:
    """Chromium with a fake microphone (no permission prompt) fed by the sample session."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("chromium not installed at /usr/bin/chromium")
    wav = sample_wav(tmp_path / "mic.wav")
    args = [
        *FLAGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}",
    ]
    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(CHROMIUM), args=args
        )
        try:
            yield context
        finally:
            context.close()


def _sign_in_and_add_a_consenting_client(page: Any, server: Server) -> None:
    """Sign in, add a client and capture their consent to recording and drafting on screen."""
    page.goto(server.url + "/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.fill("#totp", pyotp.TOTP(server.secret).now())
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/clients")
    page.fill("#name", CLIENT)
    page.fill("#jurisdiction", "US-CA")
    page.click("button:has-text('Add client')")
    page.click("#capture-consent")
    for purpose in ("record", "transcribe", "draft_note", "risk_screening"):
        page.check(f"#purpose-{purpose}")
    page.check("#read_confirmed")
    page.fill("#signed_by", CLIENT)
    page.click("button:has-text('Sign consent')")
    page.wait_for_url("**/clients/*")


def test_record_in_the_browser(server: Server, mic_browser: Any, tmp_path: Path) -> None:
    page = mic_browser.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on(
        "console", lambda m: errors.append(m.text + str(m.location)) if m.type == "error" else None
    )
    chunk_puts: list[int] = []
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on(
        "response",
        lambda r: (
            chunk_puts.append(r.status)
            if r.request.method == "PUT" and "/chunks/" in r.url
            else None
        ),
    )

    _sign_in_and_add_a_consenting_client(page, server)

    page.eval_on_selector("#recorder", "el => { el.dataset.chunkMs = '2000'; }")
    page.click("#record-start")
    page.locator("#record-status", has_text="saved").wait_for()
    assert page.is_enabled("#record-stop")
    page.wait_for_timeout(10_000)
    assert page.locator("#record-status").text_content().startswith("Recording 0:")
    page.click("#record-stop")
    page.wait_for_url("**/jobs/*")
    page.wait_for_url("**/sessions/*", timeout=240_000)
    page.screenshot(path=str(tmp_path / "recorded-review.png"), full_page=True)

    assert len(chunk_puts) >= 5 and set(chunk_puts) == {200}  # sent as recorded, every 2 s
    segments = page.locator("li.seg")
    assert segments.count() >= 1
    said = " ".join(segments.all_text_contents()).lower()
    assert len(said.split()) >= 5  # speech from the fake microphone was transcribed
    assert page.locator("#player").count() >= 1
    assert not failed, failed
    assert not [e for e in errors if "favicon.ico" not in e], errors


def test_the_recording_page_shows_how_far_it_is_transcribed(
    server: Server, mic_browser: Any
) -> None:
    """Recording past the first part (30 s), the status line says how far the server has
    transcribed while recording."""
    page = mic_browser.new_page()
    page.set_default_timeout(20_000)
    _sign_in_and_add_a_consenting_client(page, server)

    page.click("#record-start")
    page.locator("#record-status", has_text="transcribed up to 0:").wait_for(timeout=120_000)
    text = page.locator("#record-status").text_content() or ""
    assert text.startswith("Recording ") and "parts saved" in text
    page.click("#record-stop")
    page.wait_for_url("**/sessions/*", timeout=240_000)
    assert page.locator("li.seg").count() >= 1
