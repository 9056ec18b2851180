"""Reservations: a carrier held for a lead or an enterprise until a date, never twice.

Enforced by the database, not by a Python check alone:

1. **Conditional UPDATE first.** ``UPDATE … SET status='reserved' WHERE id = :id AND (status =
   'vacant' OR (status = 'reserved' AND reserved_until < :today)) AND last_verified_on >=
   :cutoff`` is the first statement of the transaction. On PostgreSQL the row lock makes a
   concurrent request wait and then re-check the condition against the committed row; on
   SQLite the statement takes the database's write lock (``busy_timeout`` waits for it), so
   the reading that follows is already serialised. Exactly one request updates one row.
2. **Unique partial index** ``uq_reservations_active_carrier`` (one ``state = 'active'`` row
   per carrier) backs it up: even code that skips step 1 cannot insert a second holder.

Only when the UPDATE touched nothing does the code read the carrier, to say why: not found,
taken (naming the holder and until when), occupied, or unverified. A reservation past its
until-date no longer holds: the UPDATE above takes the carrier over and the old row is marked
expired. Every reservation, release and expiry is appended to ``reservation_events``, which
database triggers keep append-only. Services only flush.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chainmap.carrier_service import CarrierNotFound, get_carrier, stale_before, table_of
from chainmap.carriers import (
    CarrierKind,
    CarrierStatus,
    CarrierTaken,
    InvalidReservation,
    validate_reservation,
)
from chainmap.enterprises import EnterpriseNotFound
from chainmap.errors import ChainmapError
from chainmap.freshness import utcnow
from chainmap.leads import LeadNotFound
from chainmap.store.models import (
    CarrierReservationRow,
    EnterpriseRow,
    LeadRow,
    ReservationEventRow,
)


class ReservationNotFound(ChainmapError):
    code = "reservation_not_found"

    def __init__(self, label: str) -> None:
        super().__init__(
            f"{label}当前没有有效预订", f"{label} has no active reservation", field="carrier_id"
        )


@dataclass(frozen=True, slots=True)
class ReservationRequest:
    """Who holds the carrier (exactly one of ``lead_id`` / ``enterprise_id``) and until when."""

    until: date
    actor: str
    lead_id: int | None = None
    enterprise_id: int | None = None
    starts_on: date | None = None
    note: str | None = None


def _check_request(req: ReservationRequest, today: date) -> date:
    if (req.lead_id is None) == (req.enterprise_id is None):
        raise InvalidReservation(
            "请指定预订方：线索 lead_id 或企业 enterprise_id（二选一）",
            "give exactly one holder: lead_id or enterprise_id",
            field="lead_id",
        )
    starts_on = req.starts_on or today
    if starts_on < today:
        raise InvalidReservation(
            f"预订开始日期 {starts_on} 早于今天 {today}",
            f"starts_on {starts_on} is before today ({today})",
            field="starts_on",
        )
    if req.until < today:
        raise InvalidReservation(
            f"预订截止日期 {req.until} 早于今天 {today}",
            f"until {req.until} is before today ({today})",
            field="until",
        )
    if req.until < starts_on:
        raise InvalidReservation(
            f"预订截止日期 {req.until} 早于开始日期 {starts_on}",
            f"until {req.until} is before starts_on {starts_on}",
            field="until",
        )
    return starts_on


def _holder(session: Session, req: ReservationRequest) -> str:
    if req.lead_id is not None:
        found = session.execute(
            select(EnterpriseRow.name, LeadRow.owner_team, LeadRow.stage)
            .join(LeadRow, LeadRow.enterprise_id == EnterpriseRow.id)
            .where(LeadRow.id == req.lead_id)
        ).first()
        if found is None:
            raise LeadNotFound(req.lead_id)
        if found.stage == "dropped":
            raise InvalidReservation(
                f"线索 {req.lead_id} 已终止，不能预订载体",
                f"lead {req.lead_id} is dropped and cannot hold a carrier",
                field="lead_id",
            )
        return f"{found.name}（线索 {req.lead_id}，{found.owner_team}）"
    assert req.enterprise_id is not None
    name = session.scalar(select(EnterpriseRow.name).where(EnterpriseRow.id == req.enterprise_id))
    if name is None:
        missing = EnterpriseNotFound(req.enterprise_id)
        missing.field = "enterprise_id"
        raise missing
    return name


def active_reservation(
    session: Session, kind: CarrierKind, carrier_id: int
) -> CarrierReservationRow | None:
    return session.scalars(
        select(CarrierReservationRow).where(
            CarrierReservationRow.carrier_kind == kind,
            CarrierReservationRow.carrier_id == carrier_id,
            CarrierReservationRow.state == "active",
        )
    ).first()


def _event(
    session: Session, row: CarrierReservationRow, event: str, actor: str, note: str | None
) -> None:
    session.add(
        ReservationEventRow(
            reservation_id=row.id,
            carrier_kind=row.carrier_kind,
            carrier_id=row.carrier_id,
            event=event,
            holder=row.holder,
            until=row.until,
            actor=actor,
            note=note,
        )
    )


def reserve(
    session: Session,
    kind: CarrierKind,
    carrier_id: int,
    req: ReservationRequest,
    *,
    today: date,
    stale_after_days: int,
) -> CarrierReservationRow:
    """Hold the carrier for the requester, or raise saying who holds it (see module)."""
    starts_on = _check_request(req, today)
    table = table_of(kind)
    taken = session.execute(
        update(table)
        .where(
            table.id == carrier_id,
            or_(
                table.status == "vacant",
                and_(table.status == "reserved", table.reserved_until < today),
            ),
            table.last_verified_on >= stale_before(today, stale_after_days),
        )
        .values(status="reserved", reserved_until=req.until)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        _refuse(session, kind, carrier_id, starts_on, today, stale_after_days)
    holder = _holder(session, req)
    for old in session.scalars(
        select(CarrierReservationRow).where(
            CarrierReservationRow.carrier_kind == kind,
            CarrierReservationRow.carrier_id == carrier_id,
            CarrierReservationRow.state == "active",
        )
    ):
        old.state = "expired" if old.until < today else "released"
        old.ended_at = utcnow()
        old.ended_by = req.actor
        old.end_reason = "预订到期 / expired" if old.until < today else "台账已改为空置"
        _event(session, old, old.state, req.actor, old.end_reason)
    session.flush()
    row = CarrierReservationRow(
        carrier_kind=kind,
        carrier_id=carrier_id,
        lead_id=req.lead_id,
        enterprise_id=req.enterprise_id,
        holder=holder,
        starts_on=starts_on,
        until=req.until,
        state="active",
        actor=req.actor,
        note=req.note,
    )
    session.add(row)
    try:
        session.flush()
    except IntegrityError as exc:  # the index caught what the UPDATE should have
        raise CarrierTaken(
            "该载体已被预订", "the carrier is already reserved", field="carrier_id"
        ) from exc
    _event(session, row, "reserved", req.actor, req.note)
    session.flush()
    return row


def _refuse(
    session: Session,
    kind: CarrierKind,
    carrier_id: int,
    starts_on: date,
    today: date,
    stale_after_days: int,
) -> None:
    """The conditional UPDATE touched nothing: raise the error that says why."""
    carrier = get_carrier(session, kind, carrier_id, today=today)  # raises CarrierNotFound
    if carrier.status is CarrierStatus.reserved:
        held = active_reservation(session, kind, carrier_id)
        if held is not None:
            raise CarrierTaken(
                f"{carrier.label}已由{held.holder}预订至 {held.until}，不能重复预订",
                f"{carrier.label} is already reserved by {held.holder} until {held.until}",
                field="carrier_id",
            )
    validate_reservation(
        carrier, starts_on=starts_on, today=today, stale_after_days=stale_after_days
    )
    raise CarrierTaken(
        f"{carrier.label}当前不可预订", f"{carrier.label} cannot be reserved now", field="status"
    )


def release(
    session: Session,
    kind: CarrierKind,
    carrier_id: int,
    *,
    actor: str,
    reason: str | None,
    today: date,
) -> CarrierReservationRow:
    """End the active reservation; the carrier is vacant again (unless something else holds)."""
    carrier = get_carrier(session, kind, carrier_id, today=today)
    table = table_of(kind)
    row = session.scalars(
        select(CarrierReservationRow)
        .where(
            CarrierReservationRow.carrier_kind == kind,
            CarrierReservationRow.carrier_id == carrier_id,
            CarrierReservationRow.state == "active",
        )
        .with_for_update()
    ).first()
    if row is None:
        raise ReservationNotFound(carrier.label)
    expired = row.until < today
    row.state = "expired" if expired else "released"
    row.ended_at = utcnow()
    row.ended_by = actor
    row.end_reason = reason
    session.execute(
        update(table)
        .where(table.id == carrier_id, table.status == "reserved")
        .values(status="vacant", reserved_until=None)
        .execution_options(synchronize_session=False)
    )
    _event(session, row, row.state, actor, reason)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class ReservationView:
    """A reservation as shown: ``state`` is effective (an active one past ``until`` is expired)."""

    row: CarrierReservationRow
    state: str
    events: list[ReservationEventRow]


def history(
    session: Session, kind: CarrierKind, carrier_id: int, *, today: date
) -> list[ReservationView]:
    """Who held the carrier, newest first, each with its append-only events."""
    get_carrier(session, kind, carrier_id, today=today)
    rows = session.scalars(
        select(CarrierReservationRow)
        .where(
            CarrierReservationRow.carrier_kind == kind,
            CarrierReservationRow.carrier_id == carrier_id,
        )
        .order_by(CarrierReservationRow.id.desc())
    ).all()
    events: dict[int, list[ReservationEventRow]] = {}
    for ev in session.scalars(
        select(ReservationEventRow)
        .where(
            ReservationEventRow.carrier_kind == kind,
            ReservationEventRow.carrier_id == carrier_id,
        )
        .order_by(ReservationEventRow.id)
    ):
        events.setdefault(ev.reservation_id, []).append(ev)
    return [
        ReservationView(
            r,
            "expired" if r.state == "active" and r.until < today else r.state,
            events.get(r.id, []),
        )
        for r in rows
    ]


__all__ = [
    "CarrierNotFound",
    "ReservationNotFound",
    "ReservationRequest",
    "ReservationView",
    "active_reservation",
    "history",
    "release",
    "reserve",
]
