"""workforce evidence

The staff extracts at the start and end of the evidence period and the leavers extract, kept as counts
(evidenceextract), and measured yearly leaver rates with their source on a scenario's levels and area
overrides (two nullable columns each: existing rates stay typed).

Revision ID: 0019_evidence
Revises: 0018
Create Date: 2026-12-05
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel.sql.sqltypes


revision: str = '0019_evidence'
down_revision: Union[str, None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'evidenceextract',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('strategy_id', sa.Integer(), nullable=False),
        sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('imported_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('rows_read', sa.Integer(), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=True),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('counts', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['strategy_id'], ['strategy.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('strategy_id', 'kind'),
    )
    with op.batch_alter_table('evidenceextract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidenceextract_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidenceextract_strategy_id'), ['strategy_id'], unique=False)
    for table in ('scenariolevel', 'scenarioarealevel'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('leaver_rates', sa.Text(), nullable=True))
            batch_op.add_column(sa.Column('leaver_source', sa.Text(), nullable=True))


def downgrade() -> None:
    for table in ('scenarioarealevel', 'scenariolevel'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('leaver_source')
            batch_op.drop_column('leaver_rates')
    with op.batch_alter_table('evidenceextract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidenceextract_strategy_id'))
        batch_op.drop_index(batch_op.f('ix_evidenceextract_organisation_id'))
    op.drop_table('evidenceextract')
