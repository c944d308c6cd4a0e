"""The clinician's whole journey in a real browser: sign in with TOTP, add a client, capture
consent on screen, upload the sample session (tiny.en), review, resolve every flag (one by
keyboard only), complete the clinician fields and header, sign (password and a fresh TOTP
code), export; axe-core checks on the review page when axe-core is installed. Screenshots are
kept in the test's tmp folder."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pyotp
import pytest

from clearnote.commands.demo import sample_session
from tests.e2e.conftest import AXE, EMAIL, PASSWORD, Server

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CLIENT = "Jordan Example"
PORTAL_PASSWORD = "lanterns over the harbour at dusk"


def shot(page: Any, folder: Path, name: str) -> None:
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    # evaluated through the DevTools protocol: the page's CSP (no inline scripts) still holds
    page.evaluate(AXE.read_text() + "\n;undefined")
    result = page.evaluate("async () => (await axe.run(document)).violations")
    serious = [v for v in result if v.get("impact") in ("serious", "critical")]
    return serious


def test_clinician_journey(server: Server, browser: Any, tmp_path: Path) -> None:
    shots = tmp_path / "screenshots"
    context = browser
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(server.url + "/login")
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.fill("#totp", pyotp.TOTP(server.secret).now())
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/clients")
    cookies = {c["name"]: c for c in context.cookies()}
    assert cookies["cn_session"]["httpOnly"] and cookies["cn_session"]["sameSite"] == "Strict"

    page.fill("#name", CLIENT)
    page.fill("#jurisdiction", "US-CA")
    page.click("button:has-text('Add client')")
    page.click("#capture-consent")
    for purpose in ("record", "transcribe", "draft_note", "risk_screening"):
        page.check(f"#purpose-{purpose}")
    page.check("#read_confirmed")
    page.fill("#signed_by", CLIENT)
    shot(page, shots, "consent")
    page.click("button:has-text('Sign consent')")
    assert page.locator("text=granted").count() >= 4

    page.set_input_files("#recording", str(sample_session()))
    page.click("button:has-text('Upload and process')")
    page.wait_for_url("**/sessions/*", timeout=240_000)
    shot(page, shots, "review")
    assert page.locator("mark.lowconf").count() + page.locator(".seg").count() > 0
    assert page.is_disabled("#sign-button")

    if AXE.exists():
        assert axe_violations(page) == []

    # keyboard only: Tab to the first Accept button and press Enter
    first = page.locator(".flag:not(.resolved) button:has-text('Accept')").first
    if first.count():
        target = first.get_attribute("aria-label")
        page.keyboard.press("Tab")
        for _ in range(400):
            focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
            if focused == target:
                break
            page.keyboard.press("Tab")
        assert focused == target, "the Accept button is not reachable by Tab"
        page.keyboard.press("Enter")
        page.wait_for_load_state()

    # evidence buttons jump to their segment
    jump = page.locator("button.jump").first
    if jump.count():
        jump.click()
        assert page.locator(".seg.current").count() == 1

    n = 0
    while page.locator(".flag:not(.resolved)").count():
        flag = page.locator(".flag:not(.resolved)").first
        if n % 2:
            flag.locator("summary").click()
            flag.locator("input[name=reason]").fill("reviewed with the client; not applicable")
            flag.locator("button:has-text('Dismiss')").click()
        else:
            flag.locator("button:has-text('Accept')").click()
        page.wait_for_load_state()
        n += 1
    for i in range(page.locator("form.field").count()):
        form = page.locator("form.field").nth(i)
        form.locator("input[name=blank_reason]").fill("not assessed in this session")
        form.locator("button:has-text('Save field')").click()
        page.wait_for_load_state()
    page.check("#confirmed")
    page.click("button:has-text('Save header')")
    page.wait_for_load_state()
    assert page.is_enabled("#sign-button")
    page.fill("#sign-password", PASSWORD)
    # signing asks for the authenticator code again; the sign-in code is used up, so the
    # next one (within the accepted one-step drift)
    page.fill("#sign-totp", pyotp.TOTP(server.secret).at(time.time() + 30))
    page.click("#sign-button")
    page.wait_for_selector("text=Signed note (locked)")
    shot(page, shots, "signed")
    assert page.locator("#edit-share").count() == 1

    with page.expect_download() as dl:
        page.click("#export-markdown")
    text = Path(dl.value.path()).read_text()
    assert "Progress note" in text and "CPT code" in text
    with page.expect_download() as dl:
        page.click("#export-fhir")
    assert json.loads(Path(dl.value.path()).read_text())["resourceType"] == "DocumentReference"
    with page.expect_download() as dl:
        page.click("#export-pdf")
    assert Path(dl.value.path()).read_bytes().startswith(b"%PDF")

    # the client portal: the clinician invites, the client sets a password and checks the record
    page.goto(server.url + "/clients")
    page.click(f"a:has-text('{CLIENT}')")
    page.fill("#invite-email", "jordan@example.net")
    page.click("button:has-text('Invite to the portal')")
    link = page.locator("#invite-link").inner_text()
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/login")
    page.goto(link)
    page.fill("#password", PORTAL_PASSWORD)
    page.fill("#password2", PORTAL_PASSWORD)
    page.click("button:has-text('Set password')")
    page.wait_for_url("**/login?reason=activated")
    page.fill("#email", "jordan@example.net")
    page.fill("#password", PORTAL_PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/portal")
    assert page.locator("#ai-runs tbody tr").count() >= 1
    assert page.locator("#accesses").inner_text().count("owner@example.org") >= 1
    shot(page, shots, "portal")
    if AXE.exists():
        assert axe_violations(page) == []
    page.click("a:has-text('how AI is used')")
    assert page.locator("h2").count() >= 5
    page.goto(server.url + "/portal")
    page.click("#revoke-risk_screening")
    page.wait_for_selector("text=Consent withdrawn")
    if page.locator("#delete-request").count():
        page.click("button:has-text('Request deletion')")
    else:
        page.goto(server.url + "/portal")
        page.click("button:has-text('Send request')")
    page.wait_for_selector("#request-sent")
    assert page.locator("#my-requests li").count() == 1
    assert not [e for e in errors if "Content Security Policy" in e]
