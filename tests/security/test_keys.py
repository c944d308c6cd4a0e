from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from clearnote.errors import BadInputError, IntegrityError
from clearnote.security.keys import FileKeyProvider


def test_key_file_is_private_json_outside_the_home(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "kek"
    prov = FileKeyProvider.create(path, home=tmp_path / "home")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    doc = json.loads(path.read_text())
    assert doc["current"] == prov.current_kek_id
    assert "key" not in repr(prov).lower() or "keks=" in repr(prov)  # ids only
    loaded = FileKeyProvider.load(path, home=tmp_path / "home")
    kek_id, wrapped = prov.wrap(b"k" * 32, key_id="d1")
    assert loaded.unwrap(kek_id, wrapped, key_id="d1") == b"k" * 32


def test_refuses_a_key_file_inside_the_home(tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="inside the practice home"):
        FileKeyProvider.create(tmp_path / "home" / "kek", home=tmp_path / "home")


def test_refuses_a_group_readable_key_file(tmp_path: Path) -> None:
    path = tmp_path / "kek"
    FileKeyProvider.create(path, home=tmp_path / "home")
    path.chmod(0o640)
    with pytest.raises(BadInputError, match="chmod 600"):
        FileKeyProvider.load(path, home=tmp_path / "home")


def test_wrapped_key_is_bound_to_its_key_id(tmp_path: Path) -> None:
    prov = FileKeyProvider.create(tmp_path / "kek", home=tmp_path / "home")
    kek_id, wrapped = prov.wrap(b"k" * 32, key_id="d1")
    with pytest.raises(IntegrityError):
        prov.unwrap(kek_id, wrapped, key_id="d2")


def test_rotation_keeps_old_keks_until_retired(tmp_path: Path) -> None:
    prov = FileKeyProvider.create(tmp_path / "kek", home=tmp_path / "home")
    old_id, wrapped = prov.wrap(b"k" * 32, key_id="d1")
    new_id = prov.add_kek()
    assert new_id != old_id and prov.current_kek_id == new_id
    assert prov.unwrap(old_id, wrapped, key_id="d1") == b"k" * 32  # still readable mid-rotation
    assert prov.retire(new_id) == [old_id]
    reloaded = FileKeyProvider.load(tmp_path / "kek", home=tmp_path / "home")
    with pytest.raises(IntegrityError, match="not in the key file"):
        reloaded.unwrap(old_id, wrapped, key_id="d1")
