"""Accounts: password change, an administrator's one-time reset link, deactivation and role change; a
new password ends every other sign-in."""

from __future__ import annotations

from .conftest import PASSWORD, Practice, csrf_of, post, sign_in

JSON = {"accept": "application/json"}
NEW = "a brand new password"


def signed_in(browser: object) -> bool:
    return browser.get("/api/").json()["user"] is not None  # type: ignore[attr-defined]


def login(practice: Practice, who: str, password: str) -> int:
    browser = practice.client()
    return browser.post("/login", data={"email": f"{who}@test.example", "password": password,
                                        "csrf_token": csrf_of(browser)}, follow_redirects=False).status_code


def test_changing_a_password_ends_the_other_sign_ins(practice: Practice) -> None:
    other_browser = sign_in(practice.client(), "therapist_a")
    browser = sign_in(practice.client(), "therapist_a")
    wrong = post(browser, "/account/password", {"current_password": "nope", "new_password": NEW},
                 headers=JSON)
    assert wrong.status_code == 400 and signed_in(other_browser)
    done = post(browser, "/account/password", {"current_password": PASSWORD, "new_password": NEW},
                headers=JSON)
    assert done.status_code == 200, done.text
    assert signed_in(browser) and not signed_in(other_browser)
    assert login(practice, "therapist_a", PASSWORD) == 400 and login(practice, "therapist_a", NEW) == 303


def test_an_administrators_reset_link_works_once_and_ends_sign_ins(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_b")
    admin = sign_in(practice.client(), "admin")
    made = post(admin, f"/admin/users/{practice.ids['therapist_b']}", {"action": "reset"}, headers=JSON)
    assert made.status_code == 200
    path = made.json()["reset_url"].removeprefix("http://127.0.0.1")
    assert not signed_in(therapist)
    browser = practice.client()
    assert browser.get(path).status_code == 200
    assert post(browser, path, {"new_password": NEW}, follow_redirects=False).status_code == 303
    assert signed_in(browser)
    assert post(practice.client(), path, {"new_password": NEW}).status_code == 404  # used up
    assert login(practice, "therapist_b", NEW) == 303


def test_a_deactivated_account_keeps_its_data_but_cannot_sign_in(practice: Practice) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    admin = sign_in(practice.client(), "admin")
    uid = practice.ids["therapist_a"]
    assert post(admin, f"/admin/users/{uid}", {"action": "deactivate"}, headers=JSON).status_code == 200
    assert not signed_in(therapist)
    assert login(practice, "therapist_a", PASSWORD) == 403
    assert post(admin, f"/admin/users/{uid}", {"action": "activate"}, headers=JSON).status_code == 200
    again = sign_in(practice.client(), "therapist_a")
    assert len(again.get("/api/clients").json()["clients"]) == 1  # the data was kept
    own = post(admin, f"/admin/users/{practice.ids['admin']}", {"action": "deactivate"}, headers=JSON)
    assert own.status_code == 409


def test_an_administrator_changes_a_role(practice: Practice) -> None:
    admin = sign_in(practice.client(), "admin")
    supervisor = sign_in(practice.client(), "supervisor_b")
    changed = post(admin, f"/admin/users/{practice.ids['supervisor_b']}",
                   {"action": "role", "role": "therapist"}, headers=JSON)
    assert changed.status_code == 200 and not signed_in(supervisor)
    assert sign_in(practice.client(), "supervisor_b").get("/api/clients").status_code == 200
    # A therapist with clients keeps the role: their clients would have no therapist.
    kept = post(admin, f"/admin/users/{practice.ids['therapist_a']}",
                {"action": "role", "role": "supervisor"}, headers=JSON)
    assert kept.status_code == 409
