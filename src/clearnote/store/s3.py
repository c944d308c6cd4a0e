"""An S3-compatible blob store (AWS S3, MinIO, Ceph RGW, ...) behind the ``BlobStore`` Protocol.

It stores exactly the bytes the local store stores: artefacts are sealed (AES-256-GCM with the
artefact's data key) before they reach any store, so the object store only ever holds ciphertext.
Object keys are ``<prefix>/ab/<64 random hex>``: nothing about a client, session or artefact
kind shows in a key, and no object metadata is written.

Selected by ``CLEARNOTE_BLOB_URL=s3://bucket/prefix``; ``CLEARNOTE_S3_ENDPOINT_URL`` points at a
non-AWS server, ``CLEARNOTE_S3_ACCESS_KEY_ID`` / ``CLEARNOTE_S3_SECRET_ACCESS_KEY`` and
``CLEARNOTE_S3_REGION`` override boto3's usual credential chain. boto3 is the ``[s3]`` extra.
"""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlsplit

from clearnote.config import Settings
from clearnote.errors import BadInputError, ClearnoteError, IntegrityError
from clearnote.store.blobs import is_blob_ref

_MISSING = {"404", "NoSuchKey", "NotFound"}


def parse_blob_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> (bucket, "some/prefix/"); the prefix may be empty."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc or parts.query or parts.fragment:
        raise BadInputError("CLEARNOTE_BLOB_URL: expected s3://bucket[/prefix]")
    prefix = parts.path.strip("/")
    return parts.netloc, f"{prefix}/" if prefix else ""


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", "unknown"))
    return type(exc).__name__


class S3BlobStore:
    """Sealed blobs as objects in one bucket under one key prefix."""

    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    @classmethod
    def from_settings(cls, settings: Settings) -> S3BlobStore:
        try:
            import boto3  # type: ignore[import-untyped]
            from botocore.config import Config  # type: ignore[import-untyped]
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise BadInputError(
                "CLEARNOTE_BLOB_URL: an s3:// store needs boto3 (pip install 'clearnote[s3]')"
            ) from exc
        bucket, prefix = parse_blob_url(settings.blob_url or "")
        key_id, secret = settings.s3_access_key_id, settings.s3_secret_access_key
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            aws_access_key_id=key_id.get_secret_value() if key_id else None,
            aws_secret_access_key=secret.get_secret_value() if secret else None,
            config=Config(retries={"max_attempts": 5, "mode": "standard"}),
        )
        return cls(client, bucket, prefix)

    def __repr__(self) -> str:
        return f"S3BlobStore(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _key(self, ref: str) -> str:
        if not is_blob_ref(ref):
            raise IntegrityError("blob reference is malformed")
        return f"{self.prefix}{ref[:2]}/{ref}"

    def _failed(self, op: str, exc: Exception) -> ClearnoteError:
        return ClearnoteError(f"blob store: S3 {op} failed ({_code(exc)})")

    def put(self, sealed: bytes) -> str:
        ref = secrets.token_hex(32)
        self.put_as(ref, sealed)
        return ref

    def put_as(self, ref: str, sealed: bytes) -> None:
        key = self._key(ref)
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=sealed,
                ContentType="application/octet-stream",
            )
        except Exception as exc:
            raise self._failed("put", exc) from exc

    def get(self, ref: str) -> bytes:
        key = self._key(ref)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
            data = response["Body"].read()
        except Exception as exc:
            if _code(exc) in _MISSING:
                raise IntegrityError(f"blob {ref[:8]}…: missing from the blob store") from exc
            raise self._failed("get", exc) from exc
        if not isinstance(data, bytes):  # pragma: no cover - botocore always returns bytes
            raise IntegrityError(f"blob {ref[:8]}…: unreadable body")
        return data

    def delete(self, ref: str) -> bool:
        """S3 deletes succeed on absent keys, so look first to report whether it was there."""
        if not self.exists(ref):
            return False
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(ref))
        except Exception as exc:
            raise self._failed("delete", exc) from exc
        return True

    def exists(self, ref: str) -> bool:
        key = self._key(ref)
        try:
            self.client.head_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            if _code(exc) in _MISSING:
                return False
            raise self._failed("head", exc) from exc
        return True
