"""Enterprise registry use cases besides import: CRUD, search, name resolution, duplicates, merge.

Services take an open Session and only flush; the caller's transaction commits.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from chainmap.credit_code import credit_code_problem, normalize_credit_code
from chainmap.domain import Chain, Enterprise
from chainmap.errors import ChainmapError
from chainmap.freshness import utcnow
from chainmap.matching.normalize import match_key, normalize_name
from chainmap.matching.resolve import MATCH_THRESHOLD, Match, NameIndex, find_duplicate_clusters
from chainmap.registry import reclassify
from chainmap.services import InvalidInput, Page
from chainmap.settings import Settings
from chainmap.store import repo
from chainmap.store.models import (
    EnterpriseAliasRow,
    EnterpriseMergeRow,
    EnterpriseRow,
    LeadRow,
    SegmentAssignmentRow,
)

EDITABLE = (
    "name",
    "credit_code",
    "province",
    "city",
    "district",
    "listed",
    "stock_code",
    "tags",
    "revenue_wan",
    "registered_capital_wan",
    "employees",
    "business_scope",
    "main_products",
    "industry_code",
    "address",
    "legal_representative",
)


class EnterpriseNotFound(ChainmapError):
    code = "enterprise_not_found"

    def __init__(self, enterprise_id: int) -> None:
        super().__init__(
            f"未找到企业 {enterprise_id}", f"enterprise {enterprise_id} not found", field="id"
        )


class CreditCodeTaken(ChainmapError):
    code = "credit_code_taken"

    def __init__(self, code: str, holder_id: int, holder_name: str) -> None:
        super().__init__(
            f"统一社会信用代码 {code} 已属于企业「{holder_name}」（{holder_id}）",
            f"credit code {code} already belongs to '{holder_name}' ({holder_id})",
            field="credit_code",
        )


@dataclass(frozen=True, slots=True)
class EnterpriseDetail:
    """One registry record with what the API shows about it."""

    row: EnterpriseRow
    aliases: list[EnterpriseAliasRow]
    assignments: list[SegmentAssignmentRow]


def get_row(session: Session, enterprise_id: int) -> EnterpriseRow:
    row = session.get(EnterpriseRow, enterprise_id)
    if row is None:
        raise EnterpriseNotFound(enterprise_id)
    return row


def detail(session: Session, enterprise_id: int) -> EnterpriseDetail:
    row = get_row(session, enterprise_id)
    return _details(session, [row])[0]


def _details(session: Session, rows: Sequence[EnterpriseRow]) -> list[EnterpriseDetail]:
    ids = [r.id for r in rows]
    aliases: dict[int, list[EnterpriseAliasRow]] = {i: [] for i in ids}
    assigns: dict[int, list[SegmentAssignmentRow]] = {i: [] for i in ids}
    if ids:
        for a in session.scalars(
            select(EnterpriseAliasRow)
            .where(EnterpriseAliasRow.enterprise_id.in_(ids))
            .order_by(EnterpriseAliasRow.id)
        ):
            aliases[a.enterprise_id].append(a)
        for s in session.scalars(
            select(SegmentAssignmentRow)
            .where(SegmentAssignmentRow.enterprise_id.in_(ids))
            .order_by(SegmentAssignmentRow.chain_id, SegmentAssignmentRow.confidence.desc())
        ):
            assigns[s.enterprise_id].append(s)
    return [EnterpriseDetail(r, aliases[r.id], assigns[r.id]) for r in rows]


def _check_code(session: Session, code: str | None, *, exclude_id: int | None) -> str | None:
    if not code:
        return None
    code = normalize_credit_code(code)
    problem = credit_code_problem(code)
    if problem is not None:
        raise InvalidInput(problem[0], problem[1], field="credit_code")
    holder = session.scalars(select(EnterpriseRow).where(EnterpriseRow.credit_code == code)).first()
    if holder is not None and holder.id != exclude_id:
        raise CreditCodeTaken(code, holder.id, holder.name)
    return code


def create(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    values: Mapping[str, Any],
    *,
    aliases: Sequence[tuple[str, str]] = (),
    source: str = "manual",
) -> EnterpriseDetail:
    """Add one enterprise by hand, classify it, and register its aliases ``(alias, kind)``."""
    data = {k: v for k, v in values.items() if k in EDITABLE}
    data["credit_code"] = _check_code(session, data.get("credit_code"), exclude_id=None)
    now = utcnow()
    row = EnterpriseRow(
        **data,
        name_normalized=normalize_name(data["name"]),
        match_key=match_key(data["name"]),
        source=source,
        last_verified_at=now,
    )
    session.add(row)
    session.flush()
    for alias, kind in aliases:
        add_alias(session, row.id, alias, kind)
    reclassify(session, library, settings, [row.id])
    return detail(session, row.id)


def update(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    enterprise_id: int,
    values: Mapping[str, Any],
) -> EnterpriseDetail:
    """Change fields; a change is a verification, and segments are recomputed."""
    row = get_row(session, enterprise_id)
    data = {k: v for k, v in values.items() if k in EDITABLE}
    if "credit_code" in data:
        data["credit_code"] = _check_code(session, data["credit_code"], exclude_id=row.id)
    for k, v in data.items():
        setattr(row, k, v)
    if "name" in data:
        row.name_normalized = normalize_name(row.name)
        row.match_key = match_key(row.name)
    row.last_verified_at = utcnow()
    session.flush()
    reclassify(session, library, settings, [row.id])
    return detail(session, row.id)


class EnterpriseHasLeads(ChainmapError):
    code = "enterprise_has_leads"

    def __init__(self, enterprise_id: int, lead_ids: Sequence[int]) -> None:
        ids = ", ".join(str(i) for i in lead_ids)
        super().__init__(
            f"企业 {enterprise_id} 有招商线索（{ids}），不能删除",
            f"enterprise {enterprise_id} has leads ({ids}) and cannot be deleted",
            field="id",
        )


def _lead_ids(session: Session, enterprise_id: int, *, active_only: bool = False) -> list[int]:
    stmt = select(LeadRow.id).where(LeadRow.enterprise_id == enterprise_id)
    if active_only:
        stmt = stmt.where(LeadRow.stage != "dropped")
    return list(session.scalars(stmt.order_by(LeadRow.id)))


def remove(session: Session, enterprise_id: int) -> None:
    """Delete a record that no lead refers to (lead history is never lost)."""
    row = get_row(session, enterprise_id)
    leads = _lead_ids(session, enterprise_id)
    if leads:
        raise EnterpriseHasLeads(enterprise_id, leads)
    session.delete(row)
    session.flush()


def add_alias(session: Session, enterprise_id: int, alias: str, kind: str) -> EnterpriseAliasRow:
    alias = alias.strip()
    existing = session.scalars(
        select(EnterpriseAliasRow).where(
            EnterpriseAliasRow.enterprise_id == enterprise_id, EnterpriseAliasRow.alias == alias
        )
    ).first()
    if existing is not None:
        return existing
    row = EnterpriseAliasRow(
        enterprise_id=enterprise_id, alias=alias, alias_key=match_key(alias), kind=kind
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class SearchQuery:
    q: str | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    tag: str | None = None
    chain_id: str | None = None
    segment_id: str | None = None
    local: bool | None = None
    stale: bool | None = None
    limit: int = 50
    offset: int = 0


def search(
    session: Session, settings: Settings, query: SearchQuery, *, resolver: ResolverCache
) -> Page[EnterpriseDetail]:
    """Filter the registry; ``q`` matches names and aliases, exactly or fuzzily."""
    stmt = select(EnterpriseRow)
    if query.q:
        key = match_key(query.q) or normalize_name(query.q)
        like = f"%{key}%"
        alias_ids = select(EnterpriseAliasRow.enterprise_id).where(
            EnterpriseAliasRow.alias_key.like(like)
        )
        fuzzy_ids = [m.id for m in resolver.get(session).resolve(query.q, limit=20)]
        stmt = stmt.where(
            or_(
                EnterpriseRow.match_key.like(like),
                EnterpriseRow.name_normalized.like(f"%{normalize_name(query.q)}%"),
                EnterpriseRow.id.in_(alias_ids),
                EnterpriseRow.id.in_(fuzzy_ids),
            )
        )
    for column, value in (
        (EnterpriseRow.province, query.province),
        (EnterpriseRow.city, query.city),
        (EnterpriseRow.district, query.district),
    ):
        if value:
            stmt = stmt.where(column == value)
    if query.chain_id or query.segment_id:
        sub = select(SegmentAssignmentRow.enterprise_id).where(
            SegmentAssignmentRow.confidence >= settings.status_min_confidence
        )
        if query.chain_id:
            sub = sub.where(SegmentAssignmentRow.chain_id == query.chain_id)
        if query.segment_id:
            sub = sub.where(SegmentAssignmentRow.segment_id == query.segment_id)
        stmt = stmt.where(EnterpriseRow.id.in_(sub))
    if query.local is not None:
        j = settings.jurisdiction
        local_clause = (EnterpriseRow.province == j.province) & (EnterpriseRow.city == j.city)
        if j.district:
            local_clause = local_clause & (EnterpriseRow.district == j.district)
        stmt = stmt.where(local_clause if query.local else ~local_clause)
    if query.stale is not None:
        cutoff = stale_cutoff(settings)
        stale_clause = (EnterpriseRow.last_verified_at.is_(None)) | (
            EnterpriseRow.last_verified_at < cutoff
        )
        stmt = stmt.where(stale_clause if query.stale else ~stale_clause)
    rows = list(session.scalars(stmt.order_by(EnterpriseRow.id)))
    if query.tag:  # tags are a JSON list: filter portably in Python after the SQL filters
        rows = [r for r in rows if query.tag in (r.tags or [])]
    total = len(rows)
    page = rows[query.offset : query.offset + query.limit]
    return Page(items=_details(session, page), total=total, limit=query.limit, offset=query.offset)


def stale_cutoff(settings: Settings) -> datetime:
    from datetime import timedelta

    return utcnow() - timedelta(days=settings.enterprise_stale_after_days)


class ResolverCache:
    """The registry's NameIndex, rebuilt only when enterprises or aliases changed.

    One per process (the app and the CLI each hold one); a cheap fingerprint query per use
    tells whether the registry moved since the index was built.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fingerprint: tuple[Any, ...] | None = None
        self._index: NameIndex | None = None
        self._canonical: dict[int, int] | None = None

    @staticmethod
    def fingerprint(session: Session) -> tuple[Any, ...]:
        e = session.execute(
            select(func.count(), func.max(EnterpriseRow.id), func.max(EnterpriseRow.updated_at))
        ).one()
        a = session.execute(select(func.count(), func.max(EnterpriseAliasRow.id))).one()
        return (*e, *a)

    def get(self, session: Session) -> NameIndex:
        fp = self.fingerprint(session)
        with self._lock:
            if self._index is None or fp != self._fingerprint:
                self._index = NameIndex(registry_records(session))
                self._fingerprint = fp
                self._canonical = None
            return self._index

    def canonical(self, session: Session) -> dict[int, int]:
        """Record id → the smallest id of its duplicate cluster (only ids in a cluster)."""
        index = self.get(session)
        with self._lock:
            if self._canonical is None:
                self._canonical = {
                    i: cluster[0] for cluster in find_duplicate_clusters(index) for i in cluster
                }
            return self._canonical


