"""revisions and derived results

Revisions moved by every write (a strategy's, an organisation's, and one for everything), and the
derived results (forecasts, the completeness check...) kept under them so every worker reuses a
result until the data changes (planner.revisions, planner.services.derived). Two new tables.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0018'
down_revision: Union[str, None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'revision',
        sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('scope'),
    )
    op.create_table(
        'derivedresult',
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('value', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )
    with op.batch_alter_table('derivedresult', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_derivedresult_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('derivedresult', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_derivedresult_created_at'))
    op.drop_table('derivedresult')
    op.drop_table('revision')
