"""system objectives

Shared partnership objectives: a system's own objectives, and members' links of their strategic
objectives to them (each with a weight). Two new tables only: nothing existing is rebuilt, so no data
moves.

Revision ID: 0024
Revises: 0022
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0024'
down_revision: Union[str, None] = '0022'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'systemobjective',
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('start', sa.Date(), nullable=True),
        sa.Column('due', sa.Date(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('organisation_id', 'ref'),
    )
    with op.batch_alter_table('systemobjective', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_systemobjective_organisation_id'), ['organisation_id'], unique=False)
    op.create_table(
        'systemobjectivelink',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('system_id', sa.Integer(), nullable=False),
        sa.Column('system_objective_id', sa.Integer(), nullable=False),
        sa.Column('objective_id', sa.Integer(), nullable=False),
        sa.Column('weight', sa.Float(), nullable=False),
        sa.Column('linked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('linked_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['system_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['system_objective_id'], ['systemobjective.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['objective_id'], ['objective.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['linked_by'], ['user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('system_objective_id', 'objective_id'),
    )
    with op.batch_alter_table('systemobjectivelink', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_systemobjectivelink_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_systemobjectivelink_system_id'), ['system_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_systemobjectivelink_system_objective_id'), ['system_objective_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_systemobjectivelink_objective_id'), ['objective_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('systemobjectivelink', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_systemobjectivelink_objective_id'))
        batch_op.drop_index(batch_op.f('ix_systemobjectivelink_system_objective_id'))
        batch_op.drop_index(batch_op.f('ix_systemobjectivelink_system_id'))
        batch_op.drop_index(batch_op.f('ix_systemobjectivelink_organisation_id'))
    op.drop_table('systemobjectivelink')
    with op.batch_alter_table('systemobjective', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_systemobjective_organisation_id'))
    op.drop_table('systemobjective')
