"""The research export: a therapist's table of their consenting clients' measured sessions, one row each.

It is the web app's side of the research path of the command line: the columns are those of a batch's
``sessions.csv`` where they mean the same thing (:func:`equipoise.report.tables.session_row`), so
``equipoise summarise`` reads it as it reads a batch's (save it as ``sessions.csv`` in a folder).

What a row holds, and no more:

- ``session`` (``client-2-session-3``, the key a researcher's metadata file can use), ``client``
  (``client-2``) and ``session_number``: codes numbered among the clients in this file, in the order they
  were added, so a code names nobody and says nothing about the clients left out; ``session_date`` when
  one was given;
- the profile's provenance and numbers: turns, speakers, labeller and version, ``power_lean``,
  ``shared_power`` and each dimension's ``<dimension>.lean`` (not the raw metrics, which a batch gives);
- ``context_<part>``: the client's listed self-description choices (their keys, e.g. ``25_34``), only when
  the client chose research use on "About me"; empty otherwise, and never their own words.

Never a client's label, name, e-mail or public id, a session's title or file name, a word of the
transcript, a check-in, a reflection or a comment. Only clients who consent to the work are in it, and
only sessions whose profile the therapist may already see: one they have still to write their reflection
about stays out, so the file cannot undo the blinding (:mod:`.blinding`). The therapist who downloads it
must hold each client's consent to research use; the app cannot know that, and says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..store.models import Client, UserRole
from . import blinding, context
from .access import Access

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..store.models import TherapySession, User

KEYS = ("session", "client", "session_number", "session_date")
CONTEXT_PREFIX = "context_"
# The parts with listed choices; "anything else" is own words only, and own words never leave the app.
CONTEXT_COLUMNS = tuple(f"{CONTEXT_PREFIX}{d.key}" for d in context.DIMENSIONS if d.choices)
CAPTION = ("One row per measured session of your clients who consent to the work, under codes (client-1, "
           "client-2 ...) instead of names. The self-description columns are filled only for clients who "
           "chose research use on \u201cAbout me\u201d, with the answers they chose from the lists, never "
           "their own words. No names, titles, words of a conversation, check-ins or reflections. You must "
           "hold each client's consent to research use before you use this file for research.")


@dataclass(slots=True)
class ResearchExport:
    """The rows of the file, their columns, and what was left out (counts only)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    clients: int = 0
    with_context: int = 0  # clients whose self-description choices are in the file
    clients_without_consent: int = 0
    sessions_blinded: int = 0  # measured sessions held back until the therapist writes their reflection
    sessions_unmeasured: int = 0
    # Each client in the file, their rows and whether their choices are in: for their record's audit trail.
    members: list[tuple[Client, int, bool]] = field(default_factory=list)


def filename(exported_at: dt.datetime) -> str:
    """The download's file name.

    >>> filename(dt.datetime(2025, 3, 9, 14, 0, tzinfo=dt.UTC))
    'equipoise-research-sessions-2025-03-09.csv'
    """
    return f"equipoise-research-sessions-{exported_at.date().isoformat()}.csv"


def numbers(session: TherapySession) -> dict[str, Any]:
    """A session's provenance, summary and leans, as the batch's ``sessions.csv`` names them.

    The batch's ``session`` (the input's file name) is left out: a file name can name a client.
    """
    from ..profile import Profile
    from ..report.tables import SESSION_HEAD, session_row

    assert session.profile is not None
    row = session_row(Profile.from_dict(session.profile.data))
    kept = set(SESSION_HEAD) - {"session"}
    return {k: v for k, v in row.items() if k in kept or k.endswith(".lean")}


def context_choices(db: Session, client: Client) -> dict[str, str] | None:
    """The client's listed choices by column, if they chose research use; else None (own words never)."""
    row = context.description_of(db, client.user_id)
    if not context.readable(row, UserRole.CLIENT, "research"):
        return None
    assert row is not None
    details = row.details or {}
    out = {}
    for dim in context.DIMENSIONS:
        choice = (details.get(dim.key) or {}).get("choice")
        if dim.choices and choice in dim.choices:
            out[f"{CONTEXT_PREFIX}{dim.key}"] = choice
    return out


def build(db: Session, therapist: User) -> ResearchExport:
    """The research export of ``therapist``'s own clients (see the module docstring)."""
    from ..report.tables import SESSION_HEAD, union_columns

    out = ResearchExport()
    clients = db.scalars(select(Client).where(Client.therapist_id == therapist.id).order_by(Client.id))
    for client in clients:
        if not client.has_consent:
            out.clients_without_consent += 1
            continue
        access = Access("owner", client, True)
        measured = [s for s in client.sessions if s.profile is not None]
        out.sessions_unmeasured += len(client.sessions) - len(measured)
        shown = [s for s in measured if not blinding.blinded(access, s)]
        out.sessions_blinded += len(measured) - len(shown)
        if not shown:
            continue
        out.clients += 1
        code = f"client-{out.clients}"
        choices = context_choices(db, client)
        out.with_context += choices is not None
        out.members.append((client, len(shown), choices is not None))
        for session in shown:
            out.rows.append({
                "session": f"{code}-session-{session.number}", "client": code,
                "session_number": session.number,
                "session_date": session.session_date.isoformat() if session.session_date else None,
                **numbers(session), **dict.fromkeys(CONTEXT_COLUMNS), **(choices or {})})
    head = (*KEYS, *(c for c in SESSION_HEAD if c != "session"))
    leans = [c for c in union_columns(out.rows) if c.endswith(".lean")]
    out.columns = [*head, *leans, *CONTEXT_COLUMNS]
    return out


def csv_body(export: ResearchExport) -> bytes:
    """The file: UTF-8 CSV with a header (an empty export still has its header)."""
    from ..report.tables import csv_text

    return csv_text(export.rows, export.columns).encode("utf-8")


def audit_details(export: ResearchExport, client_rows: int, with_context: bool) -> str:
    """What the trail records of one client's part of a download: counts and yes/no, never a value."""
    return (f"research export: {client_rows} session(s) of this client, self-description choices: "
            f"{'yes' if with_context else 'no'}; {len(export.rows)} session(s) of {export.clients} "
            "client(s) in the file")
