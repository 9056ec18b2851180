"""Lead pipeline use cases: create (one enterprise, one owner), move stages, record funds, list,
and load the whole pipeline for metrics, flags and the meeting pack.

The rules live in :mod:`chainmap.pipeline` (pure); this module loads and saves. Services only
flush: the caller's transaction commits or rolls back, so a rejected change writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainmap.chains import get_chain
from chainmap.domain import Chain
from chainmap.errors import ChainmapError
from chainmap.freshness import utcnow
from chainmap.pipeline import (
    ClaimBand,
    FundsArrival,
    Lead,
    Stage,
    TeamKind,
    apply_funds_arrival,
    apply_transition,
    validate_amounts,
)
from chainmap.services import InvalidInput, Page, ranked_targets
from chainmap.settings import Settings
from chainmap.store.leads_repo import (
    insert_pipeline,
    load_pipeline,
    owners_of,
    to_arrival,
    to_change,
    to_lead,
)
from chainmap.store.models import (
    EnterpriseRow,
    FundsArrivalRow,
    LeadCollaboratorRow,
    LeadRow,
    StageChangeRow,
)


class LeadNotFound(ChainmapError):
    code = "lead_not_found"

    def __init__(self, lead_id: int) -> None:
        super().__init__(f"未找到线索 {lead_id}", f"lead {lead_id} not found", field="lead_id")


class LeadOwnedElsewhere(ChainmapError):
    """Another team already pursues this enterprise (one enterprise, one owner)."""

    code = "lead_owned_elsewhere"

    def __init__(self, lead: LeadRow, enterprise_name: str) -> None:
        super().__init__(
            f"「{enterprise_name}」已由{lead.owner_team}（{lead.owner_person}）跟进"
            f"（线索 {lead.id}），如需协同请以协作单位加入",
            f"'{enterprise_name}' is already pursued by {lead.owner_team} ({lead.owner_person}), "
            f"lead {lead.id}; join it as a collaborating team instead",
            field="enterprise_id",
        )
        self.lead_id = lead.id
        self.owner_team = lead.owner_team
        self.owner_person = lead.owner_person


@dataclass(frozen=True, slots=True)
class LeadInput:
    """What a user states when creating a lead (amounts in 万元)."""

    enterprise_id: int
    chain_id: str
    segment_id: str
    owner_team: str
    owner_team_kind: TeamKind
    owner_person: str
    actor: str
    stage: Stage = Stage.clue
    created_on: date | None = None
    claimed_by_leader: str | None = None
    claim_band: ClaimBand | None = None
    claimed_on: date | None = None
    planned_investment_wan: float | None = None
    contracted_investment_wan: float | None = None
    milestone_due_on: date | None = None
    carrier_ref: str | None = None
    note: str | None = None
    source: str = "manual"


@dataclass(frozen=True, slots=True)
class LeadDetail:
    lead: Lead
    history: list[StageChangeRow]
    arrivals: list[FundsArrivalRow]
    collaborators: list[LeadCollaboratorRow]


def _require_enterprise(session: Session, enterprise_id: int) -> EnterpriseRow:
    enterprise = session.get(EnterpriseRow, enterprise_id)
    if enterprise is None:
        raise InvalidInput(
            f"未找到企业 {enterprise_id}",
            f"enterprise {enterprise_id} not found",
            field="enterprise_id",
        )
    return enterprise


def target_segment(session: Session, chain: Chain, settings: Settings, enterprise_id: int) -> str:
    """The gap segment of the enterprise's row in the chain's target list (create from a row)."""
    _require_enterprise(session, enterprise_id)
    _, targets = ranked_targets(session, chain, settings)
    row = next((t for t in targets if t.enterprise.id == enterprise_id), None)
    if row is None:
        raise InvalidInput(
            "该企业不在本链目标清单中，请指定环节",
            "the enterprise is not in this chain's target list; give segment_id",
            field="segment_id",
        )
    return row.segment_id


def active_lead_for(session: Session, enterprise_id: int) -> LeadRow | None:
    return session.scalars(
        select(LeadRow).where(LeadRow.enterprise_id == enterprise_id, LeadRow.stage != "dropped")
    ).first()


def create_lead(
    session: Session,
    library: Mapping[str, Chain],
    data: LeadInput,
    *,
    today: date,
    collaborate: bool = False,
) -> tuple[LeadDetail, bool]:
    """Create a lead, or with ``collaborate`` join the existing one as a collaborating team.

    Returns the lead and whether it was created. Raises LeadOwnedElsewhere when another team
    already pursues the enterprise and ``collaborate`` is off.
    """
    enterprise = _require_enterprise(session, data.enterprise_id)
    get_chain(library, data.chain_id).segment(data.segment_id)
    existing = active_lead_for(session, data.enterprise_id)
    if existing is not None:
        if not collaborate or existing.owner_team == data.owner_team:
            raise LeadOwnedElsewhere(existing, enterprise.name)
        add_collaborator(
            session, existing.id, team=data.owner_team, person=data.owner_person, actor=data.actor
        )
        return lead_detail(session, existing.id), False
    created_on = data.created_on or today
    if created_on > today:
        raise InvalidInput(
            "创建日期不能晚于今天", "created_on is in the future", field="created_on"
        )
    if data.stage is Stage.dropped:
        raise InvalidInput("新线索不能是终止状态", "a new lead cannot be dropped", field="stage")
    validate_amounts(
        planned=data.planned_investment_wan,
        contracted=data.contracted_investment_wan,
        funds_arrived=None,
        note=data.note,
    )
    row = LeadRow(
        enterprise_id=data.enterprise_id,
        chain_id=data.chain_id,
        segment_id=data.segment_id,
        owner_team=data.owner_team.strip(),
        owner_team_kind=data.owner_team_kind.value,
        owner_person=data.owner_person.strip(),
        claimed_by_leader=data.claimed_by_leader,
        claim_band=data.claim_band.value if data.claim_band else None,
        claimed_on=data.claimed_on,
        stage=data.stage.value,
        planned_investment_wan=data.planned_investment_wan,
        contracted_investment_wan=data.contracted_investment_wan,
        funds_arrived_wan=0.0,
        carrier_ref=data.carrier_ref,
        milestone_due_on=data.milestone_due_on,
        created_on=created_on,
        source=data.source,
    )
    session.add(row)
    session.flush()
    session.add(
        StageChangeRow(
            lead_id=row.id,
            from_stage=None,
            to_stage=data.stage.value,
            changed_on=created_on,
            actor=data.actor,
            note=data.note,
        )
    )
    session.flush()
    return lead_detail(session, row.id), True


def add_collaborator(
    session: Session, lead_id: int, *, team: str, person: str | None, actor: str
) -> LeadCollaboratorRow:
    lead = _row(session, lead_id)
    if team.strip() == lead.owner_team:
        raise InvalidInput(
            "负责单位无需再作为协作单位", "the owner team already owns it", field="team"
        )
    found = session.scalars(
        select(LeadCollaboratorRow).where(
            LeadCollaboratorRow.lead_id == lead_id, LeadCollaboratorRow.team == team.strip()
        )
    ).first()
    if found is not None:
        return found
    row = LeadCollaboratorRow(lead_id=lead_id, team=team.strip(), person=person, added_by=actor)
    session.add(row)
    session.flush()
    return row


def _row(session: Session, lead_id: int, *, lock: bool = False) -> LeadRow:
    stmt = select(LeadRow).where(LeadRow.id == lead_id)
    row = session.scalars(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise LeadNotFound(lead_id)
    return row


def lead_detail(session: Session, lead_id: int) -> LeadDetail:
    row = _row(session, lead_id)
    name = session.scalar(select(EnterpriseRow.name).where(EnterpriseRow.id == row.enterprise_id))
    collaborators = list(
        session.scalars(
            select(LeadCollaboratorRow)
            .where(LeadCollaboratorRow.lead_id == lead_id)
            .order_by(LeadCollaboratorRow.id)
        )
    )
    history = list(
        session.scalars(
            select(StageChangeRow)
            .where(StageChangeRow.lead_id == lead_id)
            .order_by(StageChangeRow.id)
        )
    )
    arrivals = list(
        session.scalars(
            select(FundsArrivalRow)
            .where(FundsArrivalRow.lead_id == lead_id)
            .order_by(FundsArrivalRow.id)
        )
    )
    lead = to_lead(row, name or "", [c.team for c in collaborators])
    return LeadDetail(lead, history, arrivals, collaborators)


def move_stage(
    session: Session,
    lead_id: int,
    *,
    to_stage: Stage,
    changed_on: date,
    actor: str,
    note: str | None,
    today: date,
) -> LeadDetail:
    """Append a stage change after the pipeline's checks (date order, notes for odd moves)."""
    row = _row(session, lead_id, lock=True)
    detail = lead_detail(session, lead_id)
    updated, _ = apply_transition(
        detail.lead,
        [to_change(c) for c in detail.history if c.from_stage is not None],
        to_stage=to_stage,
        changed_on=changed_on,
        actor=actor,
        note=note,
        today=today,
    )
    if to_stage is not Stage.dropped:
        clash = active_lead_for(session, row.enterprise_id)
        if clash is not None and clash.id != row.id:
            raise LeadOwnedElsewhere(clash, detail.lead.enterprise_name)
    session.add(
        StageChangeRow(
            lead_id=lead_id,
            from_stage=row.stage,
            to_stage=to_stage.value,
            changed_on=changed_on,
            actor=actor,
            note=note,
        )
    )
    row.stage = updated.stage.value
    row.dropped_reason = updated.dropped_reason
    session.flush()
    return lead_detail(session, lead_id)


