"""Stage jobs on a broker are signed: a worker runs only what a holder of the practice's key
file queued. Without this, anyone who can write to Redis or RabbitMQ could make a worker run a
stage on any session "on behalf of" any clinician (the job names the acting user).

The MAC key is derived from the key file's audit key (HMAC-SHA-256 as a PRF with its own label),
so every host that opens the practice (web, CLI, workers) has it and nothing new is distributed.
The message is ``{"job": <the StageJob fields>, "mac": <hex>}``; the MAC covers the canonical JSON
of the job. A job that fails the check is refused and logged (ids only), never run.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from pydantic import ValidationError

from clearnote.errors import ClearnoteError
from clearnote.jobs.types import StageJob

_LABEL = b"clearnote.stage-job-mac/1"


class JobSignatureError(ClearnoteError):
    """A queued job without a valid signature (forged, altered, or from another practice)."""


class JobSigner:
    def __init__(self, audit_key: bytes) -> None:
        self._key = hmac.new(audit_key, _LABEL, hashlib.sha256).digest()

    def __repr__(self) -> str:  # never print key material
        return "JobSigner()"

    def _mac(self, body: dict[str, Any]) -> str:
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        return hmac.new(self._key, canonical, hashlib.sha256).hexdigest()

    def seal(self, job: StageJob) -> dict[str, Any]:
        body = job.model_dump(mode="json")
        return {"job": body, "mac": self._mac(body)}

    def open(self, payload: Any) -> StageJob:
        """The job, when ``payload`` carries a valid MAC over it; else JobSignatureError."""
        body = payload.get("job") if isinstance(payload, dict) else None
        mac = payload.get("mac") if isinstance(payload, dict) else None
        if not isinstance(body, dict) or not isinstance(mac, str):
            raise JobSignatureError("stage job: unsigned message refused")
        if not hmac.compare_digest(self._mac(body), mac):
            raise JobSignatureError("stage job: signature does not match; refused")
        try:
            return StageJob.model_validate(body)
        except ValidationError:
            raise JobSignatureError("stage job: malformed job refused") from None
