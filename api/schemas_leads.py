"""API schemas for leads (线索), their history and pipeline metrics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from chainmap.leads import LeadDetail
from chainmap.pipeline import ClaimBand, Stage, TeamKind
from chainmap.store.models import LeadRow

Amount = Annotated[float, Field(ge=0, description="万元")]
Name = Annotated[str, Field(min_length=1, max_length=100)]


class LeadCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enterprise_id: int = Field(
        ge=1, le=2_147_483_647, description="企业 / enterprise (e.g. from a target-list row)"
    )
    chain_id: str = Field(description="产业链 / chain")
    segment_id: str | None = Field(
        default=None,
        description="环节；省略时取该企业在本链目标清单中的环节 / default: its target row's",
    )
    owner_team: Name = Field(description="责任单位 / owner team, e.g. 尖刀班一组")
    owner_team_kind: TeamKind = Field(description="头格推进组/尖刀班/专业招商分局/部门")
    owner_person: Name = Field(description="责任人 / owner person")
    actor: Name = Field(description="录入人 / who records it")
    stage: Stage = Field(default=Stage.clue, description="初始阶段 / initial stage")
    created_on: date | None = Field(default=None, description="线索日期，默认今天 / default today")
    claimed_by_leader: Annotated[str, Field(max_length=100)] | None = Field(
        default=None, description="认领领导 / claimed by leader"
    )
    claim_band: ClaimBand | None = Field(default=None, description="认领档次 ≥50亿/≥10亿/≥5亿/≥1亿")
    claimed_on: date | None = None
    planned_investment_wan: Amount | None = Field(default=None, description="计划投资（万元）")
    contracted_investment_wan: Amount | None = Field(default=None, description="合同投资（万元）")
    milestone_due_on: date | None = Field(default=None, description="约定开工日期 / due date")
    carrier_ref: Annotated[str, Field(max_length=100)] | None = Field(
        default=None, description="拟落地载体 / carrier"
    )
    note: Annotated[str, Field(max_length=2000)] | None = None
    collaborate: bool = Field(
        default=False,
        description="已有其他单位跟进时以协作单位加入 / join an existing lead as collaborator",
    )


class LeadUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    owner_person: Name | None = None
    claimed_by_leader: Annotated[str, Field(max_length=100)] | None = None
    claim_band: ClaimBand | None = None
    claimed_on: date | None = None
    planned_investment_wan: Amount | None = None
    contracted_investment_wan: Amount | None = None
    milestone_due_on: date | None = None
    carrier_ref: Annotated[str, Field(max_length=100)] | None = None
    note: Annotated[str, Field(max_length=2000)] | None = Field(
        default=None, description="说明（到位资金超过合同投资时必填）"
    )


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to_stage: Stage = Field(description="目标阶段 / stage, e.g. signed 签约")
    changed_on: date = Field(description="发生日期 / when it happened")
    actor: Name = Field(description="变更人 / who")
    note: Annotated[str, Field(max_length=2000)] | None = Field(
        default=None,
        description="说明（回退、跳阶段、终止时必填）/ required to go back, skip or drop",
    )


class FundsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_wan: float = Field(gt=0, description="到位金额（万元）")
    arrived_on: date = Field(description="到位日期")
    actor: Name
    note: Annotated[str, Field(max_length=2000)] | None = None


class CollaboratorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    team: Name = Field(description="协作单位 / collaborating team")
    person: Annotated[str, Field(max_length=100)] | None = None
    actor: Name


class StageChangeRead(BaseModel):
    from_stage: Stage | None
    to_stage: Stage
    to_stage_label: str
    changed_on: date
    actor: str
    note: str | None
    recorded_at: datetime


class FundsRead(BaseModel):
    amount_wan: float
    arrived_on: date
    actor: str
    note: str | None
    recorded_at: datetime


class LeadBrief(BaseModel):
    id: int
    enterprise_id: int
    enterprise_name: str
    chain_id: str
    segment_id: str
    owner_team: str
    owner_team_kind: TeamKind
    owner_person: str
    claimed_by_leader: str | None
    claim_band: ClaimBand | None
    stage: Stage
    stage_label: str = Field(description="阶段 / stage label")
    planned_investment_wan: float | None
    contracted_investment_wan: float | None
    funds_arrived_wan: float
    milestone_due_on: date | None
    created_on: date
    dropped_reason: str | None

    @classmethod
    def build(cls, row: LeadRow, enterprise_name: str) -> LeadBrief:
        stage = Stage(row.stage)
        return cls(
            id=row.id,
            enterprise_id=row.enterprise_id,
            enterprise_name=enterprise_name,
            chain_id=row.chain_id,
            segment_id=row.segment_id,
            owner_team=row.owner_team,
            owner_team_kind=TeamKind(row.owner_team_kind),
            owner_person=row.owner_person,
            claimed_by_leader=row.claimed_by_leader,
            claim_band=ClaimBand(row.claim_band) if row.claim_band else None,
            stage=stage,
            stage_label=stage.label,
            planned_investment_wan=row.planned_investment_wan,
            contracted_investment_wan=row.contracted_investment_wan,
            funds_arrived_wan=row.funds_arrived_wan,
            milestone_due_on=row.milestone_due_on,
            created_on=row.created_on,
            dropped_reason=row.dropped_reason,
        )


class LeadRead(LeadBrief):
    collaborators: list[str] = Field(description="协作单位 / collaborating teams")
    history: list[StageChangeRead] = Field(
        description="阶段变更历史（只追加）/ append-only history"
    )
    funds: list[FundsRead] = Field(description="资金到位记录 / funds arrivals")

    @classmethod
    def from_detail(cls, d: LeadDetail, row: LeadRow) -> LeadRead:
        brief = LeadBrief.build(row, d.lead.enterprise_name)
        return cls(
            **brief.model_dump(),
            collaborators=[c.team for c in d.collaborators],
            history=[
                StageChangeRead(
                    from_stage=Stage(h.from_stage) if h.from_stage else None,
                    to_stage=Stage(h.to_stage),
                    to_stage_label=Stage(h.to_stage).label,
                    changed_on=h.changed_on,
                    actor=h.actor,
                    note=h.note,
                    recorded_at=h.recorded_at,
                )
                for h in d.history
            ],
            funds=[
                FundsRead(
                    amount_wan=a.amount_wan,
                    arrived_on=a.arrived_on,
                    actor=a.actor,
                    note=a.note,
                    recorded_at=a.recorded_at,
                )
                for a in d.arrivals
            ],
        )


class LeadPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[LeadBrief]
