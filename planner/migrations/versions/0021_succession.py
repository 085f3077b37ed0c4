"""succession register

The aggregate succession register: per area and level, the critical roles and the successors ready now,
in 1 to 2 years and in 3 to 5 years, and the successor pool's counts by diversity group. Two new tables;
nothing existing changes.

Revision ID: 0021_succession
Revises: 0018
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0021_succession'
down_revision: Union[str, None] = '0020'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'successionentry',
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('strategy_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('level_id', sa.Integer(), nullable=False),
        sa.Column('critical_roles', sa.Integer(), nullable=False),
        sa.Column('ready_now', sa.Integer(), nullable=False),
        sa.Column('ready_1_2', sa.Integer(), nullable=False),
        sa.Column('ready_3_5', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['level_id'], ['level.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['strategy_id'], ['strategy.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('strategy_id', 'area_id', 'level_id'),
    )
    with op.batch_alter_table('successionentry', schema=None) as batch_op:
        for column in ('area_id', 'level_id', 'organisation_id', 'strategy_id'):
            batch_op.create_index(batch_op.f(f'ix_successionentry_{column}'), [column], unique=False)
    op.create_table(
        'successionpoolcount',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('strategy_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('characteristic', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['successionentry.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['strategy_id'], ['strategy.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('entry_id', 'characteristic', 'group_key'),
    )
    with op.batch_alter_table('successionpoolcount', schema=None) as batch_op:
        for column in ('entry_id', 'organisation_id', 'strategy_id'):
            batch_op.create_index(batch_op.f(f'ix_successionpoolcount_{column}'), [column], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('successionpoolcount', schema=None) as batch_op:
        for column in ('strategy_id', 'organisation_id', 'entry_id'):
            batch_op.drop_index(batch_op.f(f'ix_successionpoolcount_{column}'))
    op.drop_table('successionpoolcount')
    with op.batch_alter_table('successionentry', schema=None) as batch_op:
        for column in ('strategy_id', 'organisation_id', 'level_id', 'area_id'):
            batch_op.drop_index(batch_op.f(f'ix_successionentry_{column}'))
    op.drop_table('successionentry')
