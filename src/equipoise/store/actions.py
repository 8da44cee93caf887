"""What the web app does to the store: accounts, sign-ins, clients, invitations, consent, sessions.

Every function takes an ORM session and leaves committing to the caller, so one request is one
transaction. Tokens handed to people (sign-in cookies, invitation links) are random; only their SHA-256
is stored, so a copy of the database cannot be used to sign in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from .agreement import erase as erase_agreement
from .models import (
    AuditEvent,
    CheckIn,
    Client,
    DeletedObject,
    Invite,
    LoginSession,
    PasswordReset,
    Reflection,
    SelfDescription,
    StoredProfile,
    StoredTranscript,
    SupervisionComment,
    SupervisionShare,
    TherapySession,
    User,
    UserRole,
    utcnow,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..model import Transcript


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a handed-out token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def aware(moment: dt.datetime) -> dt.datetime:
    """``moment`` with its time zone: SQLite hands back naive datetimes even for timezone-aware columns,
    and they were written in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def create_user(db: Session, *, email: str, display_name: str, role: UserRole | str,
                password_hash: str | None) -> User:
    """Add an account; e-mail addresses are compared without case."""
    user = User(email=email.strip().lower(), display_name=display_name.strip(), role=UserRole(role).value,
                password_hash=password_hash)
    db.add(user)
    db.flush()
    return user


def user_by_email(db: Session, email: str) -> User | None:
    return db.scalars(select(User).where(User.email == email.strip().lower())).first()


def start_login(db: Session, user: User, max_age_seconds: int) -> str:
    """Open a sign-in for ``user``; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.add(LoginSession(token_hash=token_hash(token), user_id=user.id,
                        expires_at=utcnow() + dt.timedelta(seconds=max_age_seconds)))
    db.flush()
    return token


def user_for_login(db: Session, token: str) -> User | None:
    """The user signed in with ``token``, or None when it is unknown or expired."""
    row = db.get(LoginSession, token_hash(token))
    if row is None:
        return None
    if aware(row.expires_at) <= utcnow():
        db.delete(row)
        return None
    user = db.get(User, row.user_id)
    return user if user is not None and user.active else None


def end_login(db: Session, token: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.token_hash == token_hash(token)))


def create_client(db: Session, therapist: User, label: str) -> Client:
    """A new client of ``therapist``, without an account or consent yet."""
    client = Client(therapist_id=therapist.id, label=label.strip())
    db.add(client)
    db.flush()
    return client


def new_invite(db: Session, client: Client, max_age_seconds: int) -> str:
    """A one-time invitation token for ``client``; earlier unused invitations stop working."""
    db.execute(delete(Invite).where(Invite.client_id == client.id, Invite.used_at.is_(None)))
    token = secrets.token_urlsafe(32)
    db.add(Invite(client_id=client.id, token_hash=token_hash(token),
                  expires_at=utcnow() + dt.timedelta(seconds=max_age_seconds)))
    db.flush()
    return token


def open_invite(db: Session, token: str) -> Invite | None:
    """The invitation for ``token`` when it is unused and still valid."""
    invite = db.scalars(select(Invite).where(Invite.token_hash == token_hash(token))).first()
    if invite is None or invite.used_at is not None or aware(invite.expires_at) <= utcnow():
        return None
    client = db.get(Client, invite.client_id)
    if client is None or client.user_id is not None:
        return None
    return invite


class InviteTaken(Exception):
    """The invitation was used (or the client got an account) by a request that committed first."""


def accept_invite(db: Session, invite: Invite, *, email: str, display_name: str,
                  password_hash: str) -> User | None:
    """Use the invitation up and create the client's account, or return None when ``email`` has an
    account already (the invitation is used up all the same, so that a caller can answer both alike and
    one link tests at most one address).

    Atomic against concurrent accepts: the invitation is claimed with a conditional update, so of several
    requests holding the same link exactly one wins and the others get :class:`InviteTaken`.
    """
    now = utcnow()
    claimed = db.execute(update(Invite).where(Invite.id == invite.id, Invite.used_at.is_(None))
                         .values(used_at=now).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise InviteTaken()
    if user_by_email(db, email) is not None:
        return None
    try:
        with db.begin_nested():  # another request may take the address between the check and the insert
            user = create_user(db, email=email, display_name=display_name, role=UserRole.CLIENT,
                               password_hash=password_hash)
    except IntegrityError:
        return None
    linked = db.execute(update(Client).where(Client.id == invite.client_id, Client.user_id.is_(None))
                        .values(user_id=user.id).execution_options(synchronize_session=False))
    if linked.rowcount != 1:
        raise InviteTaken()
    db.expire_all()
    return user


def client_of_user(db: Session, user: User) -> Client | None:
    """The client record a client account belongs to."""
    return db.scalars(select(Client).where(Client.user_id == user.id)).first()


def give_consent(db: Session, client: Client) -> None:
    client.consent_at = utcnow()
    client.revoked_at = None
    db.flush()


@dataclass(frozen=True, slots=True)
class Deleted:
    """What revoking consent deleted."""

    sessions: int
    transcripts: int
    profiles: int
    check_ins: int
    reflections: int
    self_descriptions: int = 0
    agreement_versions: int = 0
    agreement_marks: int = 0


def revoke_consent(db: Session, client: Client) -> Deleted:
    """Withdraw consent: delete every session of the client with its transcript, profile and answers, and
    the client's self-description, and their practice agreement with their marks and the therapist's
    answers."""
    ids = list(db.scalars(select(TherapySession.id).where(TherapySession.client_id == client.id)))

    def count(model: Any) -> int:
        if not ids:
            return 0
        return int(db.scalar(select(func.count()).select_from(model).where(model.session_id.in_(ids))) or 0)

    deleted = Deleted(len(ids), count(StoredTranscript), count(StoredProfile), count(CheckIn),
                      count(Reflection), erase_self_description(db, client.user_id),
                      *erase_agreement(db, client))
    if ids:
        remember_deleted(db, "session", db.scalars(select(TherapySession.public_id)
                                                   .where(TherapySession.id.in_(ids))), client)
    # Explicit deletes, children first, so this holds whether or not the database enforces cascades.
    if ids:
        for model in (StoredTranscript, StoredProfile, CheckIn, Reflection, SupervisionComment):
            db.execute(delete(model).where(model.session_id.in_(ids)))
        db.execute(delete(TherapySession).where(TherapySession.id.in_(ids)))
    client.consent_at = None
    client.revoked_at = utcnow()
    db.flush()
    db.expire(client)
    return deleted


def erase_self_description(db: Session, user_id: int | None) -> int:
    """Delete a person's self-description at once; 1 if there was one, else 0."""
    if user_id is None or db.get(SelfDescription, user_id) is None:
        return 0
    db.execute(delete(SelfDescription).where(SelfDescription.user_id == user_id))
    db.expire_all()
    return 1


