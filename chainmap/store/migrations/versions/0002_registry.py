"""registry: provenance, aliases, merges, import runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:35:17.034746
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('enterprise_merges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kept_id', sa.Integer(), nullable=False),
    sa.Column('merged_id', sa.Integer(), nullable=False),
    sa.Column('merged_name', sa.String(length=200), nullable=False),
    sa.Column('merged_credit_code', sa.String(length=18), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('enterprise_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_merges_kept_id'), ['kept_id'], unique=False)

    op.create_table('import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('inserted', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('skip_invalid', sa.Boolean(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('enterprise_aliases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=200), nullable=False),
    sa.Column('alias_key', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('enterprise_id', 'alias', name='uq_enterprise_alias')
    )
    with op.batch_alter_table('enterprise_aliases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprise_aliases_alias_key'), ['alias_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprise_aliases_enterprise_id'), ['enterprise_id'], unique=False)

    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.add_column(sa.Column('match_key', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('legal_representative', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('registration_status', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('established_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('paid_in_capital_wan', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('industry_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('enterprise_type', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('other_tags', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('import_run_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('imported_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_enterprises_import_run_id'), ['import_run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprises_match_key'), ['match_key'], unique=False)
        batch_op.create_foreign_key('fk_enterprises_import_run_id', 'import_runs', ['import_run_id'], ['id'], ondelete='SET NULL')

    # Existing enterprises get their match key (legal form and region stripped) so that
    # imports can find them by name + city.
    from chainmap.matching.normalize import match_key

    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, name FROM enterprises")).all()
    if rows:
        conn.execute(
            sa.text("UPDATE enterprises SET match_key = :k WHERE id = :i"),
            [{"k": match_key(name), "i": i} for i, name in rows],
        )



def downgrade() -> None:
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_constraint('fk_enterprises_import_run_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_enterprises_match_key'))
        batch_op.drop_index(batch_op.f('ix_enterprises_import_run_id'))
        batch_op.drop_column('last_verified_at')
        batch_op.drop_column('imported_at')
        batch_op.drop_column('import_run_id')
        batch_op.drop_column('other_tags')
        batch_op.drop_column('address')
        batch_op.drop_column('enterprise_type')
        batch_op.drop_column('industry_name')
        batch_op.drop_column('paid_in_capital_wan')
        batch_op.drop_column('established_on')
        batch_op.drop_column('registration_status')
        batch_op.drop_column('legal_representative')
        batch_op.drop_column('match_key')

    with op.batch_alter_table('enterprise_aliases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_aliases_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_enterprise_aliases_alias_key'))

    op.drop_table('enterprise_aliases')
    op.drop_table('import_runs')
    with op.batch_alter_table('enterprise_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprise_merges_kept_id'))

    op.drop_table('enterprise_merges')
