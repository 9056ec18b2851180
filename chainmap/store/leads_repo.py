"""Lead repository: ORM rows ⇄ pipeline dataclasses, and bulk loading and storing of whole
pipelines (the meeting pack reads 1,000,000 stage changes; demo data and ledger imports write
hundreds). Only flushes."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, case, func, select, true
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from chainmap.freshness import utcnow
from chainmap.pipeline import (
    ClaimBand,
    FundsArrival,
    Lead,
    Period,
    Stage,
    StageChange,
    TeamKind,
)
from chainmap.pipeline.digest import (
    HELD_RANK,
    SIGNED_RANK,
    STARTED_RANK,
    HistoryDays,
    HistoryDigest,
)
from chainmap.pipeline.metrics import arrivals_by_lead
from chainmap.store.bulk import bulk_insert
from chainmap.store.models import (
    EnterpriseRow,
    FundsArrivalRow,
    LeadCollaboratorRow,
    LeadRow,
    StageChangeRow,
)
from chainmap.store.snapshot import snapshot_readers

_LEAD_FIELDS = (
    "id",
    "enterprise_id",
    "enterprise_name",
    "chain_id",
    "segment_id",
    "owner_team",
    "owner_team_kind",
    "owner_person",
    "created_on",
    "stage",
    "claimed_by_leader",
    "claim_band",
    "claimed_on",
    "planned_investment_wan",
    "contracted_investment_wan",
    "funds_arrived_wan",
    "carrier_ref",
    "dropped_reason",
    "milestone_due_on",
    "milestone_stage",
)
"""The columns a :class:`Lead` is made of, in the order :func:`_lead` takes them
(``enterprise_name`` comes from the enterprise)."""

_STAGE_OF: dict[str, Stage] = {s.value: s for s in Stage}
_TEAM_KIND_OF: dict[str, TeamKind] = {k.value: k for k in TeamKind}
_BAND_OF: dict[str | None, ClaimBand | None] = {b.value: b for b in ClaimBand}
_BAND_OF[None] = None


def _lead(values: Sequence[Any], collaborators: Sequence[str]) -> Lead:
    """A lead from its column values in :data:`_LEAD_FIELDS` order (dict look-ups for the
    enums: this runs 100,000 times for a meeting pack)."""
    kind, stage, band, milestone = values[6], values[9], values[11], values[19]
    return Lead(
        id=values[0],
        enterprise_id=values[1],
        enterprise_name=values[2],
        chain_id=values[3],
        segment_id=values[4],
        owner_team=values[5],
        owner_team_kind=_TEAM_KIND_OF[kind],
        owner_person=values[7],
        created_on=values[8],
        stage=_STAGE_OF[stage],
        claimed_by_leader=values[10],
        claim_band=_BAND_OF[band or None],
        claimed_on=values[12],
        planned_investment_wan=values[13],
        contracted_investment_wan=values[14],
        funds_arrived_wan=values[15],
        carrier_ref=values[16],
        dropped_reason=values[17],
        milestone_due_on=values[18],
        milestone_stage=_STAGE_OF[milestone],
        collaborators=tuple(collaborators),
    )


def to_lead(row: LeadRow, enterprise_name: str, collaborators: Sequence[str] = ()) -> Lead:
    """The lead an ORM row holds (its enterprise's name given)."""
    values = [
        enterprise_name if name == "enterprise_name" else getattr(row, name)
        for name in _LEAD_FIELDS
    ]
    return _lead(values, collaborators)


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
    session: Session, *, texts_within: Period | None = None
) -> tuple[list[Lead], list[StageChange], list[FundsArrival]]:
    """Every lead with its whole history and arrivals, as plain dataclasses.

    With ``texts_within``, stage changes dated outside that period come without their actor
    and note (actor ``""``, note None): the meeting pack shows only the period's changes, and
    a million strings it would not show cost a second to read. Stage changes never carry
    ``recorded_at`` here (no figure reads it); the lead's own history (:func:`to_change`)
    has it. Built for 100,000 leads and 1,000,000 changes: columns, not ORM entities, each
    result fetched whole (:func:`_fetch`)."""
    conn = session.connection()
    leads = _load_leads(conn)
    stage_of: dict[str | None, Stage | None] = {s.value: s for s in Stage}
    stage_of[None] = None
    inside = (
        true()
        if texts_within is None
        else StageChangeRow.changed_on.between(texts_within.start, texts_within.end)
    )
    actor = case((inside, StageChangeRow.actor), else_="")
    note = case((inside, StageChangeRow.note))
    changes = [
        StageChange(lid, stage_of[f], stage_of[t], on, who, what)  # type: ignore[arg-type]
        for lid, f, t, on, who, what in _fetch(
            conn,
            select(
                StageChangeRow.lead_id,
                StageChangeRow.from_stage,
                StageChangeRow.to_stage,
                StageChangeRow.changed_on,
                actor,
                note,
            ).order_by(StageChangeRow.id),
        )
    ]
    arrivals = _load_arrivals(conn)
    return leads, changes, arrivals


