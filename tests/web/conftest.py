"""Fixtures of the web tests: an app on SQLite or on a throwaway PostgreSQL, a seeded practice, and
helpers to sign in and post forms with their CSRF token."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from equipoise.store import actions, agreement
from equipoise.store.models import CheckIn, Reflection, UserRole

from .pgserver import ThrowawayPostgres, Unavailable

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
PASSWORD = "correct horse battery"
_counter = itertools.count()


@pytest.fixture(scope="session")
def postgres() -> Iterator[ThrowawayPostgres]:
    try:
        server = ThrowawayPostgres()
    except Unavailable as exc:
        pytest.skip(str(exc))
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The same test body runs on a SQLite file and on a fresh database of a throwaway PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server: ThrowawayPostgres = request.getfixturevalue("postgres")
    name = f"equipoise_test_{next(_counter)}"
    server.execute(f"CREATE DATABASE {name}")
    yield server.url(name)
    server.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.db'}"


def make_app(url: str, **settings: Any) -> Any:
    """An app on ``url``; argon2 with small parameters keeps sign-ins fast in tests."""
    from equipoise.web import Settings, create_app
    from equipoise.web.security import Passwords

    settings.setdefault("base_url", "http://127.0.0.1")
    if not url.startswith("sqlite") and "data_key" not in settings:
        from equipoise.store.keys import Keyring

        settings["data_key"] = Keyring.generate().keys[0].decode()  # SQLite files get a key file beside
    return create_app(Settings(database_url=url, **settings),
                      passwords=Passwords(time_cost=1, memory_cost=1024, parallelism=1))


@dataclass
class Practice:
    """A seeded practice: two therapists with a client each, sessions, a supervisor, an admin."""

    app: Any
    # Users by database id; client records and sessions by the public id their addresses use.
    ids: dict[str, Any] = field(default_factory=dict)
    # The database ids of client records and sessions, for tests that read the store directly.
    pks: dict[str, int] = field(default_factory=dict)

    def client(self) -> Any:
        from fastapi.testclient import TestClient

        return TestClient(self.app, base_url="http://127.0.0.1")


FRAME = {"fee": "60 a session, reviewed each January.",
         "cancellation": "48 hours' notice, or the fee is due."}


def seed_practice(app: Any) -> Practice:
    """Therapist A (client A with two sessions, a check-in and a reflection; shares with the supervisor),
    therapist B (client B with one session), a supervisor, an admin, and client accounts for A and B;
    each client has a practice agreement (:data:`FRAME`) with one mark ("talk" about the fee)."""
    from equipoise import load
    from equipoise.web.reports import analyse

    state = app.state.equipoise
    practice = Practice(app)
    hashed = state.passwords.hash(PASSWORD)
    with state.sessions.begin() as db:
        users = {}
        for key, role in (("therapist_a", UserRole.THERAPIST), ("therapist_b", UserRole.THERAPIST),
                          ("client_a", UserRole.CLIENT), ("client_b", UserRole.CLIENT),
                          ("supervisor", UserRole.SUPERVISOR), ("supervisor_b", UserRole.SUPERVISOR),
                          ("admin", UserRole.ADMIN)):
            users[key] = actions.create_user(db, email=f"{key}@test.example", display_name=key.title(),
                                             role=role, password_hash=hashed)
            practice.ids[key] = users[key].id
        sessions = {}
        for owner, files in (("a", ["course/session1.txt", "course/session3.txt"]),
                             ("b", ["directive.txt"])):
            client = actions.create_client(db, users[f"therapist_{owner}"], f"Secret Name {owner.upper()}")
            client.user_id = users[f"client_{owner}"].id
            actions.give_consent(db, client)
            practice.ids[f"record_{owner}"] = client.public_id
            practice.pks[f"record_{owner}"] = client.id
            for number, relative in enumerate(files, start=1):
                transcript = load(EXAMPLES / relative)
                session = actions.add_session(db, client, title=f"Session {number}", source_name=relative,
                                              source_format="plain", turns=actions.turns_of(transcript),
                                              profile=analyse(transcript))
                sessions[f"{owner}{number}"] = session
                practice.ids[f"session_{owner}{number}"] = session.public_id
                practice.pks[f"session_{owner}{number}"] = session.id
            version = agreement.add_version(db, client, FRAME)
            assert version is not None
            practice.ids[f"mark_{owner}"] = agreement.add_mark(db, version, "fee", "talk", None).public_id
        answers = {"heard": 2, "say": 2, "disagree": 1, "matters": 3, "who_held": "therapist",
                   "who_held_other": None}
        actions.save_answers(db, CheckIn, sessions["a1"], {**answers, "comment": "felt rushed"})
        actions.save_answers(db, Reflection, sessions["a1"],
                             {**answers, "heard": 5, "disagree": 4, "who_held": "equal", "challenged": "x",
                              "independence": None, "needs": None})
        actions.save_answers(db, CheckIn, sessions["b1"], {**answers, "comment": None})
        actions.set_share(db, users["therapist_a"], users["supervisor"], shared=True)
    return practice


def csrf_of(client: Any) -> str:
    return client.get("/api/login").json()["csrf_token"]


def sign_in(client: Any, who: str) -> Any:
    """Sign the test client in as ``who`` (e.g. "therapist_a")."""
    response = client.post("/login", data={"email": f"{who}@test.example", "password": PASSWORD,
                                           "csrf_token": csrf_of(client)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def post(client: Any, url: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """Post a form with this browser's CSRF token."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_of(client)}, **kwargs)


def form_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


@pytest.fixture
def practice(sqlite_url: str) -> Iterator[Practice]:
    app = make_app(sqlite_url)
    yield seed_practice(app)
    app.state.engine.dispose()
