"""Import a city's existing lead ledger (招商项目台账), with the same discipline as enterprise
imports: one transaction, all-or-nothing unless ``skip_invalid``, every bad row reported.

Each row's enterprise is found by credit code, else by name resolution (calibrated threshold),
else created from the row (source = the file). A row without 环节 takes the enterprise's most
confident segment in that chain. A row for an enterprise that another team already pursues is
an error naming that team; the same team's lead already in the store is left unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from chainmap.domain import Chain, Enterprise
from chainmap.enterprises import ResolverCache
from chainmap.io.lead_rows import LEAD_COLUMNS, LeadRecord, parse_lead_rows, record_stage_changes
from chainmap.io.tables import RowError, Table, read_table
from chainmap.pipeline import FundsArrival, Lead
from chainmap.registry import ImportRejected, ImportReport
from chainmap.services import add_enterprises
from chainmap.settings import Settings
from chainmap.store.leads_repo import insert_pipeline, owners_of
from chainmap.store.models import EnterpriseRow, ImportRunRow, SegmentAssignmentRow

IMPORT_ACTOR = "台账导入"


def _row_error(record: LeadRecord, column: str, zh: str, en: str) -> RowError:
    return RowError(record.row_number, column, record.enterprise_name, zh, en)


def _enterprise_id(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    record: LeadRecord,
    resolver: ResolverCache,
    filename: str,
) -> int:
    if record.credit_code:
        found = session.scalar(
            select(EnterpriseRow.id).where(EnterpriseRow.credit_code == record.credit_code)
        )
        if found is not None:
            return int(found)
    matches = resolver.get(session).resolve(record.enterprise_name, limit=1)
    if matches:
        return matches[0].id
    (new_id,) = add_enterprises(
        session,
        library,
        settings,
        [
            Enterprise(
                id=0, name=record.enterprise_name, credit_code=record.credit_code, source=filename
            )
        ],
    )
    return new_id


def _segment(session: Session, enterprise_id: int, chain_id: str) -> str | None:
    return session.scalar(
        select(SegmentAssignmentRow.segment_id)
        .where(
            SegmentAssignmentRow.enterprise_id == enterprise_id,
            SegmentAssignmentRow.chain_id == chain_id,
        )
        .order_by(SegmentAssignmentRow.confidence.desc(), SegmentAssignmentRow.segment_id)
        .limit(1)
    )


def import_leads(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    *,
    source: bytes | Path,
    filename: str,
    today: date,
    skip_invalid: bool = False,
    actor: str = IMPORT_ACTOR,
) -> ImportReport:
    """Import a lead ledger in the caller's transaction.

    Raises:
        TableError: the file cannot be read as a table.
        ImportRejected: bad rows and ``skip_invalid`` is off; nothing was written.
    """
    raw = source.read_bytes() if isinstance(source, Path) else source
    table = read_table(
        raw,
        columns=LEAD_COLUMNS,
        filename=filename,
        max_rows=settings.import_max_rows,
        max_bytes=settings.import_max_bytes,
    )
    records, errors = parse_lead_rows(
        table.rows,
        chains=library,
        rates=settings.currency_rates,
        source=filename,
        headers=table.headers,
        today=today,
    )
    report = ImportReport(
        filename=filename,
        sheet=table.sheet_name,
        total_rows=len(table.rows),
        unknown_columns=table.unknown_columns,
        errors=list(errors),
    )
    # A savepoint: enterprises created for rows, and everything else, vanish on rejection
    # even when the caller goes on to commit (the API answers a rejection with its report).
    with session.begin_nested():
        return _apply(
            session,
            library,
            settings,
            raw,
            table,
            records,
            report,
            filename=filename,
            skip_invalid=skip_invalid,
            actor=actor,
        )


def _apply(
    session: Session,
    library: Mapping[str, Chain],
    settings: Settings,
    raw: bytes,
    table: Table,
    records: list[LeadRecord],
    report: ImportReport,
    *,
    filename: str,
    skip_invalid: bool,
    actor: str,
) -> ImportReport:
    team_col = table.headers.get("owner_team", "责任单位")
    segment_col = table.headers.get("segment", "环节")
    resolver = ResolverCache()
    planned: list[tuple[LeadRecord, int, str]] = []
    for record in records:
        # Enterprises created for rows are rolled back with everything else on rejection.
        eid = _enterprise_id(session, library, settings, record, resolver, filename)
        segment = record.segment_id or _segment(session, eid, record.chain_id)
        if segment is None:
            report.errors.append(
                _row_error(
                    record,
                    segment_col,
                    "无法判断所属环节，请填写环节",
                    "cannot tell the segment; fill in 环节",
                )
            )
            continue
        planned.append((record, eid, segment))
    owners = owners_of(session, [eid for _, eid, _ in planned])
    leads: list[Lead] = []
    changes = []
    arrivals: list[FundsArrival] = []
    for n, (record, eid, segment) in enumerate(planned, start=1):
        current = owners.get(eid)
        if current is not None:
            if current.owner_team == record.owner_team:
                report.unchanged += 1
            else:
                report.errors.append(
                    _row_error(
                        record,
                        team_col,
                        f"该企业已由{current.owner_team}（{current.owner_person}）跟进"
                        f"（线索 {current.id}）",
                        f"already pursued by {current.owner_team} ({current.owner_person}), "
                        f"lead {current.id}",
                    )
                )
            continue
        leads.append(
            Lead(
                id=n,
                enterprise_id=eid,
                enterprise_name=record.enterprise_name,
                chain_id=record.chain_id,
                segment_id=segment,
                owner_team=record.owner_team,
                owner_team_kind=record.owner_team_kind,
                owner_person=record.owner_person,
                created_on=record.created_on,
                stage=record.stage,
                claimed_by_leader=record.claimed_by_leader,
                claim_band=record.claim_band,
                claimed_on=record.claimed_on,
                planned_investment_wan=record.planned_investment_wan,
                contracted_investment_wan=record.contracted_investment_wan,
                funds_arrived_wan=record.funds_arrived_wan or 0.0,
                carrier_ref=record.carrier_ref,
                dropped_reason=record.dropped_reason,
                milestone_due_on=record.milestone_due_on,
                milestone_stage=record.milestone_stage,
                collaborators=record.collaborators,
            )
        )
        changes.extend(record_stage_changes(record, lead_id=n, actor=actor))
        if record.funds_arrived_wan:
            # The ledger states a total, not its dates: it is recorded as arrived on the
            # date of the row's latest stage, and noted so.
            arrivals.append(
                FundsArrival(
                    n, record.funds_arrived_wan, record.stage_on, actor, "台账累计到位资金"
                )
            )
    report.rejected = len({e.row_number for e in report.errors})
    report.errors.sort(key=lambda e: (e.row_number, e.column or ""))
    if report.errors and not skip_invalid:
        raise ImportRejected(report)
    run = ImportRunRow(
        kind="leads",
        filename=filename,
        sha256=hashlib.sha256(raw).hexdigest(),
        total_rows=report.total_rows,
        inserted=len(leads),
        updated=0,
        unchanged=report.unchanged,
        rejected=report.rejected,
        skip_invalid=skip_invalid,
        actor=actor,
    )
    session.add(run)
    session.flush()
    insert_pipeline(session, leads, changes, arrivals, source=filename, import_run_id=run.id)
    report.inserted = len(leads)
    report.applied = True
    report.import_run_id = run.id
    return report
