"""target pipeline share

A diversity target may store its own pipeline share (the group's share of the pool that
appointments to the level are drawn from); blank means the default worked out from the baseline.
One nullable column: SQLite adds it in place, so nothing is rebuilt and no data moves.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-12
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0010'
down_revision: Union[str, None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('diversitytarget', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pipeline_share', sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('diversitytarget', schema=None) as batch_op:
        batch_op.drop_column('pipeline_share')
