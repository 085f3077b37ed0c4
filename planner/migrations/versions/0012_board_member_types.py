"""diversity count board member type

Board-level diversity counts by board member type (executive voting, executive non-voting,
non-executive), for WRES indicator 9 and WDES metric 10 by voting and executive membership. One
nullable column: SQLite adds it in place; existing counts (untyped) are unchanged.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0012'
down_revision: Union[str, None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('diversitycount', schema=None) as batch_op:
        batch_op.add_column(sa.Column('board_type', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('diversitycount', schema=None) as batch_op:
        batch_op.drop_column('board_type')
