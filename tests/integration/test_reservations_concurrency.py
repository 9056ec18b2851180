"""A carrier can never be held twice, even under 50 simultaneous requests: the running app
(uvicorn on a free 127.0.0.1 port, real commits) on its own throwaway database — a temp SQLite
file, and a ``chainmap_test_<random>`` PostgreSQL database when CHAINMAP_TEST_DATABASE_URL is
set. Exactly one request gets 201; the other 49 get 409 naming the holder."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from api.app import create_app
from chainmap.domain import Chain
from chainmap.settings import Settings
from chainmap.store import db
from chainmap.store.models import CarrierReservationRow, FactoryRow, ReservationEventRow
from chainmap.users import create_user
from tests import dbutil
from tests.conftest import CHAINS_DIR, _backends

REQUESTS = 50


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(params=_backends())
def own_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        url = dbutil.sqlite_url(tmp_path / "concurrency.db")
        db.upgrade(url)
        yield url
        return
    admin = dbutil.pg_admin_url()
    assert admin is not None
    url = dbutil.create_pg_database(admin, prefix="chainmap_test")
    try:
        db.upgrade(url)
        yield url
    finally:
        dbutil.drop_pg_database(admin, url)


PASSWORD = "reserve-test-1"


@pytest.fixture
def bureau(own_url: str, library: dict[str, Chain]) -> str:
    """A bureau user (carriers and the registry), committed before the server starts."""
    engine = db.make_engine(own_url)
    try:
        with db.session_scope(db.make_session_factory(engine)) as session:
            create_user(session, library, username="bureau", password=PASSWORD, role="bureau")
    finally:
        engine.dispose()
    return "bureau"


@pytest.fixture
def server(own_url: str) -> Iterator[str]:
    settings = Settings(database_url=own_url, chains_dir=CHAINS_DIR, _env_file=None)  # type: ignore[call-arg]
    port = _free_port()
    config = uvicorn.Config(
        create_app(settings), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=20)


def test_fifty_concurrent_reservations_one_wins(server: str, own_url: str, bureau: str) -> None:
    login = httpx.post(
        f"{server}/auth/token", data={"username": bureau, "password": PASSWORD}, timeout=30
    )
    assert login.status_code == 200, login.text
    auth = {"Authorization": f"Bearer {login.json()['access_token']}"}
    with httpx.Client(base_url=server, timeout=30, headers=auth) as c:
        assert c.post("/carriers/parks", json={"name": "高新区"}).status_code == 201
        r = c.post(
            "/carriers/factories", json={"park": "高新区", "building": "3号楼", "area_m2": 6000}
        )
        assert r.status_code == 201, r.text
        fid = r.json()["id"]
        holders = []
        for i in range(REQUESTS):
            r = c.post(
                "/enterprises",
                json={"name": f"测试企业{i:02d}有限公司", "province": "江苏省", "city": "常州市"},
            )
            assert r.status_code == 201, r.text
            holders.append(r.json()["id"])

    until = (date.today() + timedelta(days=30)).isoformat()
    barrier = threading.Barrier(REQUESTS)

    def attempt(holder: int) -> httpx.Response:
        with httpx.Client(base_url=server, timeout=60, headers=auth) as c:
            barrier.wait()
            return c.post(
                f"/carriers/factories/{fid}/reservations",
                json={"enterprise_id": holder, "until": until, "actor": "并发测试"},
            )

    with ThreadPoolExecutor(max_workers=REQUESTS) as pool:
        answers = list(pool.map(attempt, holders))

    codes = sorted(a.status_code for a in answers)
    assert codes == [201] + [409] * (REQUESTS - 1), [
        a.text for a in answers if a.status_code >= 500
    ]
    winner = next(a.json() for a in answers if a.status_code == 201)
    for a in answers:
        if a.status_code == 409:
            assert a.json()["code"] == "carrier_taken"
            assert winner["holder"] in a.json()["message_zh"]

    engine = db.make_engine(own_url)
    try:
        with engine.connect() as conn:
            active = conn.scalar(
                select(func.count())
                .select_from(CarrierReservationRow)
                .where(CarrierReservationRow.state == "active")
            )
            events = conn.scalar(select(func.count()).select_from(ReservationEventRow))
            status = conn.scalar(select(FactoryRow.status).where(FactoryRow.id == fid))
    finally:
        engine.dispose()
    assert (active, events, status) == (1, 1, "reserved")
