"""Repositories: translate between ORM rows and core dataclasses. They only ``flush()``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from chainmap.domain import Assignment, Enterprise, Override, Status
from chainmap.freshness import utcnow
from chainmap.matching.normalize import match_key, normalize_name
from chainmap.store.bulk import bulk_insert
from chainmap.store.models import (
    EnterpriseRow,
    LeadRow,
    SegmentAssignmentRow,
    StatusOverrideRow,
)

IN_CHUNK = 5_000  # ids per IN (...) list


def to_enterprise(row: EnterpriseRow) -> Enterprise:
    return Enterprise(
        id=row.id,
        name=row.name,
        province=row.province,
        city=row.city,
        district=row.district,
        credit_code=row.credit_code,
        listed=row.listed,
        stock_code=row.stock_code,
        tags=tuple(row.tags or ()),
        revenue_wan=row.revenue_wan,
        registered_capital_wan=row.registered_capital_wan,
        employees=row.employees,
        business_scope=row.business_scope or "",
        main_products=tuple(row.main_products or ()),
        industry_code=row.industry_code,
        source=row.source or "",
        last_verified_at=row.last_verified_at,
    )


def to_assignment(row: SegmentAssignmentRow) -> Assignment:
    return Assignment(
        enterprise_id=row.enterprise_id,
        chain_id=row.chain_id,
        segment_id=row.segment_id,
        confidence=row.confidence,
        evidence=tuple(row.evidence or ()),
    )


def add_enterprises(session: Session, enterprises: Iterable[Enterprise]) -> list[int]:
    """Insert enterprises (their ``id`` is ignored; the database assigns one). Records without
    a verification date count as verified now, by whoever adds them."""
    now = utcnow()
    rows = [
        EnterpriseRow(
            name=e.name,
            name_normalized=normalize_name(e.name),
            match_key=match_key(e.name),
            last_verified_at=e.last_verified_at or now,
            credit_code=e.credit_code,
            province=e.province,
            city=e.city,
            district=e.district,
            listed=e.listed,
            stock_code=e.stock_code,
            tags=list(e.tags),
            revenue_wan=e.revenue_wan,
            registered_capital_wan=e.registered_capital_wan,
            employees=e.employees,
            business_scope=e.business_scope,
            main_products=list(e.main_products),
            industry_code=e.industry_code,
            source=e.source,
        )
        for e in enterprises
    ]
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]


def all_enterprises(session: Session) -> list[Enterprise]:
    return [to_enterprise(r) for r in session.scalars(select(EnterpriseRow).order_by("id"))]


def enterprises_by_ids(session: Session, ids: Sequence[int]) -> list[Enterprise]:
    rows = session.scalars(select(EnterpriseRow).where(EnterpriseRow.id.in_(ids)).order_by("id"))
    return [to_enterprise(r) for r in rows]


def count_leads(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LeadRow)) or 0


def count_enterprises(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(EnterpriseRow)) or 0


def replace_assignments(
    session: Session, assignments: Sequence[Assignment], *, enterprise_ids: Iterable[int] | None
) -> None:
    """Replace the assignments of the given enterprises (all enterprises when None)."""
    if enterprise_ids is None:
        session.execute(delete(SegmentAssignmentRow))
    else:
        ids = list(enterprise_ids)
        # Chunked: PostgreSQL takes at most 65,535 parameters in one statement.
        for i in range(0, len(ids), IN_CHUNK):
            session.execute(
                delete(SegmentAssignmentRow).where(
                    SegmentAssignmentRow.enterprise_id.in_(ids[i : i + IN_CHUNK])
                )
            )
    rows = [
        {
            "enterprise_id": a.enterprise_id,
            "chain_id": a.chain_id,
            "segment_id": a.segment_id,
            "confidence": a.confidence,
            "evidence": list(a.evidence),
        }
        for a in assignments
    ]
    bulk_insert(session, SegmentAssignmentRow.metadata.tables["segment_assignments"], rows)
    session.flush()


def chain_members(session: Session, chain_id: str) -> tuple[list[Enterprise], list[Assignment]]:
    """Every enterprise assigned to the chain, and their assignments in it (one query)."""
    rows = session.execute(
        select(SegmentAssignmentRow, EnterpriseRow)
        .join(EnterpriseRow, SegmentAssignmentRow.enterprise_id == EnterpriseRow.id)
        .where(SegmentAssignmentRow.chain_id == chain_id)
        .order_by(EnterpriseRow.id, SegmentAssignmentRow.segment_id)
    ).all()
    enterprises: dict[int, Enterprise] = {}
    assignments: list[Assignment] = []
    for arow, erow in rows:
        if erow.id not in enterprises:
            enterprises[erow.id] = to_enterprise(erow)
        assignments.append(to_assignment(arow))
    return list(enterprises.values()), assignments


def current_overrides(session: Session, chain_id: str) -> dict[str, Override]:
    """The override in force per segment: the newest record, unless it withdrew the override."""
    rows = session.scalars(
        select(StatusOverrideRow)
        .where(StatusOverrideRow.chain_id == chain_id)
        .order_by(StatusOverrideRow.id)
    ).all()
    latest: dict[str, StatusOverrideRow] = {}
    for r in rows:
        latest[r.segment_id] = r
    return {
        seg: Override(
            chain_id=r.chain_id,
            segment_id=r.segment_id,
            status=Status(r.status),
            reason=r.reason,
            actor=r.actor,
        )
        for seg, r in latest.items()
        if r.status is not None
    }


def record_override(
    session: Session,
    *,
    chain_id: str,
    segment_id: str,
    status: Status | None,
    reason: str,
    actor: str,
) -> StatusOverrideRow:
    """Append an override record (``status=None`` withdraws the override)."""
    row = StatusOverrideRow(
        chain_id=chain_id,
        segment_id=segment_id,
        status=status.value if status else None,
        reason=reason,
        actor=actor,
    )
    session.add(row)
    session.flush()
    return row


def override_history(session: Session, chain_id: str, segment_id: str) -> list[StatusOverrideRow]:
    return list(
        session.scalars(
            select(StatusOverrideRow)
            .where(
                StatusOverrideRow.chain_id == chain_id, StatusOverrideRow.segment_id == segment_id
            )
            .order_by(StatusOverrideRow.id)
        )
    )


def all_assignments(session: Session) -> list[Assignment]:
    return [to_assignment(r) for r in session.scalars(select(SegmentAssignmentRow))]


def delete_all_enterprises(session: Session) -> None:
    """Delete every enterprise and its assignments (demo reset). Refuses, through the lead
    foreign keys, when leads exist: their history is never deleted."""
    session.execute(delete(SegmentAssignmentRow))
    session.execute(delete(EnterpriseRow))
    session.flush()
