"""The tables of the web app's store (SQLAlchemy 2 declarative models).

Who owns what: a therapist owns their clients; a client record owns its sessions, and a session owns its
transcript, profile, check-in and reflection, so deleting a client's sessions deletes all of those.
Profiles are stored as the JSON of the public Profile contract and never recomputed here.
A client record also owns its practice agreement: immutable versions and the client's marks on them.
Transcripts, profiles, the free text of check-ins and reflections, and the agreement's items, marks and
answers are encrypted at rest
(:mod:`equipoise.store.encrypted`); the key is kept outside the database (:mod:`equipoise.store.keys`).
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from .encrypted import EncryptedJSON, EncryptedText


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_public_id() -> str:
    """A random id for links and addresses: never guessable from another, never reused after a deletion.
    It never starts with "-" or "_", so that it can be typed as a command-line argument
    (``equipoise agreement export <id>``) without being read as an option."""
    while True:
        found = secrets.token_urlsafe(12)
        if found[0] not in "-_":
            return found


class UserRole(enum.StrEnum):
    """What a user of the web app is."""

    THERAPIST = "therapist"
    CLIENT = "client"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class Base(DeclarativeBase):
    """Declarative base of every table."""


class AppMeta(Base):
    """Key-value facts about this installation (never a secret: keys live outside the database)."""

    __tablename__ = "app_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class User(Base):
    """Someone who signs in. Clients get an account when they accept their invitation."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # A deactivated account keeps its data but cannot sign in.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LoginSession(Base):
    """A signed-in browser: only the SHA-256 of the cookie's random token is stored."""

    __tablename__ = "login_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """A failed sign-in, counted per key (address, account, or the pair) within the window.

    Only the SHA-256 of the key is stored, so the table holds no e-mail address or network address.
    """

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[float] = mapped_column(Float, index=True)


class PasswordReset(Base):
    """A one-time link an administrator made for someone to set a new password (SHA-256 of the token)."""

    __tablename__ = "password_resets"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Client(Base):
    """A therapist's client; ``label`` is what the therapist calls them, ``user_id`` their account."""

    __tablename__ = "clients"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True, default=new_public_id)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True,
                                                unique=True)
    label: Mapped[str] = mapped_column(String(200))
    consent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The client's choice: whether their own words (comments, "something else") reach a supervisor.
    comments_to_supervisor: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    sessions: Mapped[list[TherapySession]] = relationship(
        back_populates="client", cascade="all, delete-orphan", passive_deletes=True,
        order_by="TherapySession.number")
    invites: Mapped[list[Invite]] = relationship(cascade="all, delete-orphan", passive_deletes=True)

    @property
    def has_consent(self) -> bool:
        return self.consent_at is not None


