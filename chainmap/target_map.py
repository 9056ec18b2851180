"""The 招商地图 (target_map): a chain's graph with statuses, each gap with its top targets and
the vacant carriers that suit the gap's typical project. One ranking per gap, from the cached
CandidateMatrix; only the rows shown are explained.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from chainmap.carriers import CarrierFit, SpaceNeed, carrier_fits, estimate_need, need_summary
from chainmap.domain import Chain, Gap, Segment, SegmentPresence, Target
from chainmap.freshness import utcnow
from chainmap.matcher_cache import MatcherCache
from chainmap.matching.components import industry_keywords
from chainmap.matching.vector import TargetFilter, page
from chainmap.services import (
    CanonicalSource,
    ChainState,
    InvalidInput,
    prepare_targets,
    rank_prepared,
)
from chainmap.settings import Settings

MAX_PER_GAP = 100
MAX_CARRIERS_PER_GAP = 5


@dataclass(frozen=True, slots=True)
class GapTargets:
    """One gap of the map: its top targets (of ``total``) and the carriers that fit it."""

    gap: Gap
    segment: Segment
    presence: SegmentPresence
    targets: list[Target]
    total: int
    need: SpaceNeed
    need_text: str
    carriers: list[CarrierFit]


@dataclass(frozen=True, slots=True)
class TargetMap:
    chain: Chain
    state: ChainState
    gaps: list[GapTargets]
    leads: Mapping[int, str]
    generated_at: datetime


def build_target_map(
    session: Session,
    chain: Chain,
    settings: Settings,
    *,
    per_gap: int = 10,
    segment_id: str | None = None,
    filters: TargetFilter | None = None,
    canonical: Mapping[int, int] | None = None,
    cache: MatcherCache | None = None,
    resolver: CanonicalSource | None = None,
) -> TargetMap:
    """The whole map, or one gap of it (``segment_id``); ``filters`` apply to every gap."""
    if per_gap < 1 or per_gap > MAX_PER_GAP:
        raise InvalidInput(
            f"per_gap 须在 1 到 {MAX_PER_GAP} 之间",
            f"per_gap must be between 1 and {MAX_PER_GAP}",
            field="per_gap",
        )
    if segment_id is not None:
        chain.segment(segment_id)
    prepared = prepare_targets(session, chain, settings, cache=cache, resolver=resolver)
    clusters = canonical if canonical is not None else prepared.canonical
    ctx = prepared.matrix.context
    base = filters or TargetFilter()
    out: list[GapTargets] = []
    for gap in prepared.state.gaps:
        if segment_id is not None and gap.segment_id != segment_id:
            continue
        seg = chain.segment(gap.segment_id)
        ranking = rank_prepared(
            prepared, chain, filters=replace(base, segment_id=gap.segment_id), canonical=clusters
        )
        need = estimate_need(segment_footprint=seg.footprint, revenue_wan=None, employees=None)
        fits = (
            carrier_fits(
                need,
                ctx.factories,
                ctx.parcels,
                today=ctx.today,
                stale_after_days=ctx.carrier_stale_after_days,
                industry_keywords=industry_keywords(chain, seg),
            )
            if ctx.today is not None
            else []
        )
        out.append(
            GapTargets(
                gap=gap,
                segment=seg,
                presence=prepared.state.presence[gap.segment_id],
                targets=page(ranking, offset=0, limit=per_gap),
                total=ranking.total,
                need=need,
                need_text=need_summary(need),
                carriers=[f for f in fits if f.fits][:MAX_CARRIERS_PER_GAP],
            )
        )
    return TargetMap(
        chain=chain, state=prepared.state, gaps=out, leads=ctx.leads, generated_at=utcnow()
    )
