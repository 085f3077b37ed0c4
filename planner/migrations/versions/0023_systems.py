"""systems

Integrated care systems and other partnerships: an organisation's kind (trust or system), a
system's members (invited, then members once their own administrator accepts), and the approved
versions each member shares with a system. One new column (existing organisations are trusts) and
two new tables.

Revision ID: 0023
Revises: 0018
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0023'
down_revision: Union[str, None] = '0021_succession'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), server_default='trust',
                                      nullable=False))
    op.create_table(
        'systemmember',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('system_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('invited_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('invited_by', sa.Integer(), nullable=True),
        sa.Column('joined_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('accepted_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['system_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invited_by'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['accepted_by'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('system_id', 'organisation_id'),
    )
    with op.batch_alter_table('systemmember', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_systemmember_system_id'), ['system_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_systemmember_organisation_id'), ['organisation_id'], unique=False)
    op.create_table(
        'systemshare',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('system_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('strategy_id', sa.Integer(), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('scenario', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('shared_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('shared_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['system_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['strategy_id'], ['strategy.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['version_id'], ['strategyversion.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['shared_by'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('system_id', 'strategy_id'),
    )
    with op.batch_alter_table('systemshare', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_systemshare_system_id'), ['system_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_systemshare_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_systemshare_strategy_id'), ['strategy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_systemshare_version_id'), ['version_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('systemshare', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_systemshare_version_id'))
        batch_op.drop_index(batch_op.f('ix_systemshare_strategy_id'))
        batch_op.drop_index(batch_op.f('ix_systemshare_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_systemshare_system_id'))
    op.drop_table('systemshare')
    with op.batch_alter_table('systemmember', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_systemmember_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_systemmember_system_id'))
    op.drop_table('systemmember')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('kind')
