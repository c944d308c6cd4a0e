"""``clearnote client access-package``: a ZIP readable by its owner only, with the consent record
and the client report even before any note is signed; an existing output file is bad input
(exit 2) and is left as it was."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from clearnote.cli import main

PASSWORD = "a long passphrase nobody guesses"


def test_cli_writes_a_private_package_and_never_overwrites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CLEARNOTE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLEARNOTE_KEY_FILE", str(tmp_path / "keys" / "kek"))
    monkeypatch.setenv("CLEARNOTE_OWNER_PASSWORD", PASSWORD)
    assert main(["init", "--owner-email", "dr@example.org"]) == 0
    capsys.readouterr()
    assert main(["client", "add", "--name", "Client Person", "--json"]) == 0
    cid = json.loads(capsys.readouterr().out)["id"]
    out = tmp_path / "package.zip"
    assert main(["client", "access-package", cid, "-o", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"path": str(out), "notes": 0}
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with zipfile.ZipFile(out) as zf:
        assert sorted(zf.namelist()) == ["README.txt", "consent.json", "report.json"]
    before = out.read_bytes()
    assert main(["client", "access-package", cid, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "exists" in err and "Traceback" not in err
    assert out.read_bytes() == before
