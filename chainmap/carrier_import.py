"""Import the bureau's carrier ledgers — the idle-factory ledger (闲置厂房台账) and the land
reserve (收储用地) — with the discipline of the other imports: one transaction, all-or-nothing
unless ``skip_invalid``, every bad row reported in Chinese and English.

Rows are parsed by :mod:`chainmap.io.carrier_rows` (units, bounds, parks that must exist).
A factory is the same unit when park, building and floor match; a parcel when its 地块编号
matches. Such a row updates the stored carrier only when some value differs, so importing the
same file twice changes nothing. A carrier held by an active reservation made here keeps status
``reserved`` whatever the ledger says: a reservation ends only through release or expiry. (A
ledger may itself say 已预订; such a carrier is not offered, and the next ledger can free it.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainmap.freshness import utcnow
from chainmap.io.carrier_rows import (
    FACTORY_COLUMNS,
    LAND_COLUMNS,
    FactoryRecord,
    LandRecord,
    parse_factory_rows,
    parse_land_rows,
)
from chainmap.io.tables import read_table
from chainmap.registry import ImportRejected, ImportReport
from chainmap.settings import Settings
from chainmap.store.bulk import bulk_insert
from chainmap.store.carriers_repo import park_ids_by_name
from chainmap.store.models import FactoryRow, ImportRunRow, LandParcelRow, ParkRow

IMPORT_ACTOR = "台账导入"
Progress = Callable[[int, int], None]
"""``progress(done, total)``, called every 1,000 rows while rows are written."""

FACTORY_VALUES = (
    "district",
    "area_m2",
    "clear_height_m",
    "floor_load_kn_m2",
    "power_kva",
    "has_crane",
    "crane_t",
    "industry_direction",
    "status",
    "rent_yuan_m2_month",
    "contact_person",
    "contact_phone",
    "lon",
    "lat",
    "last_verified_on",
    "source",
)
LAND_VALUES = (
    "district",
    "area_mu",
    "land_use",
    "site_ready",
    "industry_direction",
    "status",
    "price_wan_per_mu",
    "available_from",
    "lon",
    "lat",
    "last_verified_on",
    "source",
)


def _values(record: FactoryRecord | LandRecord, names: Sequence[str]) -> dict[str, Any]:
    out = {n: getattr(record, n) for n in names}
    out["status"] = record.status.value
    return out


def import_factories(
    session: Session,
    settings: Settings,
    *,
    source: bytes | Path,
    filename: str,
    today: date,
    skip_invalid: bool = False,
    actor: str = IMPORT_ACTOR,
    progress: Progress | None = None,
) -> ImportReport:
    """Import an idle-factory ledger in the caller's transaction.

    Raises:
        TableError: the file cannot be read as a table.
        ImportRejected: bad rows and ``skip_invalid`` is off; nothing was written.
    """
    return _import(
        session,
        settings,
        "factories",
        source=source,
        filename=filename,
        today=today,
        skip_invalid=skip_invalid,
        actor=actor,
        progress=progress,
    )


def import_land(
    session: Session,
    settings: Settings,
    *,
    source: bytes | Path,
    filename: str,
    today: date,
    skip_invalid: bool = False,
    actor: str = IMPORT_ACTOR,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a land-reserve ledger in the caller's transaction (raises as for factories)."""
    return _import(
        session,
        settings,
        "land",
        source=source,
        filename=filename,
        today=today,
        skip_invalid=skip_invalid,
        actor=actor,
        progress=progress,
    )


