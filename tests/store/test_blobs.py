from __future__ import annotations

import stat
from pathlib import Path

import pytest

from clearnote.errors import IntegrityError
from clearnote.store.blobs import LocalBlobStore


def test_put_get_delete_with_random_names_and_private_modes(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "blobs")
    ref = store.put(b"\x01sealed-bytes")
    assert len(ref) == 64 and store.exists(ref)
    assert store.get(ref) == b"\x01sealed-bytes"
    path = tmp_path / "blobs" / ref[:2] / ref
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list((tmp_path / "blobs" / ref[:2]).iterdir()) == [path]  # no temp file left
    assert store.delete(ref) is True
    assert store.delete(ref) is False
    with pytest.raises(IntegrityError):
        store.get(ref)


def test_malformed_reference_is_refused(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    with pytest.raises(IntegrityError):
        store.get("../../etc/passwd")
