"""funded establishment

The funded leader posts of each level in each area (one figure, or one per forecast year), which
become the forecast's demand (model.md version 3) and give the vacancies at the baseline. One new
table; nothing existing changes.

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0020'
down_revision: Union[str, None] = '0019_evidence'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'establishment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('strategy_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('level_id', sa.Integer(), nullable=False),
        sa.Column('posts', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['level_id'], ['level.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['strategy_id'], ['strategy.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('area_id', 'level_id'),
    )
    with op.batch_alter_table('establishment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_establishment_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_establishment_level_id'), ['level_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_establishment_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_establishment_strategy_id'), ['strategy_id'], unique=False)


def downgrade() -> None:
    op.drop_table('establishment')
