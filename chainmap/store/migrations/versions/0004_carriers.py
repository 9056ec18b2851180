"""carriers: parks, factories, land parcels, reservations

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:18:38.500438
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('parks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=True),
    sa.Column('leading_industries', sa.JSON(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('outline_geojson', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('factories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=True),
    sa.Column('building', sa.String(length=100), nullable=False),
    sa.Column('floor', sa.String(length=40), nullable=False),
    sa.Column('area_m2', sa.Float(), nullable=False),
    sa.Column('clear_height_m', sa.Float(), nullable=True),
    sa.Column('floor_load_kn_m2', sa.Float(), nullable=True),
    sa.Column('power_kva', sa.Float(), nullable=True),
    sa.Column('has_crane', sa.Boolean(), nullable=True),
    sa.Column('crane_t', sa.Float(), nullable=True),
    sa.Column('industry_direction', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reserved_until', sa.Date(), nullable=True),
    sa.Column('rent_yuan_m2_month', sa.Float(), nullable=True),
    sa.Column('contact_person', sa.String(length=100), nullable=True),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('last_verified_on', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('import_run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['import_run_id'], ['import_runs.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['park_id'], ['parks.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('park_id', 'building', 'floor', name='uq_factory_unit')
    )
    with op.batch_alter_table('factories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_factories_area_m2'), ['area_m2'], unique=False)
        batch_op.create_index('ix_factories_status_area', ['status', 'area_m2'], unique=False)
        batch_op.create_index('ix_factories_park_status_area', ['park_id', 'status', 'area_m2'], unique=False)

    op.create_table('land_parcels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('park_id', sa.Integer(), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=True),
    sa.Column('area_mu', sa.Float(), nullable=False),
    sa.Column('land_use', sa.String(length=100), nullable=True),
    sa.Column('site_ready', sa.Boolean(), nullable=True),
    sa.Column('industry_direction', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reserved_until', sa.Date(), nullable=True),
    sa.Column('price_wan_per_mu', sa.Float(), nullable=True),
    sa.Column('available_from', sa.Date(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('last_verified_on', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('import_run_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['import_run_id'], ['import_runs.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['park_id'], ['parks.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('land_parcels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_land_parcels_area_mu'), ['area_mu'], unique=False)
        batch_op.create_index(batch_op.f('ix_land_parcels_park_id'), ['park_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_land_parcels_status'), ['status'], unique=False)

    op.create_table('carrier_reservations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('carrier_kind', sa.String(length=16), nullable=False),
    sa.Column('carrier_id', sa.Integer(), nullable=False),
    sa.Column('lead_id', sa.Integer(), nullable=True),
    sa.Column('enterprise_id', sa.Integer(), nullable=True),
    sa.Column('holder', sa.String(length=300), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_by', sa.String(length=100), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['lead_id'], ['leads.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('carrier_reservations', schema=None) as batch_op:
        batch_op.create_index('ix_reservations_carrier', ['carrier_kind', 'carrier_id', 'id'], unique=False)
        batch_op.create_index('uq_reservations_active_carrier', ['carrier_kind', 'carrier_id'], unique=True, sqlite_where=sa.text("state = 'active'"), postgresql_where=sa.text("state = 'active'"))

    op.create_table('reservation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reservation_id', sa.Integer(), nullable=False),
    sa.Column('carrier_kind', sa.String(length=16), nullable=False),
    sa.Column('carrier_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=16), nullable=False),
    sa.Column('holder', sa.String(length=300), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reservation_id'], ['carrier_reservations.id'], ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('reservation_events', schema=None) as batch_op:
        batch_op.create_index('ix_reservation_events_carrier', ['carrier_kind', 'carrier_id', 'id'], unique=False)

    _append_only_triggers("reservation_events")


APPEND_ONLY_MESSAGE = "history is append-only / 历史记录只能追加，不能修改或删除"


def _append_only_triggers(table: str) -> None:
    """Refuse UPDATE and DELETE on the reservation history, as 0003 does for stage changes."""
    if op.get_bind().dialect.name == "postgresql":
        # chainmap_append_only() is created by 0003; replacing it keeps this revision standalone.
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
    _drop_append_only_triggers("reservation_events")
    with op.batch_alter_table('reservation_events', schema=None) as batch_op:
        batch_op.drop_index('ix_reservation_events_carrier')

    op.drop_table('reservation_events')
    with op.batch_alter_table('carrier_reservations', schema=None) as batch_op:
        batch_op.drop_index('uq_reservations_active_carrier', sqlite_where=sa.text("state = 'active'"), postgresql_where=sa.text("state = 'active'"))
        batch_op.drop_index('ix_reservations_carrier')

    op.drop_table('carrier_reservations')
    with op.batch_alter_table('land_parcels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_land_parcels_status'))
        batch_op.drop_index(batch_op.f('ix_land_parcels_park_id'))
        batch_op.drop_index(batch_op.f('ix_land_parcels_area_mu'))

    op.drop_table('land_parcels')
    with op.batch_alter_table('factories', schema=None) as batch_op:
        batch_op.drop_index('ix_factories_park_status_area')
        batch_op.drop_index('ix_factories_status_area')
        batch_op.drop_index(batch_op.f('ix_factories_area_m2'))

    op.drop_table('factories')
    op.drop_table('parks')
