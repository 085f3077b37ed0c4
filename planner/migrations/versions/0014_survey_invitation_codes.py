"""survey invitation codes

Personal single-use invitation codes for a survey (kept as SHA-256 hashes, with only a used flag: no
time, no link to a response) and a survey's mode: "invitation" (codes only) or "open" (the link
alone). Existing surveys become "open", so their links keep working as before.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0014'
down_revision: Union[str, None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=20), server_default='open',
                                      nullable=False))
    op.create_table('surveycode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('surveycode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveycode_code_hash'), ['code_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_surveycode_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveycode_survey_id'), ['survey_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('surveycode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveycode_survey_id'))
        batch_op.drop_index(batch_op.f('ix_surveycode_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_surveycode_code_hash'))
    op.drop_table('surveycode')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_column('mode')
