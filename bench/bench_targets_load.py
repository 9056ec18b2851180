"""GET /chains/{id}/targets under load: uvicorn (2 workers) on 127.0.0.1 over 100,000 candidates.

Setup: a temporary SQLite database (or ``BENCH_DATABASE_URL``, e.g. a PostgreSQL database this
benchmark may fill) with 100,000 synthetic hydrogen-chain candidates and their assignments,
200 local enterprises, relations, growth / energy metrics and the synthetic carriers. Then
``python -m api --workers 2`` runs as a subprocess, each worker is warmed (its matrix cache
built once), and a bounded asyncio / httpx load generator keeps ``BENCH_LOAD_CONCURRENCY``
(default 1, 2 and 4 in turn) requests in flight over a mix of pages, segment and region filters.
Loopback traffic only. ``python -m bench targets_load``.
"""

from __future__ import annotations

import asyncio
import os
import random
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import bench_api_key, machine, serve_api
from bench.synthetic import synthetic_city
from chainmap.carrier_service import create_factory, create_park
from chainmap.carriers import Park
from chainmap.chains import load_chain_library
from chainmap.domain import Assignment, Enterprise
from chainmap.settings import PROJECT_ROOT
from chainmap.store import db, repo
from chainmap.store.models import EnterpriseMetricsRow, EnterpriseRelationRow

CHAIN = "hydrogen"
N = int(os.environ.get("BENCH_LOAD_N", "100000"))
REQUESTS = int(os.environ.get("BENCH_LOAD_REQUESTS", "2000"))
CONCURRENCY = [int(c) for c in os.environ.get("BENCH_LOAD_CONCURRENCY", "1,2,4").split(",")]


def _fill(url: str) -> tuple[list[str], str]:
    """Fill the database; returns the chain's segment ids and an API key (a viewer's)."""
    library = load_chain_library(PROJECT_ROOT / "data" / "industry_chains")
    chain = library[CHAIN]
    city = synthetic_city(chain, N)
    engine = db.make_engine(url)
    with db.session_scope(db.make_session_factory(engine)) as session:
        new_ids = repo.add_enterprises(session, city.candidates)
        remap = {e.id: i for e, i in zip(city.candidates, new_ids, strict=True)}
        locals_ = [
            Enterprise(
                id=0,
                name=name,
                province="江西省",
                city="示范市",
                district="高新区",
                source="synthetic",
            )
            for name in city.context.local_names.values()
        ]
        local_ids = repo.add_enterprises(session, locals_)
        remap |= dict(zip(city.context.local_names, local_ids, strict=True))
        assigns = [
            Assignment(remap[a.enterprise_id], a.chain_id, a.segment_id, a.confidence, a.evidence)
            for a in city.assignments
        ]
        rng = random.Random(1)
        for lid in local_ids[:60]:  # some local presence, so some segments are weak or strong
            seg = chain.segments[rng.randrange(len(chain.segments))].id
            assigns.append(Assignment(lid, chain.id, seg, 0.9, ("本地企业",)))
        repo.replace_assignments(session, assigns, enterprise_ids=None)
        session.add_all(
            EnterpriseRelationRow(
                supplier_id=remap[r.supplier_id],
                customer_id=remap[r.customer_id],
                product=r.product,
            )
            for r in {
                (r.supplier_id, r.customer_id, r.product): r for r in city.context.relations
            }.values()
        )
        session.add_all(
            EnterpriseMetricsRow(
                enterprise_id=remap[e.id],
                growth_pct=e.growth_pct,
                energy_intensity=e.energy_intensity,
            )
            for e in city.candidates
            if e.growth_pct is not None or e.energy_intensity is not None
        )
        today = city.context.today
        assert today is not None
        for park in sorted({f.park_name for f in city.context.factories}):
            create_park(session, Park(0, park, district=park), source="bench")
        for f in city.context.factories:
            create_factory(session, f, today=today)
        key = bench_api_key(session)
    engine.dispose()
    return [s.id for s in chain.segments], key


def _pct(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def _load(
    base: str, segments: list[str], key: str, concurrency: int
) -> tuple[list[float], int]:
    rng = random.Random(3)
    mix = [
        {"limit": 50},
        {"limit": 50, "offset": 50},
        {"limit": 20, "region": "长三角"},
        {"limit": 50, "listed_only": "true"},
        {"limit": 100, "offset": 500},
    ]
    params = [
        rng.choice(mix) | ({"segment": rng.choice(segments)} if rng.random() < 0.4 else {})
        for _ in range(REQUESTS)
    ]
    latencies: list[float] = []
    errors = 0
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"X-API-Key": key}
    async with httpx.AsyncClient(
        base_url=base, timeout=30, limits=limits, headers=headers
    ) as client:

        async def one(p: dict[str, object]) -> None:
            nonlocal errors
            async with sem:
                t0 = time.perf_counter()
                r = await client.get(f"/chains/{CHAIN}/targets", params=p)
                latencies.append(time.perf_counter() - t0)
                errors += r.status_code != 200

        await asyncio.gather(*(one(p) for p in params))
    return latencies, errors


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'load.db'}"
        db.upgrade(url)
        t0 = time.perf_counter()
        segments, key = _fill(url)
        print(f"machine: {machine()}; {N:,} candidates loaded in {time.perf_counter() - t0:.0f} s")
        with serve_api(url, workers=2) as base:
            t0 = time.perf_counter()
            warm, fast = [], 0
            while fast < 20 and len(warm) < 200:  # until both workers answer fast
                t1 = time.perf_counter()
                r = httpx.get(
                    f"{base}/chains/{CHAIN}/targets", timeout=300, headers={"X-API-Key": key}
                )
                assert r.status_code == 200, r.text
                warm.append(r)
                fast = fast + 1 if time.perf_counter() - t1 < 0.5 else 0
            print(
                f"warm-up (each worker builds its matrix once): {time.perf_counter() - t0:.1f} s;"
                f" total targets {warm[0].json()['total']:,}"
            )
            for concurrency in CONCURRENCY:
                t0 = time.perf_counter()
                lat, errors = asyncio.run(_load(base, segments, key, concurrency))
                wall = time.perf_counter() - t0
                lat.sort()
                print(
                    f"GET /chains/{CHAIN}/targets, {len(lat)} requests, "
                    f"concurrency {concurrency}: p50={_pct(lat, 0.5):.1f} ms "
                    f"p95={_pct(lat, 0.95):.1f} ms p99={_pct(lat, 0.99):.1f} ms "
                    f"max={lat[-1] * 1000:.1f} ms; "
                    f"{len(lat) / wall:.0f} req/s; errors {errors}",
                    flush=True,
                )