def record_funds(
    session: Session,
    lead_id: int,
    *,
    amount_wan: float,
    arrived_on: date,
    actor: str,
    note: str | None,
    today: date,
) -> LeadDetail:
    """Append a funds arrival; the total may exceed the contract only with a note."""
    if arrived_on > today:
        raise InvalidInput(
            "到位日期不能晚于今天", "arrived_on is in the future", field="arrived_on"
        )
    row = _row(session, lead_id, lock=True)
    detail = lead_detail(session, lead_id)
    updated, _ = apply_funds_arrival(
        detail.lead,
        [to_arrival(a) for a in detail.arrivals],
        FundsArrival(lead_id, amount_wan, arrived_on, actor, note),
    )
    session.add(
        FundsArrivalRow(
            lead_id=lead_id, amount_wan=amount_wan, arrived_on=arrived_on, actor=actor, note=note
        )
    )
    row.funds_arrived_wan = updated.funds_arrived_wan
    session.flush()
    return lead_detail(session, lead_id)


EDITABLE = (
    "claimed_by_leader",
    "claim_band",
    "claimed_on",
    "planned_investment_wan",
    "contracted_investment_wan",
    "milestone_due_on",
    "carrier_ref",
    "owner_person",
)


def update_lead(
    session: Session, lead_id: int, values: Mapping[str, Any], *, note: str | None
) -> LeadDetail:
    """Change a lead's amounts, claim or milestone (stages move only through ``move_stage``)."""
    row = _row(session, lead_id, lock=True)
    data = {k: v for k, v in values.items() if k in EDITABLE}
    validate_amounts(
        planned=data.get("planned_investment_wan", row.planned_investment_wan),
        contracted=data.get("contracted_investment_wan", row.contracted_investment_wan),
        funds_arrived=row.funds_arrived_wan,
        note=note,
    )
    for k, v in data.items():
        setattr(row, k, v.value if isinstance(v, ClaimBand) else v)
    session.flush()
    return lead_detail(session, lead_id)


