"""Encrypt transcripts, profiles, reading notices, check-in, reflection and supervision comment text at
rest; one number per client's session; no secret in the database; failed sign-ins counted in the database.

The encrypted columns become TEXT holding Fernet tokens, and the rows already stored are encrypted with
the data key of the engine that runs the migration (see equipoise.store.keys). The signing secret that
earlier versions kept in app_meta is deleted: it is now derived from the data key.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 20:40:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

_JSON = {"transcripts": ("session_id", "turns"), "profiles": ("session_id", "data")}
_TEXT = {"check_ins": ("session_id", ("who_held_other", "comment")),
         "reflections": ("session_id", ("who_held_other", "challenged", "independence", "needs")),
         "supervision_comments": ("id", ("text",))}
# Reading notices name the speakers: encrypted too, changed to TEXT without rebuilding therapy_sessions.
_NOTICES = ("therapy_sessions", "id", "reading_notices")


def _keyring():  # type: ignore[no-untyped-def]
    from equipoise.store.encrypted import keyring_of

    return keyring_of(op.get_bind().dialect)


def _encrypt_rows(name: str, pk: str, columns: tuple[str, ...], as_json: bool) -> None:
    bind = op.get_bind()
    target = sa.table(name, sa.column(pk), *(sa.column(c, sa.Text()) for c in columns))
    rows = bind.execute(sa.select(target)).mappings().all()
    if not rows:
        return
    ring = _keyring()
    for row in rows:
        values = {}
        for column in columns:
            value = row[column]
            if value is None:
                continue
            if as_json and not isinstance(value, str):
                value = json.dumps(value, separators=(",", ":"))
            values[column] = ring.encrypt(str(value).encode("utf-8"))
        if values:
            bind.execute(sa.update(target).where(target.c[pk] == row[pk]).values(**values))


def upgrade() -> None:
    _retype_documents(sa.JSON(), sa.Text(), "text")
    _retype_notices(sa.JSON(), sa.Text(), "text")
    for name, (pk, column) in {**_JSON, _NOTICES[0]: _NOTICES[1:]}.items():
        _encrypt_rows(name, pk, (column,), as_json=True)
    for name, (pk, columns) in _TEXT.items():
        _encrypt_rows(name, pk, columns, as_json=False)
    op.execute(sa.text("DELETE FROM app_meta WHERE key = 'secret_key'"))
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failures_key_hash'), ['key_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failures_at'), ['at'], unique=False)
    _renumber_duplicates()
    # A unique index, not a constraint: on SQLite a constraint means recreating the table, and dropping
    # the old one would cascade to every session's transcript, profile and answers.
    op.create_index('uq_therapy_sessions_client_number', 'therapy_sessions', ['client_id', 'number'],
                    unique=True)


def _retype_documents(old: sa.types.TypeEngine, new: sa.types.TypeEngine, cast: str) -> None:
    # transcripts and profiles: rebuilt by a batch alter on SQLite, which nothing cascades from
    postgres = op.get_bind().dialect.name == "postgresql"
    for name, (_pk, column) in _JSON.items():
        if postgres:
            op.alter_column(name, column, type_=new, existing_type=old, existing_nullable=False,
                            postgresql_using=f"{column}::{cast}")
        else:
            with op.batch_alter_table(name) as batch_op:
                batch_op.alter_column(column, type_=new, existing_type=old, existing_nullable=False)


def _retype_notices(old: sa.types.TypeEngine, new: sa.types.TypeEngine, cast: str) -> None:
    table, _pk, column = _NOTICES
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(table, column, type_=new, existing_type=old, existing_nullable=True,
                        postgresql_using=f"{column}::{cast}")
        return
    # SQLite: a new column, the values copied, the old one dropped in place (SQLite 3.35+), no rebuild;
    # a batch alter would recreate therapy_sessions and the drop would cascade to every session's data.
    kind = "TEXT" if cast == "text" else "JSON"
    op.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column}_new {kind}"))
    op.execute(sa.text(f"UPDATE {table} SET {column}_new = {column}"))
    op.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN {column}"))
    op.execute(sa.text(f"ALTER TABLE {table} RENAME COLUMN {column}_new TO {column}"))


def _renumber_duplicates() -> None:
    # Earlier versions could give two concurrent uploads one number: give them the next free ones, in the
    # order they were stored, so the constraint can be added.
    bind = op.get_bind()
    sessions = sa.table("therapy_sessions", sa.column("id"), sa.column("client_id"), sa.column("number"))
    rows = bind.execute(sa.select(sessions).order_by(sessions.c.client_id, sessions.c.number,
                                                     sessions.c.id)).all()
    seen: dict[int, set[int]] = {}
    highest: dict[int, int] = {}
    for row in rows:
        highest[row.client_id] = max(highest.get(row.client_id, 0), row.number)
    for row in rows:
        taken = seen.setdefault(row.client_id, set())
        if row.number in taken:
            highest[row.client_id] += 1
            bind.execute(sa.update(sessions).where(sessions.c.id == row.id)
                         .values(number=highest[row.client_id]))
            taken.add(highest[row.client_id])
        else:
            taken.add(row.number)


def downgrade() -> None:
    op.drop_table('login_failures')
    op.drop_index('uq_therapy_sessions_client_number', table_name='therapy_sessions')
    ring = _keyring()
    bind = op.get_bind()
    every = {**{k: (v[0], (v[1],)) for k, v in {**_JSON, _NOTICES[0]: _NOTICES[1:]}.items()}, **_TEXT}
    for name, (pk, columns) in every.items():
        target = sa.table(name, sa.column(pk), *(sa.column(c, sa.Text()) for c in columns))
        for row in bind.execute(sa.select(target)).mappings().all():
            values = {c: ring.decrypt(row[c]).decode("utf-8") for c in columns if row[c] is not None}
            if values:
                bind.execute(sa.update(target).where(target.c[pk] == row[pk]).values(**values))
    _retype_notices(sa.Text(), sa.JSON(), "json")
    _retype_documents(sa.Text(), sa.JSON(), "json")
