"""The audit chain's pure format: canonical JSON, entry hashes, HMAC and verification (R5, R62).

entry_hash = SHA-256(canonical JSON of {seq, ts, actor, via, action, object_type, object_id,
client_id, outcome, meta, prev_hash}); mac = HMAC-SHA256(audit key, entry_hash). The audit key lives
in the key file, so an attacker who can write the database cannot recompute a valid chain. The
verifier reports the first broken entry: an edited field, a deleted entry (a gap in seq or a broken
link), a reordering (broken link), a bad MAC, or a head that does not match the stored head.
Metadata holds ids, counts, model names and reasons only, never client words.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64
_META_TYPES = (str, int, float, bool, type(None))


def canonical_json(obj: Mapping[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def check_meta(meta: Mapping[str, Any]) -> dict[str, Any]:
    """Metadata is a flat map of scalars or lists of scalars (ids, counts, names of models)."""
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if isinstance(value, list | tuple):
            if not all(isinstance(v, _META_TYPES) for v in value):
                raise ValueError(f"audit meta {key!r}: lists hold scalars only")
            out[key] = list(value)
        elif isinstance(value, _META_TYPES):
            out[key] = value
        else:
            raise ValueError(f"audit meta {key!r}: scalar values only")
    return out


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    ts: str
    actor: str
    via: str
    action: str
    object_type: str
    object_id: str | None
    client_id: str | None
    outcome: str
    meta: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS
    entry_hash: str = ""
    mac: str = ""

    def body(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts,
            "actor": self.actor,
            "via": self.via,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "client_id": self.client_id,
            "outcome": self.outcome,
            "meta": self.meta,
            "prev_hash": self.prev_hash,
        }


def entry_hash(record: AuditRecord) -> str:
    return hashlib.sha256(canonical_json(record.body())).hexdigest()


def entry_mac(key: bytes, digest: str) -> str:
    return hmac.new(key, digest.encode("ascii"), hashlib.sha256).hexdigest()


def head_mac(key: bytes, seq: int, digest: str) -> str:
    return hmac.new(key, f"head|{seq}|{digest}".encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None


def verify_chain(
    records: Iterable[AuditRecord],
    key: bytes,
    *,
    head: tuple[int, str, str] | None = None,
) -> ChainReport:
    """Walk the chain in stored order; ``head`` is the stored (seq, hash, mac) of the last entry."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for rec in records:
        count += 1
        if rec.seq != expected_seq:
            return ChainReport(
                False,
                count,
                prev,
                rec.seq,
                f"expected seq {expected_seq}, found {rec.seq} (deleted or reordered)",
            )
        if rec.prev_hash != prev:
            return ChainReport(
                False,
                count,
                prev,
                rec.seq,
                "link to the previous entry is broken (deleted, inserted or reordered)",
            )
        digest = entry_hash(rec)
        if not hmac.compare_digest(digest, rec.entry_hash):
            return ChainReport(
                False, count, prev, rec.seq, "entry content does not match its hash (edited)"
            )
        if not hmac.compare_digest(entry_mac(key, digest), rec.mac):
            return ChainReport(
                False, count, prev, rec.seq, "entry MAC is wrong (rewritten without the audit key)"
            )
        prev = digest
        expected_seq += 1
    if head is not None:
        seq, digest, mac = head
        if not hmac.compare_digest(head_mac(key, seq, digest), mac):
            return ChainReport(False, count, prev, seq, "stored head MAC is wrong")
        if seq != count or digest != prev:
            return ChainReport(
                False,
                count,
                prev,
                seq,
                f"chain ends at entry {count} but the head records entry {seq} "
                "(entries removed from the end?)",
            )
    return ChainReport(True, count, prev)
