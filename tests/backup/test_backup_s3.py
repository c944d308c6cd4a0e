"""Backup and restore across blob stores, S3 being moto's emulator (``tests/store/s3_server.py``):
a local practice restores into a home whose blob store is S3 and an S3-backed practice into a
local home, the signed note reading back either way; a failed restore into S3 takes back the
objects it put, and never an object that was there before."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from clearnote.backup import make_backup, restore_backup
from clearnote.config import Settings
from clearnote.errors import IntegrityError
from clearnote.store.blobs import LocalBlobStore
from tests.backup.test_backup import (
    NOTE,
    PASSPHRASE,
    _settings,
    build_source,
    read_note,
)
from tests.store.s3_server import new_bucket, s3_settings

S3BlobStore = pytest.importorskip("clearnote.store.s3").S3BlobStore
pytest.importorskip("boto3")


def _keys(settings: Settings) -> list[str]:
    """The object keys under the practice's prefix."""
    store = S3BlobStore.from_settings(settings)
    listed = store.client.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix)
    return sorted(o["Key"] for o in listed.get("Contents", []))


def _local_blobs(settings: Settings) -> list[Path]:
    return [p for p in (settings.home / "blobs").rglob("*") if p.is_file()]


def _s3(root: Path, endpoint: str, db: str | None, *, blob_url: str | None = None) -> Settings:
    """A home under ``root`` on S3: a new bucket (prefix ``clinic``) unless ``blob_url``."""
    more = {} if db is None else {"database_url": db}
    blob_url = blob_url or f"s3://{new_bucket(endpoint)}/clinic"
    return s3_settings(root, endpoint, blob_url, **more)


def test_local_practice_restores_into_a_home_on_s3(
    tmp_path: Path, s3_endpoint: str, fresh_db: Callable[[], str | None]
) -> None:
    source = build_source(_settings(tmp_path / "src"))
    out = tmp_path / "practice.cnbak"
    assert make_backup(source.settings, out, passphrase=PASSPHRASE).blobs == 2
    target = _s3(tmp_path / "dst", s3_endpoint, fresh_db())
    summary = restore_backup(target, out, passphrase=PASSPHRASE)
    assert summary.audit_ok and summary.blobs == 2
    assert _local_blobs(target) == []  # every blob went to the object store
    keys = _keys(target)
    assert len(keys) == 2 and all(k.startswith("clinic/") for k in keys)
    local = LocalBlobStore(source.settings.home / "blobs")
    store = S3BlobStore.from_settings(target)
    for key in keys:  # the same sealed bytes under the same references
        ref = key.rsplit("/", 1)[1]
        assert store.get(ref) == local.get(ref)
    assert read_note(target, source) == NOTE


def test_practice_on_s3_restores_into_a_local_home(
    tmp_path: Path, s3_endpoint: str, fresh_db: Callable[[], str | None]
) -> None:
    source = build_source(_s3(tmp_path / "src", s3_endpoint, None))
    assert _local_blobs(source.settings) == [] and len(_keys(source.settings)) == 2
    out = tmp_path / "practice.cnbak"
    assert make_backup(source.settings, out, passphrase=None).blobs == 2
    target = _settings(tmp_path / "dst", url=fresh_db(), key=source.settings.key_file)
    assert restore_backup(target, out, passphrase=None).audit_ok
    assert len(_local_blobs(target)) == 2
    assert read_note(target, source) == NOTE


def test_a_failed_restore_into_s3_takes_back_what_it_put(
    tmp_path: Path, s3_endpoint: str, fresh_db: Callable[[], str | None]
) -> None:
    source = build_source(_settings(tmp_path / "src"), big=True)
    out = tmp_path / "practice.cnbak"
    make_backup(source.settings, out, passphrase=PASSPHRASE)
    cut = tmp_path / "cut.cnbak"
    cut.write_bytes(out.read_bytes()[:-40])  # a blob comes through, then the end is missing
    target = _s3(tmp_path / "dst", s3_endpoint, fresh_db())
    seen: list[str] = []
    store = S3BlobStore.from_settings(target)
    put_as = store.put_as

    def spy(self: object, ref: str, sealed: bytes) -> None:
        seen.append(ref)
        put_as(ref, sealed)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(S3BlobStore, "put_as", spy)
        with pytest.raises(IntegrityError):
            restore_backup(target, cut, passphrase=PASSPHRASE)
    assert seen, "no blob was put before the failure: the test proves nothing"
    assert _keys(target) == [] and not target.home.exists()
    assert restore_backup(target, out, passphrase=PASSPHRASE).audit_ok  # the database is empty
    assert len(_keys(target)) == 3


def test_restore_into_the_practices_own_bucket_keeps_its_objects(
    tmp_path: Path, s3_endpoint: str, fresh_db: Callable[[], str | None]
) -> None:
    """Disaster recovery of the database alone: the objects are still in the bucket, the same
    bytes under the same references; a failed restore must not delete them."""
    source = build_source(_s3(tmp_path / "src", s3_endpoint, None))
    before = _keys(source.settings)
    out = tmp_path / "practice.cnbak"
    make_backup(source.settings, out, passphrase=PASSPHRASE)
    damaged = tmp_path / "damaged.cnbak"
    damaged.write_bytes(out.read_bytes()[:-40])
    target = _s3(tmp_path / "dst", s3_endpoint, fresh_db(), blob_url=source.settings.blob_url)
    with pytest.raises(IntegrityError):
        restore_backup(target, damaged, passphrase=PASSPHRASE)
    assert _keys(source.settings) == before  # nothing of the live practice was taken
    assert restore_backup(target, out, passphrase=PASSPHRASE).audit_ok
    assert _keys(target) == before
    assert read_note(target, source) == NOTE
