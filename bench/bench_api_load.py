"""Mixed reads and writes under load with authentication on (issue #7: 200 concurrent clients
for 60 s → 0 errors and no lost write).

A throwaway database (``chainmap_bench_<random>`` on the PostgreSQL server of
``BENCH_DATABASE_URL``, default the local one, dropped afterwards; or an SQLite URL) gets the
demo city and its users (``chainmap demo load``); ``python -m api --workers 2`` serves it on
127.0.0.1 with a fixed signing key. ``BENCH_LOAD_CLIENTS`` (200) clients each sign in as a
demo user — the secretariat and the viewer read, the bureau and the admin also write — and
run for ``BENCH_LOAD_SECONDS`` (60): target lists, registry search, factories, leads, and
writes that create an enterprise and then update it. Every answer other than the expected one
counts as an error. Afterwards the database is read directly: every acknowledged create must
be there, and every enterprise must hold the last value acknowledged for it (no lost write).
Loopback traffic only; the loop is bounded in time. ``python -m bench api_load``.
"""

from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.common import machine, serve_api
from chainmap.settings import PROJECT_ROOT
from chainmap.store import db
from chainmap.store.models import EnterpriseRow
from tests import dbutil

CLIENTS = int(os.environ.get("BENCH_LOAD_CLIENTS", "200"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEMO_PASSWORD = "chainmap-demo"
PREFIX = "压测写入企业"
READERS = ("mishu", "guancha")
WRITERS = ("shangwu", "admin")


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)
    created: dict[int, int] = field(default_factory=dict)  # id -> last acknowledged employees

    def note(self, kind: str, started: float, ok: bool, detail: str) -> None:
        self.latencies[kind].append(time.perf_counter() - started)
        if not ok:
            self.errors[kind] += 1
            if len(self.samples) < 5:
                self.samples.append(f"{kind}: {detail[:200]}")


async def _send(
    http: httpx.AsyncClient, tally: Tally, kind: str, method: str, path: str, **kw: Any
) -> httpx.Response | None:
    """One request; a transport failure (timeout, reset) is an error of its kind."""
    t0 = time.perf_counter()
    try:
        return await http.request(method, path, **kw)
    except httpx.HTTPError as exc:
        tally.note(kind, t0, False, f"{type(exc).__name__} after {time.perf_counter() - t0:.0f} s")
        return None


async def _client(n: int, base: str, stop: float, tally: Tally) -> None:
    rng = random.Random(n)
    user = (WRITERS if n % 4 == 0 else READERS)[n % 2]
    limits = httpx.Limits(max_connections=1)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        t0 = time.perf_counter()
        form = {"username": user, "password": DEMO_PASSWORD}
        r = await _send(http, tally, "login", "POST", "/auth/token", data=form)
        if r is None:
            return
        tally.note("login", t0, r.status_code == 200, r.text)
        if r.status_code != 200:
            return
        http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        mine: list[int] = []
        i = 0
        while time.perf_counter() < stop:
            i += 1
            t0 = time.perf_counter()
            roll = rng.random()
            if user in WRITERS and roll < 0.3:
                if mine and roll < 0.15:
                    eid = rng.choice(mine)
                    kind = "PATCH /enterprises/{id}"
                    r = await _send(
                        http, tally, kind, "PATCH", f"/enterprises/{eid}", json={"employees": i}
                    )
                    if r is None:
                        continue
                    ok = r.status_code == 200
                    if ok:
                        tally.created[eid] = i
                    tally.note(kind, t0, ok, r.text)
                else:
                    body = {
                        "name": f"{PREFIX}{n}号{i}有限公司",
                        "province": "江苏省",
                        "city": "常州市",
                        "main_products": ["湿法隔膜"],
                        "employees": 0,
                    }
                    r = await _send(
                        http, tally, "POST /enterprises", "POST", "/enterprises", json=body
                    )
                    if r is None:
                        continue
                    ok = r.status_code == 201
                    if ok:
                        mine.append(r.json()["id"])
                        tally.created[r.json()["id"]] = 0
                    tally.note("POST /enterprises", t0, ok, r.text)
                continue
            kind, path, params = rng.choice(
                [
                    ("targets", "/chains/nev-battery/targets", {"limit": 20}),
                    ("enterprises", "/enterprises", {"q": "新能源", "limit": 20}),
                    ("factories", "/carriers/factories", {"limit": 20, "min_area_m2": 1000}),
                    ("leads", "/leads", {"limit": 20}),
                    ("gaps", "/chains/biomedicine/gaps", {}),
                ]
            )
            if kind == "leads" and user == "guancha":  # viewers may not read leads
                kind, path, params = "chains", "/chains", {}
            r = await _send(http, tally, f"GET {kind}", "GET", path, params=params)
            if r is not None:
                tally.note(f"GET {kind}", t0, r.status_code == 200, r.text)


def _verify(url: str, tally: Tally) -> tuple[int, int]:
    """(acknowledged writes missing or holding another value, rows found)."""
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            stored = dict(
                session.execute(
                    select(EnterpriseRow.id, EnterpriseRow.employees).where(
                        EnterpriseRow.name.startswith(PREFIX)
                    )
                ).all()
            )
    finally:
        engine.dispose()
    lost = sum(1 for eid, value in tally.created.items() if stored.get(eid) != value)
    return lost, len(stored)


def main() -> None:
    raw = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG)
    on_pg = raw.startswith("postgresql")
    url = dbutil.create_pg_database(make_url(raw), prefix="chainmap_bench") if on_pg else raw
    print(f"machine: {machine()}; {make_url(url).get_backend_name()}; {CLIENTS} clients")
    env = {
        **os.environ,
        "CHAINMAP_DATABASE_URL": url,
        "CHAINMAP_SECRET_KEY": "bench-api-load-signing-key-0123456789",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    try:
        db.upgrade(url)
        subprocess.run(
            [str(Path(sys.executable).with_name("chainmap")), "demo", "load"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        tally = Tally()
        with serve_api(url, workers=2, env=env) as base:
            t0 = time.perf_counter()
            asyncio.run(_run(base, t0 + SECONDS, tally))
            wall = time.perf_counter() - t0
        lost, found = _verify(url, tally)
    finally:
        if on_pg:
            dbutil.drop_pg_database(make_url(raw), url)
    total = sum(len(v) for v in tally.latencies.values())
    errors = sum(tally.errors.values())
    print(f"{total:,} requests in {wall:.0f} s ({total / wall:.0f} req/s); errors {errors}")
    for kind, lat in sorted(tally.latencies.items()):
        lat.sort()
        p = lambda q, xs=lat: xs[min(len(xs) - 1, int(q * len(xs)))] * 1000  # noqa: E731
        print(
            f"  {kind:26} n={len(lat):6,} p50={p(0.5):7.1f} ms p95={p(0.95):7.1f} ms "
            f"errors {tally.errors.get(kind, 0)}"
        )
    for line in tally.samples:
        print(f"  e.g. {line}")
    print(
        f"writes acknowledged: {len(tally.created):,} enterprises; found {found:,}; "
        f"lost or stale: {lost}"
    )


async def _run(base: str, stop: float, tally: Tally) -> None:
    await asyncio.gather(*(_client(n, base, stop, tally) for n in range(CLIENTS)))


if __name__ == "__main__":
    main()