def _import(
    session: Session,
    settings: Settings,
    kind: str,
    *,
    source: bytes | Path,
    filename: str,
    today: date,
    skip_invalid: bool,
    actor: str,
    progress: Progress | None,
) -> ImportReport:
    raw = source.read_bytes() if isinstance(source, Path) else source
    table = read_table(
        raw,
        columns=FACTORY_COLUMNS if kind == "factories" else LAND_COLUMNS,
        filename=filename,
        max_rows=settings.import_max_rows,
        max_bytes=settings.import_max_bytes,
    )
    parks = park_ids_by_name(session)
    parse = parse_factory_rows if kind == "factories" else parse_land_rows
    records, errors = parse(
        table.rows, headers=table.headers, source=filename, known_parks=list(parks), today=today
    )
    report = ImportReport(
        filename=filename,
        sheet=table.sheet_name,
        total_rows=len(table.rows),
        unknown_columns=table.unknown_columns,
        errors=list(errors),
    )
    report.rejected = len({e.row_number for e in report.errors})
    report.errors.sort(key=lambda e: (e.row_number, e.column or ""))
    if report.errors and not skip_invalid:
        raise ImportRejected(report)
    run = ImportRunRow(
        kind=kind,
        filename=filename,
        sha256=hashlib.sha256(raw).hexdigest(),
        total_rows=report.total_rows,
        inserted=0,
        updated=0,
        unchanged=0,
        rejected=report.rejected,
        skip_invalid=skip_invalid,
        actor=actor,
    )
    session.add(run)
    session.flush()
    districts = dict(session.execute(select(ParkRow.id, ParkRow.district)).all())
    if kind == "factories":
        _upsert_factories(session, records, parks, districts, run.id, today, report, progress)  # type: ignore[arg-type]
    else:
        _upsert_land(session, records, parks, districts, run.id, today, report, progress)  # type: ignore[arg-type]
    run.inserted, run.updated, run.unchanged = report.inserted, report.updated, report.unchanged
    session.flush()
    report.applied = True
    report.import_run_id = run.id
    return report


def _apply(
    session: Session,
    table: type[FactoryRow] | type[LandParcelRow],
    existing: Mapping[Any, FactoryRow | LandParcelRow],
    planned: Sequence[tuple[Any, dict[str, Any]]],
    run_id: int,
    today: date,
    report: ImportReport,
    new_row: Callable[[Any, dict[str, Any]], dict[str, Any]],
    progress: Progress | None = None,
) -> None:
    inserts: list[dict[str, Any]] = []
    for done, (key, values) in enumerate(planned, start=1):
        if progress is not None and (done % 1000 == 0 or done == len(planned)):
            progress(done, len(planned))
        row = existing.get(key)
        if row is None:
            inserts.append({**new_row(key, values), "import_run_id": run_id})
            continue
        if row.reserved_until is not None and row.reserved_until >= today:
            values = {**values, "status": "reserved"}  # only release or expiry ends a hold
        if all(getattr(row, k) == v for k, v in values.items()):
            report.unchanged += 1
            continue
        for k, v in values.items():
            setattr(row, k, v)
        if values["status"] != "reserved":
            row.reserved_until = None
        row.import_run_id = run_id
        report.updated += 1
    session.flush()
    bulk_insert(session, table.__table__, [_defaults(r) for r in inserts])  # type: ignore[arg-type]
    report.inserted = len(inserts)


def _defaults(row: dict[str, Any]) -> dict[str, Any]:
    now = utcnow()
    return {"created_at": now, "updated_at": now, **row}


def _upsert_factories(
    session: Session,
    records: Sequence[FactoryRecord],
    parks: Mapping[str, int],
    districts: Mapping[int, str | None],
    run_id: int,
    today: date,
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    existing = {(r.park_id, r.building, r.floor): r for r in session.scalars(select(FactoryRow))}
    planned = []
    for rec in records:
        park_id = parks[rec.park_name]
        values = _values(rec, FACTORY_VALUES)
        values["district"] = rec.district or districts.get(park_id)
        planned.append(((park_id, rec.building, rec.floor or ""), values))

    def new_row(key: Any, values: dict[str, Any]) -> dict[str, Any]:
        park_id, building, floor = key
        return {"park_id": park_id, "building": building, "floor": floor, **values}

    _apply(session, FactoryRow, existing, planned, run_id, today, report, new_row, progress)


def _upsert_land(
    session: Session,
    records: Sequence[LandRecord],
    parks: Mapping[str, int],
    districts: Mapping[int, str | None],
    run_id: int,
    today: date,
    report: ImportReport,
    progress: Progress | None = None,
) -> None:
    existing = {r.code: r for r in session.scalars(select(LandParcelRow))}
    planned = []
    for rec in records:
        park_id = parks[rec.park_name]
        values = _values(rec, LAND_VALUES)
        values["district"] = rec.district or districts.get(park_id)
        values["park_id"] = park_id
        planned.append((rec.code, values))

    def new_row(key: Any, values: dict[str, Any]) -> dict[str, Any]:
        return {"code": key, **values}

    _apply(session, LandParcelRow, existing, planned, run_id, today, report, new_row, progress)