def _load_leads(conn: Connection) -> list[Lead]:
    """Every lead with its collaborators, in id order."""
    collaborators: dict[int, list[str]] = {}
    for lead_id, team in _fetch(
        conn,
        select(LeadCollaboratorRow.lead_id, LeadCollaboratorRow.team).order_by(
            LeadCollaboratorRow.id
        ),
    ):
        collaborators.setdefault(lead_id, []).append(team)
    columns = [
        EnterpriseRow.name if name == "enterprise_name" else LeadRow.__table__.c[name]
        for name in _LEAD_FIELDS
    ]
    return [
        _lead(values, collaborators.get(values[0], ()))
        for values in _fetch(
            conn,
            select(*columns)
            .join(EnterpriseRow, EnterpriseRow.id == LeadRow.enterprise_id)
            .order_by(LeadRow.id),
        )
    ]


def _load_arrivals(conn: Connection) -> list[FundsArrival]:
    return [
        FundsArrival(lid, amount, on, who, what)
        for lid, amount, on, who, what in _fetch(
            conn,
            select(
                FundsArrivalRow.lead_id,
                FundsArrivalRow.amount_wan,
                FundsArrivalRow.arrived_on,
                FundsArrivalRow.actor,
                FundsArrivalRow.note,
            ).order_by(FundsArrivalRow.id),
        )
    ]


class PackInputs(NamedTuple):
    """What the meeting pack reads from the store (see :func:`load_pack_inputs`)."""

    leads: list[Lead]
    arrivals: dict[int, tuple[FundsArrival, ...]]
    digests: dict[int, HistoryDigest]
    moves: dict[int, tuple[StageChange, ...]] | None


def load_pack_inputs(
    session: Session, *, period: Period, days: HistoryDays, with_moves: bool = True
) -> PackInputs:
    """Every lead, its arrivals in date order, its history digested in SQL at ``days``
    (:func:`load_history_digests`) and, ``with_moves``, the stage changes dated within
    ``period`` (else ``moves`` is None) — instead of the million changes
    :func:`load_pipeline` reads: the pack needs no more.

    On PostgreSQL, when the session's transaction has written nothing, the digest (the one
    read that is mostly the server's work) runs on a second connection in a second thread
    while this one reads the leads, arrivals and the period's changes, both on the session's
    snapshot (:func:`~chainmap.store.snapshot.snapshot_readers`): the same data as reading
    them one after the other on the session's connection, which is what happens otherwise."""
    conn = session.connection()
    with snapshot_readers(conn, 2) as readers:
        if readers is None:
            digests = load_history_digests(conn, days)
            return _pack_inputs(conn, period if with_moves else None, digests)
        main, side = readers
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="pack-digest") as pool:
            digesting = pool.submit(load_history_digests, side, days)
            try:
                got = _pack_inputs(main, period if with_moves else None, {})
            finally:
                digests = digesting.result()
        return got._replace(digests=digests)


def _pack_inputs(
    conn: Connection, moves_within: Period | None, digests: dict[int, HistoryDigest]
) -> PackInputs:
    leads = _load_leads(conn)
    arrivals = arrivals_by_lead(_load_arrivals(conn))
    if moves_within is None:
        return PackInputs(leads, arrivals, digests, None)
    period = moves_within
    stage_of: dict[str | None, Stage | None] = {s.value: s for s in Stage}
    stage_of[None] = None
    moved: dict[int, list[StageChange]] = {}
    for lid, f, t, on, who, what in _fetch(
        conn,
        select(
            StageChangeRow.lead_id,
            StageChangeRow.from_stage,
            StageChangeRow.to_stage,
            StageChangeRow.changed_on,
            StageChangeRow.actor,
            StageChangeRow.note,
        )
        .where(StageChangeRow.changed_on.between(period.start, period.end))
        .order_by(StageChangeRow.changed_on, StageChangeRow.id),
    ):
        change = StageChange(lid, stage_of[f], stage_of[t], on, who, what)  # type: ignore[arg-type]
        moved.setdefault(lid, []).append(change)
    return PackInputs(leads, arrivals, digests, {k: tuple(v) for k, v in moved.items()})