class Invite(Base):
    """A one-time invitation link for a client (only the token's SHA-256 is stored)."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class TherapySession(Base):
    """One therapy session of a client: its transcript, its profile and the two voices about it."""

    __tablename__ = "therapy_sessions"
    # Numbers are allocated under this constraint, so concurrent uploads cannot share one.
    __table_args__ = (Index("uq_therapy_sessions_client_number", "client_id", "number", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True, default=new_public_id)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    source_name: Mapped[str] = mapped_column(String(255))
    source_format: Mapped[str] = mapped_column(String(40))
    session_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # What the reader assumed when it read the file (an inferred role, an encoding): shown on the page.
    reading_notices: Mapped[list[str] | None] = mapped_column(EncryptedJSON, nullable=True)
    # When each side was first shown the other side's answers or the measured profile (blinding).
    therapist_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    client_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    client: Mapped[Client] = relationship(back_populates="sessions")
    transcript: Mapped[StoredTranscript | None] = relationship(cascade="all, delete-orphan",
                                                               passive_deletes=True)
    # Session lists read each session's summary numbers and whether the two voices are in: one query
    # per part for all the sessions listed, not one per session (the profile's JSON stays deferred).
    profile: Mapped[StoredProfile | None] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                         lazy="selectin")
    check_in: Mapped[CheckIn | None] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                    lazy="selectin")
    reflection: Mapped[Reflection | None] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                         lazy="selectin")
    supervision_comments: Mapped[list[SupervisionComment]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="SupervisionComment.id")


class StoredTranscript(Base):
    """The turns of a session as read (speaker, role, text, times), kept so it can be analysed again."""

    __tablename__ = "transcripts"
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_sessions.id", ondelete="CASCADE"),
                                            primary_key=True)
    turns: Mapped[list[dict[str, Any]]] = mapped_column(EncryptedJSON)


class StoredProfile(Base):
    """A session's power profile: the Profile JSON as the analysers produced it."""

    __tablename__ = "profiles"
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_sessions.id", ondelete="CASCADE"),
                                            primary_key=True)
    schema_version: Mapped[int] = mapped_column(Integer)
    power_lean: Mapped[float | None] = mapped_column(Float, nullable=True)
    partnership: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Decrypted and parsed only when read (a report, the JSON), not when a list shows the numbers above.
    data: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON, deferred=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CheckIn(Base):
    """The client's answers after a session (items 1-5, who held the power, an optional comment)."""

    __tablename__ = "check_ins"
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_sessions.id", ondelete="CASCADE"),
                                            primary_key=True)
    heard: Mapped[int] = mapped_column(Integer)
    say: Mapped[int] = mapped_column(Integer)
    disagree: Mapped[int] = mapped_column(Integer)
    matters: Mapped[int] = mapped_column(Integer)
    who_held: Mapped[str] = mapped_column(String(20))
    who_held_other: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    comment: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    # "I have seen it already": answered after seeing the report or the therapist's expectation.
    after_seeing: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Reflection(Base):
    """The therapist's self-reflection: predicted client answers and their own use of power."""

    __tablename__ = "reflections"
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_sessions.id", ondelete="CASCADE"),
                                            primary_key=True)
    heard: Mapped[int] = mapped_column(Integer)
    say: Mapped[int] = mapped_column(Integer)
    disagree: Mapped[int] = mapped_column(Integer)
    matters: Mapped[int] = mapped_column(Integer)
    who_held: Mapped[str] = mapped_column(String(20))
    who_held_other: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    # The power story: the therapist's own answers, private to them unless shared one by one.
    projections: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    challenged: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    independence: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    needs: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    rank_history: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    # The keys of the power-story answers the therapist shares with their supervisors (none by default).
    shared_with_supervisor: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)
    # Written after seeing the client's answers or the measured profile.
    after_seeing: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SelfDescription(Base):
    """A person's own description of their social context (age range, gender, background ...), theirs alone.

    Every field is optional and encrypted (``details``: dimension -> {"choice", "words"}). The owner
    chooses who else reads it; a client's flags are ``to_therapist``, ``to_supervisor`` and
    ``to_research``, a therapist's ``to_client`` and ``to_supervisor`` (see :mod:`equipoise.web.context`).
    """

    __tablename__ = "self_descriptions"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    details: Mapped[dict[str, Any]] = mapped_column(EncryptedJSON)
    to_therapist: Mapped[bool] = mapped_column(Boolean, default=False)
    to_client: Mapped[bool] = mapped_column(Boolean, default=False)
    to_supervisor: Mapped[bool] = mapped_column(Boolean, default=False)
    to_research: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SupervisionComment(Base):
    """A supervisor's comment for the therapist, on a session or on one of its turns."""

    __tablename__ = "supervision_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("therapy_sessions.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    author_name: Mapped[str] = mapped_column(String(200))
    turn_index: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text: Mapped[str] = mapped_column(EncryptedText)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SupervisionShare(Base):
    """A therapist's opt-in: this supervisor may read their work, read-only."""

    __tablename__ = "supervision_shares"
    __table_args__ = (UniqueConstraint("therapist_id", "supervisor_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    therapist_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    show_client_names: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AgreementVersion(Base):
    """One version of a client's practice agreement: immutable once written (a change is a new version).

    ``items`` maps an item's key (see :mod:`equipoise.agreement`) to the therapist's text.
    """

    __tablename__ = "agreement_versions"
    __table_args__ = (Index("uq_agreement_versions_client_number", "client_id", "number", unique=True),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True, default=new_public_id)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    items: Mapped[dict[str, str]] = mapped_column(EncryptedJSON)
    # When the client first opened the agreement at this version (the "what changed" notice stops then).
    client_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AgreementMark(Base):
    """A client's mark on one item of the agreement version they read, and the therapist's answer."""

    __tablename__ = "agreement_marks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True, index=True, default=new_public_id)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_versions.id", ondelete="CASCADE"),
                                            index=True)
    item: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    answer: Mapped[str | None] = mapped_column(EncryptedText, nullable=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # When the client first read the answer.
    answer_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DeletedObject(Base):
    """The public id of something deleted, so its old links say so (and the id is never handed out again)."""

    __tablename__ = "deleted_objects"
    public_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    # The client record it belonged to, so only those who could see it learn that it was deleted.
    client_ref: Mapped[str | None] = mapped_column(String(32), nullable=True)
    deleted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEvent(Base):
    """Who viewed, exported or changed what. Never any transcript text or answer; kept after deletions.

    Objects are named by public id and the client record they belong to (no foreign keys), so the trail
    outlives what it describes.
    """

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40))
    object_kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    client_ref: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    details: Mapped[str | None] = mapped_column(String(500), nullable=True)
