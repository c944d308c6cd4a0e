"""Sign-in, logoff, CSRF, cookies, security headers, the JSON error shape and upload limits."""

from __future__ import annotations

from tests.web.conftest import CLIENT_NAME, FULL, Web, add_client


def test_pages_need_sign_in(web: Web) -> None:
    r = web.http.get("/clients", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    r = web.http.get("/api/clients")
    assert r.status_code == 401
    assert r.json() == {
        "error": {"status": 401, "code": "unauthenticated", "message": "sign in first"}
    }


def test_sign_in_needs_password_and_totp(web: Web) -> None:
    assert web.login(code="000000").status_code == 401
    assert web.login(password="wrong password entirely!").status_code == 401
    web.advance(31)
    r = web.login()
    assert r.status_code == 303 and r.headers["location"] == "/clients"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("cn_session="))
    low = cookie.lower()
    assert "httponly" in low and "secure" in low and "samesite=strict" in low
    assert web.http.get("/clients").status_code == 200


def test_a_reused_totp_code_is_refused(web: Web) -> None:
    code = web.code()
    assert web.login(code=code).status_code == 303
    web.http.cookies.delete("cn_session")
    assert web.login(code=code).status_code == 401


def test_idle_session_is_signed_out(signed_in: Web) -> None:
    assert signed_in.http.get("/clients").status_code == 200
    signed_in.advance(signed_in.settings.session_idle_timeout_s + 5)
    r = signed_in.http.get("/clients", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_logout_revokes_the_session(signed_in: Web) -> None:
    token = signed_in.http.cookies.get("cn_session")
    r = signed_in.post("/logout", {"reason": "idle"})
    assert r.status_code == 303 and r.headers["location"] == "/login?reason=idle"
    signed_in.http.cookies.set("cn_session", token or "", domain="testserver")
    assert signed_in.http.get("/clients", follow_redirects=False).status_code == 303
    assert "inactivity" in signed_in.http.get("/login?reason=idle").text


def test_forms_and_api_need_the_csrf_token(signed_in: Web) -> None:
    r = signed_in.http.post(
        "/clients", data={"name": CLIENT_NAME, "csrf_token": "x" * 43}, follow_redirects=False
    )
    assert r.status_code == 403
    r = signed_in.http.post("/api/clients", json={"name": CLIENT_NAME})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    assert CLIENT_NAME not in r.text
    r = signed_in.api("POST", "/api/clients", json={"name": CLIENT_NAME})
    assert r.status_code == 201


def test_security_headers_on_every_response(web: Web) -> None:
    for url in ("/login", "/api/clients", "/static/app.js"):
        r = web.http.get(url)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    assert web.http.get("/login").headers["cache-control"] == "no-store"


def test_templates_hold_no_inline_script(web: Web) -> None:
    html = web.http.get("/login").text
    assert "<script>" not in html and "onclick" not in html.lower()
    assert '<script src="/static/app.js" defer></script>' in html


def test_errors_never_echo_what_was_sent(signed_in: Web) -> None:
    secret = "Quillfeather-private-words"
    r = signed_in.api("POST", "/api/clients", json={"name": secret * 20})
    assert r.status_code == 422 and secret not in r.text
    assert r.json()["error"]["fields"] == ["body.name"]
    r = signed_in.api("GET", "/api/sessions/" + secret + "/review")
    assert r.status_code == 404 and set(r.json()["error"]) >= {"status", "code", "message"}
    r = signed_in.api(
        "POST",
        "/api/clients",
        content=b"{" + secret.encode(),
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422 and secret not in r.text


def test_upload_over_the_limit_is_refused(signed_in: Web) -> None:
    cid = add_client(signed_in, *FULL)
    r = signed_in.api(
        "POST",
        f"/api/clients/{cid}/recordings",
        content=b"\0" * (3 * 1024 * 1024),
        headers={"Content-Type": "application/octet-stream"},
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


def test_upload_without_consent_is_refused_and_stores_nothing(signed_in: Web) -> None:
    cid = add_client(signed_in, "record")
    r = signed_in.api(
        "POST",
        f"/api/clients/{cid}/recordings",
        content=b"RIFF",
        headers={"Content-Type": "application/octet-stream"},
    )
    assert r.status_code == 403 and "transcribe" in r.json()["error"]["message"]
    assert signed_in.api("GET", f"/api/sessions?client_id={cid}").json() == []


def test_another_clinicians_client_is_refused(signed_in: Web) -> None:
    from clearnote.records import clients
    from clearnote.records.context import Actor
    from clearnote.records.users import create_user
    from clearnote.security.roles import Role

    with signed_in.ctx.tx() as db:
        user, _ = create_user(
            signed_in.ctx,
            db,
            email="other@example.org",
            roles=frozenset({Role.CLINICIAN}),
            password="another long passphrase here",
            actor=signed_in.owner,
        )
        other = Actor(user.id, frozenset({Role.CLINICIAN}), "test")
    cid = clients.add_client(signed_in.ctx, other, name=CLIENT_NAME)
    assert signed_in.http.get(f"/clients/{cid}").status_code == 403
    r = signed_in.api("GET", f"/api/clients/{cid}/consent")
    assert r.status_code == 403 and CLIENT_NAME not in r.text


def test_session_cookie_not_set_over_plain_http_for_other_hosts(web: Web) -> None:
    from clearnote.web.security import cookie_secure

    class U:
        def __init__(self, scheme: str, host: str) -> None:
            self.scheme, self.hostname = scheme, host

    class R:
        def __init__(self, scheme: str, host: str) -> None:
            self.url = U(scheme, host)

    assert cookie_secure(R("http", "127.0.0.1"), True) is False  # type: ignore[arg-type]
    assert cookie_secure(R("http", "example.org"), True) is True  # type: ignore[arg-type]
    assert cookie_secure(R("http", "127.0.0.1"), False) is True  # type: ignore[arg-type]
