"""leads, collaborators, stage history, funds arrivals

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:12:29.111993
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('leads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.String(length=64), nullable=False),
    sa.Column('segment_id', sa.String(length=64), nullable=False),
    sa.Column('owner_team', sa.String(length=100), nullable=False),
    sa.Column('owner_team_kind', sa.String(length=32), nullable=False),
    sa.Column('owner_person', sa.String(length=100), nullable=False),
    sa.Column('claimed_by_leader', sa.String(length=100), nullable=True),
    sa.Column('claim_band', sa.String(length=16), nullable=True),
    sa.Column('claimed_on', sa.Date(), nullable=True),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('planned_investment_wan', sa.Float(), nullable=True),
    sa.Column('contracted_investment_wan', sa.Float(), nullable=True),
    sa.Column('funds_arrived_wan', sa.Float(), nullable=False),
    sa.Column('carrier_ref', sa.String(length=100), nullable=True),
    sa.Column('dropped_reason', sa.Text(), nullable=True),
    sa.Column('milestone_due_on', sa.Date(), nullable=True),
    sa.Column('milestone_stage', sa.String(length=32), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('import_run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['import_run_id'], ['import_runs.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leads_chain_id'), ['chain_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_owner_team'), ['owner_team'], unique=False)
        batch_op.create_index(batch_op.f('ix_leads_stage'), ['stage'], unique=False)
        batch_op.create_index('uq_leads_active_enterprise', ['enterprise_id'], unique=True, sqlite_where=sa.text("stage != 'dropped'"), postgresql_where=sa.text("stage != 'dropped'"))

    op.create_table('funds_arrivals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('amount_wan', sa.Float(), nullable=False),
    sa.Column('arrived_on', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('funds_arrivals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funds_arrivals_lead_id'), ['lead_id'], unique=False)

    op.create_table('lead_collaborators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('team', sa.String(length=100), nullable=False),
    sa.Column('person', sa.String(length=100), nullable=True),
    sa.Column('added_by', sa.String(length=100), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('lead_id', 'team', name='uq_lead_collaborator')
    )
    with op.batch_alter_table('lead_collaborators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_collaborators_lead_id'), ['lead_id'], unique=False)

    op.create_table('stage_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=False),
    sa.Column('from_stage', sa.String(length=32), nullable=True),
    sa.Column('to_stage', sa.String(length=32), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stage_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_changes_changed_on'), ['changed_on'], unique=False)
        batch_op.create_index('ix_stage_changes_lead', ['lead_id', 'id'], unique=False)

    _append_only_triggers("stage_changes")
    _append_only_triggers("funds_arrivals")


APPEND_ONLY_MESSAGE = "history is append-only / 历史记录只能追加，不能修改或删除"


def _append_only_triggers(table: str) -> None:
    """Refuse UPDATE and DELETE on a history table, whatever code or SQL tries it."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION chainmap_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}';
            END;
            $$ LANGUAGE plpgsql;
            """
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION chainmap_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
        )


def _drop_append_only_triggers(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        return
    for action in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")


def downgrade() -> None:
    _drop_append_only_triggers("stage_changes")
    _drop_append_only_triggers("funds_arrivals")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS chainmap_append_only()")
    with op.batch_alter_table('stage_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_changes_lead')
        batch_op.drop_index(batch_op.f('ix_stage_changes_changed_on'))

    op.drop_table('stage_changes')
    with op.batch_alter_table('lead_collaborators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lead_collaborators_lead_id'))

    op.drop_table('lead_collaborators')
    with op.batch_alter_table('funds_arrivals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funds_arrivals_lead_id'))

    op.drop_table('funds_arrivals')
    with op.batch_alter_table('leads', schema=None) as batch_op:
        batch_op.drop_index('uq_leads_active_enterprise', sqlite_where=sa.text("stage != 'dropped'"), postgresql_where=sa.text("stage != 'dropped'"))
        batch_op.drop_index(batch_op.f('ix_leads_stage'))
        batch_op.drop_index(batch_op.f('ix_leads_owner_team'))
        batch_op.drop_index(batch_op.f('ix_leads_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_leads_chain_id'))

    op.drop_table('leads')
