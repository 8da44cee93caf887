"""Migration 0005 (self-descriptions, the power story) goes up and down on SQLite and PostgreSQL, keeping
the reflections that were there, which stay private to the therapist."""

from __future__ import annotations

from sqlalchemy import inspect, text

from equipoise.store import MIGRATIONS, migrate, open_engine
from equipoise.store.keys import Keyring


def test_context_migration_upgrades_and_downgrades(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = open_engine(database_url, Keyring.generate())
    try:
        migrate(engine, "0004")
        with engine.begin() as db:
            db.execute(text("INSERT INTO users (id, email, display_name, role, created_at, active) VALUES "
                            "(1, 't@x.org', 'T', 'therapist', CURRENT_TIMESTAMP, true)"))
            db.execute(text("INSERT INTO clients (id, public_id, therapist_id, label, created_at, "
                            "comments_to_supervisor) VALUES (1, 'c1', 1, 'C', CURRENT_TIMESTAMP, false)"))
            db.execute(text("INSERT INTO therapy_sessions (id, public_id, client_id, number, title, "
                            "source_name, source_format, created_at) VALUES (1, 's1', 1, 1, 'S', 'a.txt', "
                            "'plain', CURRENT_TIMESTAMP)"))
            db.execute(text("INSERT INTO reflections (session_id, heard, say, disagree, matters, who_held, "
                            "after_seeing, created_at) VALUES (1, 3, 3, 3, 3, 'equal', false, "
                            "CURRENT_TIMESTAMP)"))
        migrate(engine)
        columns = {c["name"] for c in inspect(engine).get_columns("reflections")}
        assert {"projections", "rank_history", "shared_with_supervisor"} <= columns
        assert "self_descriptions" in inspect(engine).get_table_names()
        with engine.connect() as db:
            assert db.execute(text("SELECT shared_with_supervisor FROM reflections")).scalar() is None
        with engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.downgrade(config, "0004")
        inspector = inspect(engine)
        assert "self_descriptions" not in inspector.get_table_names()
        assert "projections" not in {c["name"] for c in inspector.get_columns("reflections")}
        with engine.connect() as db:
            assert db.execute(text("SELECT count(*) FROM reflections")).scalar() == 1
        migrate(engine)
        assert "self_descriptions" in inspect(engine).get_table_names()
    finally:
        engine.dispose()
