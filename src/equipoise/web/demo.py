"""A demo practice for newcomers: a therapist, two clients with the sessions shipped in the package
(``demo_sessions/``, the same as ``examples/``), check-ins,
reflections, a supervisor who was given read access, and an administrator.

Every run makes new random passwords and prints them; :func:`seed` refuses a database that has users.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from fastapi import FastAPI


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """A demo account to print."""

    role: str
    email: str
    password: str
    display_name: str


# The demo's sessions ship inside the package (copies of examples/ in the source tree, checked by a test),
# so `equipoise serve --demo` works from an installed package, from any folder.
DEMO_SESSIONS = Path(__file__).parent / "demo_sessions"


def examples_dir() -> Path:
    """The folder of the demo's session transcripts, shipped as package data."""
    if (DEMO_SESSIONS / "course").is_dir():
        return DEMO_SESSIONS
    raise UsageError("the demo sessions are missing from this installation of Equipoise "
                     f"({DEMO_SESSIONS}); reinstall the package")


_CHECK_INS: dict[str, dict[str, Any]] = {
    "course/session1.txt": {"heard": 3, "say": 2, "disagree": 2, "matters": 3, "who_held": "therapist",
                            "comment": "A lot of questions. I understand why."},
    "course/session2.txt": {"heard": 3, "say": 2, "disagree": 2, "matters": 2, "who_held": "therapist"},
    "course/session3.txt": {"heard": 4, "say": 4, "disagree": 4, "matters": 5, "who_held": "shifted"},
    "course/session4.txt": {"heard": 5, "say": 5, "disagree": 4, "matters": 5, "who_held": "equal",
                            "comment": "This time it felt like my session."},
    "collaborative.txt": {"heard": 5, "say": 5, "disagree": 5, "matters": 5, "who_held": "me"},
    "directive.txt": {"heard": 2, "say": 1, "disagree": 1, "matters": 2, "who_held": "therapist"},
}
_REFLECTIONS: dict[str, dict[str, Any]] = {
    "course/session1.txt": {"heard": 4, "say": 4, "disagree": 4, "matters": 4, "who_held": "equal",
                            "challenged": "She did not challenge me; I am not sure she felt she could.",
                            "independence": "I mentioned her sister but did not ask about her.",
                            "needs": "To get through the assessment properly."},
    "course/session2.txt": {"heard": 4, "say": 3, "disagree": 4, "matters": 4, "who_held": "equal",
                            "challenged": "When she said the thought records did not help, I explained "
                                          "them again instead of asking why.",
                            "independence": None, "needs": "For the homework to work."},
    "course/session3.txt": {"heard": 4, "say": 5, "disagree": 4, "matters": 5, "who_held": "shifted",
                            "challenged": "I named that I had been steering; it changed the session.",
                            "independence": "We talked about her mother's carers.", "needs": None,
                            "projections": "I liked being the one who finally understood her.",
                            "rank_history": "The eldest child who kept things together: I steer when "
                                            "things feel unsafe.",
                            "shared_with_supervisor": ["challenged", "rank_history"]},
    "directive.txt": {"heard": 4, "say": 4, "disagree": 4, "matters": 4, "who_held": "equal",
                      "challenged": "I pushed back when he questioned the sleep diary.",
                      "independence": None, "needs": "For him to follow the protocol."},
}


# Self-descriptions ("About me"): Priya shows hers to her therapist, Dr Okafor his to his clients, so
# Priya's session pages show the differences prompt to both of them.
_ABOUT: dict[str, tuple[dict[str, Any], dict[str, bool]]] = {
    "Priya": ({"age_range": {"choice": "25_34"},
               "class_background": {"choice": "working", "words": "first in my family at university"},
               "language": {"choice": "other", "words": "Gujarati at home"}}, {"to_therapist": True}),
    "Dr Okafor": ({"age_range": {"choice": "55_64"}, "class_background": {"choice": "middle"},
                   "language": {"choice": "first"}}, {"to_client": True, "to_supervisor": True}),
}


def seed(app: FastAPI, examples: Path | None = None) -> list[DemoLogin]:
    """Fill an empty database with the demo practice; returns the logins to print."""
    from sqlalchemy import func, select

    from ..ingest import load
    from ..store import actions
    from ..store.models import CheckIn, Reflection, User, UserRole
    from . import context
    from .reports import analyse as default_analyse

    state = app.state.equipoise
    analyse = state.analyse or default_analyse
    examples = examples or examples_dir()
    logins: list[DemoLogin] = []
    with state.sessions.begin() as db:
        if db.scalar(select(func.count()).select_from(User)):
            raise UsageError("the demo needs an empty database; this one already has accounts")

        def account(role: UserRole, email: str, name: str) -> User:
            password = secrets.token_urlsafe(9)
            logins.append(DemoLogin(role.value, email, password, name))
            user = actions.create_user(db, email=email, display_name=name, role=role,
                                       password_hash=state.passwords.hash(password))
            if name in _ABOUT:
                context.save(db, user, *_ABOUT[name])
            return user

        therapist = account(UserRole.THERAPIST, "therapist@demo.example", "Dr Okafor")
        people = {"Priya": ["course/session1.txt", "course/session2.txt", "course/session3.txt",
                            "course/session4.txt"],
                  "Sam": ["collaborative.txt", "directive.txt"]}
        for name, files in people.items():
            user = account(UserRole.CLIENT, f"{name.lower()}@demo.example", name)
            client = actions.create_client(db, therapist, name)
            client.user_id = user.id
            actions.give_consent(db, client)
            for number, relative in enumerate(files, start=1):
                transcript = load(examples / relative,
                                  therapist=["Dr Okafor"] if relative.startswith("course/") else [])
                session = actions.add_session(
                    db, client, title=f"Session {number}", source_name=Path(relative).name,
                    source_format=transcript.source_format or "plain", turns=actions.turns_of(transcript),
                    profile=analyse(transcript))
                if relative in _CHECK_INS:
                    actions.save_answers(db, CheckIn, session,
                                         {"who_held_other": None, **_CHECK_INS[relative]})
                if relative in _REFLECTIONS:
                    actions.save_answers(db, Reflection, session,
                                         {"who_held_other": None, **_REFLECTIONS[relative]})
        supervisor = account(UserRole.SUPERVISOR, "supervisor@demo.example", "Dr Reyes")
        actions.set_share(db, therapist, supervisor, shared=True, show_client_names=False)
        account(UserRole.ADMIN, "admin@demo.example", "Practice admin")
    return logins
