"""enterprise relations (以商招商) and matcher metrics (growth, energy intensity)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 05:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('enterprise_relations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('product', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['enterprises.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['enterprises.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('supplier_id', 'customer_id', 'product', name='uq_enterprise_relation')
    )
    with op.batch_alter_table('enterprise_relations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_relations_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_relations_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('enterprise_metrics',
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('growth_pct', sa.Float(), nullable=True),
    sa.Column('energy_intensity', sa.Float(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enterprise_id')
    )


def downgrade() -> None:
    op.drop_table('enterprise_metrics')
    with op.batch_alter_table('enterprise_relations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_relations_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_relations_customer_id'))

    op.drop_table('enterprise_relations')
