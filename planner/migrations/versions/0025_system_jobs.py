"""system jobs

A job may belong to a system rather than to one of a trust's strategies (the system paper's PDF, made
off the request): job.strategy_id becomes nullable. Nothing else changes; existing jobs keep their
strategy. SQLite rebuilds the table in place (its rows and their files are kept).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0025'
down_revision: Union[str, None] = '0024'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.alter_column('strategy_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # A system's jobs have no strategy to keep: they go (with their files) before the column is required again.
    op.execute("DELETE FROM jobfile WHERE job_id IN (SELECT id FROM job WHERE strategy_id IS NULL)")
    op.execute("DELETE FROM job WHERE strategy_id IS NULL")
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.alter_column('strategy_id', existing_type=sa.Integer(), nullable=False)
