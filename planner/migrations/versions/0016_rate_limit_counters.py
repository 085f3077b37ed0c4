"""rate limit counters

The hit counters of the rate limits (sign-in, the public comment and survey links, API tokens),
kept in the database so every gunicorn worker counts against the same limit. One new table.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0016'
down_revision: Union[str, None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'ratelimitcounter',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('hits', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('ratelimitcounter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ratelimitcounter_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('ratelimitcounter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ratelimitcounter_expires_at'))
    op.drop_table('ratelimitcounter')
