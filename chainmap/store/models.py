"""SQLAlchemy 2 typed ORM models. Relationships are ``lazy="raise"`` so a hidden N+1 fails."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from chainmap.freshness import utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every backend. PostgreSQL keeps the zone; SQLite has no
    timestamp type and hands back naive values, which were stored as UTC: they come back
    marked UTC, so every timestamp the store returns compares and serialises alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class EnterpriseRow(Base):
    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_normalized: Mapped[str] = mapped_column(String(200), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    province: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(40))
    district: Mapped[str | None] = mapped_column(String(40))
    listed: Mapped[bool] = mapped_column(Boolean, default=False)
    stock_code: Mapped[str | None] = mapped_column(String(20))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    revenue_wan: Mapped[float | None] = mapped_column(Float)
    registered_capital_wan: Mapped[float | None] = mapped_column(Float)
    employees: Mapped[int | None] = mapped_column(Integer)
    business_scope: Mapped[str] = mapped_column(Text, default="")
    main_products: Mapped[list[str]] = mapped_column(JSON, default=list)
    industry_code: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(200), default="")
    # Registry fields (business-data exports) and provenance.
    match_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    legal_representative: Mapped[str | None] = mapped_column(String(100))
    registration_status: Mapped[str | None] = mapped_column(String(40))
    established_on: Mapped[date | None] = mapped_column(Date)
    paid_in_capital_wan: Mapped[float | None] = mapped_column(Float)
    industry_name: Mapped[str | None] = mapped_column(String(100))
    enterprise_type: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    other_tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    import_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_runs.id", ondelete="SET NULL"), index=True
    )
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    assignments: Mapped[list[SegmentAssignmentRow]] = relationship(
        back_populates="enterprise", lazy="raise", cascade="all, delete-orphan"
    )
    aliases: Mapped[list[EnterpriseAliasRow]] = relationship(
        back_populates="enterprise", lazy="raise", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_enterprises_location", "province", "city", "district"),)


class SegmentAssignmentRow(Base):
    """An enterprise assigned to a chain segment, with confidence and evidence."""

    __tablename__ = "segment_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    chain_id: Mapped[str] = mapped_column(String(64))
    segment_id: Mapped[str] = mapped_column(String(64))
    confidence: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)

    enterprise: Mapped[EnterpriseRow] = relationship(back_populates="assignments", lazy="raise")

    __table_args__ = (
        UniqueConstraint("enterprise_id", "chain_id", "segment_id", name="uq_assignment"),
        Index("ix_assignments_chain_segment", "chain_id", "segment_id"),
    )


class StatusOverrideRow(Base):
    """Append-only history of segment-status overrides; the newest per segment is in force.

    ``status`` NULL records that an override was withdrawn.
    """

    __tablename__ = "status_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain_id: Mapped[str] = mapped_column(String(64))
    segment_id: Mapped[str] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_overrides_chain_segment", "chain_id", "segment_id", "id"),)


class EnterpriseAliasRow(Base):
    """Other names of an enterprise: abbreviations, English names, former names, merged names."""

    __tablename__ = "enterprise_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(200))
    alias_key: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # abbreviation / english / former / merged
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    enterprise: Mapped[EnterpriseRow] = relationship(back_populates="aliases", lazy="raise")

    __table_args__ = (UniqueConstraint("enterprise_id", "alias", name="uq_enterprise_alias"),)


class EnterpriseMergeRow(Base):
    """History of merges: the merged record's full snapshot is kept, never edited."""

    __tablename__ = "enterprise_merges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kept_id: Mapped[int] = mapped_column(Integer, index=True)
    merged_id: Mapped[int] = mapped_column(Integer)
    merged_name: Mapped[str] = mapped_column(String(200))
    merged_credit_code: Mapped[str | None] = mapped_column(String(18))
    snapshot: Mapped[dict[str, object]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ImportRunRow(Base):
    """One applied import: the provenance every imported record points to."""

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # enterprises / factories / land / leads
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    total_rows: Mapped[int] = mapped_column(Integer)
    inserted: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    unchanged: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    skip_invalid: Mapped[bool] = mapped_column(Boolean)
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LeadRow(Base):
    """An enterprise pursued for a chain segment. ``stage`` and ``funds_arrived_wan`` cache the
    newest stage change and the sum of arrivals; the history tables are the truth."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="RESTRICT"), index=True
    )
    chain_id: Mapped[str] = mapped_column(String(64), index=True)
    segment_id: Mapped[str] = mapped_column(String(64))
    owner_team: Mapped[str] = mapped_column(String(100), index=True)
    owner_team_kind: Mapped[str] = mapped_column(String(32))
    owner_person: Mapped[str] = mapped_column(String(100))
    claimed_by_leader: Mapped[str | None] = mapped_column(String(100))
    claim_band: Mapped[str | None] = mapped_column(String(16))
    claimed_on: Mapped[date | None] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(32), index=True)
    planned_investment_wan: Mapped[float | None] = mapped_column(Float)
    contracted_investment_wan: Mapped[float | None] = mapped_column(Float)
    funds_arrived_wan: Mapped[float] = mapped_column(Float, default=0.0)
    carrier_ref: Mapped[str | None] = mapped_column(String(100))
    dropped_reason: Mapped[str | None] = mapped_column(Text)
    milestone_due_on: Mapped[date | None] = mapped_column(Date)
    milestone_stage: Mapped[str] = mapped_column(String(32), default="construction_started")
    created_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="manual")
    import_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_runs.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        # One enterprise, one owner: at most one lead per enterprise that is not dropped.
        Index(
            "uq_leads_active_enterprise",
            "enterprise_id",
            unique=True,
            sqlite_where=text("stage != 'dropped'"),
            postgresql_where=text("stage != 'dropped'"),
        ),
    )


class LeadCollaboratorRow(Base):
    """A team working a lead alongside its owner (explicitly added, never by accident)."""

    __tablename__ = "lead_collaborators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    team: Mapped[str] = mapped_column(String(100))
    person: Mapped[str | None] = mapped_column(String(100))
    added_by: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (UniqueConstraint("lead_id", "team", name="uq_lead_collaborator"),)


class StageChangeRow(Base):
    """Append-only stage history (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "stage_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="RESTRICT"))
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32))
    changed_on: Mapped[date] = mapped_column(Date, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # The pack digests each history in (changed_on, id) order per lead (migration 0007).
    __table_args__ = (Index("ix_stage_changes_lead_day", "lead_id", "changed_on", "id"),)


class FundsArrivalRow(Base):
    """Append-only record of funds arriving for a lead (万元)."""

    __tablename__ = "funds_arrivals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="RESTRICT"), index=True)
    amount_wan: Mapped[float] = mapped_column(Float)
    arrived_on: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- carriers (载体) ---------------------------------------------------------------------------


class ParkRow(Base):
    """An industrial park / development zone (园区); carriers belong to one."""

    __tablename__ = "parks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    district: Mapped[str | None] = mapped_column(String(40))
    leading_industries: Mapped[list[str]] = mapped_column(JSON, default=list)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    outline_geojson: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class FactoryRow(Base):
    """A standard-factory unit (标准厂房): one building, or one floor of it (``floor`` '' = whole).

    ``status`` 'reserved' holds only until ``reserved_until``; past it the carrier is vacant
    again (queries and the reservation's conditional UPDATE both read it that way).
    """

    __tablename__ = "factories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="RESTRICT"))
    district: Mapped[str | None] = mapped_column(String(40))
    building: Mapped[str] = mapped_column(String(100))
    floor: Mapped[str] = mapped_column(String(40), default="")
    area_m2: Mapped[float] = mapped_column(Float, index=True)
    clear_height_m: Mapped[float | None] = mapped_column(Float)
    floor_load_kn_m2: Mapped[float | None] = mapped_column(Float)
    power_kva: Mapped[float | None] = mapped_column(Float)
    has_crane: Mapped[bool | None] = mapped_column(Boolean)
    crane_t: Mapped[float | None] = mapped_column(Float)
    industry_direction: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="vacant")
    reserved_until: Mapped[date | None] = mapped_column(Date)
    rent_yuan_m2_month: Mapped[float | None] = mapped_column(Float)
    contact_person: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    last_verified_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="")
    import_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_runs.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        UniqueConstraint("park_id", "building", "floor", name="uq_factory_unit"),
        Index("ix_factories_status_area", "status", "area_m2"),
        Index("ix_factories_park_status_area", "park_id", "status", "area_m2"),
    )


