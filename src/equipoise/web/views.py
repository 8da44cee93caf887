"""JSON-ready views of stored objects, shared by the pages (which are their JSON twins' templates)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import perception, promises
from .access import Access, client_name, pseudonymise

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..store.models import TherapySession


def when(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def session_row(session: TherapySession, show_names: bool = True, *, blind: bool = False,
                for_client: bool = False) -> dict[str, Any]:
    """One line of a session list: number, title, measured summary and which voices are in.

    Without ``show_names`` the therapist's own title (which may name the client) becomes "Session N";
    with ``blind`` (the viewer has still to answer) the measured summary is left out.
    ``for_client``: the therapist's reflection is private to them, so even whether it exists is None.
    """
    profile = None if blind else session.profile
    title = session.title if show_names else f"Session {session.number}"
    return {"id": session.public_id, "number": session.number, "title": title,
            "created_at": when(session.created_at), "source_format": session.source_format,
            "session_date": session.session_date.isoformat() if session.session_date else None,
            "power_lean": profile.power_lean if profile else None,
            # The summary's shared-power index (stored in the profiles table's ``partnership`` column).
            "shared_power": profile.partnership if profile else None,
            "power_words": ("is shown once you have answered" if blind
                            else perception.lean_words(profile.power_lean if profile else None)),
            "blinded": blind,
            "has_check_in": session.check_in is not None,
            "has_reflection": None if for_client else session.reflection is not None,
            "href": f"/sessions/{session.public_id}"}


def client_view(db: Session, access: Access) -> dict[str, Any]:
    """A client as the viewer may see them (a supervisor sees "Client N" unless names are shared)."""
    client = access.client
    return {"id": client.public_id, "name": client_name(db, access), "has_consent": client.has_consent,
            "consent_at": when(client.consent_at), "revoked_at": when(client.revoked_at),
            "has_account": client.user_id is not None, "href": f"/clients/{client.public_id}"}


def profile_for_viewer(access: Access, session: TherapySession) -> dict[str, Any] | None:
    """The stored Profile JSON, with speaker names hidden from a supervisor without shared names."""
    if session.profile is None:
        return None
    data = dict(session.profile.data)
    return data if access.show_names else pseudonymise(data, session.number)


def turns_for_viewer(access: Access, session: TherapySession) -> list[dict[str, Any]] | None:
    """The stored turns, with their words, when the viewer's report shows the transcript; else None.

    The report shows the words only beside a profile, and only to readers who see names (the therapist,
    the client themself, a supervisor the therapist shared names with).
    """
    if session.profile is None or session.transcript is None or not access.show_names:
        return None
    return [dict(turn) for turn in session.transcript.turns]


def course_points(sessions: Iterable[TherapySession]) -> list[dict[str, Any]]:
    """Per session: measured power lean, and the client's and the therapist's answers as -1/0/+1."""
    sides = {"therapist": 1.0, "client": -1.0, "equal": 0.0}
    points = []
    for session in sessions:
        client_side = perception.side_of_answer(session.check_in.who_held if session.check_in else None)
        reflection = session.reflection
        predicted_side = perception.side_of_answer(reflection.who_held if reflection else None)
        points.append({
            "session_id": session.public_id, "label": f"#{session.number}",
            "measured": session.profile.power_lean if session.profile else None,
            "client": sides.get(client_side or ""), "predicted": sides.get(predicted_side or ""),
            "client_answer": session.check_in.who_held if session.check_in else None,
            "predicted_answer": session.reflection.who_held if session.reflection else None,
            "client_items": ({k: getattr(session.check_in, k) for k in perception.ITEM_KEYS}
                             if session.check_in else None),
            "predicted_items": ({k: getattr(reflection, k) for k in perception.ITEM_KEYS}
                                if reflection else None),
        })
    return points


def who_held_counts(answers: Iterable[str | None]) -> list[dict[str, Any]]:
    """How often each answer to "who held the power?" was given, in the order of the question."""
    counts = Counter(a for a in answers if a)
    return [{"answer": key, "label": label, "count": counts.get(key, 0)}
            for key, label in perception.WHO_HELD_THIRD.items()]


def check_in_for_viewer(access: Access, session: TherapySession) -> dict[str, Any] | None:
    """The client's check-in as the viewer may read it: the client's own words (comment, "something
    else") are left out for a supervisor unless the client allowed them (see :mod:`.promises`)."""
    answers = perception.answers_of(session.check_in, extra=("comment",))
    if answers is None:
        return None
    allowed = promises.words_reach(access.mode, allows_supervisor=access.client.comments_to_supervisor)
    answers["words_hidden"] = not allowed
    if not allowed:
        answers["comment"] = answers["who_held_other"] = None
    return answers


def hidden_from_supervisor(access: Access) -> list[str]:
    """What a supervisor's pages leave out, in words (the pages say it, so nobody reads a gap as nothing)."""
    hidden = []
    if not access.show_names:
        hidden += ["client names (\u201cClient 1\u201d \u2026 instead) and the therapist's session titles",
                   "speaker names in profiles and reports",
                   "the words of every turn (the report shows the measured profile, not the transcript)"]
    if not access.client.comments_to_supervisor:
        hidden.append("the client's own words in their check-ins and on the practice agreement, and the "
                      "answers to those words (the client has not allowed them)")
    return hidden


def titled(access: Access, session: TherapySession, profile: dict[str, Any],
           label: str | None = None) -> dict[str, Any]:
    """The profile with the session's own title (or ``label``) as the report's title, not the uploaded
    file's name; a supervisor without shared names keeps "session-N"."""
    if not access.show_names:
        return profile
    return {**profile, "transcript": {**(profile.get("transcript") or {}), "id": label or session.title}}
