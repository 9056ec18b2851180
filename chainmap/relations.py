"""Known supplier / customer relations between enterprises (以商招商): add, list, import.

An import reads an xlsx / csv with 供应方 and 采购方 (names or 统一社会信用代码) and an optional
产品; each side must resolve to exactly one registry record (credit code first, then the exact
name, then the match key — name without legal form and region). All or nothing by default,
as every import: every bad row is reported and nothing is written unless ``skip_invalid``.
Re-importing the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from chainmap.credit_code import normalize_credit_code
from chainmap.enterprises import EnterpriseNotFound
from chainmap.io.tables import ColumnSpec, RowError, read_table
from chainmap.matching.normalize import match_key
from chainmap.matching.referral import Relation
from chainmap.registry import ImportRejected, ImportReport
from chainmap.services import InvalidInput
from chainmap.store.models import EnterpriseRelationRow, EnterpriseRow

RELATION_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("supplier", ("供应方", "供应商", "供货方", "卖方", "supplier"), required=True),
    ColumnSpec("customer", ("采购方", "客户", "需求方", "买方", "customer"), required=True),
    ColumnSpec("product", ("产品", "供应产品", "采购产品", "product")),
    ColumnSpec("source", ("来源", "信息来源", "source")),
)


@dataclass(frozen=True, slots=True)
class RelationRecord:
    id: int
    supplier_id: int
    supplier_name: str
    customer_id: int
    customer_name: str
    product: str
    source: str


def add_relation(session: Session, relation: Relation) -> RelationRecord:
    """Record one relation (both enterprises must exist; the same relation twice is one)."""
    if relation.supplier_id == relation.customer_id:
        raise InvalidInput(
            "供应方与采购方不能是同一企业",
            "supplier and customer must differ",
            field="customer_id",
        )
    names = _names(session, [relation.supplier_id, relation.customer_id])
    for eid in (relation.supplier_id, relation.customer_id):
        if eid not in names:
            raise EnterpriseNotFound(eid)
    row = session.scalar(
        select(EnterpriseRelationRow).where(
            EnterpriseRelationRow.supplier_id == relation.supplier_id,
            EnterpriseRelationRow.customer_id == relation.customer_id,
            EnterpriseRelationRow.product == relation.product,
        )
    )
    if row is None:
        row = EnterpriseRelationRow(
            supplier_id=relation.supplier_id,
            customer_id=relation.customer_id,
            product=relation.product,
            source=relation.source,
        )
        session.add(row)
        session.flush()
    return _record(row, names)


def list_relations(session: Session, enterprise_id: int | None = None) -> list[RelationRecord]:
    q = select(EnterpriseRelationRow).order_by(EnterpriseRelationRow.id)
    if enterprise_id is not None:
        q = q.where(
            or_(
                EnterpriseRelationRow.supplier_id == enterprise_id,
                EnterpriseRelationRow.customer_id == enterprise_id,
            )
        )
    rows = list(session.scalars(q))
    names = _names(session, [i for r in rows for i in (r.supplier_id, r.customer_id)])
    return [_record(r, names) for r in rows]


def _names(session: Session, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        session.execute(
            select(EnterpriseRow.id, EnterpriseRow.name).where(EnterpriseRow.id.in_(set(ids)))
        ).all()
    )


def _record(row: EnterpriseRelationRow, names: dict[int, str]) -> RelationRecord:
    return RelationRecord(
        row.id,
        row.supplier_id,
        names.get(row.supplier_id, ""),
        row.customer_id,
        names.get(row.customer_id, ""),
        row.product,
        row.source,
    )


class _Resolver:
    """Name or credit code → one enterprise id (or why not), over the whole registry."""

    def __init__(self, session: Session) -> None:
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, list[int]] = {}
        self.by_key: dict[str, list[int]] = {}
        for eid, name, code, key in session.execute(
            select(
                EnterpriseRow.id,
                EnterpriseRow.name,
                EnterpriseRow.credit_code,
                EnterpriseRow.match_key,
            )
        ):
            if code:
                self.by_code[code] = eid
            self.by_name.setdefault(name, []).append(eid)
            if key:
                self.by_key.setdefault(key, []).append(eid)

    def resolve(self, text: str) -> tuple[int | None, str, str]:
        code = normalize_credit_code(text)
        if code in self.by_code:
            return self.by_code[code], "", ""
        for table in (self.by_name.get(text), self.by_key.get(match_key(text))):
            if table and len(table) == 1:
                return table[0], "", ""
            if table:
                return (
                    None,
                    f"「{text}」对应多家企业，请改用统一社会信用代码",
                    (f"{text!r} matches several enterprises; use the credit code"),
                )
        return None, f"企业库中没有「{text}」", f"{text!r} is not in the registry"


def import_relations(
    session: Session,
    *,
    source: bytes,
    filename: str,
    skip_invalid: bool = False,
    max_rows: int | None = None,
    max_bytes: int | None = None,
) -> ImportReport:
    """Import a relations sheet (see the module docstring); raises ImportRejected on bad rows
    unless ``skip_invalid``."""
    table = read_table(
        source, columns=RELATION_COLUMNS, filename=filename, max_rows=max_rows, max_bytes=max_bytes
    )
    resolver = _Resolver(session)
    errors: list[RowError] = []
    good: list[tuple[int, Relation]] = []
    for row in table.rows:
        ids: dict[str, int] = {}
        for key in ("supplier", "customer"):
            text = str(row.values.get(key) or "").strip()
            header = table.headers.get(key, key)
            if not text:
                errors.append(RowError(row.row_number, header, None, "不能为空", "is empty"))
                continue
            eid, zh, en = resolver.resolve(text)
            if eid is None:
                errors.append(RowError(row.row_number, header, text, zh, en))
            else:
                ids[key] = eid
        if len(ids) < 2:
            continue
        if ids["supplier"] == ids["customer"]:
            errors.append(
                RowError(
                    row.row_number,
                    table.headers.get("customer", "customer"),
                    str(row.values.get("customer")),
                    "供应方与采购方是同一企业",
                    "supplier and customer are the same enterprise",
                )
            )
            continue
        product = str(row.values.get("product") or "").strip()
        src = str(row.values.get("source") or "").strip() or filename
        good.append((row.row_number, Relation(ids["supplier"], ids["customer"], product, src)))
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
    existing = {
        (s, c, p)
        for s, c, p in session.execute(
            select(
                EnterpriseRelationRow.supplier_id,
                EnterpriseRelationRow.customer_id,
                EnterpriseRelationRow.product,
            )
        )
    }
    for _, rel in good:
        k = (rel.supplier_id, rel.customer_id, rel.product)
        if k in existing:
            report.unchanged += 1
            continue
        existing.add(k)
        session.add(
            EnterpriseRelationRow(
                supplier_id=rel.supplier_id,
                customer_id=rel.customer_id,
                product=rel.product,
                source=rel.source,
            )
        )
        report.inserted += 1
    session.flush()
    report.applied = True
    return report