class LandParcelRow(Base):
    """A parcel of industrial land held ready to supply (收储工业用地), by 地块编号."""

    __tablename__ = "land_parcels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    park_id: Mapped[int] = mapped_column(ForeignKey("parks.id", ondelete="RESTRICT"), index=True)
    district: Mapped[str | None] = mapped_column(String(40))
    area_mu: Mapped[float] = mapped_column(Float, index=True)
    land_use: Mapped[str | None] = mapped_column(String(100))
    site_ready: Mapped[bool | None] = mapped_column(Boolean)
    industry_direction: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(16), default="vacant", index=True)
    reserved_until: Mapped[date | None] = mapped_column(Date)
    price_wan_per_mu: Mapped[float | None] = mapped_column(Float)
    available_from: Mapped[date | None] = mapped_column(Date)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    last_verified_on: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(300), default="")
    import_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_runs.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class CarrierReservationRow(Base):
    """A carrier held for a lead or an enterprise until a date.

    ``state`` is 'active', 'released' or 'expired'; a unique partial index allows at most one
    active reservation per carrier, so two concurrent requests can never both hold it.
    """

    __tablename__ = "carrier_reservations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    carrier_kind: Mapped[str] = mapped_column(String(16))  # factory / land
    carrier_id: Mapped[int] = mapped_column(Integer)
    lead_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id", ondelete="RESTRICT"))
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="RESTRICT")
    )
    holder: Mapped[str] = mapped_column(String(300))  # who holds it, as people name it
    starts_on: Mapped[date] = mapped_column(Date)
    until: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="active")
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_by: Mapped[str | None] = mapped_column(String(100))
    end_reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_reservations_carrier", "carrier_kind", "carrier_id", "id"),
        # A carrier can never be held twice.
        Index(
            "uq_reservations_active_carrier",
            "carrier_kind",
            "carrier_id",
            unique=True,
            sqlite_where=text("state = 'active'"),
            postgresql_where=text("state = 'active'"),
        ),
    )


