"""The full matcher through the app: every component in every row, filters, the 招商地图 JSON
and workbook, the carrier named on target rows, the cache, and the CLI ``--xlsx``."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from chainmap.carrier_service import create_factory, create_park
from chainmap.carriers import Factory, Park
from chainmap.chains import load_chain_library
from chainmap.cli import app
from chainmap.domain import Chain
from chainmap.freshness import utcnow
from chainmap.matching.components import COMPONENT_NAMES
from chainmap.report.target_map_xlsx import GAP_HEADERS, SUMMARY_HEADERS, SUMMARY_SHEET
from chainmap.settings import Settings
from tests.builders import LOCAL, add_enterprise
from tests.conftest import CHAINS_DIR
from tests.integration.test_cli import cli_env  # noqa: F401  (fixture)

CHAIN = "nev-battery"


@pytest.fixture
def city(session: Session, library: dict[str, Chain], settings: Settings) -> dict[str, Any]:
    add = lambda **kw: add_enterprise(session, library, settings, **kw)  # noqa: E731
    for i in range(3):
        add(
            name=f"本地正极{i}",
            main_products=("磷酸铁锂",),
            listed=True,
            revenue_wan=200_000,
            **LOCAL,
        )
    cands = {
        "big": add(
            name="隔膜龙头股份有限公司", main_products=("湿法隔膜", "涂覆隔膜"), listed=True,
            tags=("leading",), revenue_wan=1_000_000, province="江苏省", city="常州市",
        ),
        "small": add(name="小隔膜有限公司", main_products=("干法隔膜",), province="四川省", city="成都市"),
        "sz": add(name="深圳隔膜科技有限公司", main_products=("湿法隔膜",), province="广东省", city="深圳市",
                  tags=("specialised",), revenue_wan=30_000),
        "anode": add(name="外地负极有限公司", main_products=("人造石墨", "硅碳负极")),
    }  # fmt: skip
    today = utcnow().date()
    create_park(session, Park(0, "高新区", district="高新区"), source="test")
    create_factory(
        session,
        Factory(0, "高新区", "A3栋", 32_000, clear_height_m=10, industry_direction="新能源",
                last_verified_on=today),
        today=today,
    )  # fmt: skip
    session.commit()
    return cands


def _targets(client: TestClient, **params: Any) -> dict[str, Any]:
    r = client.get(f"/chains/{CHAIN}/targets", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_every_row_lists_every_component_with_a_reason_and_names_the_carrier(
    client: TestClient, city: dict[str, Any]
) -> None:
    body = _targets(client, segment="separator")
    assert body["total"] == 3
    for row in body["items"]:
        assert [c["name"] for c in row["components"]] == list(COMPONENT_NAMES)
        assert all(c["reason"] and c["label"] and 0 <= c["value"] <= 1 for c in row["components"])
        comps = {c["name"]: c for c in row["components"]}
        assert (
            "A3栋" in comps["carrier_fit"].get("reason")
            or "无合适载体" in comps["carrier_fit"]["reason"]
        )
    by_id = {t["enterprise"]["id"]: t for t in body["items"]}
    sz = by_id[city["sz"].id]
    assert sz["carrier"] == {"kind": "factory", "id": sz["carrier"]["id"], "label": "高新区 A3栋"}
    assert "高新区 A3栋" in sz["reason"]
    big = by_id[city["big"].id]  # 100亿 revenue: a project this big needs land, not a factory
    assert big["carrier"] is None
    assert (
        "无合适载体" in next(c for c in big["components"] if c["name"] == "carrier_fit")["reason"]
    )
    region = next(c for c in big["components"] if c["name"] == "region")
    assert "长三角" in region["reason"] and "公里" in region["reason"]


def test_filters_region_tag_size_listed(client: TestClient, city: dict[str, Any]) -> None:
    ids = lambda b: {t["enterprise"]["id"] for t in b["items"]}  # noqa: E731
    assert ids(_targets(client, region="长三角")) == {city["big"].id, city["anode"].id}
    assert ids(_targets(client, region="长三角", segment="separator")) == {city["big"].id}
    assert ids(_targets(client, region="珠三角")) == {city["sz"].id}
    assert ids(_targets(client, region="四川省")) == {city["small"].id}
    assert ids(_targets(client, tag="specialised")) == {city["sz"].id}
    assert ids(_targets(client, tag=["specialised", "leading"])) == {city["sz"].id, city["big"].id}
    assert ids(_targets(client, min_revenue_wan=50_000)) == {city["big"].id}
    assert ids(_targets(client, listed_only=True)) == {city["big"].id}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"tag": "giant"}, "tag"),
        ({"region": "火星"}, "region"),
        ({"min_revenue_wan": -1}, "min_revenue_wan"),
    ],
)
def test_bad_filters_are_422_naming_the_field(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    r = client.get(f"/chains/{CHAIN}/targets", params=params)
    assert r.status_code == 422 and r.json()["field"] == field


def test_the_cache_rebuilds_only_when_data_changes(
    client: TestClient,
    city: dict[str, Any],
    session: Session,
    library: dict[str, Chain],
    settings: Settings,
) -> None:
    first = _targets(client, segment="separator")
    matcher = client.app.state.matcher  # type: ignore[attr-defined]
    builds = matcher.builds
    assert _targets(client, segment="separator") == first and matcher.builds == builds
    # A write made elsewhere (another worker, the CLI) is seen at the next recheck …
    matcher.recheck_seconds = 3600
    add_enterprise(session, library, settings, name="新来隔膜有限公司", main_products=("湿法隔膜",))
    session.commit()
    assert _targets(client, segment="separator")["total"] == 3 and matcher.builds == builds
    matcher.recheck_seconds = 0
    assert _targets(client, segment="separator")["total"] == 4 and matcher.builds == builds + 1
    # … a write through the app invalidates at once, whatever the interval.
    matcher.recheck_seconds = 3600
    r = client.put(
        f"/chains/{CHAIN}/segments/separator/status",
        json={"status": "strong", "reason": "已签约", "actor": "链长办"},
    )
    assert r.status_code == 200
    assert _targets(client, segment="separator")["total"] == 0 and matcher.builds == builds + 2


def test_target_map_json_has_graph_gaps_targets_and_carriers(
    client: TestClient, city: dict[str, Any]
) -> None:
    r = client.get(f"/chains/{CHAIN}/map", params={"per_gap": 2})
    assert r.status_code == 200, r.text
    body = r.json()
    statuses = {n["id"]: n["status"] for n in body["graph"]["nodes"]}
    assert statuses["cathode"] == "strong" and statuses["separator"] == "missing"
    gaps = {g["gap"]["segment_id"]: g for g in body["gaps"]}
    assert "cathode" not in gaps
    sep = gaps["separator"]
    assert sep["total"] == 3 and len(sep["targets"]) == 2
    assert sep["targets"][0]["rank"] == 1 and sep["need"]
    assert [c["label"] for c in sep["carriers"]] == ["高新区 A3栋"]
    assert client.get(f"/chains/{CHAIN}/map", params={"per_gap": 0}).status_code == 422
    assert client.get("/chains/nope/map").status_code == 404


def test_target_map_xlsx_opens_with_the_promised_sheets_and_headers(
    client: TestClient, city: dict[str, Any]
) -> None:
    r = client.get(f"/chains/{CHAIN}/map.xlsx")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    gaps = client.get(f"/chains/{CHAIN}/gaps").json()
    wb = load_workbook(BytesIO(r.content))
    assert wb.sheetnames[0] == SUMMARY_SHEET and len(wb.sheetnames) == 1 + len(gaps)
    summary = wb[SUMMARY_SHEET]
    assert [c.value for c in summary[4]] == list(SUMMARY_HEADERS)
    assert [summary.cell(row=5 + i, column=3).value for i in range(len(gaps))] == [
        g["segment_id"] for g in gaps
    ]
    sep_sheet = next(n for n in wb.sheetnames if n.endswith("隔膜"))
    ws = wb[sep_sheet]
    assert [c.value for c in ws[2]] == list(GAP_HEADERS)
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    api_order = [t["enterprise"]["name"] for t in _targets(client, segment="separator")["items"]]
    assert [row[1] for row in rows] == api_order and len(rows) == 3
    assert [row[3] for row in rows] == sorted((row[3] for row in rows), reverse=True)
    reasons = GAP_HEADERS.index("推荐理由")
    assert all(row[reasons] for row in rows)
    carrier = {row[1]: row[GAP_HEADERS.index("推荐载体")] for row in rows}
    assert carrier["深圳隔膜科技有限公司"] == "高新区 A3栋"
    assert carrier["隔膜龙头股份有限公司"] == "无合适载体"


@pytest.mark.usefixtures("cli_env")
def test_cli_targets_writes_the_map_workbook(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    assert runner.invoke(app, ["demo", "load"]).exit_code == 0
    gaps = runner.invoke(app, ["gaps", CHAIN])
    segment = next(  # the first gap the demo city has in this chain
        s.id
        for s in load_chain_library(CHAINS_DIR)[CHAIN].segments
        if f"[{s.id}]" in gaps.output or s.name in gaps.output
    )
    out = tmp_path / "map.xlsx"
    result = runner.invoke(app, ["targets", CHAIN, "--segment", segment, "--xlsx", str(out)])
    assert result.exit_code == 0, result.output
    assert "招商地图" in result.output
    wb = load_workbook(out)
    assert wb.sheetnames[0] == SUMMARY_SHEET and len(wb.sheetnames) == 2
    assert [c.value for c in wb[wb.sheetnames[1]][2]] == list(GAP_HEADERS)
    full = tmp_path / "full.xlsx"
    assert runner.invoke(app, ["targets", CHAIN, "--xlsx", str(full)]).exit_code == 0
    assert len(load_workbook(full).sheetnames) > 2
