"""Concurrent requests: a one-time invitation has one winner; session numbers are never shared."""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest

from equipoise.store import actions, migrate, open_engine, session_factory
from equipoise.store.keys import Keyring
from equipoise.store.models import Client, TherapySession, User, UserRole

from .conftest import csrf_of, make_app, post, seed_practice, sign_in


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = open_engine(f"sqlite:///{tmp_path / 'race.db'}", Keyring.generate())
    migrate(engine)
    yield session_factory(engine)
    engine.dispose()


def _client(sessions, with_consent: bool = True) -> int:  # type: ignore[no-untyped-def]
    with sessions.begin() as db:
        therapist = actions.create_user(db, email="t@x.org", display_name="T", role=UserRole.THERAPIST,
                                        password_hash="x")
        client = actions.create_client(db, therapist, "C")
        if with_consent:
            actions.give_consent(db, client)
        return client.id


def test_an_invitation_opened_twice_can_be_accepted_only_once(store) -> None:  # type: ignore[no-untyped-def]
    client_id = _client(store)
    with store.begin() as db:
        token = actions.new_invite(db, db.get(Client, client_id), 60)
    first, second = store(), store()
    try:
        # Both requests found the invitation open before either accepted it.
        invites = [actions.open_invite(first, token), actions.open_invite(second, token)]
        assert all(invites)
        actions.accept_invite(first, invites[0], email="a@x.org", display_name="A", password_hash="h")
        first.commit()
        with pytest.raises(actions.InviteTaken):
            actions.accept_invite(second, invites[1], email="b@x.org", display_name="B", password_hash="h")
        second.rollback()
    finally:
        first.close()
        second.close()
    with store() as db:
        clients = db.query(User).filter(User.role == "client").all()
        assert [u.email for u in clients] == ["a@x.org"]
        assert db.get(Client, client_id).user_id == clients[0].id


def test_ten_simultaneous_accepts_of_one_invitation_make_one_account(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'race.db'}")
    try:
        practice = seed_practice(app)
        therapist = sign_in(practice.client(), "therapist_a")
        with app.state.equipoise.sessions.begin() as db:
            client = actions.create_client(db, db.get(User, practice.ids["therapist_a"]), "New")
            client_id = client.public_id
        url = post(therapist, f"/clients/{client_id}/invite", headers={"accept": "application/json"}
                   ).json()["invite_url"]
        path = url.removeprefix("http://127.0.0.1")
        browsers = [practice.client() for _ in range(10)]
        tokens = [csrf_of(b) for b in browsers]
        barrier = threading.Barrier(len(browsers))
        statuses: list[int] = []

        def accept(number: int) -> None:
            barrier.wait()
            response = browsers[number].post(path, data={
                "email": f"person{number}@x.org", "display_name": "P", "password": "a long passphrase",
                "csrf_token": tokens[number]}, headers={"accept": "application/json"})
            statuses.append(response.status_code)

        threads = [threading.Thread(target=accept, args=(n,)) for n in range(len(browsers))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert statuses.count(200) == 1, statuses
        assert all(s in (404, 409) for s in statuses if s != 200), statuses
        with app.state.equipoise.sessions() as db:
            new_accounts = db.query(User).filter(User.email.like("person%")).count()
            assert new_accounts == 1
    finally:
        app.state.engine.dispose()


def test_concurrent_uploads_for_one_client_get_distinct_numbers(store) -> None:  # type: ignore[no-untyped-def]
    client_id = _client(store)
    workers = 8
    barrier = threading.Barrier(workers)
    errors: list[BaseException] = []

    def upload() -> None:
        try:
            barrier.wait()
            with store.begin() as db:
                actions.add_session(db, db.get(Client, client_id), title="", source_name="a.txt",
                                    source_format="plain", turns=[], profile={"schema_version": 1})
        except BaseException as exc:  # collected, so that a failure is reported and not lost in a thread
            errors.append(exc)

    threads = [threading.Thread(target=upload) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with store() as db:
        numbers = [s.number for s in db.query(TherapySession).filter_by(client_id=client_id)]
        titles = [s.title for s in db.query(TherapySession).filter_by(client_id=client_id)]
    assert sorted(numbers) == list(range(1, workers + 1)), Counter(numbers)
    assert sorted(titles) == sorted(f"Session {n}" for n in numbers)


def test_the_database_refuses_two_sessions_with_one_number(store) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import IntegrityError

    client_id = _client(store)
    with pytest.raises(IntegrityError), store.begin() as db:
        for _ in range(2):
            db.add(TherapySession(client_id=client_id, number=1, title="t", source_name="a",
                                  source_format="plain"))
            db.flush()


def test_a_writer_waits_for_a_lock_held_by_another_connection_instead_of_failing(tmp_path: Path) -> None:
    # Under load, SQLite's default (give up after 5 s: "database is locked") turned concurrent requests
    # into errors (benchmarks/web_load.py: 21 of 900). The engine waits longer for the lock instead.
    from sqlalchemy import text

    engine = open_engine(f"sqlite:///{tmp_path / 'lock.db'}", Keyring.generate())
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    holding, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))
            holding.set()
            release.wait(20)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    holding.wait(10)
    threading.Timer(6.0, release.set).start()
    with engine.begin() as connection:       # blocks until the holder commits, then succeeds
        connection.execute(text("INSERT INTO t VALUES (2)"))
    holder.join(20)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 2
