"""Security from the first line: cookies, CSRF, rate limiting, upload limits, one error shape, no
transcript text in logs or messages, argon2 hashes, headers."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from .conftest import PASSWORD, Practice, csrf_of, make_app, post, seed_practice, sign_in

SENTINEL = "Zanzibarquux"


def _cookie_headers(response: Any) -> list[str]:
    return [v for k, v in response.headers.multi_items() if k.lower() == "set-cookie"]


def test_session_cookie_is_httponly_and_samesite_and_secure_only_over_https(practice: Practice) -> None:
    from fastapi.testclient import TestClient

    for base, secure in (("http://127.0.0.1", False), ("https://127.0.0.1", True)):
        browser = TestClient(practice.app, base_url=base)
        response = browser.post("/login", data={"email": "therapist_a@test.example", "password": PASSWORD,
                                                "csrf_token": csrf_of(browser)}, follow_redirects=False)
        cookies = [c for c in _cookie_headers(response) if c.startswith("equipoise_session=")]
        assert len(cookies) == 1
        cookie = cookies[0].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert ("secure" in cookie.split("; ")) is secure


def test_stored_passwords_are_argon2id_hashes(sqlite_url: str) -> None:
    from equipoise.web import Settings, create_app

    app = create_app(Settings(database_url=sqlite_url))  # the production hasher
    try:
        state = app.state.equipoise
        hashed = state.passwords.hash("a long enough password")
        assert hashed.startswith("$argon2id$") and "a long enough password" not in hashed
        assert state.passwords.verify(hashed, "a long enough password")
        assert not state.passwords.verify(hashed, "another password!")
        assert not state.passwords.verify(None, "anything at all")
    finally:
        app.state.engine.dispose()


def test_every_form_post_needs_the_csrf_token(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    other = practice.client()
    foreign_token = csrf_of(other)  # valid for another browser only
    for token in (None, "", "forged", foreign_token):
        data = {"label": "New client"} if token is None else {"label": "New client", "csrf_token": token}
        response = therapist.post("/clients", data=data, headers={"accept": "application/json"})
        assert response.status_code == 403
        assert "CSRF" in response.json()["error"]
    assert therapist.get("/api/clients").json()["clients"][0]["name"] == "Secret Name A"
    assert len(therapist.get("/api/clients").json()["clients"]) == 1
    # The header works for JSON clients.
    response = therapist.post("/clients", data={"label": "Via header"},
                              headers={"x-csrf-token": csrf_of(therapist), "accept": "application/json"})
    assert response.status_code == 200 and response.json()["ok"] is True


def test_failed_sign_ins_are_rate_limited_per_account(sqlite_url: str) -> None:
    app = make_app(sqlite_url, login_max_failures=3)
    try:
        seed_practice(app)
        from fastapi.testclient import TestClient

        browser = TestClient(app, base_url="http://127.0.0.1")
        for _ in range(3):
            response = post(browser, "/login", {"email": "therapist_a@test.example", "password": "wrong!"},
                            headers={"accept": "application/json"})
            assert response.status_code == 400
        # Now even the right password is refused for a while, with the time to wait.
        response = post(browser, "/login", {"email": "therapist_a@test.example", "password": PASSWORD},
                        headers={"accept": "application/json"})
        assert response.status_code == 429 and int(response.headers["retry-after"]) > 0
        # Another account from the same address is not locked by the first one's failures.
        other = post(browser, "/login", {"email": "therapist_b@test.example", "password": PASSWORD},
                     headers={"accept": "application/json"})
        assert other.status_code == 200
    finally:
        app.state.engine.dispose()


def test_login_limiter_forgets_failures_after_the_window(sqlite_url: str) -> None:
    from equipoise.store import migrate, open_engine, session_factory
    from equipoise.store.keys import Keyring
    from equipoise.web.security import LoginLimiter

    now = [1000.0]
    limiter = LoginLimiter(2, 60, clock=lambda: now[0])
    engine = open_engine(sqlite_url, Keyring.generate())
    try:
        migrate(engine)
        with session_factory(engine).begin() as db:
            limiter.fail(db, "1.2.3.4", "a@x.org")
            limiter.fail(db, "1.2.3.4", "a@x.org")
            assert limiter.retry_after(db, "1.2.3.4", "a@x.org") > 0
            now[0] += 61
            assert limiter.retry_after(db, "1.2.3.4", "a@x.org") == 0
    finally:
        engine.dispose()


def test_oversized_uploads_are_refused_with_a_clear_message(sqlite_url: str) -> None:
    app = make_app(sqlite_url, max_upload_bytes=2_000)
    try:
        practice = seed_practice(app)
        therapist = sign_in(practice.client(), "therapist_a")
        url = f"/clients/{practice.ids['record_a']}/sessions"
        big = ("Therapist: How are you?\nClient: Fine.\n" * 200).encode()
        response = therapist.post(url, data={"csrf_token": csrf_of(therapist)},
                                  files={"file": ("big.txt", big, "text/plain")})
        assert response.status_code == 413
        assert "larger than the limit of 2.0 kB" in response.text
        api = therapist.post(url, data={"csrf_token": csrf_of(therapist)},
                             files={"file": ("big.txt", big, "text/plain")},
                             headers={"accept": "application/json"})
        assert api.status_code == 413 and "max_upload_bytes" in api.json()["error"]
    finally:
        app.state.engine.dispose()


def test_every_json_error_has_one_shape(practice: Practice) -> None:
    anonymous = practice.client()
    therapist = sign_in(practice.client(), "therapist_a")
    client = sign_in(practice.client(), "client_a")
    errors = [
        anonymous.get("/api/clients"),                                   # 401
        client.get("/api/clients"),                                      # 403
        therapist.get("/api/clients/999"),                               # 404
        therapist.get("/api/no/such/page"),                              # 404 (no route)
        therapist.put("/api/clients", headers={"accept": "application/json"}),  # 405
        therapist.get("/api/clients/not-a-number"),                      # 422
        post(therapist, f"/clients/{practice.ids['record_a']}/sessions", {"text": ""},
             headers={"accept": "application/json"}),                    # 400
        therapist.post("/clients", data={"label": "x"}, headers={"accept": "application/json"}),  # 403 CSRF
    ]
    for response in errors:
        body = response.json()
        assert set(body) == {"ok", "status", "title", "error"}, body
        assert body["ok"] is False and body["status"] == response.status_code >= 400
        assert isinstance(body["title"], str) and body["error"]


def test_no_transcript_text_in_logs_or_messages(practice: Practice, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    therapist = sign_in(practice.client(), "therapist_a")
    url = f"/clients/{practice.ids['record_a']}/sessions"
    good = f"Therapist: How was the week {SENTINEL}?\nClient: It was hard, {SENTINEL}.\n" * 3
    one_speaker = f"Therapist: {SENTINEL} alone.\nTherapist: {SENTINEL} again.\n"
    for text in (good, one_speaker, f"{SENTINEL}\x00\x01binary"):
        response = post(therapist, url, {"text": text}, headers={"accept": "application/json"})
        assert SENTINEL not in response.text
    assert SENTINEL not in caplog.text


def test_unexpected_errors_are_logged_without_their_message(sqlite_url: str,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    from equipoise.web import Settings, create_app
    from equipoise.web.security import Passwords

    def failing(_transcript: Any) -> dict[str, Any]:
        raise RuntimeError(f"the client said {SENTINEL}")

    app = create_app(Settings(database_url=sqlite_url), analyse=failing, passwords=Passwords(time_cost=1,
                     memory_cost=1024, parallelism=1))
    try:
        practice = seed_practice(app)
        therapist = sign_in(practice.client(), "therapist_a")
        caplog.set_level(logging.DEBUG)
        response = post(therapist, f"/clients/{practice.ids['record_a']}/sessions",
                        {"text": "Therapist: Hello?\nClient: Hi."}, headers={"accept": "application/json"})
        assert response.status_code == 500 and response.json()["status"] == 500
        assert SENTINEL not in response.text and SENTINEL not in caplog.text
        assert "RuntimeError" in caplog.text
    finally:
        app.state.engine.dispose()


def test_pages_forbid_scripts_and_the_report_runs_sandboxed(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    page = therapist.get("/clients")
    assert "script-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    report = therapist.get(f"/sessions/{practice.ids['session_a1']}/report")
    policy = report.headers["content-security-policy"]
    assert "sandbox allow-scripts" in policy and "default-src 'none'" in policy
    assert "connect-src" not in policy  # falls back to default-src 'none': the report cannot call out


def test_an_invitation_link_works_once(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    new = post(therapist, "/clients", {"label": "Kim"}, headers={"accept": "application/json"}).json()
    invite = post(therapist, f"/clients/{new['client_id']}/invite", headers={"accept": "application/json"})
    path = invite.json()["invite_url"].removeprefix("http://127.0.0.1")
    second = post(therapist, f"/clients/{new['client_id']}/invite", headers={"accept": "application/json"})
    assert practice.client().get(path).status_code == 404  # replaced by the second link
    path = second.json()["invite_url"].removeprefix("http://127.0.0.1")
    browser = practice.client()
    assert browser.get(path).status_code == 200
    short = post(browser, path, {"email": "kim@test.example", "display_name": "Kim", "password": "short"})
    assert short.status_code == 400 and "at least 10" in short.text
    done = post(browser, path, {"email": "kim@test.example", "display_name": "Kim",
                                "password": "long enough secret"}, follow_redirects=False)
    assert done.status_code == 303
    assert practice.client().get(path).status_code == 404


def test_every_post_route_refuses_a_form_without_the_csrf_token(practice: Practice) -> None:
    from .test_authorization import MATRIX, app_routes, fill

    posts = sorted({path for method, path in app_routes(practice.app.routes) if method == "POST"})
    assert len(posts) >= 10 and set(posts) == {p for m, p in MATRIX if m == "POST"}
    browsers: dict[str, Any] = {}
    for path in posts:
        # Someone who would get through with the token: the checks under test are not the role checks.
        allowed = sorted(u for u in MATRIX[("POST", path)]("a") if u != "anonymous") or ["therapist_a"]
        who = allowed[0]
        browser = browsers.get(who) or browsers.setdefault(who, sign_in(practice.client(), who))
        url = fill(path, practice, "a")
        for token in (None, "forged"):
            data = {"label": "x", "agree": "yes"} | ({} if token is None else {"csrf_token": token})
            response = browser.post(url, data=data, headers={"accept": "application/json"},
                                    follow_redirects=False)
            assert response.status_code == 403 and "CSRF" in response.json()["error"], f"{who} POST {url}"
    # Nothing was changed by any of those posts.
    therapist = browsers.get("therapist_a") or sign_in(practice.client(), "therapist_a")
    assert [c["name"] for c in therapist.get("/api/clients").json()["clients"]] == ["Secret Name A"]
    assert therapist.get(f"/api/sessions/{practice.ids['session_a1']}").status_code == 200


def test_every_form_of_every_template_carries_the_csrf_field() -> None:
    import re
    from pathlib import Path

    import equipoise.web

    folder = Path(equipoise.web.__file__).parent / "templates"
    forms = 0
    for template in sorted(folder.glob("*.html")):
        for form in re.findall(r"<form\b[^>]*>.*?</form>", template.read_text(encoding="utf-8"), re.S):
            if re.search(r'method="post"', form, re.I):
                forms += 1
                assert 'name="{{ csrf_field }}" value="{{ csrf }}"' in form, f"{template.name}: {form[:80]}"
    assert forms >= 10
