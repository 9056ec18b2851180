"""SQLAlchemy 2 typed ORM models. Relationships are ``lazy="raise"`` so a hidden N+1 fails."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from chainmap.freshness import utcnow


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
    imported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

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
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

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
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_stage_changes_lead", "lead_id", "id"),)


class FundsArrivalRow(Base):
    """Append-only record of funds arriving for a lead (万元)."""

    __tablename__ = "funds_arrivals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="RESTRICT"), index=True)
    amount_wan: Mapped[float] = mapped_column(Float)
    arrived_on: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
