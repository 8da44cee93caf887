"""The audit trail: who viewed, exported or changed what, in the database, without content, visible to
the client whose record it is and to the administrator, and kept after a deletion."""

from __future__ import annotations

import pytest

from equipoise.store.models import StoredTranscript

from .conftest import Practice, post, sign_in

JSON = {"accept": "application/json"}


def events(browser: object, url: str) -> list[dict[str, object]]:
    return browser.get(url).json()["events"]  # type: ignore[attr-defined]


def test_the_client_sees_who_read_their_check_ins_and_sessions(practice: Practice) -> None:
    sid = practice.ids["session_a1"]
    therapist = sign_in(practice.client(), "therapist_a")
    therapist.get(f"/sessions/{sid}/report")
    therapist.get(f"/api/sessions/{sid}/compare")
    sign_in(practice.client(), "supervisor").get(f"/sessions/{sid}/compare")
    client = sign_in(practice.client(), "client_a")
    post(client, f"/sessions/{sid}/check-in", {"heard": "3", "say": "3", "disagree": "3", "matters": "3",
                                                "who_held": "equal", "comment": "changed my mind"})
    client.get("/api/me/export")
    trail = events(client, "/api/me/audit")
    seen = {(e["who"], e["action"], e["object_kind"]) for e in trail}
    assert ("Therapist_A", "viewed", "report") in seen
    assert ("Therapist_A", "viewed", "comparison") in seen
    assert ("Supervisor", "viewed", "comparison") in seen
    assert ("Client_A", "changed", "check_in") in seen and ("Client_A", "exported", "data") in seen
    assert all(e["object_id"] in (sid, None) for e in trail)
    assert "Supervisor" in client.get("/me/audit").text
    # Another client sees none of it.
    assert events(sign_in(practice.client(), "client_b"), "/api/me/audit") == []


def test_the_trail_holds_no_content_and_outlives_a_deletion(practice: Practice) -> None:
    sid = practice.ids["session_a1"]
    with practice.app.state.equipoise.sessions() as db:
        first_words = db.get(StoredTranscript, practice.pks["session_a1"]).turns[0]["text"]
    therapist = sign_in(practice.client(), "therapist_a")
    therapist.get(f"/sessions/{sid}/report")
    assert post(therapist, f"/sessions/{sid}/delete", {"sure": "yes"}, headers=JSON).status_code == 200
    admin = sign_in(practice.client(), "admin")
    response = admin.get("/api/admin/audit")
    assert response.status_code == 200
    trail = response.json()["events"]
    kinds = [(e["action"], e["object_kind"], e["object_id"]) for e in trail]
    assert ("deleted", "session", sid) in kinds and ("viewed", "report", sid) in kinds
    body = response.text + admin.get("/admin/audit").text
    assert first_words[:40] not in body and "felt rushed" not in body
    # The client still sees who read the session before it was deleted.
    client_trail = events(sign_in(practice.client(), "client_a"), "/api/me/audit")
    assert any(e["action"] == "deleted" and e["who"] == "Therapist_A" for e in client_trail)


def test_a_page_that_records_a_view_holds_no_write_lock_while_it_is_drawn(
        practice: Practice, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The view is recorded as the request commits, not when the route starts: another writer can take
    SQLite's one write lock while the report is drawn (readers used to queue behind each other)."""
    import sqlite3

    from equipoise.web.routes import sessions as routes

    path = sqlite_url.removeprefix("sqlite:///")
    drawn = routes._render
    outcomes: list[str] = []

    def render_while_another_writes(*args: object) -> str:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the request holds the write lock
            other.execute("ROLLBACK")
            outcomes.append("free")
        except sqlite3.OperationalError:
            outcomes.append("locked")
        finally:
            other.close()
        return drawn(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(routes, "_render", render_while_another_writes)
    sid = practice.ids["session_a1"]
    therapist = sign_in(practice.client(), "therapist_a")
    assert therapist.get(f"/sessions/{sid}/report").status_code == 200
    assert outcomes == ["free"]
    trail = events(sign_in(practice.client(), "client_a"), "/api/me/audit")
    assert ("Therapist_A", "viewed", "report") in {(e["who"], e["action"], e["object_kind"]) for e in trail}