def turns_of(transcript: Transcript) -> list[dict[str, Any]]:
    """The turns of a transcript as JSON-ready rows."""
    return [{"index": t.index, "speaker": t.speaker.name, "role": t.role.value, "text": t.text,
             "start": t.start, "end": t.end} for t in transcript.turns]


def _shared_power(summary: dict[str, Any]) -> float | None:
    # The summary index under its name since summary version 2.0, or its schema-1 alias.
    return summary.get("shared_power", summary.get("partnership"))


def add_session(db: Session, client: Client, *, title: str, source_name: str, source_format: str,
                turns: list[dict[str, Any]], profile: dict[str, Any],
                notices: list[str] | None = None) -> TherapySession:
    """Store a session with its transcript and its profile (the Profile JSON, as given).

    The session's number is the client's next one, computed inside the INSERT itself (atomic on SQLite,
    which runs one writer at a time) after locking the client's row (PostgreSQL serialises concurrent
    uploads for one client there); a unique constraint on (client, number) backs both.
    """
    db.execute(select(Client.id).where(Client.id == client.id).with_for_update())
    number = (select(func.coalesce(func.max(TherapySession.number), 0) + 1)
              .where(TherapySession.client_id == client.id).scalar_subquery())
    session = TherapySession(client_id=client.id, number=number, title=title.strip()[:200],
                             source_name=source_name[:255], source_format=source_format,
                             reading_notices=list(notices or []))
    db.add(session)
    db.flush()
    db.refresh(session, ["number"])
    if not session.title:
        session.title = f"Session {session.number}"
    summary = profile.get("summary") or {}
    db.add(StoredTranscript(session_id=session.id, turns=turns))
    db.add(StoredProfile(session_id=session.id, schema_version=int(profile.get("schema_version", 1)),
                         power_lean=summary.get("power_lean"), partnership=_shared_power(summary),
                         data=profile))
    db.flush()
    return session


def replace_profile(db: Session, session: TherapySession, turns: list[dict[str, Any]],
                    profile: dict[str, Any]) -> None:
    """Store corrected turns and the profile analysed again from them, in place of the old ones."""
    summary = profile.get("summary") or {}
    if session.transcript is None:
        session.transcript = StoredTranscript(session_id=session.id, turns=turns)
    else:
        session.transcript.turns = turns
    if session.profile is None:
        session.profile = StoredProfile(session_id=session.id, schema_version=1, data=profile)
    stored = session.profile
    stored.schema_version = int(profile.get("schema_version", 1))
    stored.power_lean, stored.partnership = summary.get("power_lean"), _shared_power(summary)
    stored.data = profile
    stored.created_at = utcnow()
    db.flush()


