"""Enterprise registry use cases: import a business-data export, keeping one record per company.

An import is one transaction. By default it is all-or-nothing: any bad row rejects the whole
file (:class:`ImportRejected` carries the report) and nothing is written. With
``skip_invalid`` the valid rows land and the bad ones are reported. Rows are matched to
existing records by credit code, else by match key (legal form and region stripped) within
the same city; a row whose fields equal the stored ones is left untouched, so re-importing
the same file changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from chainmap.domain import Chain, Enterprise
from chainmap.errors import ChainmapError
from chainmap.freshness import utcnow
from chainmap.io.enterprise_rows import ENTERPRISE_COLUMNS, EnterpriseRecord, parse_enterprise_rows
from chainmap.io.tables import RowError, read_table
from chainmap.matching.normalize import match_key, normalize_name
from chainmap.services import classify_enterprises
from chainmap.settings import Settings
from chainmap.store import repo
from chainmap.store.bulk import bulk_insert
from chainmap.store.models import EnterpriseRow, ImportRunRow

CHUNK = 500
INDUSTRY_COLUMNS = (
    "industry_section",
    "industry_division",
    "industry_group",
    "industry_class",
    "industry_code",
    "industry",
)
# Which file columns carry each stored field: a field is overwritten only when its column is
# in the file, so a narrow export never blanks what a wider one filled in.
FIELD_COLUMNS: dict[str, tuple[str, ...]] = {
    "credit_code": ("credit_code",),
    "legal_representative": ("legal_representative",),
    "registration_status": ("registration_status",),
    "established_on": ("established_on",),
    "registered_capital_wan": ("registered_capital",),
    "paid_in_capital_wan": ("paid_in_capital",),
    "province": ("province",),
    "city": ("city",),
    "district": ("district",),
    "industry_code": INDUSTRY_COLUMNS,
    "industry_name": INDUSTRY_COLUMNS,
    "enterprise_type": ("enterprise_type",),
    "employees": ("employees",),
    "business_scope": ("business_scope",),
    "address": ("address",),
    "stock_code": ("stock_code",),
    "listed": ("stock_code", "listing_status"),
    "tags": ("tags",),
    "other_tags": ("tags",),
    "main_products": ("main_products",),
}
LIST_FIELDS = {"tags", "other_tags", "main_products"}


@dataclass(slots=True)
class ImportReport:
    """What an import did, or would have done; every bad row with its reason."""

    filename: str
    sheet: str | None
    total_rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    applied: bool = False
    import_run_id: int | None = None
    unknown_columns: tuple[str, ...] = ()
    errors: list[RowError] = field(default_factory=list)


class ImportRejected(ChainmapError):
    """The file had bad rows and ``skip_invalid`` was off: nothing was written."""

    code = "import_rejected"

    def __init__(self, report: ImportReport) -> None:
        rows = sorted({e.row_number for e in report.errors})
        first = report.errors[0]
        super().__init__(
            f"有 {len(rows)} 行数据有误，未导入任何数据（第一处：{first.full_zh}）",
            f"{len(rows)} row(s) are invalid; nothing was imported (first: {first.full_en})",
            field=first.column,
        )
        self.report = report


def _values(record: EnterpriseRecord, present: set[str]) -> dict[str, Any]:
    """The stored fields this record sets, given which columns the file had."""
    out: dict[str, Any] = {"name": record.name}
    for name, columns in FIELD_COLUMNS.items():
        if not present.intersection(columns):
            continue
        value = getattr(record, name)
        out[name] = [str(v) for v in value] if name in LIST_FIELDS else value
    return out


def _differs(row: Mapping[str, Any], values: Mapping[str, Any]) -> bool:
    return any(row.get(k) != v for k, v in values.items())


def _existing_by_code(session: Session, codes: Sequence[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for i in range(0, len(codes), CHUNK):
        stmt = select(EnterpriseRow).where(EnterpriseRow.credit_code.in_(codes[i : i + CHUNK]))
        for row in session.scalars(stmt):
            out[row.credit_code or ""] = _row_dict(row)
    return out


def _existing_by_key(
    session: Session, keys: Sequence[str]
) -> dict[tuple[str, str | None], dict[str, Any]]:
    out: dict[tuple[str, str | None], dict[str, Any]] = {}
    for i in range(0, len(keys), CHUNK):
        stmt = (
            select(EnterpriseRow)
            .where(EnterpriseRow.match_key.in_(keys[i : i + CHUNK]))
            .order_by(EnterpriseRow.id)
        )
        for row in session.scalars(stmt):
            out.setdefault((row.match_key, row.city), _row_dict(row))
    return out


def _row_dict(row: EnterpriseRow) -> dict[str, Any]:
    d = {c: getattr(row, c) for c in ("id", "name", *FIELD_COLUMNS)}
    d["source"] = row.source
    return d


def _match(
    record: EnterpriseRecord,
    key: str,
    by_code: Mapping[str, dict[str, Any]],
    by_key: Mapping[tuple[str, str | None], dict[str, Any]],
) -> dict[str, Any] | None:
    if record.credit_code and record.credit_code in by_code:
        return by_code[record.credit_code]
    found = by_key.get((key, record.city))
    if found is None:
        return None
    # Same name in the same city but a different registered code: a different company.
    if record.credit_code and found.get("credit_code") not in (None, record.credit_code):
        return None
    return found


def import_enterprises(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    *,
    source: bytes | Path,
    filename: str,
    skip_invalid: bool = False,
    actor: str = "system",
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import an enterprise export (xlsx or csv) in the caller's transaction.

    ``progress(done, total)`` is called every 1,000 rows while records are matched.

    Raises:
        TableError: the file cannot be read as a table (type, size, corrupt, missing column).
        ImportRejected: bad rows and ``skip_invalid`` is off; nothing was written.
    """
    raw = source.read_bytes() if isinstance(source, Path) else source
    table = read_table(
        raw,
        columns=ENTERPRISE_COLUMNS,
        filename=filename,
        max_rows=settings.import_max_rows,
        max_bytes=settings.import_max_bytes,
    )
    records, errors = parse_enterprise_rows(
        table.rows, rates=settings.currency_rates, source=filename, headers=table.headers
    )
    report = ImportReport(
        filename=filename,
        sheet=table.sheet_name,
        total_rows=len(table.rows),
        rejected=len({e.row_number for e in errors}),
        unknown_columns=table.unknown_columns,
        errors=errors,
    )
    if errors and not skip_invalid:
        raise ImportRejected(report)

    present = set(table.headers)
    now = utcnow()
    run = ImportRunRow(
        kind="enterprises",
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

    keys = [match_key(r.name) for r in records]
    by_code = _existing_by_code(session, sorted({r.credit_code for r in records if r.credit_code}))
    by_key = _existing_by_key(session, sorted(set(keys)))
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for done, (record, key) in enumerate(zip(records, keys, strict=True), start=1):
        values = _values(record, present)
        found = _match(record, key, by_code, by_key)
        provenance = {
            "name_normalized": normalize_name(record.name),
            "match_key": key,
            "source": filename,
            "import_run_id": run.id,
            "imported_at": now,
            "last_verified_at": now,
        }
        if found is None:
            values.update(provenance)
            for list_field in LIST_FIELDS:
                values.setdefault(list_field, [])
            values.setdefault("business_scope", "")
            values.setdefault("listed", False)
            inserts.append(values)
            # A later row of this file naming the same company updates this pending insert.
            by_key[(key, record.city)] = values
            if record.credit_code:
                by_code[record.credit_code] = values
        elif _differs(found, values):
            values.update(provenance)
            if "id" in found:
                updates.append({"id": found["id"], **values})
            found.update(values)
        else:
            report.unchanged += 1
        if progress is not None and (done % 1000 == 0 or done == len(records)):
            progress(done, len(records))

    table_ = EnterpriseRow.metadata.tables["enterprises"]
    stamp = {"created_at": now, "updated_at": now}
    bulk_insert(session, table_, [{**v, **stamp} for v in inserts])
    # Ids come back in insertion order; no other row carries this run yet (updates follow).
    new_ids = list(
        session.scalars(
            select(EnterpriseRow.id).where(EnterpriseRow.import_run_id == run.id).order_by("id")
        )
    )
    if updates:
        session.execute(update(EnterpriseRow), updates)
    report.inserted = len(inserts)
    report.updated = len(updates)
    report.applied = True
    report.import_run_id = run.id
    run.inserted, run.updated, run.unchanged = report.inserted, report.updated, report.unchanged
    # New rows are classified from memory; updated ones are reloaded (they may keep fields
    # this file did not carry).
    fresh = [_as_enterprise(new_id, v) for new_id, v in zip(new_ids, inserts, strict=True)]
    classify_enterprises(session, library, settings, enterprises=fresh)
    reclassify(session, library, settings, [u["id"] for u in updates])
    session.flush()
    return report


def _as_enterprise(enterprise_id: int, values: Mapping[str, Any]) -> Enterprise:
    return Enterprise(
        id=enterprise_id,
        name=values["name"],
        main_products=tuple(values.get("main_products") or ()),
        business_scope=values.get("business_scope") or "",
        industry_code=values.get("industry_code"),
    )


def reclassify(
    session: Session, library: Mapping[str, Chain], settings: Settings, ids: Iterable[int]
) -> None:
    """Re-run segment classification for the given enterprises (imported or changed)."""
    id_list = list(ids)
    for i in range(0, len(id_list), CHUNK * 4):
        chunk = repo.enterprises_by_ids(session, id_list[i : i + CHUNK * 4])
        classify_enterprises(session, library, settings, enterprises=chunk)
