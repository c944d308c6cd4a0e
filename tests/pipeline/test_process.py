"""``clearnote process`` end to end: consent first, nothing stored on refusal, every artefact
sealed, AI runs reported, no plaintext on disk, no network."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clearnote.cli import main
from clearnote.commands.demo import sample_session
from clearnote.config import Settings
from clearnote.records.practice import database_url
from clearnote.store import dump
from clearnote.store.engine import make_engine
from tests.store.backends import unix_socket_url

NAME = "Jordan Quillfeather"  # "Jordan" is also spoken in the sample session
SPOKEN = ("burden", "deadline", "breathing")  # words the sample client and clinician say


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh practice (SQLite; PostgreSQL in a PostgreSQL suite run) with tiny.en for speed;
    the key file outside the home."""
    monkeypatch.setenv("CLEARNOTE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLEARNOTE_KEY_FILE", str(tmp_path / "keys" / "kek"))
    monkeypatch.setenv("CLEARNOTE_OWNER_PASSWORD", "a long passphrase nobody guesses")
    monkeypatch.setenv("CLEARNOTE_ASR_MODEL", "tiny.en")
    assert main(["init", "--owner-email", "owner@example.org"]) == 0
    return tmp_path / "home"


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main(args)
    out = capsys.readouterr().out
    return code, (json.loads(out) if code == 0 and out.strip() else {})


def _client(capsys: pytest.CaptureFixture[str], *purposes: str, where: str = "US-CA") -> str:
    code, doc = _json(["client", "add", "--name", NAME, "--jurisdiction", where, "--json"], capsys)
    assert code == 0
    cid = str(doc["id"])
    if purposes:
        args = ["consent", "grant", cid, "--signed-by", NAME, "--json"]
        for p in purposes:
            args += ["--purpose", p]
        assert main(args) == 0
    return cid


def _session_count(home: Path) -> int:
    engine = make_engine(database_url(Settings()))  # SQLite in the home, or PostgreSQL
    try:
        with engine.connect() as db:
            return int(db.exec_driver_sql("select count(*) from sessions").scalar_one())
    finally:
        engine.dispose()


def _database_rows() -> bytes:
    """Every row of every table, as the backup's logical dump writes them (bytes base64'd, which
    is fine: sealed columns are ciphertext either way), lowercased."""
    engine = make_engine(database_url(Settings()))
    try:
        with dump.snapshot(engine) as conn:
            return b"".join(b"".join(dump.dump_table(conn, t)) for t in dump.table_names()).lower()
    finally:
        engine.dispose()


def _blobs(home: Path) -> list[Path]:
    return [p for p in (home / "blobs").rglob("*") if p.is_file()]


def test_without_consent_nothing_is_stored_and_the_refusal_is_audited(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = _client(capsys, "record")  # transcribe missing
    code = main(["process", str(sample_session()), "--client", cid, "--json"])
    err = capsys.readouterr().err
    assert code == 3 and "transcribe" in err and NAME not in err
    assert _session_count(home) == 0 and _blobs(home) == []
    code, audit = _json(["audit", "list", "--json"], capsys)
    assert any(e["action"] == "consent.refused" for e in audit["entries"])  # type: ignore[union-attr]


def test_bad_audio_is_refused_before_a_session_exists(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = _client(capsys, "record", "transcribe")
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"not audio at all")
    assert main(["process", str(junk), "--client", cid, "--json"]) == 2
    assert _session_count(home) == 0 and _blobs(home) == []


@pytest.mark.slow
def test_full_pipeline_seals_everything_and_reports_ai_use(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = _client(capsys, "record", "transcribe", "draft_note", "risk_screening")
    code, result = _json(["process", str(sample_session()), "--client", cid, "--json"], capsys)
    assert code == 0 and result["status"] == "draft_ready"
    stages = result["stages"]
    assert isinstance(stages, dict)
    assert {k: v for k, v in stages.items() if v == "done"}.keys() >= {
        "record",
        "transcribe",
        "draft",
        "screen",
    }
    assert set(result["artefacts"]) >= {"audio", "transcript", "draft", "screening"}  # type: ignore[arg-type]
    # nothing readable on disk: not the client's name, not a spoken word
    for path in [*home.rglob("*")]:
        if path.is_file():
            data = path.read_bytes().lower()
            for secret in (NAME.lower(), *SPOKEN):
                assert secret.encode() not in data, f"plaintext in {path.name}"
    rows = _database_rows()  # and none in the database, wherever it is (PostgreSQL too)
    assert rows and not any(secret.lower().encode() in rows for secret in (NAME, *SPOKEN))
    code, report = _json(["client", "report", cid, "--json"], capsys)
    runs = {(r["stage"], r["where"]) for r in report["ai_runs"]}  # type: ignore[union-attr]
    assert ("transcribe", "local (this machine)") in runs and (
        "draft",
        "local (this machine)",
    ) in runs
    # deleting the session leaves receipts and makes the artefacts unreadable
    code, deleted = _json(["session", "delete", str(result["session_id"]), "--json"], capsys)
    assert code == 0 and deleted
    assert main(["audit", "verify"]) == 0


@pytest.mark.slow
def test_consent_and_jurisdiction_switch_stages_off(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = _client(capsys, "record", "transcribe", where="US-IL")
    code, result = _json(["process", str(sample_session()), "--client", cid, "--json"], capsys)
    assert code == 0 and result["status"] == "transcribed"
    stages = result["stages"]
    assert isinstance(stages, dict)
    assert stages["draft"].startswith("skipped") and "draft_note" in stages["draft"]
    assert stages["screen"].startswith("skipped")
    assert set(result["artefacts"]) == {"audio", "transcript"}  # type: ignore[arg-type]


@pytest.mark.slow
def test_the_default_pipeline_runs_with_no_network_at_all(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unshare = shutil.which("unshare")
    if unshare is None or subprocess.run([unshare, "-n", "true"], check=False).returncode != 0:
        pytest.skip("unshare -n is not available here")
    env = dict(os.environ)
    if (url := os.environ.get("CLEARNOTE_DATABASE_URL")) is not None:
        # a PostgreSQL suite run: the same server, through its Unix socket (no network needed)
        socket_url = unix_socket_url(url)
        if socket_url is None:
            pytest.skip("no network at all: PostgreSQL has no Unix socket in /var/run/postgresql")
        env["CLEARNOTE_DATABASE_URL"] = socket_url
    cid = _client(capsys, "record", "transcribe", "draft_note", "risk_screening")
    proc = subprocess.run(
        [
            unshare,
            "-n",
            sys.executable,
            "-m",
            "clearnote",
            "process",
            str(sample_session()),
            "--client",
            cid,
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    assert json.loads(proc.stdout)["status"] == "draft_ready"
