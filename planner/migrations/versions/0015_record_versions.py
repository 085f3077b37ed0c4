"""record versions

Every record people edit in a form carries a version that SQLAlchemy bumps on each update, so a
save made from a form opened before someone else's change is refused instead of reverting it; the
strategy also carries the versions of its baseline grid and of its required-steps grids. Existing rows start at version 1.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = '0015'
down_revision: Union[str, None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

VERSIONED = ('strategy', 'level', 'area', 'scenario', 'diversitytarget', 'competency', 'intervention', 'objective',
             'boardcover', 'consultation', 'engagementevent', 'comment')


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('strategy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('baseline_version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('required_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade() -> None:
    with op.batch_alter_table('strategy', schema=None) as batch_op:
        batch_op.drop_column('required_version')
        batch_op.drop_column('baseline_version')
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('version')
