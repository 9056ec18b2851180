"""enterprises, segment assignments, status overrides

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 16:10:41.660428
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('enterprises',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_normalized', sa.String(length=200), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('province', sa.String(length=20), nullable=True),
    sa.Column('city', sa.String(length=40), nullable=True),
    sa.Column('district', sa.String(length=40), nullable=True),
    sa.Column('listed', sa.Boolean(), nullable=False),
    sa.Column('stock_code', sa.String(length=20), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('revenue_wan', sa.Float(), nullable=True),
    sa.Column('registered_capital_wan', sa.Float(), nullable=True),
    sa.Column('employees', sa.Integer(), nullable=True),
    sa.Column('business_scope', sa.Text(), nullable=False),
    sa.Column('main_products', sa.JSON(), nullable=False),
    sa.Column('industry_code', sa.String(length=8), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('credit_code')
    )
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.create_index('ix_enterprises_location', ['province', 'city', 'district'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprises_name_normalized'), ['name_normalized'], unique=False)

    op.create_table('status_overrides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.String(length=64), nullable=False),
    sa.Column('segment_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('status_overrides', schema=None) as batch_op:
        batch_op.create_index('ix_overrides_chain_segment', ['chain_id', 'segment_id', 'id'], unique=False)

    op.create_table('segment_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.String(length=64), nullable=False),
    sa.Column('segment_id', sa.String(length=64), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('enterprise_id', 'chain_id', 'segment_id', name='uq_assignment')
    )
    with op.batch_alter_table('segment_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_chain_segment', ['chain_id', 'segment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_segment_assignments_enterprise_id'), ['enterprise_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('segment_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_segment_assignments_enterprise_id'))
        batch_op.drop_index('ix_assignments_chain_segment')

    op.drop_table('segment_assignments')
    with op.batch_alter_table('status_overrides', schema=None) as batch_op:
        batch_op.drop_index('ix_overrides_chain_segment')

    op.drop_table('status_overrides')
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprises_name_normalized'))
        batch_op.drop_index('ix_enterprises_location')

    op.drop_table('enterprises')
