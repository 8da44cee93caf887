"""No stranger can lock out an account (issue 13, item 5); forwarded headers only from trusted proxies."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from equipoise.web.serve import uvicorn_proxy_options
from equipoise.web.settings import Settings

from .conftest import PASSWORD, csrf_of, make_app, seed_practice

JSON = {"accept": "application/json"}
EMAIL = "therapist_a@test.example"


def _browser(app: Any, address: str) -> TestClient:
    return TestClient(app, base_url="http://127.0.0.1", client=(address, 40000))


def _login(browser: TestClient, password: str, headers: dict[str, str] | None = None) -> int:
    return browser.post("/login", data={"email": EMAIL, "password": password, "csrf_token": csrf_of(browser)},
                        headers={**JSON, **(headers or {})}).status_code


def test_a_stranger_failing_many_times_does_not_lock_out_the_owner(sqlite_url: str) -> None:
    app = make_app(sqlite_url, login_max_failures=3)
    try:
        seed_practice(app)
        owner = _browser(app, "10.0.0.1")
        assert _login(owner, PASSWORD) == 200  # the owner's browser is now a known device
        stranger = _browser(app, "203.0.113.9")
        for _ in range(3):
            assert _login(stranger, "wrong password!") == 400
        assert _login(stranger, "wrong password!") == 429  # the stranger is slowed down ...
        assert _login(_browser(app, "10.0.0.2"), PASSWORD) == 200  # ... not the owner on a new device
        assert _login(owner, PASSWORD) == 200
    finally:
        app.state.engine.dispose()


def test_spraying_from_many_addresses_blocks_new_devices_but_not_a_known_one(sqlite_url: str) -> None:
    app = make_app(sqlite_url, login_max_failures=2)
    try:
        seed_practice(app)
        owner = _browser(app, "10.0.0.1")
        assert _login(owner, PASSWORD) == 200
        for n in range(10):  # ten addresses, two failures each: the account's cap of 20 is reached
            attacker = _browser(app, f"198.51.100.{n}")
            assert [_login(attacker, "wrong password!") for _ in range(2)] == [400, 400]
        assert _login(_browser(app, "198.51.100.200"), PASSWORD) == 429  # a new device must wait
        assert _login(owner, PASSWORD) == 200  # the owner's known device still gets in
    finally:
        app.state.engine.dispose()


def test_failed_sign_ins_are_still_counted_after_a_restart(sqlite_url: str) -> None:
    first = make_app(sqlite_url, login_max_failures=2)
    seed_practice(first)
    browser = _browser(first, "203.0.113.9")
    assert [_login(browser, "wrong password!") for _ in range(2)] == [400, 400]
    first.state.engine.dispose()
    second = make_app(sqlite_url, login_max_failures=2)
    try:
        assert _login(_browser(second, "203.0.113.9"), PASSWORD) == 429
    finally:
        second.state.engine.dispose()


def test_forwarded_headers_are_believed_only_from_configured_proxies() -> None:
    assert uvicorn_proxy_options(Settings()) == {"proxy_headers": False, "forwarded_allow_ips": ""}
    options = uvicorn_proxy_options(Settings(trusted_proxies="127.0.0.1, 10.1.1.1"))
    assert options == {"proxy_headers": True, "forwarded_allow_ips": "127.0.0.1,10.1.1.1"}


def test_the_failure_table_holds_no_address_or_e_mail(sqlite_url: str) -> None:
    from equipoise.store.models import LoginFailure

    app = make_app(sqlite_url)
    try:
        seed_practice(app)
        _login(_browser(app, "203.0.113.9"), "wrong password!")
        with app.state.equipoise.sessions() as db:
            keys = [row.key_hash for row in db.query(LoginFailure).all()]
        assert len(keys) == 3 and all(len(k) == 64 and "203.0" not in k and "@" not in k for k in keys)
    finally:
        app.state.engine.dispose()
