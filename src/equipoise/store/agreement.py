"""What the web app does to a client's practice agreement: versions (append-only), marks and answers.

Like :mod:`equipoise.store.actions`, every function takes an ORM session and leaves committing to the
caller. A version is never changed once written: a change of the frame is a new version, numbered per
client under a unique index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from ..agreement import MARKS, MAX_TEXT, clean_items
from .models import AgreementMark, AgreementVersion, Client, User, utcnow

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session


def versions(db: Session, client: Client) -> list[AgreementVersion]:
    """The client's agreement versions, oldest first."""
    return list(db.scalars(select(AgreementVersion).where(AgreementVersion.client_id == client.id)
                           .order_by(AgreementVersion.number)))


def marks(db: Session, client: Client) -> list[AgreementMark]:
    """The client's marks on their agreement, oldest first."""
    return list(db.scalars(select(AgreementMark).where(AgreementMark.client_id == client.id)
                           .order_by(AgreementMark.id)))


def add_version(db: Session, client: Client, items: Mapping[str, str]) -> AgreementVersion | None:
    """Append a version with ``items`` (cleaned); None when it says exactly what the current one says.

    Numbered like sessions (:func:`equipoise.store.actions.add_session`): the client's row is locked
    first (PostgreSQL), and the number is computed inside the INSERT (atomic on SQLite); the unique index
    on (client, number) backs both.
    """
    cleaned = clean_items(items)
    db.execute(select(Client.id).where(Client.id == client.id).with_for_update())
    current = db.scalars(select(AgreementVersion).where(AgreementVersion.client_id == client.id)
                         .order_by(AgreementVersion.number.desc()).limit(1)).first()
    if current is not None and dict(current.items) == cleaned:
        return None
    number = (select(func.coalesce(func.max(AgreementVersion.number), 0) + 1)
              .where(AgreementVersion.client_id == client.id).scalar_subquery())
    version = AgreementVersion(client_id=client.id, number=number, items=cleaned)
    db.add(version)
    db.flush()
    db.refresh(version, ["number"])
    return version


def template_for(db: Session, therapist: User) -> dict[str, str]:
    """The items of the therapist's most recent agreement with any client: a new agreement starts there."""
    latest = db.scalars(select(AgreementVersion).join(Client, Client.id == AgreementVersion.client_id)
                        .where(Client.therapist_id == therapist.id)
                        .order_by(AgreementVersion.created_at.desc(), AgreementVersion.id.desc())
                        .limit(1)).first()
    return dict(latest.items) if latest is not None else {}


def add_mark(db: Session, version: AgreementVersion, item: str, kind: str,
             comment: str | None) -> AgreementMark:
    """The client's mark on ``item`` of ``version`` (callers check that the item is in it)."""
    if kind not in MARKS:
        raise ValueError(f"no mark {kind!r}; available marks: {', '.join(MARKS)}")
    mark = AgreementMark(client_id=version.client_id, version_id=version.id, item=item, kind=kind,
                         comment=(comment or "").strip()[:MAX_TEXT] or None)
    db.add(mark)
    db.flush()
    return mark


def mark_by_public_id(db: Session, client: Client, public_id: str) -> AgreementMark | None:
    return db.scalars(select(AgreementMark).where(AgreementMark.public_id == public_id,
                                                  AgreementMark.client_id == client.id)).first()


def answer_mark(db: Session, mark: AgreementMark, answer: str) -> None:
    """The therapist's answer to a mark (a new answer replaces the old one, and the client is told)."""
    mark.answer = answer.strip()[:MAX_TEXT]
    mark.answered_at = utcnow()
    mark.answer_seen_at = None
    db.flush()


def unseen(db: Session, client: Client) -> tuple[list[int], int]:
    """The numbers of the versions the client has not opened yet, and how many answers they have not read."""
    numbers = [v.number for v in versions(db, client) if v.client_seen_at is None]
    new_answers = db.scalar(select(func.count()).select_from(AgreementMark).where(
        AgreementMark.client_id == client.id, AgreementMark.answered_at.is_not(None),
        AgreementMark.answer_seen_at.is_(None))) or 0
    return numbers, int(new_answers)


def mark_seen(db: Session, client: Client) -> None:
    """The client has opened their agreement: every version and answer is now seen."""
    now = utcnow()
    for version in versions(db, client):
        if version.client_seen_at is None:
            version.client_seen_at = now
    for mark in marks(db, client):
        if mark.answered_at is not None and mark.answer_seen_at is None:
            mark.answer_seen_at = now
    db.flush()


def erase(db: Session, client: Client) -> tuple[int, int]:
    """Delete the client's agreement (every version) and their marks; returns (versions, marks)."""
    counts = (len(versions(db, client)), len(marks(db, client)))
    # Children first, so this holds whether or not the database enforces cascades.
    db.execute(delete(AgreementMark).where(AgreementMark.client_id == client.id))
    db.execute(delete(AgreementVersion).where(AgreementVersion.client_id == client.id))
    db.flush()
    return counts
