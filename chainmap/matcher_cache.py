"""Matcher inputs from the store, and the per-process cache of each chain's CandidateMatrix.

The matrix (:mod:`chainmap.matching.vector`) is built once per chain and *data version*: a
cheap fingerprint of every table the score reads (enterprises, assignments, overrides,
relations, metrics, leads, carriers and reservations) plus the day (carriers go stale) and the
settings that shape it. Any write to those tables changes the fingerprint, so the next request
rebuilds; nothing else does. Mirrors :class:`chainmap.enterprises.ResolverCache`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainmap.domain import Chain, Enterprise
from chainmap.freshness import utcnow
from chainmap.matching.components import MatchContext
from chainmap.matching.referral import Relation
from chainmap.matching.regions import DEFAULT_REGIONS
from chainmap.matching.vector import CandidateMatrix, Ranking
from chainmap.pipeline import Stage as PipelineStage
from chainmap.settings import Settings
from chainmap.store import carriers_repo
from chainmap.store.models import (
    CarrierReservationRow,
    EnterpriseAliasRow,
    EnterpriseMetricsRow,
    EnterpriseRelationRow,
    EnterpriseRow,
    FactoryRow,
    LandParcelRow,
    LeadRow,
    SegmentAssignmentRow,
    StatusOverrideRow,
)


def data_fingerprint(session: Session) -> tuple[Any, ...]:
    """Counts, max ids and max update times of everything the matcher reads, in one statement
    of scalar subqueries (one round trip)."""
    parts: list[Any] = []
    for model, cols in (
        (EnterpriseRow, (EnterpriseRow.id, EnterpriseRow.updated_at)),
        (SegmentAssignmentRow, (SegmentAssignmentRow.id,)),
        (StatusOverrideRow, (StatusOverrideRow.id,)),
        (EnterpriseAliasRow, (EnterpriseAliasRow.id,)),
        (EnterpriseRelationRow, (EnterpriseRelationRow.id,)),
        (EnterpriseMetricsRow, (EnterpriseMetricsRow.updated_at,)),
        (LeadRow, (LeadRow.id, LeadRow.updated_at)),
        (FactoryRow, (FactoryRow.id, FactoryRow.updated_at)),
        (LandParcelRow, (LandParcelRow.id, LandParcelRow.updated_at)),
        (CarrierReservationRow, (CarrierReservationRow.id,)),
    ):
        parts.append(select(func.count()).select_from(model).scalar_subquery())
        parts.extend(select(func.max(c)).scalar_subquery() for c in cols)
    return tuple(session.execute(select(*parts)).one())


def settings_key(settings: Settings) -> tuple[Any, ...]:
    return (
        settings.jurisdiction,
        settings.thresholds,
        settings.classify_min_confidence,
        settings.energy_intensity_cap,
        tuple(settings.restricted_industries),
        settings.carrier_stale_after_days,
    )


def load_relations(session: Session) -> tuple[Relation, ...]:
    return tuple(
        Relation(s, c, p or "", src or "")
        for s, c, p, src in session.execute(
            select(
                EnterpriseRelationRow.supplier_id,
                EnterpriseRelationRow.customer_id,
                EnterpriseRelationRow.product,
                EnterpriseRelationRow.source,
            ).order_by(EnterpriseRelationRow.id)
        )
    )


def load_metrics(session: Session) -> dict[int, tuple[float | None, float | None]]:
    return {
        eid: (g, e)
        for eid, g, e in session.execute(
            select(
                EnterpriseMetricsRow.enterprise_id,
                EnterpriseMetricsRow.growth_pct,
                EnterpriseMetricsRow.energy_intensity,
            )
        )
    }


def with_metrics(
    enterprises: list[Enterprise], metrics: dict[int, tuple[float | None, float | None]]
) -> list[Enterprise]:
    return [
        replace(e, growth_pct=metrics[e.id][0], energy_intensity=metrics[e.id][1])
        if e.id in metrics
        else e
        for e in enterprises
    ]


def local_names(session: Session, settings: Settings) -> dict[int, str]:
    """Every local enterprise (any chain), by id: the possible referrers."""
    j = settings.jurisdiction
    q = select(EnterpriseRow.id, EnterpriseRow.name).where(
        EnterpriseRow.province == j.province, EnterpriseRow.city == j.city
    )
    if j.district is not None:
        q = q.where(EnterpriseRow.district == j.district)
    return {i: n for i, n in session.execute(q)}


def lead_phrases(session: Session) -> dict[int, str]:
    """Enterprise id → 「尖刀班·张三（洽谈）」 for every lead not dropped."""
    out: dict[int, str] = {}
    for eid, team, person, stage in session.execute(
        select(LeadRow.enterprise_id, LeadRow.owner_team, LeadRow.owner_person, LeadRow.stage)
        .where(LeadRow.stage != "dropped")
        .order_by(LeadRow.id)
    ):
        out.setdefault(eid, f"{team}·{person}（{PipelineStage(stage).label}）")
    return out


def match_context(
    session: Session,
    chain: Chain,
    settings: Settings,
    *,
    today: date,
    locals_: dict[int, str] | None = None,
) -> MatchContext:
    """The matcher's context from the store and settings (carriers, relations, leads …)."""
    factories, parcels = carriers_repo.load_carriers(session)
    return MatchContext(
        home_province=settings.jurisdiction_province,
        regions=chain.regions if chain.regions is not None else DEFAULT_REGIONS,
        energy_cap=settings.energy_intensity_cap,
        restricted=tuple(settings.restricted_industries),
        factories=tuple(factories),
        parcels=tuple(parcels),
        today=today,
        carrier_stale_after_days=settings.carrier_stale_after_days,
        relations=load_relations(session),
        local_names=locals_ if locals_ is not None else local_names(session, settings),
        leads=lead_phrases(session),
    )


