"""The record-system CLI contract: JSON output and exit codes 0/2/3/1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from clearnote.cli import main
from clearnote.config import Settings
from clearnote.records.practice import database_url
from clearnote.store.engine import make_engine
from tests.records.conftest import PASSWORD
from tests.store.backends import SUITE_DATABASE

NAME = "Ottoline Pemberton-Vasquez"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CLEARNOTE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLEARNOTE_KEY_FILE", str(tmp_path / "keys" / "kek"))
    monkeypatch.setenv("CLEARNOTE_OWNER_PASSWORD", PASSWORD)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_flow_and_exit_codes(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init", "--owner-email", "dr@example.org", "--json")
    assert code == 0 and json.loads(out)["database"] == SUITE_DATABASE
    assert run(capsys, "init", "--owner-email", "dr@example.org")[0] == 2  # exists
    code, out, _ = run(capsys, "client", "add", "--name", NAME, "--jurisdiction", "US-IL", "--json")
    cid = json.loads(out)["id"]
    code, _, err = run(
        capsys, "consent", "grant", cid, "--purpose", "draft_note", "--signed-by", NAME, "--json"
    )
    assert code == 3 and "transcribe" in err and NAME not in err
    code, out, _ = run(
        capsys,
        "consent",
        "grant",
        cid,
        "--purpose",
        "transcribe",
        "--purpose",
        "record",
        "--signed-by",
        NAME,
        "--json",
    )
    assert code == 0 and [g["purpose"] for g in json.loads(out)["granted"]] == [
        "record",
        "transcribe",
    ]
    code, out, _ = run(capsys, "consent", "revoke", cid, "--purpose", "transcribe", "--json")
    assert code == 0 and "transcribe" in json.loads(out)["stops"]
    code, out, _ = run(capsys, "consent", "show", cid, "--json")
    states = {p["purpose"]: p["status"] for p in json.loads(out)["purposes"]}
    assert states["record"] == "granted" and states["transcribe"] == "revoked"
    assert run(capsys, "consent", "grant", cid, "--purpose", "bogus", "--signed-by", "x")[0] == 2
    assert run(capsys, "consent", "show", "no-such-client")[0] == 2
    code, out, _ = run(capsys, "session", "list", "--json")
    assert code == 0 and json.loads(out) == {"sessions": []}
    assert run(capsys, "session", "delete", "nope", "--json")[0] == 2
    code, out, _ = run(capsys, "client", "report", cid, "--json")
    assert code == 0 and json.loads(out)["schema"] == "clearnote.client_report/1"
    code, out, _ = run(capsys, "audit", "list", "--json")
    actions = [e["action"] for e in json.loads(out)["entries"]]
    assert "consent.refused" not in actions and actions.count("consent.grant") == 3
    code, out, _ = run(capsys, "audit", "verify")
    assert code == 0 and out.startswith("ok:")


def test_audit_verify_exits_1_on_a_broken_chain(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init", "--owner-email", "dr@example.org")[0] == 0
    run(capsys, "client", "add", "--name", NAME)
    engine = make_engine(database_url(Settings()))  # the home's SQLite file, or PostgreSQL
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET outcome='refused' WHERE seq=2"))
    engine.dispose()
    code, _, err = run(capsys, "audit", "verify")
    assert code == 1 and "entry 2" in err


def test_key_file_inside_home_is_refused(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARNOTE_KEY_FILE", str(env / "home" / "kek"))
    code, _, err = run(capsys, "init", "--owner-email", "dr@example.org")
    assert code == 2 and "CLEARNOTE_KEY_FILE" in err


def test_weak_owner_password_is_bad_input(
    env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARNOTE_OWNER_PASSWORD", "password12345678")
    code, _, err = run(capsys, "init", "--owner-email", "dr@example.org")
    assert code == 2 and "password" in err and "12345678" not in err
