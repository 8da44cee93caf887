"""The practice agreement as a viewer may read it: stored versions and marks become an
:class:`equipoise.agreement.Frame`, the one value the agreement page, the course report, the consent page
and the client's download read.

Who sees what: the therapist and the client see everything (items, history, marks, comments, answers). A
supervisor the therapist chose sees the items, their history and which items the client marked, but the
client's comments and the therapist's answers to them (which answer those words) only when the client
allows their own words to reach a supervisor (:func:`equipoise.web.promises.words_reach`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..agreement import Frame, Mark, Version
from ..store import agreement as stored
from ..store.actions import aware
from . import promises

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..store.models import TherapySession
    from .access import Access


def _session_day(session: TherapySession) -> dt.date:
    return session.session_date or aware(session.created_at).date()


def after_session(created_at: dt.datetime, sessions: Sequence[TherapySession]) -> str | None:
    """The last session held on or before the day a version was written ("#2"), or None."""
    day = aware(created_at).date()
    before = [s for s in sessions if _session_day(s) <= day]
    return f"#{max(before, key=lambda s: (_session_day(s), s.number)).number}" if before else None


def frame_for(db: Session, access: Access) -> Frame:
    """The client's agreement over time, with the client's words left out where the viewer may not read
    them."""
    client = access.client
    allowed = promises.words_reach(access.mode, allows_supervisor=client.comments_to_supervisor)
    rows = stored.versions(db, client)
    numbers = {row.id: row.number for row in rows}
    sessions = list(client.sessions)
    versions = [Version(row.number, aware(row.created_at), dict(row.items),
                        after_session(row.created_at, sessions)) for row in rows]
    marks = [Mark(m.item, m.kind, numbers.get(m.version_id, 0), aware(m.created_at),
                  m.comment if allowed else None, m.answer if allowed else None,
                  aware(m.answered_at) if m.answered_at else None) for m in stored.marks(db, client)]
    return Frame(versions, marks, words_hidden=not allowed)


def mark_ids(db: Session, access: Access) -> list[dict[str, Any]]:
    """The public id and answer address of each mark, in the order of :func:`frame_for`'s marks."""
    client_id = access.client.public_id
    return [{"id": m.public_id, "answer_action": f"/clients/{client_id}/agreement/marks/{m.public_id}/answer"}
            for m in stored.marks(db, access.client)]


def export_html(database_url: str | None, client_id: str, *, audience: str = "therapist",
                static: bool = False) -> str:
    """The practice agreement of client record ``client_id`` (its public id, as in the page's address)
    as an HTML document, read from the configured database with its data key (for ``equipoise agreement
    export``: whoever runs it holds the database and the key, so it is the therapist's full view)."""
    from ..errors import UsageError
    from ..report.html import render_agreement
    from ..store import actions, migrate, open_engine, session_factory
    from ..store.models import utcnow
    from .access import Access
    from .settings import Settings

    settings = Settings.from_env(database_url=database_url)
    _require_database(settings.database_url)
    engine = open_engine(settings.database_url, settings.keyring(create=False))
    try:
        migrate(engine)  # an older database: the agreement tables are added (empty)
        with session_factory(engine)() as db:
            client = actions.client_by_public_id(db, client_id)
            if client is None:
                raise UsageError(f"no client record {client_id!r} in this database (the id is the one in "
                                 "the address of the client's page)")
            access = Access("self" if audience == "client" else "owner", client, True)
            return render_agreement(frame_for(db, access), title=client.label, audience=audience,
                                    static=static, written=utcnow().date().isoformat())
    finally:
        engine.dispose()


def _require_database(url: str) -> None:
    # Opening a SQLite URL creates the file: an export must not leave an empty database behind a typo.
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from ..errors import UsageError

    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() == "sqlite" and database not in ("", ":memory:") \
            and not database.startswith("file:") and not Path(database).exists():
        raise UsageError(f"no database at {database}; give the --database-url of the practice")
