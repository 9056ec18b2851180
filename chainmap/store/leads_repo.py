"""Lead repository: ORM rows ⇄ pipeline dataclasses, and bulk loading and storing of whole
pipelines (the meeting pack reads 1,000,000 stage changes; demo data and ledger imports write
hundreds). Only flushes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from chainmap.freshness import utcnow
from chainmap.pipeline import ClaimBand, FundsArrival, Lead, Stage, StageChange, TeamKind
from chainmap.store.bulk import bulk_insert
from chainmap.store.models import (
    EnterpriseRow,
    FundsArrivalRow,
    LeadCollaboratorRow,
    LeadRow,
    StageChangeRow,
)


def to_lead(row: Any, enterprise_name: str, collaborators: Sequence[str] = ()) -> Lead:
    """A lead from its ORM :class:`LeadRow` or a Core row of the ``leads`` columns (both
    read by attribute name)."""
    return Lead(
        id=row.id,
        enterprise_id=row.enterprise_id,
        enterprise_name=enterprise_name,
        chain_id=row.chain_id,
        segment_id=row.segment_id,
        owner_team=row.owner_team,
        owner_team_kind=TeamKind(row.owner_team_kind),
        owner_person=row.owner_person,
        created_on=row.created_on,
        stage=Stage(row.stage),
        claimed_by_leader=row.claimed_by_leader,
        claim_band=ClaimBand(row.claim_band) if row.claim_band else None,
        claimed_on=row.claimed_on,
        planned_investment_wan=row.planned_investment_wan,
        contracted_investment_wan=row.contracted_investment_wan,
        funds_arrived_wan=row.funds_arrived_wan,
        carrier_ref=row.carrier_ref,
        dropped_reason=row.dropped_reason,
        milestone_due_on=row.milestone_due_on,
        milestone_stage=Stage(row.milestone_stage),
        collaborators=tuple(collaborators),
    )


def to_change(row: StageChangeRow) -> StageChange:
    return StageChange(
        row.lead_id,
        Stage(row.from_stage) if row.from_stage else None,
        Stage(row.to_stage),
        row.changed_on,
        row.actor,
        row.note,
        row.recorded_at,
    )


def to_arrival(row: FundsArrivalRow) -> FundsArrival:
    return FundsArrival(row.lead_id, row.amount_wan, row.arrived_on, row.actor, row.note)


def owners_of(session: Session, enterprise_ids: Sequence[int]) -> dict[int, LeadRow]:
    """Active leads by enterprise, for marking target lists "already in the pipeline"."""
    out: dict[int, LeadRow] = {}
    ids = list(enterprise_ids)
    for i in range(0, len(ids), 5_000):
        for row in session.scalars(
            select(LeadRow).where(
                LeadRow.enterprise_id.in_(ids[i : i + 5_000]), LeadRow.stage != "dropped"
            )
        ):
            out[row.enterprise_id] = row
    return out


def load_pipeline(
    session: Session,
) -> tuple[list[Lead], list[StageChange], list[FundsArrival]]:
    """Every lead with its whole history and arrivals, as plain dataclasses.

    Reads columns through the session's connection (Core rows, no ORM identity map) and
    fetches each result whole: at 100,000 leads and 1,000,000 stage changes the ORM's per-row
    bookkeeping and row-by-row fetching cost several times the query itself. Stage changes
    come without ``recorded_at`` (no metric reads it; parsing a million timestamps costs a
    second): the lead's own history (:func:`to_change`) has it."""
    conn = session.connection()
    collaborators: dict[int, list[str]] = {}
    for lead_id, team in conn.execute(
        select(LeadCollaboratorRow.lead_id, LeadCollaboratorRow.team).order_by(
            LeadCollaboratorRow.id
        )
    ):
        collaborators.setdefault(lead_id, []).append(team)
    leads = [
        to_lead(row, row.enterprise_name, collaborators.get(row.id, ()))
        for row in conn.execute(
            select(*LeadRow.__table__.columns, EnterpriseRow.name.label("enterprise_name"))
            .join(EnterpriseRow, EnterpriseRow.id == LeadRow.enterprise_id)
            .order_by(LeadRow.id)
        ).all()
    ]
    stage_of: dict[str | None, Stage | None] = {s.value: s for s in Stage}
    stage_of[None] = None
    changes = [
        StageChange(lid, stage_of[f], stage_of[t], on, actor, note)  # type: ignore[arg-type]
        for lid, f, t, on, actor, note in conn.execute(
            select(
                StageChangeRow.lead_id,
                StageChangeRow.from_stage,
                StageChangeRow.to_stage,
                StageChangeRow.changed_on,
                StageChangeRow.actor,
                StageChangeRow.note,
            ).order_by(StageChangeRow.id)
        ).all()
    ]
    arrivals = [
        FundsArrival(lid, amount, on, actor, note)
        for lid, amount, on, actor, note in conn.execute(
            select(
                FundsArrivalRow.lead_id,
                FundsArrivalRow.amount_wan,
                FundsArrivalRow.arrived_on,
                FundsArrivalRow.actor,
                FundsArrivalRow.note,
            ).order_by(FundsArrivalRow.id)
        ).all()
    ]
    return leads, changes, arrivals


