"""Carriers (issue #4 figures): ``GET /carriers/factories`` with filters over 50,000 factories,
p95 ≤ 50 ms through the running app; reverse matching of one factory over 1,000,000
candidates, ≤ 1 s.

The app runs as ``python -m api`` (uvicorn) in its own process on a free 127.0.0.1 port;
requests go over HTTP (httpx), on a
temporary SQLite file, or on PostgreSQL when BENCH_DATABASE_URL is set (a throwaway
``chainmap_bench_<random>`` database is created next to it and dropped afterwards).
BENCH_CARRIERS_N and BENCH_CANDIDATES_N make smaller runs.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import httpx
import numpy as np
from sqlalchemy import text

from bench.common import bench_api_key, machine, serve_api, summary, timings
from chainmap.carriers import (
    CandidateArrays,
    CarrierStatus,
    Factory,
    Park,
    rank_candidates_for_factory,
)
from chainmap.chains import load_chain_library
from chainmap.settings import PROJECT_ROOT
from chainmap.store import db
from chainmap.store.carriers_repo import insert_carriers

PARKS = [
    "高新区",
    "经开区",
    "临港新区",
    "新材料产业园",
    "生物医药产业园",
    "航空城",
    "综保区",
    "北区",
]
DIRECTIONS = [
    "新能源汽车零部件",
    "锂电池",
    "电子信息",
    "智能装备",
    "新材料",
    "生物医药",
    "氢能装备",
]
QUERIES: list[dict[str, object]] = [
    {"park": "高新区", "status": "vacant", "stale": "false", "min_area": 5000, "sort": "-area_m2"},
    {"min_area": 10000, "max_area": 20000, "min_height": 9, "min_load": 30, "status": "vacant"},
    {"industry": "锂电池", "min_power": 2000, "sort": "area_m2", "limit": 100},
    {"district": "经开区", "stale": "true", "offset": 200},
    {"park": "临港新区", "min_height": 12, "sort": "-clear_height_m", "limit": 500},
    {"status": "vacant", "stale": "false", "industry": "电子", "min_area": 2000, "max_area": 8000},
]


def _factories(n: int, today: date) -> list[Factory]:
    rng = random.Random(4)
    out = []
    for i in range(n):
        park = PARKS[i % len(PARKS)]
        out.append(
            Factory(
                id=i + 1,
                park_name=park,
                district=park,
                building=f"{i // len(PARKS) // 4 + 1}号楼",
                floor=f"{i // len(PARKS) % 4 + 1}层",
                area_m2=float(rng.randrange(500, 40000, 50)),
                clear_height_m=float(rng.choice((5, 8, 9, 10, 12, 15))),
                floor_load_kn_m2=float(rng.choice((5, 10, 20, 30, 40, 50))),
                power_kva=float(rng.choice((250, 630, 1600, 2500, 5000, 10000))),
                industry_direction=rng.choice(DIRECTIONS),
                status=rng.choice((CarrierStatus.vacant,) * 3 + (CarrierStatus.occupied,)),
                last_verified_on=today - timedelta(days=rng.randint(0, 200)),
                source="bench",
            )
        )
    return out


@contextmanager
def _database() -> Iterator[tuple[str, str]]:
    pg = os.environ.get("BENCH_DATABASE_URL")
    if pg:
        from sqlalchemy.engine import make_url

        from tests import dbutil

        admin = make_url(pg)
        url = dbutil.create_pg_database(admin, prefix="chainmap_bench")
        try:
            yield url, "PostgreSQL"
        finally:
            dbutil.drop_pg_database(admin, url)
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.db'}", "SQLite file"


def bench_query(n: int) -> None:
    today = date.today()
    with _database() as (url, backend):
        db.upgrade(url)
        engine = db.make_engine(url)
        t0 = time.perf_counter()
        with db.session_scope(db.make_session_factory(engine)) as s:
            parks = [Park(id=0, name=p, district=p) for p in PARKS]
            insert_carriers(s, parks, _factories(n, today), [], source="bench")
            key = bench_api_key(s)
        with engine.connect() as conn:  # planner statistics, as autovacuum / a DBA would have
            conn.execute(text("ANALYZE"))
            conn.commit()
        engine.dispose()
        print(f"{backend}: inserted {n:,} factories in {time.perf_counter() - t0:.1f} s")
        auth = {"X-API-Key": key}
        with serve_api(url) as base, httpx.Client(base_url=base, timeout=30, headers=auth) as c:
            all_samples: list[float] = []
            for q in QUERIES:
                r = c.get("/carriers/factories", params=q)  # type: ignore[arg-type]
                assert r.status_code == 200, r.text
                total = r.json()["total"]
                samples = timings(
                    lambda q=q: c.get("/carriers/factories", params=q),  # type: ignore[misc]
                    runs=40,
                )
                all_samples += samples
                print(f"  {q}: total {total:,}; {summary(samples)}")
            print(f"{backend} GET /carriers/factories, {n:,} factories, all queries: "
                  f"{summary(all_samples)} (target p95 ≤ 50 ms)")  # fmt: skip


def _candidates(n: int, segments: int) -> CandidateArrays:
    rng = np.random.default_rng(11)
    need_m2 = rng.uniform(500, 60_000, n)
    land = need_m2 > 30_000
    nan = np.full(n, np.nan)
    return CandidateArrays(
        need_m2=np.where(land & (rng.random(n) < 0.5), np.nan, need_m2),
        need_mu=need_m2 / 666.67,
        need_height=np.where(rng.random(n) < 0.6, rng.choice([6.0, 8.0, 9.0, 12.0], n), nan),
        need_load=np.where(rng.random(n) < 0.4, rng.choice([10.0, 20.0, 30.0], n), nan),
        need_power=np.where(rng.random(n) < 0.5, rng.uniform(100, 20_000, n), nan),
        segment=rng.integers(0, segments, n, dtype=np.int64),
        fills_gap=rng.random(n) < 0.3,
        strength=rng.random(n),
        estimated=np.ones(n, dtype=np.bool_),
        prefers_land=land,
    )


def bench_reverse(n: int) -> None:
    library = load_chain_library(PROJECT_ROOT / "data" / "industry_chains")
    segs = [s for c in sorted(library.values(), key=lambda c: c.id) for s in c.segments]
    names = [s.name for s in segs]
    keywords = [tuple(s.keywords) for s in segs]
    t0 = time.perf_counter()
    arrays = _candidates(n, len(segs))
    print(f"built {n:,} candidate arrays in {time.perf_counter() - t0:.2f} s")
    today = date.today()
    factory = Factory(
        1,
        "高新区",
        "3号楼",
        20_000,
        clear_height_m=12,
        floor_load_kn_m2=30,
        power_kva=8000,
        industry_direction="新能源汽车 锂电池",
        last_verified_on=today,
    )

    def run() -> object:
        return rank_candidates_for_factory(
            factory,
            arrays,
            segment_names=names,
            segment_keywords=keywords,
            today=today,
            stale_after_days=90,
            top=20,
        )

    ranked = run()
    assert ranked
    print(f"reverse matching, one factory over {n:,} candidates, top 20: "
          f"{summary(timings(run, runs=20))} (target ≤ 1 s)")  # fmt: skip


def main() -> None:
    print(machine())
    bench_reverse(int(os.environ.get("BENCH_CANDIDATES_N", "1000000")))
    bench_query(int(os.environ.get("BENCH_CARRIERS_N", "50000")))


if __name__ == "__main__":
    main()
