"""The people's own context: each person's self-description (encrypted, with who may read it), and the
therapist's power story in the reflection (two more encrypted answers, and which answers they share with
their supervisor; none by default, so answers written before stay private to the therapist).

Self-contained: it only adds its own table and columns, so it can follow any revision that keeps
``reflections`` and ``users``.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 02:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

_STORY = ('projections', 'rank_history')


def upgrade() -> None:
    op.create_table('self_descriptions',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('to_therapist', sa.Boolean(), nullable=False),
    sa.Column('to_client', sa.Boolean(), nullable=False),
    sa.Column('to_supervisor', sa.Boolean(), nullable=False),
    sa.Column('to_research', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id')
    )
    # ADD COLUMN in place on both databases: rebuilding reflections is never needed.
    for column in _STORY:
        op.add_column('reflections', sa.Column(column, sa.Text(), nullable=True))
    op.add_column('reflections', sa.Column('shared_with_supervisor', sa.JSON(), nullable=True))


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+), not a batch rebuild of the table.
    for column in (*_STORY, 'shared_with_supervisor'):
        op.drop_column('reflections', column)
    op.drop_table('self_descriptions')