def insert_pipeline(
    session: Session,
    leads: Sequence[Lead],
    changes: Sequence[StageChange],
    arrivals: Sequence[FundsArrival],
    *,
    source: str,
    import_run_id: int | None = None,
) -> dict[int, int]:
    """Store already-validated leads with their histories and arrivals in bulk (demo data,
    ledger imports). Returns the map from the given lead ids to the stored ones."""
    if not leads:
        return {}
    now = utcnow()
    marker = f"{source}#{now.isoformat()}"
    rows = [
        {
            "enterprise_id": lead.enterprise_id,
            "chain_id": lead.chain_id,
            "segment_id": lead.segment_id,
            "owner_team": lead.owner_team,
            "owner_team_kind": lead.owner_team_kind.value,
            "owner_person": lead.owner_person,
            "claimed_by_leader": lead.claimed_by_leader,
            "claim_band": lead.claim_band.value if lead.claim_band else None,
            "claimed_on": lead.claimed_on,
            "stage": lead.stage.value,
            "planned_investment_wan": lead.planned_investment_wan,
            "contracted_investment_wan": lead.contracted_investment_wan,
            "funds_arrived_wan": lead.funds_arrived_wan,
            "carrier_ref": lead.carrier_ref,
            "dropped_reason": lead.dropped_reason,
            "milestone_due_on": lead.milestone_due_on,
            "milestone_stage": lead.milestone_stage.value,
            "created_on": lead.created_on,
            "source": marker,
            "import_run_id": import_run_id,
            "created_at": now,
            "updated_at": now,
        }
        for lead in leads
    ]
    bulk_insert(session, LeadRow.metadata.tables["leads"], rows)
    stored = list(
        session.scalars(select(LeadRow.id).where(LeadRow.source == marker).order_by(LeadRow.id))
    )
    session.execute(sql_update(LeadRow).where(LeadRow.source == marker).values(source=source))
    ids = dict(zip((lead.id for lead in leads), stored, strict=True))
    bulk_insert(
        session,
        StageChangeRow.metadata.tables["stage_changes"],
        [
            {
                "lead_id": ids[c.lead_id],
                "from_stage": c.from_stage.value if c.from_stage else None,
                "to_stage": c.to_stage.value,
                "changed_on": c.changed_on,
                "actor": c.actor,
                "note": c.note,
                "recorded_at": c.recorded_at or now,
            }
            for c in changes
        ],
    )
    bulk_insert(
        session,
        FundsArrivalRow.metadata.tables["funds_arrivals"],
        [
            {
                "lead_id": ids[a.lead_id],
                "amount_wan": a.amount_wan,
                "arrived_on": a.arrived_on,
                "actor": a.actor,
                "note": a.note,
                "recorded_at": now,
            }
            for a in arrivals
        ],
    )
    collaborators = [
        {"lead_id": ids[lead.id], "team": team, "person": None, "added_by": source, "added_at": now}
        for lead in leads
        for team in lead.collaborators
    ]
    bulk_insert(session, LeadCollaboratorRow.metadata.tables["lead_collaborators"], collaborators)
    session.flush()
    return ids
