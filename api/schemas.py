"""API schemas (Read / Create / Update). Kept apart from core dataclasses and ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from chainmap.domain import (
    STAGE_LABELS,
    STATUS_LABELS,
    Component,
    Enterprise,
    Gap,
    SegmentPresence,
    Stage,
    Status,
    Target,
)
from chainmap.domain import Chain as ChainModel
from chainmap.freshness import is_stale
from chainmap.layout import layered_layout
from chainmap.matching.components import COMPONENT_LABELS
from chainmap.pipeline import Stage as PipelineStage
from chainmap.store.models import LeadRow


class HealthRead(BaseModel):
    status: str = Field(description="ok / 正常")
    database: str = Field(description="数据库状态 / database status")
    chains: int = Field(description="已加载产业链数 / chains loaded")


class ChainSummary(BaseModel):
    id: str = Field(description="产业链标识 / chain id")
    name: str = Field(description="产业链名称 / chain name")
    name_en: str
    aliases: list[str]
    segment_count: int = Field(description="环节数 / number of segments")
    gap_count: int = Field(description="缺环、短板数 / missing or weak segments")
    missing_count: int = Field(description="缺失环节数 / missing segments")


class OverrideRead(BaseModel):
    status: Status
    reason: str = Field(description="调整原因 / reason")
    actor: str = Field(description="操作人 / who set it")


class SegmentNode(BaseModel):
    id: str = Field(description="环节标识 / segment id")
    name: str = Field(description="环节名称 / segment name")
    name_en: str
    stage: Stage = Field(description="上游/中游/下游/配套 stage")
    stage_label: str
    keywords: list[str]
    industry_codes: list[str] = Field(description="国民经济行业分类代码 / GB/T 4754-2017")
    status: Status = Field(description="本地现状（含人工调整）/ status in force")
    status_label: str = Field(description="强 / 弱 / 缺")
    derived_status: Status = Field(
        description="按本地企业推算的状态 / status derived from local firms"
    )
    local_count: int = Field(description="本地企业数 / local enterprises")
    local_strength: float = Field(description="本地企业实力合计 / summed strength")
    override: OverrideRead | None = None
    column: int = Field(default=0, description="图上列：0 为最上游 / drawing column, 0 = upstream")
    row: int = Field(default=0, description="列内行序 / row within the column")


class LinkRead(BaseModel):
    source: str = Field(description="供应方环节 / supplying segment")
    target: str = Field(description="需求方环节 / buying segment")


class ChainGraphRead(BaseModel):
    """networkx node-link form with statuses."""

    id: str
    name: str
    name_en: str
    directed: bool = True
    nodes: list[SegmentNode]
    links: list[LinkRead]

    @classmethod
    def build(cls, chain: ChainModel, presence: dict[str, SegmentPresence]) -> ChainGraphRead:
        nodes = []
        places = layered_layout(chain)
        for seg in chain.segments:
            p = presence[seg.id]
            nodes.append(
                SegmentNode(
                    id=seg.id,
                    name=seg.name,
                    name_en=seg.name_en,
                    stage=seg.stage,
                    stage_label=STAGE_LABELS[seg.stage],
                    keywords=list(seg.keywords),
                    industry_codes=list(seg.industry_codes),
                    status=p.status,
                    status_label=STATUS_LABELS[p.status],
                    derived_status=p.derived_status,
                    local_count=p.local_count,
                    local_strength=p.local_strength,
                    override=OverrideRead(
                        status=p.override.status, reason=p.override.reason, actor=p.override.actor
                    )
                    if p.override
                    else None,
                    column=places[seg.id].column,
                    row=places[seg.id].row,
                )
            )
        return cls(
            id=chain.id,
            name=chain.name,
            name_en=chain.name_en,
            nodes=nodes,
            links=[LinkRead(source=s, target=t) for s, t in chain.links],
        )


class GapRead(BaseModel):
    segment_id: str
    segment_name: str = Field(description="环节名称 / segment name")
    status: Status = Field(description="missing 缺 / weak 弱")
    status_label: str
    priority: float = Field(description="缺环优先级 = 严重度 × 重要度 / severity × importance")
    severity: float = Field(description="严重度：缺 1.0，弱 0.5 / severity")
    importance: float = Field(description="图谱重要度 / graph importance")
    path_share: float = Field(
        description="经过该环节的上下游通路占比 / share of chain paths through it"
    )
    trade_linkage: float = Field(
        description="上下游本地企业关联度 / local firms buying from or selling to it"
    )
    local_count: int

    @classmethod
    def build(cls, chain: ChainModel, gap: Gap, presence: SegmentPresence) -> GapRead:
        return cls(
            segment_id=gap.segment_id,
            segment_name=chain.segment(gap.segment_id).name,
            status=gap.status,
            status_label=STATUS_LABELS[gap.status],
            priority=gap.priority,
            severity=gap.severity,
            importance=gap.importance,
            path_share=gap.path_share,
            trade_linkage=gap.trade_linkage,
            local_count=presence.local_count,
        )


class ComponentRead(BaseModel):
    name: str = Field(
        description="segment_fit 环节匹配 / gap_priority 缺环优先级 / strength 企业实力 / "
        "region 区域 / carrier_fit 载体匹配 / referral 以商招商 / penalty 扣分项（减分）"
    )
    label: str = Field(description="中文名称 / Chinese label")
    value: float = Field(description="0–1")
    weight: float = Field(description="权重（penalty 为减分权重）/ weight (subtracted for penalty)")
    reason: str = Field(description="理由 / reason")

    @classmethod
    def build(cls, c: Component) -> ComponentRead:
        return cls(
            name=c.name,
            label=COMPONENT_LABELS.get(c.name, c.name),
            value=c.value,
            weight=round(c.weight, 4),
            reason=c.reason,
        )


class CarrierBrief(BaseModel):
    kind: str = Field(description="factory 厂房 / land 地块")
    id: int
    label: str = Field(description="载体名称 / carrier")


class ReferrerRead(BaseModel):
    enterprise_id: int
    name: str = Field(description="本地引荐企业 / local referrer")
    path: str = Field(description="以商招商路径 / trade path")


class EnterpriseBrief(BaseModel):
    id: int
    name: str = Field(description="企业名称 / name")
    province: str | None
    city: str | None
    listed: bool = Field(description="是否上市 / listed")
    stock_code: str | None
    tags: list[str]
    revenue_wan: float | None = Field(description="营收（万元）/ revenue, 10k yuan")
    main_products: list[str] = Field(description="主营产品 / main products")
    source: str = Field(description="数据来源 / source")
    last_verified_at: datetime | None = Field(description="最近核实时间 / last verified")
    stale: bool = Field(description="信息过期（超过设定天数未核实）/ not verified recently")

    @classmethod
    def build(cls, e: Enterprise, freshness: Freshness) -> EnterpriseBrief:
        return cls(
            id=e.id,
            name=e.name,
            province=e.province,
            city=e.city,
            listed=e.listed,
            stock_code=e.stock_code,
            tags=list(e.tags),
            revenue_wan=e.revenue_wan,
            main_products=list(e.main_products),
            source=e.source,
            last_verified_at=e.last_verified_at,
            stale=freshness.stale(e.last_verified_at),
        )


@dataclass(frozen=True, slots=True)
class Freshness:
    """When "now" is and how old a verification may be, for one response."""

    now: datetime
    max_age_days: int

    def stale(self, last_verified: datetime | None) -> bool:
        return is_stale(last_verified, now=self.now, max_age_days=self.max_age_days)


class PipelineMark(BaseModel):
    """Shown on target rows: the enterprise is already pursued, and by whom."""

    lead_id: int
    owner_team: str = Field(description="负责单位 / owner team")
    owner_person: str = Field(description="责任人 / owner person")
    stage: PipelineStage
    stage_label: str


class TargetRead(BaseModel):
    rank: int = Field(description="名次 / rank")
    enterprise: EnterpriseBrief
    segment_id: str
    segment_name: str = Field(description="可补环节 / gap segment")
    score: float = Field(description="综合得分 = Σ 权重 × 分项 / weighted score")
    reason: str = Field(description="推荐理由 / one-line reason")
    components: list[ComponentRead]
    also_fills: list[str] = Field(description="还可补的其他缺环 / other gaps it could fill")
    in_pipeline: PipelineMark | None = Field(
        default=None, description="已在跟进：负责单位、责任人、阶段 / already a lead, and whose"
    )
    carrier: CarrierBrief | None = Field(
        default=None, description="最合适的空置载体（无则为空）/ best-fitting vacant carrier"
    )
    referrers: list[ReferrerRead] = Field(
        default_factory=list, description="以商招商：本地上下游企业 / local referrers"
    )

    @classmethod
    def build(
        cls,
        rank: int,
        chain: ChainModel,
        t: Target,
        freshness: Freshness,
        lead: LeadRow | None = None,
    ) -> TargetRead:
        return cls(
            in_pipeline=PipelineMark(
                lead_id=lead.id,
                owner_team=lead.owner_team,
                owner_person=lead.owner_person,
                stage=PipelineStage(lead.stage),
                stage_label=PipelineStage(lead.stage).label,
            )
            if lead is not None
            else None,
            rank=rank,
            enterprise=EnterpriseBrief.build(t.enterprise, freshness),
            segment_id=t.segment_id,
            segment_name=chain.segment(t.segment_id).name,
            score=t.score,
            reason=t.reason,
            components=[ComponentRead.build(c) for c in t.components],
            also_fills=list(t.also_fills),
            carrier=CarrierBrief(kind=t.carrier_kind, id=t.carrier_id, label=t.carrier_label or "")
            if t.carrier_kind is not None and t.carrier_id is not None
            else None,
            referrers=[ReferrerRead(enterprise_id=i, name=n, path=p) for i, n, p in t.referrers],
        )


class TargetPage(BaseModel):
    chain_id: str
    segment_id: str | None
    total: int = Field(description="总数 / total rows")
    limit: int
    offset: int
    items: list[TargetRead]


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Status = Field(description="strong 强 / weak 弱 / missing 缺")
    reason: Annotated[
        str, Field(min_length=1, max_length=2000, description="调整原因（必填）/ reason")
    ]
    actor: Annotated[str, Field(min_length=1, max_length=100, description="操作人 / who")]


class SegmentStatusRead(BaseModel):
    chain_id: str
    segment_id: str
    status: Status
    derived_status: Status
    override: OverrideRead | None


class CarrierFitRead(BaseModel):
    kind: str = Field(description="factory 厂房 / land 地块")
    id: int
    label: str = Field(description="载体名称 / carrier")
    score: float = Field(description="匹配度 0–1 / fit")
    reason: str = Field(description="理由 / reason")


class GapMapRead(BaseModel):
    gap: GapRead
    total: int = Field(description="该缺环目标企业总数 / targets in all")
    need: str = Field(description="典型项目用地/厂房需求 / typical project's space need")
    targets: list[TargetRead] = Field(description="排名靠前的目标企业 / top targets")
    carriers: list[CarrierFitRead] = Field(description="适合的空置载体 / fitting vacant carriers")


class TargetMapRead(BaseModel):
    """招商地图 / target map: graph with statuses, each gap with its targets and carriers."""

    chain_id: str
    generated_at: datetime
    graph: ChainGraphRead
    gaps: list[GapMapRead]


class WhatIfIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enterprise_ids: Annotated[
        list[Annotated[int, Field(ge=1, le=2_147_483_647)]],
        Field(
            min_length=1, max_length=100, description="假设落地的企业 / enterprises assumed landed"
        ),
    ]
    limit: Annotated[int, Field(ge=1, le=200, description="列出上升的目标企业数 / rising rows")] = (
        20
    )


class StatusChangeRead(BaseModel):
    segment_id: str
    segment_name: str
    before: Status
    after: Status
    before_label: str
    after_label: str
    local_before: int = Field(description="落地前本地企业数 / local firms before")
    local_after: int = Field(description="落地后本地企业数 / local firms after")
    overridden: bool = Field(description="状态为人工调整，不随落地变化 / status is overridden")


class PriorityChangeRead(BaseModel):
    segment_id: str
    before: float | None = Field(description="落地前优先级（非缺环为空）/ priority before")
    after: float | None = Field(description="落地后优先级（不再是缺环为空）/ priority after")


class RisingTargetRead(BaseModel):
    target: TargetRead = Field(description="落地后的目标行 / the row after the landing")
    score_before: float
    rank_before: int
    rank_after: int
    downstream: bool = Field(description="位于落地环节下游 / downstream of the landing")
    why: str = Field(description="上升原因 / why it rises")


class WhatIfRead(BaseModel):
    chain_id: str
    landed: list[EnterpriseBrief]
    landed_segments: list[str] = Field(description="落地企业所在环节 / segments they fill")
    status_changes: list[StatusChangeRead]
    gaps_closed: list[str] = Field(description="不再是缺环、短板的环节 / gaps closed")
    gaps_filled: list[str] = Field(description="由缺变为有（补链）/ missing segments filled")
    priority_changes: list[PriorityChangeRead]
    gaps_after: list[GapRead]
    rising: list[RisingTargetRead] = Field(description="得分上升的目标企业 / targets that rise")
