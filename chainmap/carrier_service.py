"""Carrier use cases for bureaus: query the inventory (filters, sorting, pagination, freshness),
the summary by park and industry direction, one carrier, parks, and adding or verifying carriers.

Rules (bounds, freshness) live in :mod:`chainmap.carriers` (pure); this module loads and saves
and only flushes. A listing unverified for longer than ``stale_after_days`` is flagged stale
wherever it appears and is never counted as available.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from chainmap.carriers import (
    CarrierKind,
    CarrierStatus,
    Factory,
    LandParcel,
    Park,
    check_carrier,
    check_park,
    is_stale,
)
from chainmap.errors import ChainmapError
from chainmap.services import InvalidInput, Page
from chainmap.store.carriers_repo import (
    CarrierTable,
    load_parks,
    park_ids_by_name,
    park_names,
    status_clause,
    status_expr,
    to_factory,
    to_parcel,
)
from chainmap.store.models import FactoryRow, LandParcelRow, ParkRow


class CarrierNotFound(ChainmapError):
    code = "carrier_not_found"

    def __init__(self, kind: CarrierKind, carrier_id: int) -> None:
        zh = "厂房" if kind == "factory" else "地块"
        super().__init__(
            f"未找到{zh} {carrier_id}", f"{kind} {carrier_id} not found", field="carrier_id"
        )


def table_of(kind: CarrierKind) -> CarrierTable:
    return FactoryRow if kind == "factory" else LandParcelRow


def stale_before(today: date, stale_after_days: int) -> date:
    """Verified before this date (or never) means stale (see :func:`chainmap.carriers.is_stale`)."""
    return today - timedelta(days=stale_after_days)


def _stale_clause(table: CarrierTable, cutoff: date) -> ColumnElement[bool]:
    return or_(table.last_verified_on.is_(None), table.last_verified_on < cutoff)


@dataclass(frozen=True, slots=True)
class CarrierQuery:
    """Filters for either kind; areas in ㎡ for factories, 亩 for land. ``sort`` is a field name,
    ``-`` in front for descending; ties always break by id."""

    park: str | None = None
    district: str | None = None
    min_area: float | None = None
    max_area: float | None = None
    min_height: float | None = None
    min_load: float | None = None
    min_power: float | None = None
    industry: str | None = None
    status: CarrierStatus | None = None
    stale: bool | None = None
    site_ready: bool | None = None
    sort: str = "id"
    limit: int = 50
    offset: int = 0


FACTORY_SORTS = (
    "id",
    "area_m2",
    "clear_height_m",
    "floor_load_kn_m2",
    "power_kva",
    "rent_yuan_m2_month",
    "last_verified_on",
)
LAND_SORTS = ("id", "code", "area_mu", "price_wan_per_mu", "available_from", "last_verified_on")


def _sort_columns(table: CarrierTable, sort: str, allowed: tuple[str, ...]) -> list[Any]:
    name = sort.removeprefix("-")
    if name not in allowed:
        raise InvalidInput(
            f"不支持按「{sort}」排序（可选：{'、'.join(allowed)}，前加 - 为降序）",
            f"cannot sort by {sort!r} (one of {', '.join(allowed)}; prefix - for descending)",
            field="sort",
        )
    column = getattr(table, name)
    first = column.desc() if sort.startswith("-") else column.asc()
    # NULLs last either way, so "unknown height" never heads a list sorted by height.
    return [column.is_(None), first, table.id.asc()]


def _filtered(
    session: Session, table: CarrierTable, q: CarrierQuery, *, today: date, stale_after_days: int
) -> Select[Any]:
    if q.min_area is not None and q.max_area is not None and q.min_area > q.max_area:
        raise InvalidInput(
            f"面积下限 {q.min_area:g} 大于上限 {q.max_area:g}",
            f"min_area {q.min_area:g} is greater than max_area {q.max_area:g}",
            field="max_area",
        )
    stmt = select(table)
    if q.park is not None:
        park_id = park_ids_by_name(session).get(q.park.strip())
        if park_id is None:
            check_park(q.park.strip(), tuple(park_ids_by_name(session)))
        stmt = stmt.where(table.park_id == park_id)
    area = FactoryRow.area_m2 if table is FactoryRow else LandParcelRow.area_mu
    conditions: list[ColumnElement[bool]] = []
    if q.district is not None:
        conditions.append(table.district == q.district)
    if q.min_area is not None:
        conditions.append(area >= q.min_area)
    if q.max_area is not None:
        conditions.append(area <= q.max_area)
    if table is FactoryRow:
        for column, value in (
            (FactoryRow.clear_height_m, q.min_height),
            (FactoryRow.floor_load_kn_m2, q.min_load),
            (FactoryRow.power_kva, q.min_power),
        ):
            if value is not None:
                conditions.append(column >= value)
    elif q.site_ready is not None:
        conditions.append(LandParcelRow.site_ready.is_(q.site_ready))
    if q.industry:
        conditions.append(table.industry_direction.contains(q.industry.strip()))
    if q.status is not None:
        conditions.append(status_clause(table, q.status, today=today))
    if q.stale is not None:
        clause = _stale_clause(table, stale_before(today, stale_after_days))
        conditions.append(clause if q.stale else ~clause)
    return stmt.where(and_(*conditions)) if conditions else stmt


def _page(
    session: Session, table: CarrierTable, q: CarrierQuery, *, today: date, stale_after_days: int
) -> tuple[list[Any], int, dict[int, str]]:
    """Rows of one page and the total, in one query (``count(*) OVER ()``); the count query
    runs only for a page past the end."""
    stmt = _filtered(session, table, q, today=today, stale_after_days=stale_after_days)
    order = _sort_columns(table, q.sort, FACTORY_SORTS if table is FactoryRow else LAND_SORTS)
    found = session.execute(
        stmt.add_columns(func.count().over().label("total"))
        .order_by(*order)
        .limit(q.limit)
        .offset(q.offset)
    ).all()
    if found:
        total = int(found[0][1])
    else:
        total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    return [r[0] for r in found], total, park_names(session)


def list_factories(
    session: Session, q: CarrierQuery, *, today: date, stale_after_days: int
) -> Page[Factory]:
    """A page of factories matching ``q``; statuses are effective as of ``today``."""
    rows, total, names = _page(
        session, FactoryRow, q, today=today, stale_after_days=stale_after_days
    )
    items = [to_factory(r, names.get(r.park_id, ""), today=today) for r in rows]
    return Page(items=items, total=total, limit=q.limit, offset=q.offset)


def list_parcels(
    session: Session, q: CarrierQuery, *, today: date, stale_after_days: int
) -> Page[LandParcel]:
    rows, total, names = _page(
        session, LandParcelRow, q, today=today, stale_after_days=stale_after_days
    )
    items = [to_parcel(r, names.get(r.park_id, ""), today=today) for r in rows]
    return Page(items=items, total=total, limit=q.limit, offset=q.offset)


def get_carrier(
    session: Session, kind: CarrierKind, carrier_id: int, *, today: date
) -> Factory | LandParcel:
    if kind == "factory":
        frow = session.get(FactoryRow, carrier_id)
        if frow is None:
            raise CarrierNotFound(kind, carrier_id)
        return to_factory(frow, park_names(session).get(frow.park_id, ""), today=today)
    lrow = session.get(LandParcelRow, carrier_id)
    if lrow is None:
        raise CarrierNotFound(kind, carrier_id)
    return to_parcel(lrow, park_names(session).get(lrow.park_id, ""), today=today)


def parks(session: Session) -> list[Park]:
    return load_parks(session)


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """Available space of one park and industry direction. Stale listings are counted apart:
    they are not available until someone verifies them."""

    park: str
    district: str | None
    industry_direction: str
    vacant_factory_m2: float = 0.0
    vacant_factories: int = 0
    site_ready_land_mu: float = 0.0
    site_ready_parcels: int = 0
    other_vacant_land_mu: float = 0.0
    stale_factory_m2: float = 0.0
    stale_land_mu: float = 0.0


def summary(session: Session, *, today: date, stale_after_days: int) -> list[SummaryRow]:
    """Vacant factory ㎡ and site-ready (净地) land 亩 by park and industry direction."""
    cutoff = stale_before(today, stale_after_days)
    rows: dict[tuple[str, str], SummaryRow] = {}
    park_rows = {p.id: p for p in session.scalars(select(ParkRow))}

    def at(park_id: int, direction: str) -> SummaryRow:
        park = park_rows[park_id]
        key = (park.name, direction)
        if key not in rows:
            rows[key] = SummaryRow(park.name, park.district, direction)
        return rows[key]

    fstale = _stale_clause(FactoryRow, cutoff)
    for park_id, direction, stale, count, m2 in session.execute(
        select(
            FactoryRow.park_id,
            FactoryRow.industry_direction,
            fstale,
            func.count(),
            func.sum(FactoryRow.area_m2),
        )
        .where(status_expr(FactoryRow, today=today) == "vacant")
        .group_by(FactoryRow.park_id, FactoryRow.industry_direction, fstale)
    ):
        row = at(park_id, direction)
        if stale:
            rows[(row.park, direction)] = replace(row, stale_factory_m2=row.stale_factory_m2 + m2)
        else:
            rows[(row.park, direction)] = replace(
                row, vacant_factory_m2=row.vacant_factory_m2 + m2, vacant_factories=count
            )
    lstale = _stale_clause(LandParcelRow, cutoff)
    ready = LandParcelRow.site_ready.is_(True)
    for park_id, direction, stale, is_ready, count, mu in session.execute(
        select(
            LandParcelRow.park_id,
            LandParcelRow.industry_direction,
            lstale,
            ready,
            func.count(),
            func.sum(LandParcelRow.area_mu),
        )
        .where(status_expr(LandParcelRow, today=today) == "vacant")
        .group_by(LandParcelRow.park_id, LandParcelRow.industry_direction, lstale, ready)
    ):
        row = at(park_id, direction)
        if stale:
            row = replace(row, stale_land_mu=row.stale_land_mu + mu)
        elif is_ready:
            row = replace(
                row,
                site_ready_land_mu=row.site_ready_land_mu + mu,
                site_ready_parcels=row.site_ready_parcels + count,
            )
        else:
            row = replace(row, other_vacant_land_mu=row.other_vacant_land_mu + mu)
        rows[(row.park, direction)] = row
    return sorted(rows.values(), key=lambda r: (r.park, r.industry_direction))


# --- writing --------------------------------------------------------------------------------


def create_park(session: Session, park: Park, *, source: str) -> Park:
    if session.scalar(select(ParkRow.id).where(ParkRow.name == park.name.strip())) is not None:
        raise InvalidInput(
            f"园区「{park.name}」已存在", f"park {park.name!r} already exists", field="name"
        )
    row = ParkRow(
        name=park.name.strip(),
        district=park.district,
        leading_industries=list(park.leading_industries),
        lon=park.lon,
        lat=park.lat,
        outline_geojson=park.outline_geojson,
        source=source,
    )
    session.add(row)
    session.flush()
    return replace(park, id=row.id, name=row.name)


def _park_id(session: Session, name: str) -> int:
    known = park_ids_by_name(session)
    check_park(name.strip(), tuple(known))
    return known[name.strip()]


def create_factory(session: Session, factory: Factory, *, today: date) -> Factory:
    """Add one factory unit (bounds and park checked; the same unit twice is refused)."""
    check_carrier(factory)
    park_id = _park_id(session, factory.park_name)
    _check_verified(factory.last_verified_on, today)
    floor = factory.floor or ""
    clash = session.scalar(
        select(FactoryRow.id).where(
            FactoryRow.park_id == park_id,
            FactoryRow.building == factory.building,
            FactoryRow.floor == floor,
        )
    )
    if clash is not None:
        raise InvalidInput(
            f"{factory.label} 已登记（厂房 {clash}）",
            f"{factory.label} is already listed (factory {clash})",
            field="building",
        )
    district = factory.district or session.get(ParkRow, park_id).district  # type: ignore[union-attr]
    row = FactoryRow(
        park_id=park_id,
        district=district,
        building=factory.building,
        floor=floor,
        **{k: getattr(factory, k) for k in FACTORY_FIGURES},
        status=factory.status.value,
        last_verified_on=factory.last_verified_on,
        source=factory.source,
    )
    session.add(row)
    session.flush()
    return to_factory(row, factory.park_name.strip(), today=today)


FACTORY_FIGURES = (
    "area_m2",
    "clear_height_m",
    "floor_load_kn_m2",
    "power_kva",
    "has_crane",
    "crane_t",
    "industry_direction",
    "rent_yuan_m2_month",
    "contact_person",
    "contact_phone",
    "lon",
    "lat",
)
LAND_FIGURES = (
    "area_mu",
    "land_use",
    "site_ready",
    "industry_direction",
    "price_wan_per_mu",
    "available_from",
    "lon",
    "lat",
)


def create_parcel(session: Session, parcel: LandParcel, *, today: date) -> LandParcel:
    check_carrier(parcel)
    park_id = _park_id(session, parcel.park_name)
    _check_verified(parcel.last_verified_on, today)
    clash = session.scalar(select(LandParcelRow.id).where(LandParcelRow.code == parcel.code))
    if clash is not None:
        raise InvalidInput(
            f"地块编号 {parcel.code} 已登记（地块 {clash}）",
            f"parcel code {parcel.code} is already listed (parcel {clash})",
            field="code",
        )
    district = parcel.district or session.get(ParkRow, park_id).district  # type: ignore[union-attr]
    row = LandParcelRow(
        code=parcel.code,
        park_id=park_id,
        district=district,
        **{k: getattr(parcel, k) for k in LAND_FIGURES},
        status=parcel.status.value,
        last_verified_on=parcel.last_verified_on,
        source=parcel.source,
    )
    session.add(row)
    session.flush()
    return to_parcel(row, parcel.park_name.strip(), today=today)


def _check_verified(verified: date | None, today: date) -> None:
    if verified is not None and verified > today:
        raise InvalidInput(
            f"核实日期 {verified} 晚于今天",
            f"last_verified_on {verified} is in the future",
            field="last_verified_on",
        )


def verify(
    session: Session,
    kind: CarrierKind,
    carrier_id: int,
    *,
    on: date,
    source: str | None,
    status: Literal["vacant", "occupied"] | None,
    today: date,
) -> Factory | LandParcel:
    """Record that someone checked the listing on ``on`` (it is fresh again), optionally with
    what they found: vacant or occupied. A reservation is changed only through release."""
    _check_verified(on, today)
    row: FactoryRow | LandParcelRow | None = (
        session.get(FactoryRow, carrier_id, with_for_update=True)
        if kind == "factory"
        else session.get(LandParcelRow, carrier_id, with_for_update=True)
    )
    if row is None:
        raise CarrierNotFound(kind, carrier_id)
    row.last_verified_on = on
    if source:
        row.source = source
    if status is not None:
        if row.reserved_until is not None and row.reserved_until >= today:  # held here
            raise InvalidInput(
                "该载体已被预订，请先释放预订再更改状态",
                "the carrier is reserved; release the reservation before changing its status",
                field="status",
            )
        row.status = status
        row.reserved_until = None
    session.flush()
    return get_carrier(session, kind, carrier_id, today=today)


def stale_flag(carrier: Factory | LandParcel, *, today: date, stale_after_days: int) -> bool:
    return is_stale(carrier, today=today, stale_after_days=stale_after_days)
