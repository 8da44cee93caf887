"""Perceived vs measured stays blinded: each side answers first, then sees the other side.

The client answers their check-in before they read the session's report; the therapist writes their
expectation (the reflection) before they read the client's answers or the measured profile. Someone who
wants to look first may, but it is recorded ("I have seen it already"), and an answer given after seeing
is marked as such wherever the answers are compared. A supervisor answers nothing and is never blinded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..store.models import utcnow

if TYPE_CHECKING:
    from ..store.models import TherapySession
    from .access import Access

# What each side would see too early, in the words of the pages.
HIDDEN = {"owner": "the client's answers and the measured profile (the report)",
          "self": "the report of this session"}
FIRST = {"owner": "write your reflection (what you expect your client to answer)",
         "self": "answer the one-minute check-in"}


def blinded(access: Access, session: TherapySession) -> bool:
    """Whether the viewer has still to answer before seeing the other side (and has not chosen to look)."""
    if access.mode == "owner":
        return session.reflection is None and session.therapist_seen_at is None
    if access.mode == "self":
        return session.check_in is None and session.client_seen_at is None
    return False


def mark_seen(access: Access, session: TherapySession) -> None:
    """Record that the viewer has been shown the other side (the first time only)."""
    if access.mode == "owner" and session.therapist_seen_at is None:
        session.therapist_seen_at = utcnow()
    elif access.mode == "self" and session.client_seen_at is None:
        session.client_seen_at = utcnow()


def seen_before(access: Access, session: TherapySession) -> bool:
    """Whether an answer given now comes after the viewer saw the other side."""
    if access.mode == "owner":
        return session.therapist_seen_at is not None
    return session.client_seen_at is not None


def notice(access: Access) -> str:
    """The sentence a blinded page shows."""
    return (f"To keep the two views independent, {FIRST[access.mode]} first; then you see "
            f"{HIDDEN[access.mode]}. If you look first, your answers will be marked as given after "
            "seeing it.")