@dataclass(frozen=True, eq=False)
class Prepared:
    """What one chain's ranking needs, as of one data version."""

    state: Any  # services.ChainState (kept untyped here to avoid an import cycle)
    matrix: CandidateMatrix
    canonical: dict[int, int] = field(default_factory=dict)
    """Duplicate clusters (record id → cluster id) as of this version."""
    rankings: dict[tuple[Any, bool], Ranking] = field(default_factory=dict)
    """Rankings already computed on this version, by (filters, collapsed); see
    :func:`chainmap.services.rank_prepared`."""


class MatcherCache:
    """Per-process cache: chain id → (fingerprint, Prepared). Thread-safe.

    The fingerprint scans every table the matcher reads, which costs tens of milliseconds at
    100,000 enterprises; so it is taken at most once every ``recheck_seconds`` — unless
    :meth:`invalidate` was called (the app calls it after every write request it serves), in
    which case the next use rechecks. Writes made elsewhere (another worker, the CLI) are
    seen within ``recheck_seconds``; ``recheck_seconds=0`` checks on every use.
    """

    def __init__(self, recheck_seconds: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[tuple[Any, ...], Prepared]] = {}
        self.recheck_seconds = recheck_seconds
        self._key: tuple[Any, ...] | None = None
        self._key_at = 0.0
        self.builds = 0

    def invalidate(self) -> None:
        """Recheck the data on the next use (a write happened)."""
        with self._lock:
            self._key = None

    def key(self, session: Session, settings: Settings) -> tuple[Any, ...]:
        now = time.monotonic()
        with self._lock:
            if self._key is not None and now - self._key_at < self.recheck_seconds:
                return self._key
        key = (*data_fingerprint(session), utcnow().date(), settings_key(settings))
        with self._lock:
            self._key, self._key_at = key, now
        return key

    def get(self, chain_id: str, key: tuple[Any, ...]) -> Prepared | None:
        with self._lock:
            hit = self._entries.get(chain_id)
            return hit[1] if hit is not None and hit[0] == key else None

    def put(self, chain_id: str, key: tuple[Any, ...], prepared: Prepared) -> None:
        with self._lock:
            self._entries[chain_id] = (key, prepared)
            self.builds += 1
