"""Who may see what: every object a route touches goes through these checks.

- A therapist sees and changes their own clients and sessions.
- A client sees their own client record, sessions (client reports) and check-ins, and nothing else.
- A supervisor reads, never changes, the work of therapists who opted in; client names are replaced by
  "Client N" unless the therapist chose to share them.
- An administrator manages accounts and sees no clinical data.

Anything else is answered "not found", so the answer does not reveal that an object exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select

from ..store import actions
from ..store.models import Client, TherapySession, User, UserRole
from .core import WebError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Mode = Literal["owner", "self", "supervisor"]


@dataclass(frozen=True, slots=True)
class Access:
    """How a user reaches a client: as its therapist, as the client, or as a supervisor."""

    mode: Mode
    client: Client
    show_names: bool

    @property
    def read_only(self) -> bool:
        return self.mode == "supervisor"


def client_alias(db: Session, client: Client) -> str:
    """'Client N': the client's position among their therapist's clients, stable over time."""
    ids = list(db.scalars(select(Client.id).where(Client.therapist_id == client.therapist_id)
                          .order_by(Client.id)))
    return f"Client {ids.index(client.id) + 1}"


def client_name(db: Session, access: Access) -> str:
    return access.client.label if access.show_names else client_alias(db, access.client)


def _gone(db: Session, user: User, kind: str, public_id: str) -> None:
    # A link to something deleted says so, rather than "not found" (and its id is never handed out again);
    # only to those who could see its client record, so nobody else learns that it existed.
    row = actions.deleted_object(db, public_id)
    if row is None or row.client_ref is None:
        return
    try:
        access_to_client(db, user, row.client_ref)
    except WebError:
        return
    raise WebError(410, f"This {kind} was deleted; its link no longer opens anything.")


def access_to_client(db: Session, user: User, client_id: str) -> Access:
    """The user's access to a client (by its public id), or a 404."""
    client = actions.client_by_public_id(db, client_id)
    if client is not None:
        if user.role == UserRole.THERAPIST and client.therapist_id == user.id:
            return Access("owner", client, True)
        if user.role == UserRole.CLIENT and client.user_id == user.id:
            return Access("self", client, True)
        if user.role == UserRole.SUPERVISOR:
            share = actions.share_between(db, client.therapist_id, user.id)
            if share is not None:
                return Access("supervisor", client, share.show_client_names)
    raise WebError(404, f"No client {client_id} that you can see.")


def access_to_session(db: Session, user: User, session_id: str) -> tuple[Access, TherapySession]:
    """The user's access to a session (by its public id, through its client), or a 404 (410: deleted)."""
    session = actions.session_by_public_id(db, session_id)
    if session is not None:
        client = db.get(Client, session.client_id)
        try:
            if client is not None:
                return access_to_client(db, user, client.public_id), session
        except WebError:
            pass
    else:
        _gone(db, user, "session", session_id)
    raise WebError(404, f"No session {session_id} that you can see.")


def require_owner(access: Access) -> None:
    """Changes are for the therapist who owns the client."""
    if access.mode != "owner":
        raise WebError(403, "Only the client's own therapist can do this.")


def pseudonymise(profile: dict[str, Any], session_number: int) -> dict[str, Any]:
    """A copy of a Profile JSON with speaker names replaced by their roles (for hidden identities).

    Names are replaced wherever they occur as a whole value or a key (metrics keyed by speaker too).
    """
    names: dict[str, str] = {}
    counts: dict[str, int] = {}
    for speaker in (profile.get("transcript") or {}).get("speakers") or []:
        role = str(speaker.get("role") or "other")
        counts[role] = counts.get(role, 0) + 1
        names[str(speaker.get("name"))] = role.capitalize() + (f" {counts[role]}" if counts[role] > 1 else "")

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {names.get(k, k) if isinstance(k, str) else k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            return names.get(value, value)
        return value

    out = walk(profile)
    out["transcript"] = {**out.get("transcript", {}), "id": f"session-{session_number}"}
    return out
