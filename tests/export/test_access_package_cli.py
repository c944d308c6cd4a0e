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


def test_cli_writes_a_private_package_and_never_overwrites(
    cli_client: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cid = cli_client
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
