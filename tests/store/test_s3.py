"""The S3 blob store against a real HTTP S3 API: moto's server (an S3 *emulator*, not AWS or
MinIO) started on 127.0.0.1 for the session (``tests/store/s3_server.py``). The blob-store
contract is parametrized over the local store and S3; tests skip cleanly when moto/boto3 are not
installed."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from clearnote.errors import BadInputError, ClearnoteError, IntegrityError
from clearnote.records import clients, consent
from clearnote.records.practice import cli_actor, init_practice, open_practice
from clearnote.records.sessions import create_session, load_artefact, store_artefact
from clearnote.store.blobs import BlobStore, LocalBlobStore, open_blob_store
from tests.store.s3_server import s3_settings

boto3 = pytest.importorskip("boto3")
S3BlobStore = pytest.importorskip("clearnote.store.s3").S3BlobStore
parse_blob_url = pytest.importorskip("clearnote.store.s3").parse_blob_url

PASSWORD = "a long passphrase nobody guesses"
PHRASE = "Zebediah Quillfeather-Okonkwo said the river frightened him"


@pytest.fixture
def bucket(s3_endpoint: str, tmp_path: Path) -> str:
    name = f"cn-{uuid.uuid4().hex[:12]}"
    store = S3BlobStore.from_settings(s3_settings(tmp_path, s3_endpoint, f"s3://{name}"))
    store.client.create_bucket(Bucket=name)
    return name


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "local":
        return LocalBlobStore(tmp_path / "blobs")
    endpoint = request.getfixturevalue("s3_endpoint")
    name = request.getfixturevalue("bucket")
    return open_blob_store(s3_settings(tmp_path, endpoint, f"s3://{name}/practice-a"))


def test_contract_put_get_exists_delete(store: BlobStore) -> None:
    ref = store.put(b"\x00\x01sealed-bytes\xff")
    assert len(ref) == 64 and store.exists(ref)
    assert store.get(ref) == b"\x00\x01sealed-bytes\xff"
    assert store.put(b"\x00\x01sealed-bytes\xff") != ref  # names are random, not content hashes
    assert store.delete(ref) is True
    assert store.delete(ref) is False
    assert store.exists(ref) is False
    with pytest.raises(IntegrityError, match="missing"):
        store.get(ref)


def test_contract_empty_and_large_blobs(store: BlobStore) -> None:
    big = bytes(range(256)) * 40_000  # 10 MB: beyond one default multipart chunk
    for data in (b"", big):
        assert store.get(store.put(data)) == data


@pytest.mark.parametrize("ref", ["../../etc/passwd", "AB" * 32, "a" * 63, "a/" + "b" * 62])
def test_contract_malformed_reference_is_refused(store: BlobStore, ref: str) -> None:
    for op in (store.get, store.exists, store.delete):
        with pytest.raises(IntegrityError, match="malformed"):
            op(ref)


def test_object_key_is_prefix_and_random_ref_only(
    s3_endpoint: str, bucket: str, tmp_path: Path
) -> None:
    s3 = S3BlobStore.from_settings(s3_settings(tmp_path, s3_endpoint, f"s3://{bucket}/a/b/"))
    ref = s3.put(b"ciphertext")
    listed = s3.client.list_objects_v2(Bucket=bucket)["Contents"]
    assert [o["Key"] for o in listed] == [f"a/b/{ref[:2]}/{ref}"]
    head = s3.client.head_object(Bucket=bucket, Key=listed[0]["Key"])
    assert head["Metadata"] == {}


def test_practice_on_s3_keeps_only_sealed_bytes_there(
    s3_endpoint: str, bucket: str, tmp_path: Path
) -> None:
    settings = s3_settings(tmp_path, s3_endpoint, f"s3://{bucket}/clinic")
    init_practice(settings, owner_email="owner@example.org", password=PASSWORD)
    ctx = open_practice(settings)
    try:
        assert isinstance(ctx.blobs, S3BlobStore)
        owner = cli_actor(ctx)
        cid = clients.add_client(ctx, owner, name="Zebediah Q", jurisdictions=["US-IL"])
        consent.grant(ctx, owner, cid, ["record", "transcribe"], signed_by="Zebediah Q")
        sid = create_session(cid, owner, ctx=ctx)
        payload = PHRASE.encode()
        aid = store_artefact(sid, "transcript", payload, actor=owner, ctx=ctx)
        assert load_artefact(aid, actor=owner, ctx=ctx) == payload
        objects = ctx.blobs.client.list_objects_v2(Bucket=bucket)["Contents"]
        assert len(objects) == 1 and objects[0]["Key"].startswith("clinic/")
        body = ctx.blobs.client.get_object(Bucket=bucket, Key=objects[0]["Key"])["Body"].read()
        assert payload not in body and b"Zebediah" not in body and len(body) > len(payload)
        assert list((settings.home / "blobs").iterdir()) == []  # nothing written locally
    finally:
        ctx.close()


def test_missing_bucket_is_a_clean_error_without_content(s3_endpoint: str, tmp_path: Path) -> None:
    s3 = S3BlobStore.from_settings(s3_settings(tmp_path, s3_endpoint, "s3://no-such-bucket"))
    with pytest.raises(ClearnoteError) as info:
        s3.put(PHRASE.encode())
    assert "NoSuchBucket" in info.value.message and "Zebediah" not in str(info.value)
    assert not isinstance(info.value, IntegrityError)


@pytest.mark.parametrize("url", ["s3://", "http://bucket/x", "s3://b/p?x=1", "file:///tmp"])
def test_bad_blob_url_is_bad_input(url: str, tmp_path: Path) -> None:
    with pytest.raises(BadInputError, match="CLEARNOTE_BLOB_URL"):
        open_blob_store(s3_settings(tmp_path, "http://127.0.0.1:1", url))


def test_parse_blob_url() -> None:
    assert parse_blob_url("s3://b") == ("b", "")
    assert parse_blob_url("s3://b/x/y/") == ("b", "x/y/")
