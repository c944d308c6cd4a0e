"""The web API under load on loopback: ``python -m tests.bench.bench_api [--users 20]
[--duration 60] [--sessions 3]``.

A temporary practice gets one clinician account per simulated user (password + TOTP, as in
production), each with a consented client and ``--sessions`` processed sessions: the sample
session's script stored as the transcript through ``records.sessions.store_artefact`` (no ASR),
then the real draft (extractive drafter + verifier) and rule screening stages' documents. The app
runs as ``clearnote serve`` does (one uvicorn process on 127.0.0.1) in a subprocess; every user
signs in over HTTP, then loops for ``--duration`` seconds over its sessions' review pages
(``GET /sessions/{id}``, HTML) and the session list (``GET /api/sessions``, JSON). Prints p50/p95
latency, requests/s and errors (any status other than 200, or a transport error) per endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyotp

from clearnote.assess.screening import RuleScreener, default_rules
from clearnote.config import Settings
from clearnote.llm.registry import create_backend
from clearnote.pipeline.analysis import Engines, draft_document, screening_report
from clearnote.pipeline.stages import seal_json
from clearnote.records import clients, consent
from clearnote.records.context import Actor
from clearnote.records.practice import cli_actor, init_practice, open_practice
from clearnote.records.sessions import create_session, store_artefact
from clearnote.records.users import create_user, totp_secret
from clearnote.security.roles import Role
from clearnote.verify import default_verifier

PASSWORD = "a long passphrase nobody guesses"
PURPOSES = ["record", "transcribe", "draft_note", "risk_screening"]
REVIEW, LIST = "review page  GET /sessions/{id}", "session list GET /api/sessions"


@dataclass
class Account:
    email: str
    secret: str
    session_ids: list[str]


def settings_for(root: Path) -> Settings:
    return Settings(home=root / "home", key_file=root / "keys" / "kek", llm_backend="extractive")


def build_practice(root: Path, *, users: int, sessions_per_user: int) -> list[Account]:
    """One clinician per user, each with a client and processed sessions."""
    from tests.web.conftest import script_transcript  # the sample session's script

    settings = settings_for(root)
    init_practice(settings, owner_email="owner@example.org", password=PASSWORD)
    ctx = open_practice(settings)
    transcript = script_transcript()
    engines = Engines(
        drafter=create_backend("extractive", settings),
        verifier=default_verifier(),
        screener=RuleScreener(default_rules()),
    )
    draft = seal_json(draft_document(transcript, fmt="soap", engines=engines))
    screening = seal_json(
        screening_report(transcript, screened=True, engines=engines).to_document()
    )
    body = seal_json(transcript.to_document())
    accounts: list[Account] = []
    try:
        owner = cli_actor(ctx)
        for i in range(users):
            email = f"clinician{i:02d}@example.org"
            roles = frozenset({Role.CLINICIAN})
            with ctx.tx() as db:
                user, _ = create_user(
                    ctx, db, email=email, roles=roles, password=PASSWORD, actor=owner
                )
                secret = totp_secret(ctx, db, user.id)
            actor = Actor(user.id, roles, "bench")
            cid = clients.add_client(ctx, actor, name=f"Bench Client {i}", jurisdictions=["US-CA"])
            consent.grant(ctx, actor, cid, PURPOSES, signed_by=f"Bench Client {i}")
            sids = []
            for _ in range(sessions_per_user):
                sid = create_session(cid, actor, ctx=ctx)
                for kind, payload in (
                    ("transcript", body),
                    ("draft", draft),
                    ("screening", screening),
                ):
                    store_artefact(
                        sid, kind, payload, actor=actor, ctx=ctx, media_type="application/json"
                    )
                sids.append(sid)
            accounts.append(Account(email, secret, sids))
    finally:
        ctx.close()
    return accounts


def serve(root: Path, port: int) -> None:
    """The child process: the app as ``clearnote serve`` runs it (cookies without Secure, since
    this is plain http on loopback)."""
    import uvicorn

    from clearnote.web.app import create_app

    app = create_app(settings_for(root), insecure_loopback_cookies=True)
    uvicorn.run(
        app, host="127.0.0.1", port=port, log_level="warning", access_log=False, log_config=None
    )


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {REVIEW: [], LIST: []})
    errors: dict[str, int] = field(default_factory=lambda: {REVIEW: 0, LIST: 0})
    login_failures: int = 0


async def sign_in(http: httpx.AsyncClient, account: Account) -> bool:
    await http.get("/login")
    r = await http.post(
        "/login",
        data={
            "csrf_token": http.cookies.get("cn_csrf") or "",
            "email": account.email,
            "password": PASSWORD,
            "totp": pyotp.TOTP(account.secret).now(),
        },
    )
    return r.status_code == 303


async def user_loop(
    http: httpx.AsyncClient, account: Account, deadline: float, tally: Tally
) -> None:
    i = 0
    while time.monotonic() < deadline:
        sid = account.session_ids[i % len(account.session_ids)]
        for name, url in ((REVIEW, f"/sessions/{sid}"), (LIST, "/api/sessions")):
            start = time.perf_counter()
            try:
                r = await http.get(url)
                # a review page without the drafted note is an error too (not a rendered note)
                ok = r.status_code == 200 and (name != REVIEW or "Subjective" in r.text)
            except httpx.HTTPError:
                ok = False
            tally.latencies[name].append(time.perf_counter() - start)
            if not ok:
                tally.errors[name] += 1
        i += 1


async def drive(base: str, accounts: list[Account], duration: float) -> tuple[Tally, float]:
    tally = Tally()
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
    clients_ = [
        httpx.AsyncClient(base_url=base, timeout=60, limits=limits, follow_redirects=False)
        for _ in accounts
    ]
    try:
        pairs = list(zip(clients_, accounts, strict=True))
        results = await asyncio.gather(*(sign_in(c, a) for c, a in pairs))
        tally.login_failures = results.count(False)
        signed_in = [p for p, ok in zip(pairs, results, strict=True) if ok]
        start = time.monotonic()
        deadline = start + duration
        await asyncio.gather(*(user_loop(c, a, deadline, tally) for c, a in signed_in))
        elapsed = time.monotonic() - start
    finally:
        await asyncio.gather(*(c.aclose() for c in clients_))
    return tally, elapsed


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("bench_api: the server exited during start-up")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("bench_api: the server did not start")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else 0.0


def report(tally: Tally, elapsed: float, users: int) -> None:
    print(f"{users} signed-in users for {elapsed:.1f} s on 127.0.0.1 (one uvicorn process)")
    print(f"sign-in failures: {tally.login_failures}")
    print(f"{'endpoint':34} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'errors':>6}")
    for name, values in tally.latencies.items():
        print(
            f"{name:34} {len(values):8d} {pct(values, 0.5) * 1000:8.1f} "
            f"{pct(values, 0.95) * 1000:8.1f} {len(values) / elapsed:7.1f} "
            f"{tally.errors[name]:6d}"
        )
    total = sum(len(v) for v in tally.latencies.values())
    print(
        f"{'all':34} {total:8d} {'':8} {'':8} {total / elapsed:7.1f} "
        f"{sum(tally.errors.values()):6d}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="bench_api", description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--sessions", type=int, default=3, help="processed sessions per user")
    parser.add_argument("--serve", nargs=2, metavar=("ROOT", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]))
        return
    with tempfile.TemporaryDirectory(prefix="cn-bench-api-") as tmp:
        root = Path(tmp)
        t0 = time.monotonic()
        accounts = build_practice(root, users=args.users, sessions_per_user=args.sessions)
        print(
            f"practice: {args.users} clinicians x {args.sessions} processed sessions "
            f"in {time.monotonic() - t0:.1f} s"
        )
        port = _free_port()
        env = {**os.environ, "PYTHONPATH": os.getcwd()}
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.bench_api", "--serve", str(root), str(port)],
            env=env,
        )
        try:
            _wait_up(port, proc)
            tally, elapsed = asyncio.run(drive(f"http://127.0.0.1:{port}", accounts, args.duration))
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        report(tally, elapsed, args.users)


if __name__ == "__main__":
    main()
