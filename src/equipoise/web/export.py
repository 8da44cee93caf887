"""A client's own data as one JSON document they can take with them (the "Download my data" file).

It holds what the client can already read in the app, and no more: their account, their consent, and per
session its title, the profile their client report is built from, the transcript's turns when that report
shows them, and their check-in; and their practice agreement (every version, their marks and the
therapist's answers). The therapist's reflections are the therapist's records and stay out.

>>> filename(dt.datetime(2025, 3, 9, 14, 0, tzinfo=dt.UTC))
'equipoise-my-data-2025-03-09.json'
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from . import perception, views

if TYPE_CHECKING:
    from ..store.models import CheckIn, Client, SelfDescription, TherapySession, User
    from .access import Access

FORMAT = "equipoise-my-data"
FORMAT_VERSION = 1

NOT_INCLUDED: dict[str, str] = {
    "therapist's reflections": "Your therapist's self-reflection on each session (what they expected you to "
                               "answer, their thoughts on their own use of power) is their own record, not "
                               "yours, so it is not in this file. Equipoise stores no other notes.",
    "password": "Only a one-way hash of your password is stored, and it is not in this file.",
}


def filename(exported_at: dt.datetime) -> str:
    """The download's file name: ``equipoise-my-data-YYYY-MM-DD.json``.

    >>> filename(dt.datetime(2025, 3, 9, 14, 0, tzinfo=dt.UTC))
    'equipoise-my-data-2025-03-09.json'
    """
    return f"{FORMAT}-{exported_at.date().isoformat()}.json"


def my_data(user: User, access: Access, *, exported_at: dt.datetime, version: str,
            self_description: SelfDescription | None = None,
            agreement: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything Equipoise stores about the client ``access`` reaches as themself, JSON-ready
    (``agreement``: their practice agreement as :func:`equipoise.agreement.frame_view` shows it)."""
    from .context import for_owner

    client: Client = access.client
    own = for_owner(self_description, user.role)
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "exported_at": exported_at.isoformat(), "equipoise_version": version,
        "account": {"email": user.email, "display_name": user.display_name,
                    "created_at": views.when(user.created_at)},
        # The name the therapist gave the record is shown to the client in the app (their sessions' JSON).
        "client_record": {"name": client.label, "created_at": views.when(client.created_at)},
        "consent": {"consents_now": client.has_consent, "given_at": views.when(client.consent_at),
                    "revoked_at": views.when(client.revoked_at)},
        "sessions": [session_data(access, session) for session in client.sessions],
        # Their own description of themself and whom they show it to (None when they have not written one).
        "self_description": ({"parts": own["details"], "updated_at": own["updated_at"],
                              "readers": {a["flag"]: a["on"] for a in own["audiences"]}}
                             if own["exists"] else None),
        "agreement": agreement,
        "not_included": NOT_INCLUDED,
    }


def session_data(access: Access, session: TherapySession) -> dict[str, Any]:
    """One session as the client reads it: the client report's profile and turns, and their check-in."""
    return {"number": session.number, "title": session.title, "created_at": views.when(session.created_at),
            "source_format": session.source_format,
            "profile": views.profile_for_viewer(access, session),
            "turns": views.turns_for_viewer(access, session),
            "check_in": check_in_data(session.check_in)}


def check_in_data(row: CheckIn | None) -> dict[str, Any] | None:
    """The client's check-in with each question and answer in words, so the file explains itself."""
    if row is None:
        return None
    statements = []
    for item in perception.ITEMS:
        answer = getattr(row, item.key)
        statements.append({"key": item.key, "statement": item.text, "answer": answer,
                           "answer_words": perception.SCALE.get(answer)})
    return {"answered_at": views.when(row.created_at), "statements": statements,
            "who_held_the_power": {"question": perception.WHO_HELD_QUESTION, "answer": row.who_held,
                                   "answer_words": perception.WHO_HELD.get(row.who_held),
                                   "in_your_words": row.who_held_other},
            "comment": row.comment}