@dataclass(frozen=True, slots=True)
class LeadQuery:
    chain_id: str | None = None
    segment_id: str | None = None
    team: str | None = None
    owner: str | None = None
    leader: str | None = None
    stage: Stage | None = None
    enterprise_id: int | None = None
    limit: int = 50
    offset: int = 0
    visible_chains: frozenset[str] | None = None  # None: every chain (a chain leader: theirs)


def list_leads(session: Session, query: LeadQuery) -> Page[tuple[LeadRow, str]]:
    stmt = select(LeadRow, EnterpriseRow.name).join(
        EnterpriseRow, EnterpriseRow.id == LeadRow.enterprise_id
    )
    for column, value in (
        (LeadRow.chain_id, query.chain_id),
        (LeadRow.segment_id, query.segment_id),
        (LeadRow.owner_team, query.team),
        (LeadRow.owner_person, query.owner),
        (LeadRow.claimed_by_leader, query.leader),
        (LeadRow.stage, query.stage.value if query.stage else None),
        (LeadRow.enterprise_id, query.enterprise_id),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if query.visible_chains is not None:
        stmt = stmt.where(LeadRow.chain_id.in_(sorted(query.visible_chains)))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(LeadRow.id).limit(query.limit).offset(query.offset)).all()
    return Page(
        items=[(r, name) for r, name in rows], total=total, limit=query.limit, offset=query.offset
    )


def lead_chain(session: Session, lead_id: int) -> str:
    """The chain a lead belongs to; LeadNotFound if there is no such lead."""
    chain_id = session.scalar(select(LeadRow.chain_id).where(LeadRow.id == lead_id))
    if chain_id is None:
        raise LeadNotFound(lead_id)
    return chain_id


def today_utc() -> date:
    return utcnow().date()


__all__ = [
    "LeadDetail",
    "LeadInput",
    "LeadNotFound",
    "LeadOwnedElsewhere",
    "LeadQuery",
    "insert_pipeline",
    "load_pipeline",
    "owners_of",
    "to_lead",
]
