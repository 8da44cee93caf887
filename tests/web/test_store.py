"""Store operations on SQLite and on a throwaway PostgreSQL (one test body for both)."""

from __future__ import annotations

from equipoise.store import actions, migrate, open_engine, session_factory
from equipoise.store.keys import Keyring
from equipoise.store.models import CheckIn, Client, Reflection, TherapySession, UserRole

PROFILE = {"schema_version": 1, "summary": {"power_lean": 0.25, "partnership": 0.5}, "dimensions": {},
           "transcript": {"id": "s", "n_turns": 1, "speakers": []}, "turns": []}
ANSWERS = {"heard": 3, "say": 3, "disagree": 3, "matters": 3, "who_held": "equal", "who_held_other": None}


def test_store_operations_behave_the_same_on_every_database(database_url: str) -> None:
    engine = open_engine(database_url, Keyring.generate())
    try:
        migrate(engine)
        sessions = session_factory(engine)
        with sessions.begin() as db:
            therapist = actions.create_user(db, email=" Ana@Example.org ", display_name="Ana",
                                            role=UserRole.THERAPIST, password_hash="x")
            assert actions.user_by_email(db, "ana@EXAMPLE.org") is therapist
            client = actions.create_client(db, therapist, "Robin")
            other = actions.create_client(db, therapist, "Sam")
            for target in (client, client, other):
                session = actions.add_session(
                    db, target, title="", source_name="a.txt", source_format="plain", profile=PROFILE,
                    turns=[{"index": 0, "speaker": "T", "role": "therapist", "text": "Hello?", "start": None,
                            "end": None}])
                actions.save_answers(db, CheckIn, session, {**ANSWERS, "comment": None})
            actions.save_answers(db, Reflection, session,
                                 {**ANSWERS, "challenged": None, "independence": None, "needs": None})
            client_id, other_id = client.id, other.id

            token = actions.start_login(db, therapist, 60)
            assert actions.user_for_login(db, token) is therapist
            expired = actions.start_login(db, therapist, -1)
            assert actions.user_for_login(db, expired) is None
            actions.end_login(db, token)
            assert actions.user_for_login(db, token) is None

            invite = actions.new_invite(db, client, 60)
            assert actions.open_invite(db, invite) is not None
            assert actions.open_invite(db, actions.new_invite(db, other, -1)) is None

        with sessions.begin() as db:
            client = db.get(Client, client_id)
            numbers = [s.number for s in client.sessions]
            assert numbers == [1, 2] and client.sessions[0].title == "Session 1"
            assert client.sessions[0].profile.power_lean == 0.25
            assert client.sessions[0].profile.data["summary"]["partnership"] == 0.5
            deleted = actions.revoke_consent(db, client)
            assert (deleted.sessions, deleted.transcripts, deleted.profiles, deleted.check_ins,
                    deleted.reflections) == (2, 2, 2, 2, 0)

        with sessions.begin() as db:
            assert db.get(Client, client_id).sessions == []
            assert db.get(Client, client_id).revoked_at is not None
            remaining = db.query(TherapySession).all()
            assert [s.client_id for s in remaining] == [other_id]  # the other client's data is untouched
            assert remaining[0].reflection is not None
    finally:
        engine.dispose()


def test_public_ids_never_start_like_a_command_line_option() -> None:
    # One in 32 random url-safe ids would start with "-" or "_"; "equipoise agreement export -Uq..." then
    # reads the id as an unknown option.
    from equipoise.store.models import new_public_id

    ids = {new_public_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(i[0] not in "-_" and len(i) == 16 for i in ids)
