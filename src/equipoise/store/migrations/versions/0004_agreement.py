"""The practice agreement: immutable versions of a client's frame and the client's marks on its items,
with the therapist's answers (the texts are encrypted at rest, as TEXT holding Fernet tokens).

Two new tables only: no existing table is altered or rebuilt, so nothing cascades on SQLite.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agreement_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('client_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_agreement_versions_public_id'), 'agreement_versions', ['public_id'], unique=True)
    op.create_index(op.f('ix_agreement_versions_client_id'), 'agreement_versions', ['client_id'],
                    unique=False)
    op.create_index('uq_agreement_versions_client_number', 'agreement_versions', ['client_id', 'number'],
                    unique=True)
    op.create_table('agreement_marks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('answer', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('answer_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['agreement_versions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_agreement_marks_public_id'), 'agreement_marks', ['public_id'], unique=True)
    op.create_index(op.f('ix_agreement_marks_client_id'), 'agreement_marks', ['client_id'], unique=False)
    op.create_index(op.f('ix_agreement_marks_version_id'), 'agreement_marks', ['version_id'], unique=False)


def downgrade() -> None:
    op.drop_table('agreement_marks')
    op.drop_table('agreement_versions')
