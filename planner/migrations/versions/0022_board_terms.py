"""board seats and terms of office

The board's seats (a label, never a name), each with its role, board member type and its holder's term
of office, for the board's forecast (planner.diversity.board_terms). A new table only: nothing existing
is rebuilt, so no data moves.

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0022'
down_revision: Union[str, None] = '0023'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('boardseat',
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('strategy_id', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('board_type', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=True),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('term_number', sa.Integer(), nullable=False),
    sa.Column('max_terms', sa.Integer(), nullable=False),
    sa.Column('term_years', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['strategy_id'], ['strategy.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('strategy_id', 'label')
    )
    with op.batch_alter_table('boardseat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_boardseat_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_boardseat_strategy_id'), ['strategy_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('boardseat', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_boardseat_strategy_id'))
        batch_op.drop_index(batch_op.f('ix_boardseat_organisation_id'))
    op.drop_table('boardseat')
