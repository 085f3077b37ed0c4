"""organisation public levels

The levels whose composition is public anyway (the board, by default: every trust publishes it), so
their diversity counts are never suppressed, in published packs and papers either. Comma-separated
level keys. One column with a default: SQLite adds it in place, so nothing is rebuilt and no data moves.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-12
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0011'
down_revision: Union[str, None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_levels', sqlmodel.sql.sqltypes.AutoString(length=500),
                                      server_default='board', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('public_levels')