def registry_records(session: Session) -> list[tuple[int, str, list[str]]]:
    aliases: dict[int, list[str]] = {}
    for eid, alias in session.execute(
        select(EnterpriseAliasRow.enterprise_id, EnterpriseAliasRow.alias).order_by(
            EnterpriseAliasRow.id
        )
    ):
        aliases.setdefault(eid, []).append(alias)
    return [
        (eid, name, aliases.get(eid, []))
        for eid, name in session.execute(
            select(EnterpriseRow.id, EnterpriseRow.name).order_by(EnterpriseRow.id)
        )
    ]


def resolve(
    session: Session, resolver: ResolverCache, name: str, *, limit: int = 5, min_score: float = 0.5
) -> list[Match]:
    """Registry records a name may refer to, with calibrated scores and reasons."""
    if not name.strip():
        raise InvalidInput("名称不能为空", "name must not be empty", field="name")
    return resolver.get(session).resolve(name, limit=limit, min_score=min_score)


def duplicates(
    session: Session, resolver: ResolverCache, *, threshold: float = MATCH_THRESHOLD
) -> list[list[int]]:
    """Clusters of records that name the same enterprise."""
    return find_duplicate_clusters(resolver.get(session), threshold=threshold)


def _snapshot(row: EnterpriseRow, aliases: Sequence[EnterpriseAliasRow]) -> dict[str, object]:
    out: dict[str, object] = {}
    for column in EnterpriseRow.__table__.columns:
        value = getattr(row, column.key)
        out[column.key] = value.isoformat() if isinstance(value, date | datetime) else value
    out["aliases"] = [{"alias": a.alias, "kind": a.kind} for a in aliases]
    return out


