"""Trust in the web app: random public ids, deleted-object tombstones, blinding marks, the client's choice
about supervisors, session dates and reading notices, the audit log, account management
(deactivation, one-time password reset links) and supervisors' comments.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 20:55:00.000000
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

FALSE = sa.text("false")


def _fill_public_ids(table: str) -> None:
    # Rows from before this migration get random ids too: their old numeric links stop working on purpose.
    bind = op.get_bind()
    rows = bind.execute(sa.text(f"SELECT id FROM {table}")).fetchall()
    for (row_id,) in rows:
        bind.execute(sa.text(f"UPDATE {table} SET public_id = :p WHERE id = :i"),
                     {"p": secrets.token_urlsafe(12), "i": row_id})


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ('clients', 'therapy_sessions'):
        if sqlite:
            # SQLite cannot make a column NOT NULL in place, and rebuilding these tables (which migrations
            # do with foreign keys on) would cascade to every session's data: add it NOT NULL with an
            # empty default instead, which every row then replaces.
            op.add_column(table, sa.Column('public_id', sa.String(length=32), nullable=False,
                                           server_default=''))
            _fill_public_ids(table)
        else:
            op.add_column(table, sa.Column('public_id', sa.String(length=32), nullable=True))
            _fill_public_ids(table)
            op.alter_column(table, 'public_id', existing_type=sa.String(length=32), nullable=False)
        op.create_index(op.f(f'ix_{table}_public_id'), table, ['public_id'], unique=True)

    # Plain ADD COLUMN, never a batch (which may rebuild a table, cascading on SQLite to what it owns).
    op.add_column('clients', sa.Column('comments_to_supervisor', sa.Boolean(), nullable=False,
                                       server_default=FALSE))
    op.add_column('therapy_sessions', sa.Column('session_date', sa.Date(), nullable=True))
    op.add_column('therapy_sessions', sa.Column('reading_notices', sa.JSON(), nullable=True))
    for column in ('therapist_seen_at', 'client_seen_at'):
        op.add_column('therapy_sessions', sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    for table in ('check_ins', 'reflections'):
        op.add_column(table, sa.Column('after_seeing', sa.Boolean(), nullable=False, server_default=FALSE))
    op.add_column('users', sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.text("true")))
    op.create_table('password_resets',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token_hash')
    )
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_resets_user_id'), ['user_id'], unique=False)
    op.create_table('supervision_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('turn_index', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['session_id'], ['therapy_sessions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('supervision_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_comments_session_id'), ['session_id'], unique=False)
    op.create_table('deleted_objects',
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('client_ref', sa.String(length=32), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('public_id')
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=200), nullable=False),
    sa.Column('actor_role', sa.String(length=20), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_kind', sa.String(length=20), nullable=False),
    sa.Column('object_id', sa.String(length=32), nullable=True),
    sa.Column('client_ref', sa.String(length=32), nullable=True),
    sa.Column('details', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_client_ref'), ['client_ref'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_client_ref'))
        batch_op.drop_index(batch_op.f('ix_audit_events_at'))
    op.drop_table('audit_events')
    op.drop_table('deleted_objects')
    with op.batch_alter_table('supervision_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_comments_session_id'))
    op.drop_table('supervision_comments')
    with op.batch_alter_table('password_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_resets_user_id'))
    op.drop_table('password_resets')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('active')
    for table in ('check_ins', 'reflections'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('after_seeing')
    with op.batch_alter_table('therapy_sessions', schema=None) as batch_op:
        batch_op.drop_column('client_seen_at')
        batch_op.drop_column('therapist_seen_at')
        batch_op.drop_column('reading_notices')
        batch_op.drop_column('session_date')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_column('comments_to_supervisor')
    for table in ('clients', 'therapy_sessions'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_public_id'))
            batch_op.drop_column('public_id')
