"""The whole path through the app, on SQLite and on a throwaway PostgreSQL with one test body:
invite, consent, upload, report, check-in, reflection, comparison, revocation."""

from __future__ import annotations

import re

from .conftest import EXAMPLES, PASSWORD, csrf_of, make_app, post, sign_in


def test_practice_flow_runs_the_same_on_every_database(database_url: str) -> None:
    from fastapi.testclient import TestClient

    from equipoise.store import actions
    from equipoise.store.models import UserRole

    app = make_app(database_url)
    try:
        state = app.state.equipoise
        with state.sessions.begin() as db:
            actions.create_user(db, email="t@test.example", display_name="Dr T", role=UserRole.THERAPIST,
                                password_hash=state.passwords.hash(PASSWORD))
        therapist = TestClient(app, base_url="http://127.0.0.1")
        response = therapist.post("/login", data={"email": "t@test.example", "password": PASSWORD,
                                                  "csrf_token": csrf_of(therapist)}, follow_redirects=False)
        assert response.status_code == 303

        response = post(therapist, "/clients", {"label": "Robin"}, headers={"accept": "application/json"})
        client_id = response.json()["client_id"]
        page = post(therapist, f"/clients/{client_id}/invite").text
        invite_url = re.search(r'value="(http://127\.0\.0\.1/invite/[^"]+)"', page).group(1)
        invite_path = invite_url.removeprefix("http://127.0.0.1")

        # Before consent, no session can be added.
        refused = post(therapist, f"/clients/{client_id}/sessions", {"text": "T: Hi?\nC: Hello."},
                       headers={"accept": "application/json"})
        assert refused.status_code == 409

        client = TestClient(app, base_url="http://127.0.0.1")
        accepted = post(client, invite_path, {"email": "robin@test.example", "display_name": "Robin",
                                              "password": "a long enough password"}, follow_redirects=False)
        assert accepted.status_code == 303 and accepted.headers["location"] == "/login?next=/consent&joined=1"
        signed = post(client, "/login", {"email": "robin@test.example", "password": "a long enough password",
                                         "next": "/consent"}, follow_redirects=False)
        assert signed.status_code == 303 and signed.headers["location"] == "/consent"
        assert post(client, invite_path, {"email": "x@test.example", "display_name": "X",
                                          "password": "a long enough password"}).status_code == 404
        post(client, "/consent", {"agree": "yes"})
        assert client.get("/api/consent").json()["has_consent"] is True

        upload = (EXAMPLES / "course" / "session1.txt").read_bytes()
        response = therapist.post(f"/clients/{client_id}/sessions",
                                  data={"title": "First", "csrf_token": csrf_of(therapist)},
                                  files={"file": ("session1.txt", upload, "text/plain")},
                                  follow_redirects=False)
        assert response.status_code == 303, response.text
        session_path = response.headers["location"]
        session_id = session_path.rsplit("/", 1)[1]
        post(therapist, f"/sessions/{session_id}/unblind")  # look before the reflection, on record
        profile = therapist.get(f"/api/sessions/{session_id}/profile").json()
        assert profile["schema_version"] == 1 and profile["transcript"]["n_turns"] == 43
        report = therapist.get(f"/sessions/{session_id}/report")
        assert report.status_code == 200 and "<html" in report.text.lower()

        answers = {"heard": "4", "say": "2", "disagree": "2", "matters": "3", "who_held": "therapist",
                   "comment": "ok"}
        assert post(client, f"/sessions/{session_id}/check-in", answers).status_code == 200
        prediction = {**answers, "say": "5", "disagree": "5", "who_held": "equal", "challenged": "I argued"}
        post(therapist, f"/sessions/{session_id}/reflection", prediction)
        compared = therapist.get(f"/api/sessions/{session_id}/compare").json()
        assert compared["who_held"]["client"] == "therapist" and compared["who_held"]["predicted"] == "equal"
        assert any("free to disagree" in gap and "3 points" in gap for gap in compared["gaps"])
        # The caseload's summary column is the shared-power index, under that name only.
        [row] = therapist.get(f"/api/clients/{client_id}").json()["sessions"]
        assert row["shared_power"] == profile["summary"]["shared_power"] and "partnership" not in row
        page = therapist.get(f"/clients/{client_id}").text
        assert '<th scope="col">shared power</th>' in page and ">partnership<" not in page

        revoked = post(client, "/consent/revoke", {"sure": "yes"}, headers={"accept": "application/json"})
        assert revoked.json()["deleted"] == {"sessions": 1, "transcripts": 1, "profiles": 1, "check_ins": 1,
                                             "reflections": 1, "self_descriptions": 0,
                                             "agreement_versions": 0, "agreement_marks": 0}
        assert therapist.get(f"/api/sessions/{session_id}").status_code == 410  # its link says it was deleted
        assert therapist.get(f"/api/clients/{client_id}").json()["sessions"] == []
        assert "withdrew" in client.get("/me").text
    finally:
        app.state.engine.dispose()


def test_migrations_create_exactly_the_models_tables(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from equipoise.store import migrate, open_engine
    from equipoise.store.keys import Keyring
    from equipoise.store.models import Base

    engine = open_engine(database_url, Keyring.generate())
    try:
        migrate(engine)
        migrate(engine)  # running again on an up-to-date database changes nothing
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == []
    finally:
        engine.dispose()


def test_the_agreement_migration_goes_down_and_up_again(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import inspect

    from equipoise.store import MIGRATIONS, actions, agreement, migrate, open_engine, session_factory
    from equipoise.store.keys import Keyring
    from equipoise.store.models import UserRole

    engine = open_engine(database_url, Keyring.generate())
    try:
        migrate(engine)
        with session_factory(engine).begin() as db:
            therapist = actions.create_user(db, email="t@x.org", display_name="T", role=UserRole.THERAPIST,
                                            password_hash="x")
            client = actions.create_client(db, therapist, "C")
            version = agreement.add_version(db, client, {"fee": "60"})
            assert version is not None
            agreement.add_mark(db, version, "fee", "talk", "why?")
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0003")
        tables = set(inspect(engine).get_table_names())
        assert "clients" in tables and not tables & {"agreement_versions", "agreement_marks"}
        migrate(engine)
        assert {"agreement_versions", "agreement_marks"} <= set(inspect(engine).get_table_names())
        with session_factory(engine)() as db:
            assert actions.user_by_email(db, "t@x.org") is not None  # the rest of the data is untouched
    finally:
        engine.dispose()


def test_sign_in_survives_an_app_restart(sqlite_url: str) -> None:
    from .conftest import seed_practice

    first = make_app(sqlite_url)
    practice = seed_practice(first)
    browser = sign_in(practice.client(), "therapist_a")
    cookies = dict(browser.cookies)
    first.state.engine.dispose()

    from fastapi.testclient import TestClient

    second = make_app(sqlite_url)
    again = TestClient(second, base_url="http://127.0.0.1", cookies=cookies)
    assert again.get("/api/clients").status_code == 200
    second.state.engine.dispose()
