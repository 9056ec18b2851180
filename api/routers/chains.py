"""Chains, gaps, targets and status overrides."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response

from api.auth import PrincipalDep
from api.deps import ChainDep, LibraryDep, OffsetQuery, SessionDep, SettingsDep
from api.schemas import (
    CarrierFitRead,
    ChainGraphRead,
    ChainSummary,
    EnterpriseBrief,
    Freshness,
    GapMapRead,
    GapRead,
    OverrideIn,
    OverrideRead,
    PriorityChangeRead,
    RisingTargetRead,
    SegmentStatusRead,
    StatusChangeRead,
    TargetMapRead,
    TargetPage,
    TargetRead,
    WhatIfIn,
    WhatIfRead,
)
from chainmap import services
from chainmap.auth.model import sees_chain
from chainmap.domain import STATUS_LABELS, Status, Target
from chainmap.domain import Chain as ChainModel
from chainmap.freshness import utcnow
from chainmap.leads import owners_of
from chainmap.matching.vector import TargetFilter
from chainmap.report.target_map_xlsx import target_map_xlsx
from chainmap.settings import Settings
from chainmap.target_map import MAX_PER_GAP, TargetMap, build_target_map
from chainmap.what_if import chain_what_if

router = APIRouter(prefix="/chains", tags=["chains"])

MAX_LIMIT = 500


@router.get("", response_model=list[ChainSummary])
def list_chains(
    session: SessionDep, library: LibraryDep, settings: SettingsDep, principal: PrincipalDep
) -> list[ChainSummary]:
    """产业链列表及缺环数（链长只见本链）/ chains with gap counts (a chain leader: their own)."""
    out = []
    for chain in library.values():
        if not sees_chain(principal, chain.id):
            continue
        state = services.chain_state(session, chain, settings)
        out.append(
            ChainSummary(
                id=chain.id,
                name=chain.name,
                name_en=chain.name_en,
                aliases=list(chain.aliases),
                segment_count=len(chain.segments),
                gap_count=len(state.gaps),
                missing_count=sum(1 for g in state.gaps if g.status is Status.missing),
            )
        )
    return out


@router.get("/{chain_id}", response_model=ChainGraphRead)
def get_chain_graph(chain: ChainDep, session: SessionDep, settings: SettingsDep) -> ChainGraphRead:
    """产业链图谱（节点-连线），含各环节状态与本地企业数 / chain graph with status."""
    state = services.chain_state(session, chain, settings)
    return ChainGraphRead.build(chain, state.presence)


@router.get("/{chain_id}/gaps", response_model=list[GapRead])
def get_gaps(chain: ChainDep, session: SessionDep, settings: SettingsDep) -> list[GapRead]:
    """缺环与短板，按优先级排序 / gaps ranked by priority."""
    state = services.chain_state(session, chain, settings)
    return [GapRead.build(chain, g, state.presence[g.segment_id]) for g in state.gaps]


def target_filters(
    segment: Annotated[str | None, Query(description="只看该缺环 / only this gap segment")] = None,
    region: Annotated[
        str | None,
        Query(description="重点区域（长三角等）、省份或城市 / priority region, province or city"),
    ] = None,
    tag: Annotated[
        list[str] | None,
        Query(description="企业标签，任一命中即可（leading 龙头 …）/ any of these tags"),
    ] = None,
    min_revenue_wan: Annotated[
        float | None, Query(ge=0, description="最低营收（万元）/ minimum revenue, 10k yuan")
    ] = None,
    listed_only: Annotated[bool, Query(description="只看上市公司 / listed only")] = False,
    exclude_leads: Annotated[
        bool, Query(description="排除已在跟进的企业 / leave out existing leads")
    ] = False,
) -> TargetFilter:
    return TargetFilter(
        segment_id=segment,
        region=region,
        tags=tuple(tag or ()),
        min_revenue_wan=min_revenue_wan,
        listed_only=listed_only,
        exclude_leads=exclude_leads,
    )


FiltersDep = Annotated[TargetFilter, Depends(target_filters)]


def target_rows(
    session: SessionDep,
    chain: ChainModel,
    settings: Settings,
    targets: list[Target],
    *,
    first_rank: int,
) -> list[TargetRead]:
    freshness = Freshness(now=utcnow(), max_age_days=settings.enterprise_stale_after_days)
    owners = owners_of(session, [t.enterprise.id for t in targets])
    return [
        TargetRead.build(first_rank + i, chain, t, freshness, owners.get(t.enterprise.id))
        for i, t in enumerate(targets)
    ]


@router.get("/{chain_id}/targets", response_model=TargetPage)
def get_targets(
    request: Request,
    chain: ChainDep,
    session: SessionDep,
    settings: SettingsDep,
    filters: FiltersDep,
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="每页条数 / page size (≤500)")
    ] = 50,
    offset: OffsetQuery = 0,
) -> TargetPage:
    """目标企业清单（招商地图），每行附七项分项得分与理由 / ranked, explained targets."""
    page = services.targets_page(
        session,
        chain,
        settings,
        filters=filters,
        limit=limit,
        offset=offset,
        resolver=request.app.state.resolver,
        cache=request.app.state.matcher,
    )
    return TargetPage(
        chain_id=chain.id,
        segment_id=filters.segment_id,
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        items=target_rows(session, chain, settings, page.items, first_rank=offset + 1),
    )


def _map(
    request: Request,
    chain: ChainModel,
    session: SessionDep,
    settings: Settings,
    *,
    per_gap: int,
    filters: TargetFilter,
) -> TargetMap:
    return build_target_map(
        session,
        chain,
        settings,
        per_gap=per_gap,
        segment_id=filters.segment_id,
        filters=replace(filters, segment_id=None),
        resolver=request.app.state.resolver,
        cache=request.app.state.matcher,
    )


PerGap = Annotated[
    int, Query(ge=1, le=MAX_PER_GAP, description="每个缺环列出的目标企业数 / targets per gap")
]


@router.get("/{chain_id}/map", response_model=TargetMapRead)
def get_target_map(
    request: Request,
    chain: ChainDep,
    session: SessionDep,
    settings: SettingsDep,
    filters: FiltersDep,
    per_gap: PerGap = 10,
) -> TargetMapRead:
    """招商地图：图谱与状态、各缺环的目标企业和适配载体 / the whole target map."""
    tmap = _map(request, chain, session, settings, per_gap=per_gap, filters=filters)
    return TargetMapRead(
        chain_id=chain.id,
        generated_at=tmap.generated_at,
        graph=ChainGraphRead.build(chain, tmap.state.presence),
        gaps=[
            GapMapRead(
                gap=GapRead.build(chain, g.gap, g.presence),
                total=g.total,
                need=g.need_text,
                targets=target_rows(session, chain, settings, g.targets, first_rank=1),
                carriers=[
                    CarrierFitRead(
                        kind=c.carrier_kind,
                        id=c.carrier_id,
                        label=c.label,
                        score=c.score,
                        reason=c.reason,
                    )
                    for c in g.carriers
                ],
            )
            for g in tmap.gaps
        ],
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get(
    "/{chain_id}/map.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}, "description": "招商地图工作簿 / workbook"}},
)
def get_target_map_xlsx(
    request: Request,
    chain: ChainDep,
    session: SessionDep,
    settings: SettingsDep,
    filters: FiltersDep,
    per_gap: PerGap = 30,
) -> Response:
    """招商地图 xlsx：总览 + 每个缺环一张表（中文表头、理由列）/ the map as a workbook."""
    tmap = _map(request, chain, session, settings, per_gap=per_gap, filters=filters)
    name = f"{chain.id}-target-map.xlsx"
    zh = quote(f"{chain.name}招商地图.xlsx")
    return Response(
        content=target_map_xlsx(tmap),
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{zh}"},
    )


@router.post("/{chain_id}/what-if", response_model=WhatIfRead)
def post_what_if(
    request: Request, chain: ChainDep, body: WhatIfIn, session: SessionDep, settings: SettingsDep
) -> WhatIfRead:
    """假设这些企业落地：环节状态、缺环、优先级与上升的下游目标 / what if they land here."""
    result = chain_what_if(
        session,
        chain,
        settings,
        body.enterprise_ids,
        limit=body.limit,
        cache=request.app.state.matcher,
    )
    freshness = Freshness(now=utcnow(), max_age_days=settings.enterprise_stale_after_days)
    owners = owners_of(session, [r.target.enterprise.id for r in result.rising])
    return WhatIfRead(
        chain_id=chain.id,
        landed=[EnterpriseBrief.build(e, freshness) for e in result.landed],
        landed_segments=list(result.landed_segments),
        status_changes=[
            StatusChangeRead(
                segment_id=c.segment_id,
                segment_name=chain.segment(c.segment_id).name,
                before=c.before,
                after=c.after,
                before_label=STATUS_LABELS[c.before],
                after_label=STATUS_LABELS[c.after],
                local_before=c.local_before,
                local_after=c.local_after,
                overridden=c.overridden,
            )
            for c in result.status_changes
        ],
        gaps_closed=list(result.gaps_closed),
        gaps_filled=list(result.gaps_filled),
        priority_changes=[
            PriorityChangeRead(segment_id=p.segment_id, before=p.before, after=p.after)
            for p in result.priority_changes
        ],
        gaps_after=[
            GapRead.build(chain, g, result.presence[g.segment_id]) for g in result.gaps_after
        ],
        rising=[
            RisingTargetRead(
                target=TargetRead.build(
                    r.rank_after, chain, r.target, freshness, owners.get(r.target.enterprise.id)
                ),
                score_before=r.score_before,
                rank_before=r.rank_before,
                rank_after=r.rank_after,
                downstream=r.downstream,
                why=r.why,
            )
            for r in result.rising
        ],
    )


def _segment_status(
    chain_id: str, segment_id: str, state: services.ChainState
) -> SegmentStatusRead:
    p = state.presence[segment_id]
    return SegmentStatusRead(
        chain_id=chain_id,
        segment_id=segment_id,
        status=p.status,
        derived_status=p.derived_status,
        override=OverrideRead(
            status=p.override.status, reason=p.override.reason, actor=p.override.actor
        )
        if p.override
        else None,
    )


@router.put("/{chain_id}/segments/{segment_id}/status", response_model=SegmentStatusRead)
def put_segment_status(
    chain: ChainDep, segment_id: str, body: OverrideIn, session: SessionDep, settings: SettingsDep
) -> SegmentStatusRead:
    """链长调整环节状态（须填原因）/ override a segment's status (reason required)."""
    services.override_status(
        session, chain, segment_id, status=body.status, reason=body.reason, actor=body.actor
    )
    return _segment_status(chain.id, segment_id, services.chain_state(session, chain, settings))


@router.delete("/{chain_id}/segments/{segment_id}/status", response_model=SegmentStatusRead)
def delete_segment_status(
    chain: ChainDep,
    segment_id: str,
    session: SessionDep,
    settings: SettingsDep,
    reason: Annotated[str, Query(min_length=1, description="撤销原因 / reason")],
    actor: Annotated[str, Query(min_length=1, description="操作人 / who")],
) -> SegmentStatusRead:
    """撤销人工调整，恢复推算状态 / withdraw an override."""
    services.override_status(session, chain, segment_id, status=None, reason=reason, actor=actor)
    return _segment_status(chain.id, segment_id, services.chain_state(session, chain, settings))
