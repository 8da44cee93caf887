"""Protected health information at rest: encrypted fields, private files, erasure, key rotation."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy.exc import StatementError

from equipoise.store import actions, agreement, migrate, open_engine, session_factory
from equipoise.store.encrypted import encrypted_columns
from equipoise.store.keys import DataKeyError, Keyring, load_keyring
from equipoise.store.models import (
    AppMeta,
    Base,
    CheckIn,
    Client,
    Reflection,
    SelfDescription,
    SupervisionComment,
    TherapySession,
    UserRole,
)

from .conftest import make_app, post, seed_practice, sign_in

PLANTED = "Zyxwvutsrq"  # a word no example transcript holds
ANSWERS = {"heard": 3, "say": 3, "disagree": 3, "matters": 3, "who_held": "equal"}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _database_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_file() and not p.name.endswith(".key")]


def test_a_planted_word_is_not_readable_in_any_database_file(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'practice.db'}")
    try:
        practice = seed_practice(app)
        therapist = sign_in(practice.client(), "therapist_a")
        text = f"Therapist: What brings you here?\nClient: My neighbour {PLANTED} frightens me.\n"
        response = post(therapist, f"/clients/{practice.ids['record_a']}/sessions", {"text": text},
                        headers={"accept": "application/json"})
        assert response.status_code == 200, response.text
        session_id = response.json()["session_id"]
        reflection = {**ANSWERS, "challenged": f"reflect {PLANTED}", "independence": PLANTED,
                      "needs": PLANTED}
        assert post(therapist, f"/sessions/{session_id}/reflection", reflection,
                    headers={"accept": "application/json"}).status_code == 200
        client = sign_in(practice.client(), "client_a")
        assert post(client, f"/sessions/{session_id}/check-in", {**ANSWERS, "comment": f"about {PLANTED}"},
                    headers={"accept": "application/json"}).status_code == 200
        # Still readable through the app ...
        assert PLANTED in therapist.get(f"/sessions/{session_id}/report").text
    finally:
        app.state.engine.dispose()
    # ... but in no file of the database, in any encoding a reader of the file might try.
    files = _database_files(tmp_path)
    assert files
    for path in files:
        data = path.read_bytes()
        for encoded in (PLANTED.encode(), PLANTED.encode("utf-16-le"), PLANTED.lower().encode()):
            assert encoded not in data, path.name


def test_the_database_its_journal_and_the_key_file_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "new-folder"
    engine = open_engine(f"sqlite:///{folder / 'practice.db'}", Keyring.generate())
    try:
        migrate(engine)
        assert _mode(folder) == 0o700
        assert _mode(folder / "practice.db") == 0o600
        with engine.begin() as connection:  # an open connection keeps its WAL and shared memory
            connection.exec_driver_sql("INSERT INTO app_meta (key, value) VALUES ('k', 'v')")
            for name in ("practice.db-wal", "practice.db-shm"):
                assert (folder / name).exists() and _mode(folder / name) == 0o600, name
    finally:
        engine.dispose()
    load_keyring(tmp_path / "secret" / "practice.db.key")
    assert _mode(tmp_path / "secret" / "practice.db.key") == 0o600
    assert _mode(tmp_path / "secret") == 0o700


def test_an_existing_database_readable_by_others_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    path.touch(mode=0o644)
    path.chmod(0o644)
    open_engine(f"sqlite:///{path}", Keyring.generate()).dispose()
    assert _mode(path) == 0o600


def test_no_secret_is_kept_in_the_database(tmp_path: Path) -> None:
    app = make_app(f"sqlite:///{tmp_path / 'practice.db'}")
    try:
        with app.state.equipoise.sessions() as db:
            assert db.query(AppMeta).filter(AppMeta.key == "secret_key").first() is None
        ring = load_keyring(tmp_path / "practice.db.key")
        assert app.state.equipoise.secret == ring.secret("csrf")
    finally:
        app.state.engine.dispose()


def test_an_engine_without_a_data_key_refuses_to_store_clinical_text(tmp_path: Path) -> None:
    engine = open_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        migrate(engine)
        with pytest.raises(StatementError) as raised, session_factory(engine).begin() as db:
            therapist = actions.create_user(db, email="t@x.org", display_name="T", role=UserRole.THERAPIST,
                                            password_hash="x")
            client = actions.create_client(db, therapist, "C")
            actions.add_session(db, client, title="", source_name="a.txt", source_format="plain",
                                turns=[{"text": PLANTED}], profile={"schema_version": 1, "x": PLANTED})
        assert isinstance(raised.value.orig, DataKeyError)
        assert PLANTED not in str(raised.value)  # the statement's parameters are not in the message
    finally:
        engine.dispose()


def test_a_wrong_data_key_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    first = make_app(url)
    seed_practice(first)
    first.state.engine.dispose()
    engine = open_engine(url, Keyring.generate())
    try:
        with pytest.raises(DataKeyError, match="cannot be decrypted"), session_factory(engine)() as db:
            db.query(CheckIn).all()
    finally:
        engine.dispose()


def _stored_tokens(url: str) -> dict[tuple[str, str], list[str]]:
    """Every stored value of every encrypted column, as it lies in the database."""
    from sqlalchemy import create_engine

    tokens: dict[tuple[str, str], list[str]] = {}
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            for name, (_pk, columns) in encrypted_columns(Base.metadata).items():
                for column in columns:
                    values = connection.exec_driver_sql(f"SELECT {column} FROM {name}").scalars()
                    tokens[(name, column)] = [v for v in values if v is not None]
    finally:
        engine.dispose()
    return tokens


def test_rotating_the_key_re_encrypts_every_encrypted_column_and_retires_the_old_key(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from equipoise.cli import main

    url = f"sqlite:///{tmp_path / 'practice.db'}"
    key_file = tmp_path / "practice.db.key"
    app = make_app(url)
    practice = seed_practice(app)
    with app.state.equipoise.sessions.begin() as db:
        # What seed_practice leaves empty, so that every encrypted column holds something to rotate.
        session = db.get(TherapySession, practice.pks["session_a1"])
        session.reading_notices = ["a notice"]
        db.add(SupervisionComment(session_id=session.id, author_name="S", text="a comment"))
        reflection = db.get(Reflection, session.id)
        reflection.independence, reflection.needs, reflection.who_held_other = "i", "n", "o"
        reflection.projections, reflection.rank_history = "p", "r"
        db.get(CheckIn, session.id).who_held_other = "o"
        db.add(SelfDescription(user_id=practice.ids["client_a"], details={"own_words": {"words": "w"}}))
        mark = agreement.marks(db, session.client)[0]
        mark.comment = "a mark's comment"
        agreement.answer_mark(db, mark, "an answer")
    app.state.engine.dispose()
    old = load_keyring(key_file)
    before = _stored_tokens(url)
    assert all(before.values()), [column for column, values in before.items() if not values]

    result = CliRunner().invoke(main, ["rotate-key", "--database-url", url], env={"EQUIPOISE_DATA_KEY": ""})
    assert result.exit_code == 0, result.output
    assert "re-encrypted" in result.output
    new = load_keyring(key_file)
    assert new.keys != old.keys and len(new.keys) == 1 and _mode(key_file) == 0o600

    after = _stored_tokens(url)
    assert after.keys() == before.keys()
    for column, tokens in after.items():
        assert [new.decrypt(t) for t in tokens] == [old.decrypt(t) for t in before[column]], column
        for token in tokens:
            with pytest.raises(DataKeyError):
                old.decrypt(token)
    engine = open_engine(url, new)
    try:
        with session_factory(engine)() as db:
            assert "felt rushed" in [c.comment for c in db.query(CheckIn).all()]
            assert [c.text for c in db.query(SupervisionComment).all()] == ["a comment"]
    finally:
        engine.dispose()


def test_rotating_a_key_from_the_environment_prints_the_new_one_only(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from equipoise.cli import main

    url = f"sqlite:///{tmp_path / 'practice.db'}"
    key = Keyring.generate().keys[0].decode()
    app = make_app(url, data_key=key)
    seed_practice(app)
    app.state.engine.dispose()
    result = CliRunner().invoke(main, ["rotate-key", "--database-url", url], env={"EQUIPOISE_DATA_KEY": key})
    assert result.exit_code == 0, result.output
    new_key = result.stdout.strip()
    assert new_key and new_key != key and not (tmp_path / "practice.db.key").exists()
    engine = open_engine(url, Keyring([new_key.encode()]))
    try:
        with session_factory(engine)() as db:
            assert "felt rushed" in [c.comment for c in db.query(CheckIn).all()]
    finally:
        engine.dispose()


def test_withdrawn_consent_leaves_nothing_in_free_pages_whatever_the_sqlite_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    real_connect = sqlite3.connect

    def connect_with_insecure_default(*args: object, **kwargs: object) -> sqlite3.Connection:
        # A build whose default is secure_delete=OFF (the usual one; Debian's happens to be ON).
        connection = real_connect(*args, **kwargs)  # type: ignore[arg-type]
        connection.execute("PRAGMA secure_delete=OFF")
        return connection

    monkeypatch.setattr(sqlite3.dbapi2, "connect", connect_with_insecure_default)  # what SQLAlchemy calls
    path = tmp_path / "practice.db"
    engine = open_engine(f"sqlite:///{path}", Keyring.generate())
    try:
        migrate(engine)
        sessions = session_factory(engine)
        with sessions.begin() as db:
            therapist = actions.create_user(db, email="t@x.org", display_name="T", role=UserRole.THERAPIST,
                                            password_hash="x")
            client = actions.create_client(db, therapist, "C")
            actions.give_consent(db, client)
            actions.add_session(db, client, title="", source_name="a.txt", source_format="plain",
                                turns=[{"text": PLANTED * 200}], profile={"schema_version": 1})
            client_id = client.id
        with engine.connect() as connection:
            stored = connection.exec_driver_sql("SELECT turns FROM transcripts").scalar_one()
        with sessions.begin() as db:
            actions.revoke_consent(db, db.get(Client, client_id))
    finally:
        engine.dispose()
    files = _database_files(tmp_path)
    assert path in files
    for file in files:  # the database, and its WAL if one is left
        assert stored[40:120].encode() not in file.read_bytes(), file.name


def test_a_connection_that_deleted_rows_empties_the_wal_before_it_is_reused(tmp_path: Path) -> None:
    path = tmp_path / "practice.db"
    engine = open_engine(f"sqlite:///{path}", Keyring.generate())
    wal = tmp_path / "practice.db-wal"
    try:
        migrate(engine)
        with engine.connect() as reader:  # another connection keeps the WAL open, as a server does
            assert reader.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            with engine.begin() as connection:
                connection.exec_driver_sql(f"INSERT INTO app_meta (key, value) VALUES ('k', '{PLANTED}')")
            assert PLANTED.encode() in wal.read_bytes()  # a write lives in the WAL first ...
            with engine.begin() as connection:
                connection.exec_driver_sql("DELETE FROM app_meta WHERE key = 'k'")
            assert wal.stat().st_size == 0  # ... and a delete folds it into the database and empties it
    finally:
        engine.dispose()
    assert PLANTED.encode() not in path.read_bytes()
