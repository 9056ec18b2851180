"""The bimonthly meeting pack (双月调度会材料) over 100,000 leads and ~1,000,000 stage changes
(issue #6: the whole pack ≤ 5 s on PostgreSQL).

:func:`synthetic_pipeline` builds the leads, their stage histories and funds arrivals from a
seeded RNG. :func:`main` first times the pure part in memory — :func:`build_pack` (the figures),
:func:`pack_to_dict` + ``json.dumps`` (the API body), :func:`pack_xlsx` and :func:`pack_html` —
then stores the same data in a throwaway database (``chainmap_bench_<random>`` on the
PostgreSQL server of ``BENCH_DATABASE_URL``, default the local one; dropped afterwards) and
times what the secretariat waits for: :func:`chainmap.meetings.bimonthly_pack` on a fresh
session (read every lead, change and arrival, build the pack) and each rendering. The figure
of the issue is that end-to-end time. The stored pack is checked against the in-memory one.

``BENCH_PACK_LEADS`` (default 100,000) and ``BENCH_PACK_CHANGES_PER_LEAD`` (default 11, about
1,000,000 changes for 100,000 leads once histories are cut at today) make other runs;
``BENCH_DATABASE_URL=sqlite:///…`` runs the database part on SQLite instead.
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

import httpx
from sqlalchemy import Table
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.common import bench_api_key, machine, serve_api
from chainmap.chains import load_chain_library
from chainmap.meetings import bimonthly_pack
from chainmap.pipeline import (
    STAGE_ORDER,
    ClaimBand,
    FundsArrival,
    Lead,
    Stage,
    StageChange,
    TeamKind,
    claim_band_of,
    flags,
    metrics,
    parse_period,
)
from chainmap.report.html import pack_html
from chainmap.report.pack import MeetingPack, build_pack, pack_to_dict
from chainmap.report.xlsx import DETAILS_MAX_LEADS, pack_xlsx
from chainmap.settings import Settings
from chainmap.store import db
from chainmap.store.bulk import bulk_insert
from chainmap.store.leads_repo import insert_pipeline
from chainmap.store.models import EnterpriseRow
from tests import dbutil

T = TypeVar("T")

PERIOD = "2026-09"
TODAY = date(2026, 11, 5)
FIRST_DAY = date(2024, 1, 1)
CHAINS = {  # the bundled chain library's ids and names, so the stored pack names them alike
    "nev-battery": "新能源汽车及动力电池",
    "biomedicine": "生物医药",
    "robotics": "机器人及智能制造装备",
    "ic-electronics": "电子信息与集成电路",
    "new-materials": "新材料（含绿色纤维）",
    "hydrogen": "氢能",
}
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红"
_STAGES = STAGE_ORDER  # 线索 … 投产


def _teams() -> list[tuple[str, TeamKind]]:
    out = [(f"头格推进组{i}", TeamKind.top_push_group) for i in range(1, 11)]
    out += [(f"尖刀班{i}", TeamKind.spearhead_team) for i in range(1, 11)]
    out += [(f"专业招商{i}分局", TeamKind.investment_branch) for i in range(1, 11)]
    return out


def _people(rng: random.Random, n: int) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        names.add(rng.choice(_SURNAMES) + "".join(rng.choices(_GIVEN, k=rng.choice((1, 2)))))
    return sorted(names)


def synthetic_pipeline(
    n_leads: int, changes_per_lead: int = 10, seed: int = 20260905
) -> tuple[list[Lead], list[StageChange], list[FundsArrival]]:
    """``n_leads`` leads with about ``changes_per_lead`` stage changes each (the creation entry
    included), and funds arrivals for the signed ones, all dated up to :data:`TODAY`.

    Each history is a walk over 线索 → 投产: mostly one step forward, but 洽谈 mostly falls back
    to 接触; sometimes a step back (with a note), a skip over 供地 (standard factory), a drop
    (终止) and a reopening.
    One lead in a hundred or so (≥1亿) is claimed by one of 20 city leaders; contracts set a
    开工 milestone 180 days after signing. Same seed, same data.
    """
    rng = random.Random(seed)
    teams = _teams()
    people = _people(rng, 300)
    owners = {team: people[i * 10 : i * 10 + 10] for i, (team, _) in enumerate(teams)}
    leaders = [f"{p}（市领导）" for p in _people(random.Random(seed + 1), 20)]
    chain_ids = list(CHAINS)
    leads: list[Lead] = []
    changes: list[StageChange] = []
    arrivals: list[FundsArrival] = []
    span = (TODAY - FIRST_DAY).days
    for lead_id in range(1, n_leads + 1):
        team, kind = rng.choice(teams)
        owner = rng.choice(owners[team])
        created = FIRST_DAY + timedelta(days=rng.randrange(span))
        planned = round(rng.lognormvariate(9.0, 1.4), 2)  # median ≈ 8,100 万元
        claimed = planned >= 10_000 and rng.random() < 0.05  # leaders claim big targets
        stage: Stage = Stage.clue
        day = created
        history = [StageChange(lead_id, None, Stage.clue, created, owner)]
        signed_on: date | None = None
        budget = max(1, round(rng.gauss(changes_per_lead, 2.5))) - 1
        for _ in range(budget):
            day = day + timedelta(days=rng.randint(1, 30))
            if day > TODAY:
                break
            r = rng.random()
            rank = _STAGES.index(stage) if stage is not Stage.dropped else -1
            note: str | None = None
            if stage is Stage.dropped:
                to, note = rng.choice(_STAGES[:4]), "企业重新接洽，恢复跟进"
            elif r < 0.04:
                to, note = Stage.dropped, "企业投资意向变化，终止跟进"
            elif stage is Stage.negotiation and r < 0.75:  # most talks go round and round
                to, note = Stage.contact, "企业内部决策延后，转回接触"
            elif (r < 0.30 and rank > 0) or rank == len(_STAGES) - 1:
                to, note = _STAGES[rank - 1], "进度登记有误，退回"
            elif stage is Stage.signed and r < 0.45:
                to, note = Stage.construction_started, "租用标准厂房，无需供地"
            else:
                to = _STAGES[rank + 1]
            history.append(StageChange(lead_id, stage, to, day, owner, note))
            if to is Stage.signed and signed_on is None:
                signed_on = day
            stage = to
        changes.extend(history)
        contracted = None
        due = None
        paid = 0.0
        if signed_on is not None:
            contracted = round(planned * rng.uniform(0.7, 1.3), 2)
            due = signed_on + timedelta(days=180)
            paid_on, left = signed_on, contracted
            for _ in range(rng.randint(0, 6)):
                paid_on = paid_on + timedelta(days=rng.randint(10, 90))
                if paid_on > TODAY or left <= 0:
                    break
                amount = round(min(left, contracted * rng.uniform(0.05, 0.4)), 2)
                left -= amount
                paid += amount
                arrivals.append(FundsArrival(lead_id, amount, paid_on, "财务"))
        band: ClaimBand | None = claim_band_of(planned) if claimed else None
        leads.append(
            Lead(
                id=lead_id,
                enterprise_id=1_000_000 + lead_id,
                enterprise_name=f"{rng.choice(_SURNAMES)}氏{lead_id}号科技有限公司",
                chain_id=rng.choice(chain_ids),
                segment_id="seg",
                owner_team=team,
                owner_team_kind=kind,
                owner_person=owner,
                created_on=created,
                stage=stage,
                claimed_by_leader=rng.choice(leaders) if claimed else None,
                claim_band=band,
                claimed_on=created + timedelta(days=rng.randint(0, 30)) if claimed else None,
                planned_investment_wan=planned,
                contracted_investment_wan=contracted,
                funds_arrived_wan=round(paid, 6),
                milestone_due_on=due,
                dropped_reason="企业投资意向变化，终止跟进" if stage is Stage.dropped else None,
            )
        )
    return leads, changes, arrivals


def _timed(label: str, fn: Callable[[], T]) -> T:
    t0 = time.perf_counter()
    out = fn()
    print(f"  {label:<32} {time.perf_counter() - t0:7.2f} s", flush=True)
    return out


def main() -> None:
    n = int(os.environ.get("BENCH_PACK_LEADS", "100000"))
    per = int(os.environ.get("BENCH_PACK_CHANGES_PER_LEAD", "11"))
    print(f"machine: {machine()}")
    leads, changes, arrivals = _timed(
        "generate (not part of the pack)", lambda: synthetic_pipeline(n, per)
    )
    print(f"  {len(leads):,} leads, {len(changes):,} stage changes, {len(arrivals):,} arrivals")
    period = parse_period(PERIOD)

    def make() -> MeetingPack:
        return build_pack(
            leads=leads,
            changes=changes,
            arrivals=arrivals,
            period=period,
            today=TODAY,
            chain_names=CHAINS,
        )

    t0 = time.perf_counter()
    pack = _timed("build_pack", make)
    body = _timed("pack_to_dict + json.dumps", lambda: _json(pack_to_dict(pack)))
    xlsx = _timed("pack_xlsx", lambda: pack_xlsx(pack))
    html = _timed("pack_html", lambda: pack_html(pack))
    total = time.perf_counter() - t0
    details = "with" if len(pack.figures) <= DETAILS_MAX_LEADS else "without"
    print(
        f"  total {total:.2f} s; JSON {len(body) / 1e6:.1f} MB, xlsx {len(xlsx) / 1e6:.1f} MB "
        f"({details} 线索明细), HTML {len(html.encode()) / 1e6:.1f} MB; "
        f"{len(pack.flags):,} flags, {len(pack.progress_by_chain)} chains, "
        f"{len(pack.progress_by_team)} teams"
    )
    # The pack allocates a few objects per lead and no reference cycles; on a heap holding a
    # million stage changes, the cyclic collector's passes over them cost about a fifth.
    gc.disable()
    try:
        _timed("build_pack, cyclic GC paused", make)
    finally:
        gc.enable()
    _timed("pack_to_dict(detail=True) + json", lambda: _json(pack_to_dict(pack, detail=True)))
    print("pipeline API on the same data (each call reads the history itself):")
    _timed(
        "metrics(group_by='team')",
        lambda: metrics(leads, changes, arrivals, period=period, group_by="team"),
    )
    _timed("flags()", lambda: flags(leads, changes, arrivals, today=period.end))
    stored_pack(leads, changes, arrivals, expected=pack_to_dict(pack))


DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def stored_pack(
    leads: list[Lead],
    changes: list[StageChange],
    arrivals: list[FundsArrival],
    *,
    expected: dict[str, object],
) -> None:
    """Store the pipeline, then time the pack as the API builds it (load + build + render)."""
    raw = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
    on_pg = raw.startswith("postgresql")
    url = dbutil.create_pg_database(make_url(raw), prefix="chainmap_bench") if on_pg else raw
    print(f"database: {make_url(url).render_as_string(hide_password=True)}")
    try:
        db.upgrade(url)
        engine = db.make_engine(url)
        settings = Settings(database_url=url)
        library = load_chain_library(settings.chains_dir)
        with Session(engine) as session, session.begin():
            _timed(
                "store (not part of the pack)", lambda: _store(session, leads, changes, arrivals)
            )
        if on_pg:
            # A live database's tables have been vacuumed and analysed by autovacuum; a
            # freshly bulk-loaded one has not, and autovacuum would start on the million
            # new rows in the middle of the timings, on one of the two cores.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                _timed(
                    "VACUUM ANALYZE (not part of the pack)",
                    lambda: conn.exec_driver_sql("VACUUM ANALYZE"),
                )
        for attempt in (1, 2):
            with Session(engine) as session:
                t0 = time.perf_counter()
                stored = _timed(
                    f"bimonthly_pack from the db #{attempt}",
                    lambda s=session: bimonthly_pack(  # type: ignore[misc]
                        s, library, settings, period=PERIOD, today=TODAY
                    ),
                )
                _timed("  + pack_to_dict + json", lambda p=stored: _json(pack_to_dict(p)))
                _timed("  + pack_xlsx", lambda p=stored: pack_xlsx(p))
                _timed("  + pack_html", lambda p=stored: pack_html(p))
                print(
                    f"  end to end (load, build, JSON, xlsx, HTML) {time.perf_counter() - t0:.2f} s"
                )
        same = _comparable(pack_to_dict(stored)) == _comparable(expected)
        print(f"  stored pack equals the in-memory pack: {same}")
        if not same:
            raise SystemExit("the pack built from the database differs from the in-memory one")
        with Session(engine) as session, session.begin():
            key = bench_api_key(session, role="secretariat")
        engine.dispose()
        over_http(url, key, expected=expected)
    finally:
        if on_pg:
            dbutil.drop_pg_database(make_url(raw), url)


def over_http(url: str, key: str, *, expected: dict[str, object]) -> None:
    """What the secretariat waits for: each form of the pack requested from ``python -m api``
    (one worker, as ``make run`` serves it) on the stored data, over loopback HTTP, signed in
    with an API key; time from sending the request to having the whole body."""
    runs = int(os.environ.get("BENCH_PACK_HTTP_RUNS", "3"))
    print(f"over HTTP (python -m api, 1 worker), {runs} runs each after one warm-up:")
    params = {"period": PERIOD, "today": TODAY.isoformat()}
    with (
        serve_api(url) as base,
        httpx.Client(base_url=base, timeout=300, headers={"X-API-Key": key}) as http,
    ):
        for path in ("/meetings/bimonthly", "/meetings/bimonthly.xlsx", "/meetings/bimonthly.html"):
            seconds: list[float] = []
            for attempt in range(runs + 1):
                t0 = time.perf_counter()
                r = http.get(path, params=params)
                took = time.perf_counter() - t0
                r.raise_for_status()
                if attempt:
                    seconds.append(took)
            if path == "/meetings/bimonthly":
                same = _comparable(r.json()) == _comparable(expected)
                print(f"  the API's JSON equals the in-memory pack: {same}")
                if not same:
                    raise SystemExit("the pack served by the API differs from the in-memory one")
            print(
                f"  GET {path:<26} {statistics.median(seconds):6.2f} s median, "
                f"{max(seconds):6.2f} s max ({len(r.content) / 1e6:.1f} MB)",
                flush=True,
            )


def _store(
    session: Session,
    leads: list[Lead],
    changes: list[StageChange],
    arrivals: list[FundsArrival],
) -> None:
    table: Table = EnterpriseRow.metadata.tables["enterprises"]
    now = datetime.now(UTC)
    bulk_insert(
        session,
        table,
        [
            {
                "id": lead.enterprise_id,
                "name": lead.enterprise_name,
                "name_normalized": lead.enterprise_name,
                "match_key": lead.enterprise_name,
                "listed": False,
                "tags": [],
                "other_tags": [],
                "main_products": [],
                "business_scope": "",
                "source": "bench（合成数据）",
                "created_at": now,
                "updated_at": now,
            }
            for lead in leads
        ],
    )
    insert_pipeline(session, leads, changes, arrivals, source="bench（合成数据）")


def _comparable(body: dict[str, object]) -> dict[str, object]:
    """The pack less the day it was generated. Lead ids compare equal: the generator numbers
    them 1…N in insert order and the fresh database numbers them the same way."""
    return {k: v for k, v in body.items() if k != "generated_on"}


def _json(data: object) -> bytes:
    """As the API sends it: UTF-8, Chinese unescaped."""
    return json.dumps(data, ensure_ascii=False).encode()


if __name__ == "__main__":
    main()