def merge(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    *,
    keep_id: int,
    other_id: int,
    actor: str,
    reason: str,
) -> EnterpriseDetail:
    """Merge ``other`` into ``keep``: its names become aliases, its values fill keep's blanks,
    a full snapshot goes to the merge history, and ``other`` is deleted."""
    if keep_id == other_id:
        raise InvalidInput("不能与自身合并", "cannot merge a record into itself", field="other_id")
    if not reason.strip():
        raise InvalidInput("必须填写合并原因", "a reason is required", field="reason")
    keep, other = get_row(session, keep_id), get_row(session, other_id)
    if _lead_ids(session, keep_id, active_only=True) and _lead_ids(
        session, other_id, active_only=True
    ):
        raise InvalidInput(
            "两条记录都有进行中的线索，请先终止其中一条",
            "both records have an active lead; drop one of them first",
            field="other_id",
        )
    other_detail = _details(session, [other])[0]
    session.add(
        EnterpriseMergeRow(
            kept_id=keep.id,
            merged_id=other.id,
            merged_name=other.name,
            merged_credit_code=other.credit_code,
            snapshot=_snapshot(other, other_detail.aliases),
            actor=actor,
            reason=reason.strip(),
        )
    )
    moved = [(a.alias, a.kind) for a in other_detail.aliases]
    if other.name != keep.name:
        moved.insert(0, (other.name, "merged"))
    fill: dict[str, Any] = {}
    for column in (*EDITABLE, "registration_status", "established_on", "paid_in_capital_wan"):
        if getattr(keep, column) in (None, "", []) and getattr(other, column) not in (None, "", []):
            fill[column] = getattr(other, column)
    fill["tags"] = sorted(set(keep.tags or []) | set(other.tags or []))
    fill["main_products"] = list(
        dict.fromkeys([*(keep.main_products or []), *(other.main_products or [])])
    )
    fill["listed"] = keep.listed or other.listed
    session.execute(
        sql_update(LeadRow).where(LeadRow.enterprise_id == other.id).values(enterprise_id=keep.id)
    )
    session.execute(delete(EnterpriseRow).where(EnterpriseRow.id == other.id))
    session.expunge(other)
    session.flush()
    for k, v in fill.items():
        setattr(keep, k, v)
    keep.last_verified_at = utcnow()
    session.flush()
    for alias, kind in moved:
        add_alias(session, keep.id, alias, kind)
    reclassify(session, library, settings, [keep.id])
    return detail(session, keep.id)


def as_enterprise(d: EnterpriseDetail) -> Enterprise:
    return repo.to_enterprise(d.row)
