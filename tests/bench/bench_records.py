"""Record-system figures: AES-256-GCM throughput, argon2id cost, artefact store/load latency,
audit append and verify rates, KEK rotation time (SQLite in a temporary home).

    python -m tests.bench.bench_records
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from clearnote.config import Settings
from clearnote.records import audit_log, clients, consent, keyring, sessions
from clearnote.records.practice import cli_actor, init_practice, open_practice
from clearnote.security.crypto import aad_for, new_key, open_sealed, seal
from clearnote.security.passwords import hash_password


def _t(fn: object, *args: object, repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn(*args)  # type: ignore[operator]
    return (time.perf_counter() - start) / repeat


def main() -> None:
    rows: list[tuple[str, str]] = []
    key, aad = new_key(), aad_for("artefacts", "a", "blob", "k")
    data = os.urandom(64 * 1024 * 1024)
    t_seal = _t(seal, key, data, aad)
    sealed = seal(key, data, aad)
    t_open = _t(lambda: open_sealed(key, sealed, aad, what="x"))
    rows.append(("AES-256-GCM seal, 64 MiB", f"{64 / t_seal:.0f} MiB/s"))
    rows.append(("AES-256-GCM open, 64 MiB", f"{64 / t_open:.0f} MiB/s"))
    rows.append(
        ("argon2id hash (t=3, m=64 MiB)", f"{_t(hash_password, 'x' * 20, repeat=3) * 1000:.0f} ms")
    )

    with tempfile.TemporaryDirectory() as tmp:
        s = Settings(home=Path(tmp) / "home", key_file=Path(tmp) / "keys" / "kek")
        t0 = time.perf_counter()
        init_practice(s, owner_email="bench@example.org", password="a long bench passphrase")
        rows.append(
            ("clearnote init (migrate + owner)", f"{(time.perf_counter() - t0) * 1000:.0f} ms")
        )
        ctx = open_practice(s)
        actor = cli_actor(ctx)
        cid = clients.add_client(ctx, actor, name="Bench Client", jurisdictions=["US-IL"])
        consent.grant(ctx, actor, cid, ["record", "transcribe"], signed_by="Bench Client")
        sid = sessions.create_session(cid, actor, ctx=ctx)
        for size_mb in (1, 50):
            payload = os.urandom(size_mb * 1024 * 1024)
            t0 = time.perf_counter()
            aid = sessions.store_artefact(sid, "audio", payload, actor=actor, ctx=ctx)
            t_store = time.perf_counter() - t0
            ctx._key_cache.clear()
            t0 = time.perf_counter()
            sessions.load_artefact(aid, actor=actor, ctx=ctx)
            t_load = time.perf_counter() - t0
            rows.append(
                (
                    f"store_artefact {size_mb} MiB (consent+seal+blob+audit)",
                    f"{t_store * 1000:.0f} ms",
                )
            )
            rows.append(
                (
                    f"load_artefact {size_mb} MiB (authz+unwrap+open+audit)",
                    f"{t_load * 1000:.0f} ms",
                )
            )
        n = 300
        t0 = time.perf_counter()
        for _ in range(n):
            sessions.store_artefact(sid, "transcript", b"t" * 2000, actor=actor, ctx=ctx)
        rows.append(("store_artefact 2 kB, sustained", f"{n / (time.perf_counter() - t0):.0f} /s"))
        t0 = time.perf_counter()
        rep = audit_log.verify(ctx)
        t_verify = time.perf_counter() - t0
        rows.append(
            (f"audit verify ({rep.entries} entries)", f"{rep.entries / t_verify:.0f} entries/s")
        )
        t0 = time.perf_counter()
        rot = keyring.rotate_kek(ctx)
        rows.append(
            (
                f"KEK rotation ({rot.rewrapped} data keys re-wrapped)",
                f"{(time.perf_counter() - t0) * 1000:.0f} ms",
            )
        )
        t0 = time.perf_counter()
        receipt = sessions.delete_session(ctx, actor, sid)
        rows.append(
            (
                f"session delete ({len(receipt['receipts'])} artefacts crypto-erased)",
                f"{(time.perf_counter() - t0) * 1000:.0f} ms",
            )
        )
        ctx.close()

    width = max(len(r[0]) for r in rows)
    print(f"{'record system (SQLite, this machine)':<{width}}  value")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
