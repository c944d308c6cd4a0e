"""Deletion receipts: what, which key, when, by which rule or person; tamper-evident hash."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from clearnote.domain.retention import DeletionReceipt

AT = datetime(2026, 3, 9, 15, 0, tzinfo=UTC)


def receipt(**kw: object) -> DeletionReceipt:
    base: dict[str, object] = {
        "artefact_kind": "audio",
        "artefact_id": "a-1",
        "key_id": "dek-7",
        "erased_at": AT,
        "rule": "audio:signed+0d|created+7d",
        "reason": "note signed",
        "session_id": "s-1",
        "client_id": "c-1",
    }
    base.update(kw)
    return DeletionReceipt.issue(**base)  # type: ignore[arg-type]


def test_receipt_hash_verifies_and_detects_edits() -> None:
    r = receipt()
    assert r.verify() and len(r.receipt_sha256) == 64
    assert r.method == "crypto_erase"
    for field, value in [
        ("key_id", "dek-8"),
        ("erased_at", datetime(2026, 3, 10, tzinfo=UTC)),
        ("artefact_id", "a-2"),
        ("reason", "other"),
    ]:
        assert not r.model_copy(update={field: value}).verify(), field


def test_receipt_hash_is_deterministic_and_field_sensitive() -> None:
    assert receipt().receipt_sha256 == receipt().receipt_sha256
    assert receipt().receipt_sha256 != receipt(artefact_id="a-2").receipt_sha256


def test_receipt_by_a_person() -> None:
    r = receipt(rule=None, person="u-owner", reason="client asked for deletion")
    assert r.verify() and r.person == "u-owner"


def test_receipt_names_rule_or_person() -> None:
    with pytest.raises(ValidationError, match="rule or the person"):
        receipt(rule=None, person=None)
    with pytest.raises(ValidationError):
        receipt(reason="")
    with pytest.raises(ValidationError):
        receipt(erased_at=datetime(2026, 3, 9))  # naive time


def test_receipt_document_round_trip() -> None:
    r = receipt()
    doc = r.to_document()
    assert doc["schema"] == "clearnote.deletion_receipt/1"
    back = DeletionReceipt.model_validate(json.loads(json.dumps(doc)))
    assert back == r and back.verify()
