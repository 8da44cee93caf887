"""Upgrading a database of an earlier version: its plain-text data is encrypted, its duplicate session
numbers renumbered, its stored secret removed."""

from __future__ import annotations

import json

from sqlalchemy import text

from equipoise.store import migrate, open_engine, session_factory
from equipoise.store.keys import Keyring
from equipoise.store.models import CheckIn, TherapySession

PLANTED = "Zyxwvutsrq"


def test_an_older_database_is_encrypted_and_renumbered_on_upgrade(database_url: str) -> None:
    engine = open_engine(database_url, Keyring.generate())
    try:
        migrate(engine, "0001")
        with engine.begin() as db:
            db.execute(text("INSERT INTO app_meta (key, value) VALUES ('secret_key', 'old-secret')"))
            db.execute(text("INSERT INTO users (id, email, display_name, role, created_at) VALUES "
                            "(1, 't@x.org', 'T', 'therapist', CURRENT_TIMESTAMP)"))
            db.execute(text("INSERT INTO clients (id, therapist_id, label, created_at) VALUES "
                            "(1, 1, 'C', CURRENT_TIMESTAMP)"))
            for session_id in (1, 2):  # two sessions given one number by the old race
                db.execute(text("INSERT INTO therapy_sessions (id, client_id, number, title, source_name, "
                                "source_format, created_at) VALUES (:id, 1, 1, 'S', 'a.txt', 'plain', "
                                "CURRENT_TIMESTAMP)"), {"id": session_id})
                db.execute(text("INSERT INTO transcripts (session_id, turns) VALUES (:id, :turns)"),
                           {"id": session_id, "turns": json.dumps([{"text": PLANTED}])})
            db.execute(text("INSERT INTO check_ins (session_id, heard, say, disagree, matters, who_held, "
                            "comment, created_at) VALUES (1, 3, 3, 3, 3, 'equal', :c, CURRENT_TIMESTAMP)"),
                       {"c": f"about {PLANTED}"})
        migrate(engine)
        with engine.connect() as db:
            raw = [str(v) for v in db.execute(text("SELECT turns FROM transcripts")).scalars()]
            raw.append(str(db.execute(text("SELECT comment FROM check_ins")).scalar_one()))
            assert db.execute(text("SELECT count(*) FROM app_meta WHERE key = 'secret_key'")).scalar() == 0
        assert all(PLANTED not in value and value.startswith("gAAAA") for value in raw)
        with session_factory(engine)() as db:
            sessions = db.query(TherapySession).order_by(TherapySession.id).all()
            assert [s.number for s in sessions] == [1, 2]
            assert sessions[0].transcript.turns == [{"text": PLANTED}]
            assert db.get(CheckIn, 1).comment == f"about {PLANTED}"
    finally:
        engine.dispose()
