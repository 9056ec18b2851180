"""Carrier-ledger import through the API and the CLI: Chinese headers and the units people write,
per-row bilingual errors, all-or-nothing, skip_invalid, re-import changes nothing, upsert by
park+building+floor / 地块编号, and a reservation survives a re-import."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainmap.store.models import FactoryRow, ImportRunRow, LandParcelRow

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TODAY = date.today()
CHECKED = (TODAY - timedelta(days=10)).isoformat()

FACTORY_HEADER = ["所属园区", "楼栋", "楼层", "建筑面积", "层高", "承重", "配电容量", "行车",
                  "产业方向", "状态", "租金", "联系人", "联系电话", "核实日期"]  # fmt: skip
FACTORIES = [
    ["高新区", "3号楼", "1层", "1.2万㎡", "9米", "3吨/㎡", "2×800kVA", "有，10吨",
     "新能源汽车零部件", "闲置", "18元/㎡·月", "王芳", "0791-1234567", CHECKED],
    ["高新区", "3号楼", "2层", "6000平方米", "6m", "800kg/㎡", "500", "无",
     "电子信息", "空置", "0.6元/㎡·天", "王芳", None, CHECKED],
    ["经开区", "A栋", None, "0.8万", "12-15m", "30kN/㎡", "1MVA", None,
     "装备制造", "已出租", None, None, None, CHECKED],
]  # fmt: skip
LAND_HEADER = ["地块编号", "所在园区", "用地面积", "用地性质", "是否净地", "规划产业方向",
               "挂牌价", "可供日期", "核实日期"]  # fmt: skip
LAND = [
    ["GX-2026-07", "高新区", "2公顷", "工业用地", "净地", "锂电池", "30万元/亩", "2026-03-01", CHECKED],
    ["JK-12", "经开区", "85.5亩", "M1", "否", "装备制造", "450元/㎡", None, CHECKED],
]  # fmt: skip


def sheet(header: list[str], rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["示范市闲置载体台账（2026年）"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client: TestClient, kind: str, data: bytes, **params: Any) -> Any:
    return client.post(
        f"/carriers/{kind}/import", params=params, files={"file": ("台账.xlsx", data, XLSX)}
    )


@pytest.fixture
def parks(client: TestClient) -> None:
    for name in ("高新区", "经开区"):
        assert (
            client.post("/carriers/parks", json={"name": name, "district": name}).status_code == 201
        )


def test_factory_ledger_with_real_units(client: TestClient, session: Session, parks: None) -> None:
    r = upload(client, "factories", sheet(FACTORY_HEADER, FACTORIES))
    assert r.status_code == 200, r.text
    assert (r.json()["inserted"], r.json()["applied"]) == (3, True)
    items = client.get("/carriers/factories", params={"sort": "id"}).json()["items"]
    first, second, third = items
    assert (first["area_m2"], first["clear_height_m"], first["floor_load_kn_m2"]) == (
        12000,
        9,
        29.4,
    )
    assert (first["power_kva"], first["has_crane"], first["crane_t"]) == (1600, True, 10)
    assert first["rent_yuan_m2_month"] == 18 and first["floor"] == "1层"
    assert (second["area_m2"], second["floor_load_kn_m2"]) == (6000, pytest.approx(7.84))
    assert second["rent_yuan_m2_month"] == pytest.approx(0.6 * 365 / 12)
    assert (third["area_m2"], third["clear_height_m"], third["power_kva"]) == (8000, 12, 1000)
    assert third["status"] == "occupied" and third["district"] == "经开区"
    assert all(i["source"] == "台账.xlsx" and i["stale"] is False for i in items)

    # The same file again changes nothing.
    r = upload(client, "factories", sheet(FACTORY_HEADER, FACTORIES))
    assert (r.json()["inserted"], r.json()["updated"], r.json()["unchanged"]) == (0, 0, 3)
    assert session.scalar(select(func.count()).select_from(FactoryRow)) == 3

    # A changed row updates the same unit (park + building + floor).
    changed = [list(FACTORIES[0])]
    changed[0][3] = "15000"
    r = upload(client, "factories", sheet(FACTORY_HEADER, changed))
    assert (r.json()["inserted"], r.json()["updated"]) == (0, 1)
    assert client.get(f"/carriers/factories/{first['id']}").json()["area_m2"] == 15000
    assert session.scalar(select(func.count()).select_from(ImportRunRow)) == 3


def test_land_ledger_with_real_units(client: TestClient, session: Session, parks: None) -> None:
    r = upload(client, "land", sheet(LAND_HEADER, LAND))
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 2
    gx, jk = client.get("/carriers/land", params={"sort": "code"}).json()["items"]
    assert (gx["area_mu"], gx["site_ready"], gx["price_wan_per_mu"]) == (30, True, 30)
    assert gx["available_from"] == "2026-03-01" and gx["industry_direction"] == "锂电池"
    assert (jk["area_mu"], jk["site_ready"], jk["land_use"]) == (85.5, False, "M1")
    assert jk["price_wan_per_mu"] == pytest.approx(450 * 666.67 / 10_000, rel=1e-3)
    r = upload(client, "land", sheet(LAND_HEADER, LAND))
    assert (r.json()["inserted"], r.json()["unchanged"]) == (0, 2)
    assert session.scalar(select(func.count()).select_from(LandParcelRow)) == 2


@pytest.mark.parametrize(
    ("column", "value", "text"),
    [
        (3, "-500㎡", "负"),
        (3, "3坪", "单位"),
        (3, "5000000㎡", "不合理"),
        (0, "火星园区", "园区"),
        (4, "90米", "层高"),
        (13, (TODAY + timedelta(days=5)).isoformat(), "核实日期"),
    ],
)
def test_a_bad_row_rejects_the_whole_ledger(
    client: TestClient, session: Session, parks: None, column: int, value: str, text: str
) -> None:
    rows = [list(r) for r in FACTORIES]
    rows[1][column] = value
    r = upload(client, "factories", sheet(FACTORY_HEADER, rows))
    assert r.status_code == 422, r.text
    report = r.json()["report"]
    assert report["applied"] is False and report["rejected"] == 1
    (error,) = report["errors"]
    assert error["row"] == 4 and error["column"] == FACTORY_HEADER[column]
    assert text in error["message_zh"] and error["message_en"]
    assert session.scalar(select(func.count()).select_from(FactoryRow)) == 0
    assert session.scalar(select(func.count()).select_from(ImportRunRow)) == 0

    r = upload(client, "factories", sheet(FACTORY_HEADER, rows), skip_invalid="true")
    assert r.status_code == 200 and (r.json()["inserted"], r.json()["rejected"]) == (2, 1)


def test_xlsx_report_marks_the_bad_rows(client: TestClient, parks: None) -> None:
    rows = [list(LAND[0]), list(LAND[1])]
    rows[1][2] = "很大"
    r = upload(client, "land", sheet(LAND_HEADER, rows), format="xlsx")
    assert r.status_code == 200 and r.headers["x-import-applied"] == "false"
    assert r.headers["content-type"] == XLSX


def test_a_reservation_survives_a_reimport(client: TestClient, parks: None) -> None:
    upload(client, "factories", sheet(FACTORY_HEADER, FACTORIES))
    fid = client.get("/carriers/factories").json()["items"][0]["id"]
    eid = client.post("/enterprises", json={"name": "常州隔膜科技有限公司"}).json()["id"]
    until = (TODAY + timedelta(days=30)).isoformat()
    r = client.post(
        f"/carriers/factories/{fid}/reservations",
        json={"enterprise_id": eid, "until": until, "actor": "王芳"},
    )
    assert r.status_code == 201, r.text
    r = upload(client, "factories", sheet(FACTORY_HEADER, FACTORIES))
    assert r.json()["unchanged"] == 3
    assert client.get(f"/carriers/factories/{fid}").json()["status"] == "reserved"


def test_cli_import_factories_and_land(tmp_path: Path, monkeypatch: Any) -> None:
    from typer.testing import CliRunner

    from chainmap.cli import app
    from chainmap.settings import Settings, get_settings
    from chainmap.store import db
    from chainmap.store.models import ParkRow
    from tests.conftest import CHAINS_DIR

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("CHAINMAP_DATABASE_URL", url)
    monkeypatch.setenv("CHAINMAP_CHAINS_DIR", str(CHAINS_DIR))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        with db.session_scope(db.make_session_factory(db.make_engine(url))) as s:
            s.add_all([ParkRow(name="高新区"), ParkRow(name="经开区")])
        bad = [list(r) for r in FACTORIES]
        bad[0][3] = "-1㎡"
        (tmp_path / "bad.xlsx").write_bytes(sheet(FACTORY_HEADER, bad))
        result = runner.invoke(app, ["import", "factories", str(tmp_path / "bad.xlsx")])
        assert result.exit_code == 1
        report = json.loads((tmp_path / "bad.xlsx.report.json").read_text(encoding="utf-8"))
        assert report["applied"] is False and report["errors"][0]["row"] == 3
        assert (tmp_path / "bad.errors.xlsx").exists()

        (tmp_path / "f.xlsx").write_bytes(sheet(FACTORY_HEADER, FACTORIES))
        result = runner.invoke(app, ["import", "factories", str(tmp_path / "f.xlsx")])
        assert result.exit_code == 0, result.output
        assert "inserted 3" in result.output and (tmp_path / "f.xlsx.report.json").exists()
        again = runner.invoke(app, ["import", "factories", str(tmp_path / "f.xlsx")])
        assert "unchanged 3" in again.output
        (tmp_path / "l.xlsx").write_bytes(sheet(LAND_HEADER, LAND))
        result = runner.invoke(app, ["import", "land", str(tmp_path / "l.xlsx")])
        assert result.exit_code == 0 and "inserted 2" in result.output
        assert Settings(_env_file=None).database_url == url  # type: ignore[call-arg]
    finally:
        get_settings.cache_clear()


def test_demo_load_brings_parks_factories_and_land(tmp_path: Path, monkeypatch: Any) -> None:
    from typer.testing import CliRunner

    from api.app import create_app
    from chainmap.cli import app
    from chainmap.settings import Settings, get_settings
    from tests.conftest import CHAINS_DIR

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("CHAINMAP_DATABASE_URL", url)
    monkeypatch.setenv("CHAINMAP_CHAINS_DIR", str(CHAINS_DIR))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        loaded = runner.invoke(app, ["demo", "load"])
        assert loaded.exit_code == 0, loaded.output
        assert "150 factories and 60 parcels" in loaded.output
        again = runner.invoke(app, ["demo", "load"])
        assert "factories" not in again.output  # never loaded twice
    finally:
        get_settings.cache_clear()
    settings = Settings(database_url=url, chains_dir=CHAINS_DIR, _env_file=None)  # type: ignore[call-arg]
    with TestClient(create_app(settings)) as c:
        from chainmap.cli import DEMO_PASSWORD

        token = c.post("/auth/token", data={"username": "shangwu", "password": DEMO_PASSWORD})
        c.headers["Authorization"] = f"Bearer {token.json()['access_token']}"  # a demo user
        assert c.get("/carriers/factories").json()["total"] == 150
        assert c.get("/carriers/land").json()["total"] == 60
        assert len(c.get("/carriers/parks").json()) == 5
        assert c.get("/carriers/factories", params={"stale": True}).json()["total"] > 0
        summary = c.get("/carriers/summary").json()
        assert sum(r["vacant_factory_m2"] for r in summary) > 0
        assert sum(r["site_ready_land_mu"] for r in summary) > 0
        hall = c.get(
            "/carriers/factories",
            params={"status": "vacant", "stale": False, "min_area": 20000, "sort": "-area_m2"},
        ).json()["items"][0]
        body = c.get(f"/carriers/factories/{hall['id']}/candidates").json()
        assert body["available"] is True and body["items"], body
        assert all(i["reason"] and i["score"] > 0 for i in body["items"])


def test_a_ledger_that_says_reserved_can_free_the_carrier_again(
    client: TestClient, parks: None
) -> None:
    rows = [list(FACTORIES[0])]
    rows[0][9] = "已预订"
    upload(client, "factories", sheet(FACTORY_HEADER, rows))
    fid = client.get("/carriers/factories").json()["items"][0]["id"]
    assert client.get(f"/carriers/factories/{fid}").json()["status"] == "reserved"
    eid = client.post("/enterprises", json={"name": "常州隔膜科技有限公司"}).json()["id"]
    until = (TODAY + timedelta(days=30)).isoformat()
    body = {"enterprise_id": eid, "until": until, "actor": "王芳"}
    r = client.post(f"/carriers/factories/{fid}/reservations", json=body)
    assert r.status_code == 409 and r.json()["code"] == "carrier_taken"
    rows[0][9] = "空置"
    r = upload(client, "factories", sheet(FACTORY_HEADER, rows))
    assert r.json()["updated"] == 1
    assert client.get(f"/carriers/factories/{fid}").json()["status"] == "vacant"
    r = client.post(f"/carriers/factories/{fid}/verify", json={"status": "occupied"})
    assert r.status_code == 200 and r.json()["status"] == "occupied"
    r = client.post(f"/carriers/factories/{fid}/verify", json={"status": "vacant"})
    assert r.json()["status"] == "vacant"
    assert client.post(f"/carriers/factories/{fid}/reservations", json=body).status_code == 201
    r = client.post(f"/carriers/factories/{fid}/verify", json={"status": "occupied"})
    assert r.status_code == 422 and r.json()["field"] == "status"
