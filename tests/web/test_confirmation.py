"""Destructive forms (withdrawing consent, deleting a session) delete nothing without their "I'm sure"
confirmation, which the server checks as well as the browser's ``required`` checkbox."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Practice, make_app, post, sign_in

JSON = {"accept": "application/json"}
# Sent without the field, with it empty, and with it saying no: never a confirmation.
UNCONFIRMED = [{}, {"sure": ""}, {"sure": "no"}]


def n_sessions(practice: Practice, therapist: Any) -> int:
    return len(therapist.get(f"/api/clients/{practice.ids['record_a']}").json()["sessions"])


@pytest.mark.parametrize("fields", UNCONFIRMED, ids=["missing", "empty", "no"])
def test_withdrawing_consent_needs_the_confirmation(practice: Practice, fields: dict[str, str]) -> None:
    client = sign_in(practice.client(), "client_a")
    therapist = sign_in(practice.client(), "therapist_a")

    page = post(client, "/consent/revoke", fields)
    assert page.status_code == 400
    assert "Nothing was deleted" in page.text and 'role="alert"' in page.text
    assert 'action="/consent/revoke"' in page.text  # the form is there to try again

    api = post(client, "/consent/revoke", fields, headers=JSON)
    assert api.status_code == 400
    assert api.json() == {"ok": False, "status": 400, "title": "Bad request", "error": api.json()["error"]}
    assert "Nothing was deleted" in api.json()["error"] and "sure=yes" in api.json()["error"]

    assert client.get("/api/consent").json()["has_consent"] is True
    assert n_sessions(practice, therapist) == 2

    done = post(client, "/consent/revoke", {"sure": "yes"}, headers=JSON)
    assert done.status_code == 200 and done.json()["deleted"]["sessions"] == 2
    assert n_sessions(practice, therapist) == 0


@pytest.mark.parametrize("fields", UNCONFIRMED, ids=["missing", "empty", "no"])
def test_deleting_a_session_needs_the_confirmation(practice: Practice, fields: dict[str, str]) -> None:
    therapist = sign_in(practice.client(), "therapist_a")
    session_id = practice.ids["session_a1"]
    url = f"/sessions/{session_id}/delete"

    page = post(therapist, url, fields, follow_redirects=False)
    assert page.status_code == 400
    assert "Nothing was deleted" in page.text and 'role="alert"' in page.text
    assert f'action="{url}"' in page.text

    api = post(therapist, url, fields, headers=JSON)
    assert api.status_code == 400
    assert set(api.json()) == {"ok", "status", "title", "error"} and api.json()["ok"] is False
    assert "sure=yes" in api.json()["error"]

    assert therapist.get(f"/api/sessions/{session_id}").status_code == 200
    assert n_sessions(practice, therapist) == 2

    done = post(therapist, url, {"sure": "yes"}, follow_redirects=False)
    assert done.status_code == 303
    assert therapist.get(f"/api/sessions/{session_id}").status_code == 410  # its link says it was deleted
    assert n_sessions(practice, therapist) == 1


def test_someone_elses_session_is_not_found_before_the_confirmation_is_checked(practice: Practice) -> None:
    # The confirmation is checked after authorization: a 400 would tell a stranger the session exists.
    other = sign_in(practice.client(), "therapist_b")
    response = post(other, f"/sessions/{practice.ids['session_a1']}/delete", headers=JSON)
    assert response.status_code == 404


def test_the_openapi_description_requires_the_confirmation(sqlite_url: str) -> None:
    from fastapi.testclient import TestClient

    app = make_app(sqlite_url)
    try:
        paths = TestClient(app).get("/api/openapi.json").json()["paths"]
    finally:
        app.state.engine.dispose()
    for path in ("/consent/revoke", "/sessions/{session_id}/delete"):
        operation = paths[path]["post"]
        for media, body in operation["requestBody"]["content"].items():
            assert body["schema"]["required"] == ["sure"], (path, media)
            assert "yes" in body["schema"]["properties"]["sure"]["enum"], (path, media)
        error = operation["responses"]["400"]["content"]["application/json"]["schema"]
        assert set(error["properties"]) == {"ok", "status", "title", "error"}, path