class ReservationEventRow(Base):
    """Append-only history of who held what (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "reservation_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reservation_id: Mapped[int] = mapped_column(
        ForeignKey("carrier_reservations.id", ondelete="RESTRICT")
    )
    carrier_kind: Mapped[str] = mapped_column(String(16))
    carrier_id: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(16))  # reserved / released / expired
    holder: Mapped[str] = mapped_column(String(300))
    until: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_reservation_events_carrier", "carrier_kind", "carrier_id", "id"),)


# --- relationships and matcher inputs (以商招商) ------------------------------------------------


class EnterpriseRelationRow(Base):
    """A known trade relation: ``supplier`` sells ``product`` to ``customer`` (以商招商)."""

    __tablename__ = "enterprise_relations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    product: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        UniqueConstraint("supplier_id", "customer_id", "product", name="uq_enterprise_relation"),
    )


class EnterpriseMetricsRow(Base):
    """Figures the registry exports lack but the matcher reads: growth and energy intensity."""

    __tablename__ = "enterprise_metrics"

    enterprise_id: Mapped[int] = mapped_column(
        ForeignKey("enterprises.id", ondelete="CASCADE"), primary_key=True
    )
    growth_pct: Mapped[float | None] = mapped_column(Float)
    energy_intensity: Mapped[float | None] = mapped_column(Float)  # 吨标准煤/万元
    source: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class UserRow(Base):
    """Someone who signs in: a role, and for chain leaders the chains they lead."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(20))
    chains: Mapped[list[str]] = mapped_column(JSON, default=list)
    password_hash: Mapped[str] = mapped_column(String(200))
    token_version: Mapped[int] = mapped_column(Integer, default=1)  # bump to revoke tokens
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ApiKeyRow(Base):
    """A long-lived key for an integration (e.g. the meeting system), acting as its user."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in lists, never the key
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditRow(Base):
    """One write: who, when, which request, which record, before and after (append-only)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    request: Mapped[str] = mapped_column(String(300), default="")  # e.g. "POST /leads"
    action: Mapped[str] = mapped_column(String(20))  # insert / update / delete / request
    table_name: Mapped[str] = mapped_column(String(60), default="", index=True)
    record_id: Mapped[str | None] = mapped_column(String(60))
    before: Mapped[dict[str, object] | None] = mapped_column(JSON)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON)