def save_answers(db: Session, model: type[CheckIn] | type[Reflection], session: TherapySession,
                 answers: dict[str, Any]) -> CheckIn | Reflection:
    """Store (or replace) the check-in or the reflection of a session."""
    row = db.get(model, session.id)
    if row is None:
        row = model(session_id=session.id, **answers)
        db.add(row)
    else:
        for key, value in answers.items():
            setattr(row, key, value)
        row.created_at = utcnow()
    db.flush()
    return row


def set_share(db: Session, therapist: User, supervisor: User, *, shared: bool,
              show_client_names: bool = False) -> None:
    """Opt in (or out) of supervision by ``supervisor``."""
    row = db.scalars(select(SupervisionShare).where(SupervisionShare.therapist_id == therapist.id,
                                                    SupervisionShare.supervisor_id == supervisor.id)).first()
    if not shared:
        if row is not None:
            db.delete(row)
    elif row is None:
        db.add(SupervisionShare(therapist_id=therapist.id, supervisor_id=supervisor.id,
                                show_client_names=show_client_names))
    else:
        row.show_client_names = show_client_names
    db.flush()


def share_between(db: Session, therapist_id: int, supervisor_id: int) -> SupervisionShare | None:
    return db.scalars(select(SupervisionShare).where(SupervisionShare.therapist_id == therapist_id,
                                                     SupervisionShare.supervisor_id == supervisor_id)).first()


def client_by_public_id(db: Session, public_id: str) -> Client | None:
    return db.scalars(select(Client).where(Client.public_id == public_id)).first()


def session_by_public_id(db: Session, public_id: str) -> TherapySession | None:
    return db.scalars(select(TherapySession).where(TherapySession.public_id == public_id)).first()


def remember_deleted(db: Session, kind: str, public_ids: Any, client: Client | None) -> None:
    """Keep the public ids of deleted objects and their client record (nothing else of them), so their
    links say "deleted"."""
    for public_id in public_ids:
        db.add(DeletedObject(public_id=public_id, kind=kind,
                             client_ref=client.public_id if client else None))
    db.flush()


def deleted_object(db: Session, public_id: str) -> DeletedObject | None:
    return db.get(DeletedObject, public_id)


def delete_session(db: Session, session: TherapySession) -> None:
    """Delete a session with its transcript, profile, check-in and reflection; its id stays retired."""
    remember_deleted(db, "session", [session.public_id], db.get(Client, session.client_id))
    db.delete(session)
    db.flush()


def audit_event(actor: User | None, action: str, kind: str, object_id: str | None = None, *,
                client: Client | None = None, details: str | None = None) -> AuditEvent:
    """One audit event, who did what to which object, not yet added to any session: what it says is read
    from ``actor`` and ``client`` now, so it stays right if they are deleted before it is written.
    ``details`` must never hold transcript text or answers (field names and counts only)."""
    return AuditEvent(actor_id=actor.id if actor else None,
                      actor_name=actor.display_name if actor else "(not signed in)",
                      actor_role=actor.role if actor else "anonymous", action=action, object_kind=kind,
                      object_id=object_id, client_ref=client.public_id if client else None,
                      details=(details or None) and details[:500])


def audit_trail(db: Session, client: Client | None = None, limit: int = 500) -> list[AuditEvent]:
    """The newest audit events first: of one client record, or all of them."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if client is not None:
        query = query.where(AuditEvent.client_ref == client.public_id)
    return list(db.scalars(query))


def end_all_logins(db: Session, user: User, keep: str | None = None) -> None:
    """Sign ``user`` out everywhere (but the sign-in with token ``keep``): after a password change,
    a reset, a deactivation or a role change."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep is not None:
        query = query.where(LoginSession.token_hash != token_hash(keep))
    db.execute(query)


def new_password_reset(db: Session, user: User, max_age_seconds: int) -> str:
    """A one-time token to set a new password; earlier unused ones stop working."""
    db.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None)))
    token = secrets.token_urlsafe(32)
    db.add(PasswordReset(token_hash=token_hash(token), user_id=user.id,
                         expires_at=utcnow() + dt.timedelta(seconds=max_age_seconds)))
    db.flush()
    return token


def open_password_reset(db: Session, token: str) -> PasswordReset | None:
    row = db.get(PasswordReset, token_hash(token))
    if row is None or row.used_at is not None or aware(row.expires_at) <= utcnow():
        return None
    return row


def set_password(db: Session, user: User, password_hash: str) -> None:
    """A new password: every sign-in of the account ends."""
    user.password_hash = password_hash
    end_all_logins(db, user)
    db.flush()
