"""Carrier repository: ORM rows ⇄ :mod:`chainmap.carriers` dataclasses, park lookups, and the
whole inventory for the matcher. Only flushes.

A reserved carrier whose ``reserved_until`` has passed is vacant again: :func:`effective_status`
reads it so in Python and :func:`status_clause` in SQL, so lists, filters and the reservation's
conditional UPDATE agree without anybody having to sweep expired rows first.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from chainmap.carriers import CarrierStatus, Factory, LandParcel, Park
from chainmap.freshness import utcnow
from chainmap.store.bulk import bulk_insert
from chainmap.store.models import FactoryRow, LandParcelRow, ParkRow

CarrierRow = FactoryRow | LandParcelRow
CarrierTable = type[FactoryRow] | type[LandParcelRow]


def effective_status(row: CarrierRow, *, today: date) -> CarrierStatus:
    """The stored status, except that a reservation past its until-date no longer holds."""
    if row.status == CarrierStatus.reserved and (
        row.reserved_until is not None and row.reserved_until < today
    ):
        return CarrierStatus.vacant
    return CarrierStatus(row.status)


def status_expr(table: CarrierTable, *, today: date) -> ColumnElement[str]:
    """:func:`effective_status` as a SQL expression (for sorting and summaries)."""
    return case(
        (
            and_(table.status == "reserved", table.reserved_until < today),
            "vacant",
        ),
        else_=table.status,
    )


def status_clause(
    table: CarrierTable, status: CarrierStatus, *, today: date
) -> ColumnElement[bool]:
    """WHERE clause: the carrier's effective status is ``status`` (index-friendly on status)."""
    expired = and_(table.status == "reserved", table.reserved_until < today)
    if status is CarrierStatus.vacant:
        return or_(table.status == "vacant", expired)
    if status is CarrierStatus.reserved:
        return and_(
            table.status == "reserved",
            or_(table.reserved_until.is_(None), table.reserved_until >= today),
        )
    return table.status == status.value


def to_park(row: ParkRow) -> Park:
    return Park(
        id=row.id,
        name=row.name,
        district=row.district,
        leading_industries=tuple(row.leading_industries or ()),
        lon=row.lon,
        lat=row.lat,
        outline_geojson=row.outline_geojson,
    )


def to_factory(row: FactoryRow, park_name: str, *, today: date | None = None) -> Factory:
    """The core factory; with ``today`` the status is the effective one (expiry applied)."""
    status = CarrierStatus(row.status) if today is None else effective_status(row, today=today)
    return Factory(
        id=row.id,
        park_name=park_name,
        building=row.building,
        area_m2=row.area_m2,
        park_id=row.park_id,
        district=row.district,
        floor=row.floor or None,
        clear_height_m=row.clear_height_m,
        floor_load_kn_m2=row.floor_load_kn_m2,
        power_kva=row.power_kva,
        has_crane=row.has_crane,
        crane_t=row.crane_t,
        industry_direction=row.industry_direction,
        status=status,
        rent_yuan_m2_month=row.rent_yuan_m2_month,
        contact_person=row.contact_person,
        contact_phone=row.contact_phone,
        lon=row.lon,
        lat=row.lat,
        last_verified_on=row.last_verified_on,
        source=row.source,
    )


def to_parcel(row: LandParcelRow, park_name: str, *, today: date | None = None) -> LandParcel:
    status = CarrierStatus(row.status) if today is None else effective_status(row, today=today)
    return LandParcel(
        id=row.id,
        code=row.code,
        park_name=park_name,
        area_mu=row.area_mu,
        park_id=row.park_id,
        district=row.district,
        land_use=row.land_use,
        site_ready=row.site_ready,
        industry_direction=row.industry_direction,
        status=status,
        price_wan_per_mu=row.price_wan_per_mu,
        available_from=row.available_from,
        lon=row.lon,
        lat=row.lat,
        last_verified_on=row.last_verified_on,
        source=row.source,
    )


def park_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(ParkRow.id, ParkRow.name)).all())


