"""SQLAlchemy 2 typed ORM models. Relationships are ``lazy="raise"`` so a hidden N+1 fails."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    assignments: Mapped[list[SegmentAssignmentRow]] = relationship(
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
