"""Leads (线索): create from a target row, one owner per enterprise, stage history, funds,
metrics (三率) and red/yellow flags."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile
from fastapi.responses import JSONResponse

from api.auth import PrincipalDep
from api.deps import IdPath, IdQuery, LibraryDep, OffsetQuery, SessionDep, SettingsDep
from api.jsonable import jsonable
from api.schemas_enterprises import ImportReportRead
from api.schemas_leads import (
    CollaboratorIn,
    FundsIn,
    LeadBrief,
    LeadCreate,
    LeadPage,
    LeadRead,
    LeadUpdate,
    TransitionIn,
)
from api.uploads import read_upload, run_import
from chainmap import leads as pipeline_service
from chainmap.auth.model import Principal, Role, sees_chain
from chainmap.chains import get_chain
from chainmap.errors import ChainNotFound
from chainmap.io.lead_rows import LEAD_COLUMNS
from chainmap.lead_import import import_leads
from chainmap.leads import LeadInput, LeadNotFound, LeadQuery
from chainmap.pipeline import Lead, Stage, flags, metrics, parse_period
from chainmap.store.models import LeadRow

router = APIRouter(prefix="/leads", tags=["leads"])
METRICS_DOC = importlib.import_module("chainmap.pipeline.metrics").__doc__ or ""


def _visible_lead(lead_id: IdPath, session: SessionDep, principal: PrincipalDep) -> int:
    """The lead, if the principal may see its chain; otherwise 404 as if it did not exist."""
    if not sees_chain(principal, pipeline_service.lead_chain(session, lead_id)):
        raise LeadNotFound(lead_id)
    return lead_id


VisibleLead = Annotated[int, Depends(_visible_lead)]


def _own_chain(principal: Principal, chain_id: str) -> None:
    if not sees_chain(principal, chain_id):
        raise ChainNotFound(chain_id)


def _visible(principal: Principal, leads: list[Lead]) -> list[Lead]:
    if principal.role is not Role.chain_leader:  # everyone else sees every chain
        return leads
    return [lead for lead in leads if sees_chain(principal, lead.chain_id)]


def _read(session: SessionDep, lead_id: int) -> LeadRead:
    detail = pipeline_service.lead_detail(session, lead_id)
    row = session.get(LeadRow, lead_id)
    assert row is not None
    return LeadRead.from_detail(detail, row)


@router.post("", response_model=LeadRead, status_code=201)
def create_lead(
    body: LeadCreate,
    session: SessionDep,
    library: LibraryDep,
    settings: SettingsDep,
    principal: PrincipalDep,
) -> Response:
    """新建线索（可直接由目标清单行创建）；同一企业只能由一个单位负责 / create a lead."""
    _own_chain(principal, body.chain_id)
    segment_id = body.segment_id or pipeline_service.target_segment(
        session, get_chain(library, body.chain_id), settings, body.enterprise_id
    )
    data = LeadInput(
        enterprise_id=body.enterprise_id,
        chain_id=body.chain_id,
        segment_id=segment_id,
        owner_team=body.owner_team,
        owner_team_kind=body.owner_team_kind,
        owner_person=body.owner_person,
        actor=body.actor,
        stage=body.stage,
        created_on=body.created_on,
        claimed_by_leader=body.claimed_by_leader,
        claim_band=body.claim_band,
        claimed_on=body.claimed_on,
        planned_investment_wan=body.planned_investment_wan,
        contracted_investment_wan=body.contracted_investment_wan,
        milestone_due_on=body.milestone_due_on,
        carrier_ref=body.carrier_ref,
        note=body.note,
    )
    detail, created = pipeline_service.create_lead(
        session, library, data, today=pipeline_service.today_utc(), collaborate=body.collaborate
    )
    read = _read(session, detail.lead.id)
    return JSONResponse(read.model_dump(mode="json"), status_code=201 if created else 200)


@router.get("", response_model=LeadPage)
def list_leads(
    session: SessionDep,
    principal: PrincipalDep,
    chain: str | None = None,
    segment: str | None = None,
    team: Annotated[str | None, Query(description="责任单位 / owner team")] = None,
    owner: Annotated[str | None, Query(description="责任人 / owner person")] = None,
    leader: Annotated[str | None, Query(description="认领领导 / claiming leader")] = None,
    stage: Stage | None = None,
    enterprise_id: IdQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: OffsetQuery = 0,
) -> LeadPage:
    """线索列表（链长只见本链线索）/ list leads with filters (a chain leader: own chains)."""
    if chain is not None:
        _own_chain(principal, chain)
    scope = frozenset(principal.chains or ()) if principal.role is Role.chain_leader else None
    page = pipeline_service.list_leads(
        session,
        LeadQuery(chain, segment, team, owner, leader, stage, enterprise_id, limit, offset, scope),
    )
    return LeadPage(
        total=page.total,
        limit=page.limit,
        offset=page.offset,
        items=[LeadBrief.build(row, name) for row, name in page.items],
    )


@router.get("/metrics", description=METRICS_DOC)
def get_metrics(
    session: SessionDep,
    principal: PrincipalDep,
    period: Annotated[str, Query(description="双月期间，首月 YYYY-MM，如 2026-09 = 9–10月")],
    group_by: Literal["chain", "team", "owner", "leader"] | None = None,
) -> list[dict[str, Any]]:
    """三率与各阶段统计 / pipeline metrics for a period (definitions below)."""
    p = parse_period(period)
    leads, changes, arrivals = pipeline_service.load_pipeline(session)
    leads = _visible(principal, leads)
    return [jsonable(m) for m in metrics(leads, changes, arrivals, period=p, group_by=group_by)]


@router.get("/flags")
def get_flags(
    session: SessionDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    today: Annotated[date | None, Query(description="评估日，默认今天 / as of")] = None,
) -> list[dict[str, Any]]:
    """红黄牌：签约未开工、认领无进展、开工无资金到位 / stalled leads, naming the owner."""
    leads, changes, arrivals = pipeline_service.load_pipeline(session)
    found = flags(
        _visible(principal, leads),
        changes,
        arrivals,
        today=today or pipeline_service.today_utc(),
        signed_not_started_days=settings.flag_signed_not_started_days,
        claimed_idle_days=settings.flag_claim_idle_days,
        started_no_funds_days=settings.flag_started_no_funds_days,
        red_factor=settings.flag_red_factor,
    )
    return [jsonable(f) for f in found]


@router.post("/import", response_model=ImportReportRead)
def import_ledger(
    session: SessionDep,
    library: LibraryDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="招商项目台账 xlsx / csv")],
    skip_invalid: Annotated[bool, Query(description="跳过错误行 / land valid rows only")] = False,
    format: Annotated[
        Literal["json", "xlsx"], Query(description="报告格式 / report format")
    ] = "json",
    actor: Annotated[str, Query(min_length=1, max_length=100)] = "台账导入",
) -> Response:
    """导入招商项目台账（默认全部成功才写入）/ import a lead ledger, all-or-nothing by default."""
    data = read_upload(file, settings.import_max_bytes)
    filename = file.filename or "upload"
    return run_import(
        data,
        filename,
        lambda: import_leads(
            session,
            library,
            settings,
            source=data,
            filename=filename,
            today=pipeline_service.today_utc(),
            skip_invalid=skip_invalid,
            actor=actor,
        ),
        report_format=format,
        columns=LEAD_COLUMNS,
    )


@router.get("/{lead_id}", response_model=LeadRead)
def get_lead(lead_id: VisibleLead, session: SessionDep) -> LeadRead:
    """线索详情与完整历史 / a lead with its history, funds and collaborators."""
    return _read(session, lead_id)


@router.patch("/{lead_id}", response_model=LeadRead)
def update_lead(lead_id: VisibleLead, body: LeadUpdate, session: SessionDep) -> LeadRead:
    """修改金额、认领、约定开工日期（阶段只能通过变更记录推进）/ update amounts or claim."""
    values = body.model_dump(exclude_unset=True, exclude={"note"})
    pipeline_service.update_lead(session, lead_id, values, note=body.note)
    return _read(session, lead_id)


@router.post("/{lead_id}/transitions", response_model=LeadRead, status_code=201)
def add_transition(lead_id: VisibleLead, body: TransitionIn, session: SessionDep) -> LeadRead:
    """推进阶段（回退、跳阶段、终止须填说明；日期不得早于上次变更）/ move the lead's stage."""
    pipeline_service.move_stage(
        session,
        lead_id,
        to_stage=body.to_stage,
        changed_on=body.changed_on,
        actor=body.actor,
        note=body.note,
        today=pipeline_service.today_utc(),
    )
    return _read(session, lead_id)


@router.post("/{lead_id}/funds", response_model=LeadRead, status_code=201)
def add_funds(lead_id: VisibleLead, body: FundsIn, session: SessionDep) -> LeadRead:
    """登记资金到位（超过合同投资须填说明）/ record funds arrived."""
    pipeline_service.record_funds(
        session,
        lead_id,
        amount_wan=body.amount_wan,
        arrived_on=body.arrived_on,
        actor=body.actor,
        note=body.note,
        today=pipeline_service.today_utc(),
    )
    return _read(session, lead_id)


@router.post("/{lead_id}/collaborators", response_model=LeadRead, status_code=201)
def add_collaborator(lead_id: VisibleLead, body: CollaboratorIn, session: SessionDep) -> LeadRead:
    """加入协作单位 / add a collaborating team."""
    pipeline_service.add_collaborator(
        session, lead_id, team=body.team, person=body.person, actor=body.actor
    )
    return _read(session, lead_id)
