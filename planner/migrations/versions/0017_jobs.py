"""jobs

Long work off the request: a job row per piece of work run by the task queue (its kind, status and
progress, what it made), and the files a job reads or makes (the uploaded extract until the worker
has read it; the board paper's PDF for 24 hours). Two new tables.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0017'
down_revision: Union[str, None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('strategy_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=True),
        sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('result_ref', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('options', sa.Text(), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['created_by'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['strategy_id'], ['strategy.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_strategy_id'), ['strategy_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_created_at'), ['created_at'], unique=False)
    op.create_table(
        'jobfile',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['job.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('jobfile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jobfile_job_id'), ['job_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('jobfile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobfile_job_id'))
    op.drop_table('jobfile')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_created_at'))
        batch_op.drop_index(batch_op.f('ix_job_strategy_id'))
        batch_op.drop_index(batch_op.f('ix_job_organisation_id'))
    op.drop_table('job')