def park_ids_by_name(session: Session) -> dict[str, int]:
    return {name: pid for pid, name in park_names(session).items()}


def load_parks(session: Session) -> list[Park]:
    return [to_park(r) for r in session.scalars(select(ParkRow).order_by(ParkRow.id))]


def load_carriers(session: Session) -> tuple[list[Factory], list[LandParcel]]:
    """Every factory and parcel as core dataclasses, all statuses (the caller filters).

    Statuses are effective as of today (UTC): a reservation past its until-date reads vacant.
    Ordered by id, so results built on them are deterministic.
    """
    today = utcnow().date()
    names = park_names(session)
    factories = [
        to_factory(r, names.get(r.park_id, ""), today=today)
        for r in session.scalars(select(FactoryRow).order_by(FactoryRow.id))
    ]
    parcels = [
        to_parcel(r, names.get(r.park_id, ""), today=today)
        for r in session.scalars(select(LandParcelRow).order_by(LandParcelRow.id))
    ]
    return factories, parcels


def add_parks(session: Session, parks: Sequence[Park], *, source: str) -> dict[str, int]:
    """Insert the parks not yet present (by name); returns name → id for all of them."""
    known = park_ids_by_name(session)
    for park in parks:
        if park.name in known:
            continue
        row = ParkRow(
            name=park.name,
            district=park.district,
            leading_industries=list(park.leading_industries),
            lon=park.lon,
            lat=park.lat,
            outline_geojson=park.outline_geojson,
            source=source,
        )
        session.add(row)
        session.flush()
        known[park.name] = row.id
    return known


def insert_carriers(
    session: Session,
    parks: Sequence[Park],
    factories: Sequence[Factory],
    parcels: Sequence[LandParcel],
    *,
    source: str,
) -> tuple[int, int]:
    """Insert parks (by name, once), factories and parcels in bulk (demo data, benchmarks).

    Carriers name their park by ``park_name``; returns (factories, parcels) inserted.
    """
    ids = add_parks(session, parks, source=source)
    districts = dict(session.execute(select(ParkRow.id, ParkRow.district)).all())
    now = utcnow()
    frows = []
    for f in factories:
        park_id = ids[f.park_name]
        frows.append(
            {
                "park_id": park_id,
                "district": f.district or districts.get(park_id),
                "building": f.building,
                "floor": f.floor or "",
                "area_m2": f.area_m2,
                "clear_height_m": f.clear_height_m,
                "floor_load_kn_m2": f.floor_load_kn_m2,
                "power_kva": f.power_kva,
                "has_crane": f.has_crane,
                "crane_t": f.crane_t,
                "industry_direction": f.industry_direction,
                "status": f.status.value,
                "rent_yuan_m2_month": f.rent_yuan_m2_month,
                "contact_person": f.contact_person,
                "contact_phone": f.contact_phone,
                "lon": f.lon,
                "lat": f.lat,
                "last_verified_on": f.last_verified_on,
                "source": f.source or source,
                "created_at": now,
                "updated_at": now,
            }
        )
    lrows = []
    for p in parcels:
        park_id = ids[p.park_name]
        lrows.append(
            {
                "code": p.code,
                "park_id": park_id,
                "district": p.district or districts.get(park_id),
                "area_mu": p.area_mu,
                "land_use": p.land_use,
                "site_ready": p.site_ready,
                "industry_direction": p.industry_direction,
                "status": p.status.value,
                "price_wan_per_mu": p.price_wan_per_mu,
                "available_from": p.available_from,
                "lon": p.lon,
                "lat": p.lat,
                "last_verified_on": p.last_verified_on,
                "source": p.source or source,
                "created_at": now,
                "updated_at": now,
            }
        )
    bulk_insert(session, FactoryRow.__table__, frows)  # type: ignore[arg-type]
    bulk_insert(session, LandParcelRow.__table__, lrows)  # type: ignore[arg-type]
    return len(frows), len(lrows)


def count_parks(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ParkRow)) or 0
