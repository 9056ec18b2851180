"""Reads spread over extra connections see exactly what the session sees
(chainmap.store.snapshot), and the meeting pack read that way equals the pack read on the
session's own connection.

Unlike the other database tests these commit: the parallel path is only taken when the
session's transaction has written nothing, i.e. on committed data. So each test gets a
database of its own (a temp SQLite file, or ``chainmap_test_<random>`` on PostgreSQL,
dropped afterwards), never the shared one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bench.bench_meeting_pack import _store, synthetic_pipeline
from chainmap.meetings import bimonthly_pack
from chainmap.pipeline import Stage
from chainmap.report.pack import build_pack, pack_to_dict
from chainmap.settings import Settings
from chainmap.store import db, snapshot
from chainmap.store.leads_repo import load_pipeline
from chainmap.store.models import LeadRow, StageChangeRow
from tests import dbutil

TODAY = date(2026, 11, 5)


@pytest.fixture
def own_engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated database of this test's own on the backend under test, with 300 synthetic
    leads (about 3,000 stage changes) committed."""
    admin = dbutil.pg_admin_url()
    on_pg = database_url.startswith("postgresql")
    assert admin is not None or not on_pg
    url = (
        dbutil.create_pg_database(admin)
        if on_pg and admin
        else dbutil.sqlite_url(tmp_path / "own.db")
    )
    try:
        db.upgrade(url)
        engine = db.make_engine(url)
        with Session(engine) as s, s.begin():
            _store(s, *synthetic_pipeline(300, 11, seed=11))
        yield engine
        engine.dispose()
    finally:
        if on_pg and admin:
            dbutil.drop_pg_database(admin, url)


@pytest.fixture
def readers_used(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Records, for each snapshot_readers call the pack makes, whether it gave readers."""
    used: list[bool] = []
    real = snapshot.snapshot_readers

    def spy(conn: Any, n: int) -> Any:
        cm = real(conn, n)

        class Recording:
            def __enter__(self) -> Any:
                got = cm.__enter__()
                used.append(got is not None)
                return got

            def __exit__(self, *exc: Any) -> Any:
                return cm.__exit__(*exc)

        return Recording()

    monkeypatch.setattr("chainmap.store.leads_repo.snapshot_readers", spy)
    return used


def _drop_the_first_lead(session: Session, *, actor: str, note: str) -> None:
    """Append a 终止 change on 2026-10-31 to the first lead (flushed, not committed)."""
    lead = session.scalars(select(LeadRow).order_by(LeadRow.id).limit(1)).one()
    session.add(
        StageChangeRow(
            lead_id=lead.id,
            from_stage=lead.stage,
            to_stage=Stage.dropped.value,
            changed_on=date(2026, 10, 31),
            actor=actor,
            note=note,
        )
    )
    session.flush()


def _expected(session: Session, library: dict[str, Any], period: str) -> dict[str, Any]:
    from chainmap.pipeline import parse_period

    leads, changes, arrivals = load_pipeline(session)
    names = {c.id: c.name for c in library.values()}
    pack = build_pack(
        leads=leads,
        changes=changes,
        arrivals=arrivals,
        period=parse_period(period),
        today=TODAY,
        chain_names=names,
    )
    return pack_to_dict(pack, detail=True)


@pytest.mark.parametrize("period", ["2026-09", "2025-03"])
def test_pack_read_in_parallel_equals_the_sequential_read(
    own_engine: Engine, library: dict[str, Any], readers_used: list[bool], period: str
) -> None:
    on_pg = own_engine.dialect.name == "postgresql"
    with Session(own_engine) as session:
        want = _expected(session, library, period)
    with Session(own_engine) as session:
        pack = bimonthly_pack(session, library, Settings(), period=period, today=TODAY)
    # PostgreSQL reads on two snapshot-sharing connections; SQLite on the session's own.
    assert readers_used == [on_pg]
    got = pack_to_dict(pack, detail=True)
    assert got == want
    assert got["overall"]["lead_ids"]


def test_readers_see_the_sessions_snapshot_not_later_commits(
    own_engine: Engine, library: dict[str, Any], readers_used: list[bool]
) -> None:
    """A lead committed by someone else after the session's snapshot was taken is in neither
    the session's reads nor the parallel readers'; the pack is the one of that snapshot."""
    if own_engine.dialect.name != "postgresql":
        pytest.skip("snapshots are shared on PostgreSQL only (SQLite reads sequentially)")
    with Session(own_engine) as before:
        want = _expected(before, library, "2026-09")
    repeatable = own_engine.execution_options(isolation_level="REPEATABLE READ")
    with Session(repeatable) as session:
        n_leads = session.scalar(select(func.count()).select_from(LeadRow))
        # Someone else appends a stage change and commits after the snapshot.
        with Session(own_engine) as other, other.begin():
            _drop_the_first_lead(other, actor="另一位同事", note="并发写入")
        with snapshot.snapshot_readers(session.connection(), 2) as readers:
            assert readers is not None
            for reader in readers:
                assert reader.scalar(select(func.count()).select_from(LeadRow)) == n_leads
                assert (
                    reader.scalar(
                        select(func.count())
                        .select_from(StageChangeRow)
                        .where(StageChangeRow.actor == "另一位同事")
                    )
                    == 0
                )
        pack = bimonthly_pack(session, library, Settings(), period="2026-09", today=TODAY)
    assert readers_used == [True]
    assert pack_to_dict(pack, detail=True) == want
    with Session(own_engine) as after:  # and a fresh session does see the new change
        assert _expected(after, library, "2026-09") != want


def test_a_session_that_has_written_reads_on_its_own_connection(
    own_engine: Engine, library: dict[str, Any], readers_used: list[bool]
) -> None:
    """Uncommitted writes are invisible to other connections, so the pack of a session that
    has written reads sequentially and counts what it wrote."""
    with Session(own_engine) as session:
        clean = _expected(session, library, "2026-09")
        _drop_the_first_lead(session, actor="本会话", note="尚未提交")
        with snapshot.snapshot_readers(session.connection(), 2) as readers:
            assert readers is None
        pack = bimonthly_pack(session, library, Settings(), period="2026-09", today=TODAY)
        got = pack_to_dict(pack, detail=True)
        assert got == _expected(session, library, "2026-09")
        assert got != clean
        session.rollback()
    assert readers_used == [False]