def count_leads_created_by(session: Session, day: date) -> int:
    """How many leads were created on or before ``day`` (those a pack ending then counts)."""
    stmt = select(func.count()).select_from(LeadRow).where(LeadRow.created_on <= day)
    return int(session.scalar(stmt) or 0)


def _fetch(conn: Connection, stmt: Select[*tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """All rows of ``stmt`` as plain tuples. On PostgreSQL through psycopg's binary protocol
    on the session's own connection (inside its transaction): for a million rows the
    SQLAlchemy row objects cost more than the query. The columns must need no result
    processing beyond what psycopg does (ints, floats, text, dates)."""
    if conn.dialect.name != "postgresql":
        return [tuple(row) for row in conn.execute(stmt).all()]
    compiled = stmt.compile(dialect=conn.dialect)
    driver = conn.connection.driver_connection
    with driver.cursor(binary=True) as cur:  # type: ignore[union-attr]
        cur.execute(compiled.string, compiled.params)
        rows: list[tuple[Any, ...]] = cur.fetchall()
    return rows


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


_STAGE_CODES: tuple[Stage, ...] = tuple(Stage)
_PACK = 16  # seq * _PACK + stage code: the last change by a day, and its stage, in one MAX


def load_history_digests(conn: Connection, days: HistoryDays) -> dict[int, HistoryDigest]:
    """Every lead's :class:`HistoryDigest` computed in SQL (window functions, one GROUP BY;
    SQLite and PostgreSQL alike), for the leads with at least one stage change; the others
    are :func:`~chainmap.pipeline.digest.no_history`. Equal to
    :func:`~chainmap.pipeline.digest.digest_history` of the stored timelines.

    Changes are ordered by (``changed_on``, ``id``), as timelines order them (same-day
    changes in the order they were appended). The stage in force by a day is read from
    ``MAX(seq * 16 + stage code)`` over the changes made by then."""
    sc = StageChangeRow.__table__.c
    code = {s.value: i for i, s in enumerate(_STAGE_CODES)}
    ranks = {s.value: r for s, r in HELD_RANK.items()}
    window = {"partition_by": sc.lead_id, "order_by": (sc.changed_on, sc.id)}
    ordered = select(
        sc.lead_id,
        sc.changed_on,
        sc.from_stage,
        case(code, value=sc.to_stage).label("to_code"),
        case(ranks, value=sc.to_stage, else_=-1).label("to_rank"),
        func.row_number().over(**window).label("seq"),  # type: ignore[arg-type]
        func.coalesce(func.lag(sc.to_stage).over(**window), sc.from_stage).label("prev"),  # type: ignore[arg-type]
    ).subquery()
    o = ordered.c
    prev_rank = case(ranks, value=o.prev, else_=-1)
    due = LeadRow.__table__.c.milestone_due_on

    def last(day: date) -> Any:
        return func.max(case((o.changed_on <= day, o.seq * _PACK + o.to_code)))

    def held(upto: Any) -> Any:
        return func.max(case((o.changed_on <= upto, o.to_rank)))

    def since(target: int) -> Any:
        up = (o.changed_on <= days.as_of) & (o.to_rank >= target) & (prev_rank < target)
        return func.max(case((up, o.changed_on)))

    stmt = (
        select(
            o.lead_id,
            func.max(case((o.seq == 1, o.from_stage))),
            last(days.end),
            last(days.before),
            last(days.before_previous),
            last(days.as_of),
            held(days.before),
            held(days.end),
            held(due),
            since(SIGNED_RANK),
            since(STARTED_RANK),
            func.max(case((o.changed_on <= days.as_of, o.changed_on))),
        )
        .join(LeadRow, LeadRow.id == o.lead_id)
        .group_by(o.lead_id)
        .order_by(o.lead_id)
    )

    def stage(packed: int | None) -> Stage | None:
        return None if packed is None else _STAGE_CODES[packed % _PACK]

    def rank(value: int | None) -> int:
        return -1 if value is None else value

    return {
        lead_id: HistoryDigest(
            lead_id,
            _STAGE_OF[first] if first is not None else None,
            stage(a),
            stage(b),
            stage(c),
            stage(d),
            rank(h1),
            rank(h2),
            rank(h3),
            signed,
            started,
            last_on,
        )
        for lead_id, first, a, b, c, d, h1, h2, h3, signed, started, last_on in _fetch(conn, stmt)
    }
