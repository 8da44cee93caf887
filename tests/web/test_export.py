"""The client's "Download my data" file (GET /api/me/export): what it holds, who gets it, its headers."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

import markupsafe
import pytest

from equipoise.store import actions
from equipoise.store.models import Reflection, StoredTranscript, TherapySession, User, UserRole

from .conftest import PASSWORD, REPO, Practice, make_app, post, seed_practice, sign_in

EXPORT = "/api/me/export"
REFLECTION_SENTINEL = "Quillfeatherwort"  # only in the therapist's reflection


def add_reflection_text(practice: Practice) -> None:
    """Give the therapist's reflection of client A's first session words that must never be exported."""
    with practice.app.state.equipoise.sessions.begin() as db:
        session = db.get(TherapySession, practice.pks["session_a1"])
        actions.save_answers(db, Reflection, session, {
            "heard": 5, "say": 4, "disagree": 4, "matters": 4, "who_held": "equal", "who_held_other": None,
            "challenged": REFLECTION_SENTINEL, "independence": REFLECTION_SENTINEL,
            "needs": REFLECTION_SENTINEL})


def stored_turns(practice: Practice, key: str) -> list[dict[str, Any]]:
    with practice.app.state.equipoise.sessions() as db:
        row = db.get(StoredTranscript, practice.pks[f"session_{key}"])
        assert row is not None
        return [dict(t) for t in row.turns]


def test_the_export_holds_the_clients_account_consent_sessions_and_check_ins(database_url: str) -> None:
    app = make_app(database_url)
    try:
        practice = seed_practice(app)
        add_reflection_text(practice)
        client = sign_in(practice.client(), "client_a")
        response = client.get(EXPORT)
        assert response.status_code == 200, response.text
        data = response.json()

        assert data["account"]["email"] == "client_a@test.example"
        assert data["account"]["display_name"] == "Client_A" and data["account"]["created_at"]
        assert data["consent"]["consents_now"] is True and data["consent"]["given_at"]
        assert data["consent"]["revoked_at"] is None
        assert data["client_record"]["name"] == "Secret Name A"

        sessions = data["sessions"]
        assert [(s["number"], s["title"], s["source_format"]) for s in sessions] == \
            [(1, "Session 1", "plain"), (2, "Session 2", "plain")]
        assert all(s["created_at"] for s in sessions)
        post(client, f"/sessions/{practice.ids['session_a2']}/unblind")  # not answered yet: look first
        for session, key in zip(sessions, ("a1", "a2"), strict=True):
            # The very profile the client's report and its JSON twin are built from.
            sid = practice.ids[f"session_{key}"]
            assert session["profile"] == client.get(f"/api/sessions/{sid}/profile").json()
            # The client report shows the transcript to the client, so the file has its turns.
            assert session["turns"] == stored_turns(practice, key)
        first_words = sessions[0]["turns"][0]["text"]
        report = client.get(f"/sessions/{practice.ids['session_a1']}/report").text
        assert str(markupsafe.escape(first_words)) in report

        check_in = sessions[0]["check_in"]
        assert {s["key"]: s["answer"] for s in check_in["statements"]} == \
            {"heard": 2, "say": 2, "disagree": 1, "matters": 3}
        assert check_in["statements"][0] == {"key": "heard", "statement": "I felt heard", "answer": 2,
                                             "answer_words": "a little"}
        assert check_in["who_held_the_power"]["answer"] == "therapist"
        assert check_in["who_held_the_power"]["answer_words"] == "the therapist"
        assert check_in["comment"] == "felt rushed" and check_in["answered_at"]
        assert sessions[1]["check_in"] is None

        # Not the therapist's reflection, and said so; nothing of the other client.
        assert "reflection" in " ".join(data["not_included"]).lower()
        text = response.text
        assert REFLECTION_SENTINEL not in text and "reflection" not in sessions[0]
        assert "Secret Name B" not in text and "client_b@test.example" not in text
        # Whole sentences of client B's session (short ones like "Okay." occur in anyone's).
        other_words = {t["text"] for t in stored_turns(practice, "b1") if len(t["text"]) > 30}
        assert other_words and not any(words in text for words in other_words)
    finally:
        app.state.engine.dispose()


def test_another_client_of_the_same_therapist_gets_only_their_own(sqlite_url: str) -> None:
    app = make_app(sqlite_url)
    try:
        practice = seed_practice(app)
        with app.state.equipoise.sessions.begin() as db:
            therapist = db.get(User, practice.ids["therapist_a"])
            assert therapist is not None
            other = actions.create_client(db, therapist, "Other Client Of A")
            user = actions.create_user(db, email="other@test.example", display_name="Other",
                                       role=UserRole.CLIENT,
                                       password_hash=app.state.equipoise.passwords.hash(PASSWORD))
            other.user_id = user.id
        browser = practice.client()
        response = post(browser, "/login", {"email": "other@test.example", "password": PASSWORD},
                        follow_redirects=False)
        assert response.status_code == 303
        data = browser.get(EXPORT).json()
        assert data["account"]["email"] == "other@test.example" and data["sessions"] == []
        assert data["client_record"]["name"] == "Other Client Of A"
        assert "Secret Name A" not in browser.get(EXPORT).text
    finally:
        app.state.engine.dispose()


@pytest.mark.parametrize("who", ["therapist_a", "therapist_b", "supervisor", "admin", "anonymous"])
def test_everyone_but_the_client_gets_the_refusal_of_the_client_pages(practice: Practice, who: str) -> None:
    browser = practice.client() if who == "anonymous" else sign_in(practice.client(), who)
    response = browser.get(EXPORT, follow_redirects=False)
    reference = browser.get("/api/me", follow_redirects=False)
    assert response.status_code == reference.status_code == (401 if who == "anonymous" else 403)
    assert response.json() == reference.json()
    assert "content-disposition" not in response.headers
    assert "Secret Name" not in response.text and "felt rushed" not in response.text


def test_the_export_is_an_uncached_attachment_named_by_its_date(practice: Practice) -> None:
    from equipoise import __version__

    response = sign_in(practice.client(), "client_a").get(EXPORT)
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    match = re.fullmatch(r'attachment; filename="equipoise-my-data-(\d{4}-\d{2}-\d{2})\.json"', disposition)
    assert match, disposition
    data = response.json()
    exported_at = dt.datetime.fromisoformat(data["exported_at"])
    assert exported_at.tzinfo is not None and match.group(1) == exported_at.date().isoformat()
    assert abs(dt.datetime.now(dt.UTC) - exported_at) < dt.timedelta(minutes=5)
    assert data["equipoise_version"] == __version__


def test_after_withdrawing_consent_the_export_has_no_sessions_or_check_ins(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    revoked = post(client, "/consent/revoke", {"sure": "yes"}, headers={"accept": "application/json"})
    assert revoked.status_code == 200 and revoked.json()["deleted"]["check_ins"] == 1
    response = client.get(EXPORT)
    data = response.json()
    assert data["sessions"] == []
    assert data["consent"]["consents_now"] is False and data["consent"]["given_at"] is None
    assert data["consent"]["revoked_at"]
    assert data["account"]["email"] == "client_a@test.example"
    assert "felt rushed" not in response.text


def test_exporting_logs_no_transcript_text_or_answers(practice: Practice,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    data = sign_in(practice.client(), "client_a").get(EXPORT).json()
    words = [t["text"] for s in data["sessions"] for t in s["turns"]]
    assert words and "felt rushed" in {s["check_in"]["comment"] for s in data["sessions"] if s["check_in"]}
    assert "felt rushed" not in caplog.text
    assert not any(w in caplog.text for w in words if len(w) > 20)


def test_the_clients_page_links_the_download_and_the_docs_describe_it(practice: Practice) -> None:
    client = sign_in(practice.client(), "client_a")
    assert client.get("/api/me").json()["export_href"] == EXPORT
    page = client.get("/me").text
    assert f'href="{EXPORT}" download>Download my data</a>' in page
    assert client.get(EXPORT).status_code == 200
    assert EXPORT in client.get("/api/openapi.json").json()["paths"]
    docs = (REPO / "docs" / "web.md").read_text(encoding="utf-8")
    assert EXPORT in docs and "not_included" in docs
