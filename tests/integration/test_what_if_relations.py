"""Relations (以商招商) through the app — add, list, xlsx import, referrers named on target rows —
and what-if: landing enterprises fills and closes the gaps it should and lifts downstream
targets."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainmap.domain import Chain
from chainmap.settings import Settings
from chainmap.store.models import EnterpriseRelationRow
from tests.builders import LOCAL, add_enterprise

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
    ents = {
        "local_cell": add(name="本地电池组装有限公司", main_products=("电池包",), **LOCAL),
        "sep1": add(name="甲隔膜股份有限公司", main_products=("湿法隔膜",), listed=True,
                    tags=("leading",), revenue_wan=500_000, credit_code="91320500MA1MXE3T1X"),
        "sep2": add(name="乙隔膜有限公司", main_products=("干法隔膜",), listed=True, revenue_wan=300_000),
        "sep3": add(name="丙隔膜有限公司", main_products=("涂覆隔膜",), listed=True, revenue_wan=300_000),
        "cell": add(name="外地电芯有限公司", main_products=("动力电池电芯",)),
    }  # fmt: skip
    session.commit()
    return ents


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["供需关系台账"])
    ws.append(["供应方", "采购方", "产品"])
    for r in rows:
        ws.append(r)
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _upload(client: TestClient, data: bytes) -> Any:
    return client.post(
        "/relations/import",
        files={"file": ("relations.xlsx", data, "application/octet-stream")},
    )


def test_add_and_list_relations(client: TestClient, city: dict[str, Any]) -> None:
    body = {"supplier_id": city["sep1"].id, "customer_id": city["local_cell"].id, "product": "隔膜"}
    r = client.post("/relations", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["supplier_name"] == "甲隔膜股份有限公司"
    assert client.post("/relations", json=body).json()["id"] == r.json()["id"]  # once
    listed = client.get("/relations", params={"enterprise_id": city["local_cell"].id}).json()
    assert [x["customer_name"] for x in listed] == ["本地电池组装有限公司"]
    bad = client.post("/relations", json={**body, "supplier_id": 999_999})
    assert bad.status_code == 404 and "999999" in bad.json()["message_en"]


def test_relations_import_is_all_or_nothing_and_idempotent(
    client: TestClient, session: Session, city: dict[str, Any]
) -> None:
    count = lambda: session.scalar(select(func.count()).select_from(EnterpriseRelationRow))  # noqa: E731
    bad = _xlsx(
        [
            ["91320500MA1MXE3T1X", "本地电池组装有限公司", "隔膜"],
            ["无此企业", "外地电芯有限公司", ""],
        ]
    )
    r = _upload(client, bad)
    assert r.status_code == 422 and count() == 0
    assert any("无此企业" in e["message_zh"] for e in r.json()["report"]["errors"])
    good = _xlsx(
        [["91320500MA1MXE3T1X", "本地电池组装有限公司", "隔膜"], ["乙隔膜", "本地电池组装", "隔膜"]]
    )
    r = _upload(client, good)
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 2 and count() == 2
    again = _upload(client, good).json()
    assert again["inserted"] == 0 and again["unchanged"] == 2 and count() == 2


def test_target_rows_name_the_local_referrer_with_the_path(
    client: TestClient, city: dict[str, Any]
) -> None:
    client.post(
        "/relations",
        json={
            "supplier_id": city["sep2"].id,
            "customer_id": city["local_cell"].id,
            "product": "隔膜",
        },
    )
    items = client.get(f"/chains/{CHAIN}/targets", params={"segment": "separator"}).json()["items"]
    row = next(t for t in items if t["enterprise"]["id"] == city["sep2"].id)
    assert row["referrers"] == [
        {
            "enterprise_id": city["local_cell"].id,
            "name": "本地电池组装有限公司",
            "path": "本地电池组装有限公司 ←供应隔膜— 候选企业",
        }
    ]
    referral = next(c for c in row["components"] if c["name"] == "referral")
    assert referral["value"] == 0.5 and "本地电池组装有限公司" in referral["reason"]
    assert "本地电池组装有限公司" in row["reason"]
    other = next(t for t in items if t["enterprise"]["id"] == city["sep3"].id)
    assert other["referrers"] == [] and other["score"] < row["score"] + 1


def test_what_if_one_landing_fills_the_gap_three_close_it(
    client: TestClient, city: dict[str, Any]
) -> None:
    url = f"/chains/{CHAIN}/what-if"
    one = client.post(url, json={"enterprise_ids": [city["sep1"].id]})
    assert one.status_code == 200, one.text
    body = one.json()
    assert body["landed_segments"] == ["separator"]
    change = next(c for c in body["status_changes"] if c["segment_id"] == "separator")
    assert (change["before"], change["after"]) == ("missing", "weak")
    assert change["local_before"] == 0 and change["local_after"] == 1
    assert body["gaps_filled"] == ["separator"] and body["gaps_closed"] == []
    assert any(p["segment_id"] == "separator" for p in body["priority_changes"])
    ids = [city[k].id for k in ("sep1", "sep2", "sep3")]
    three = client.post(url, json={"enterprise_ids": ids}).json()
    assert "separator" in three["gaps_closed"]
    assert "separator" not in [g["segment_id"] for g in three["gaps_after"]]
    # nothing was written: the real city still misses the segment
    gaps = client.get(f"/chains/{CHAIN}/gaps").json()
    assert "separator" in [g["segment_id"] for g in gaps]


def test_what_if_lifts_the_downstream_target_that_trades_with_the_landed_one(
    client: TestClient, city: dict[str, Any]
) -> None:
    client.post(
        "/relations",
        json={"supplier_id": city["sep1"].id, "customer_id": city["cell"].id, "product": "隔膜"},
    )
    body = client.post(
        f"/chains/{CHAIN}/what-if", json={"enterprise_ids": [city["sep1"].id]}
    ).json()
    rising = {r["target"]["enterprise"]["id"]: r for r in body["rising"]}
    cell = rising[city["cell"].id]
    assert cell["downstream"] is True and cell["target"]["score"] > cell["score_before"]
    assert "甲隔膜股份有限公司" in cell["why"] and "以商招商" in cell["why"]
    assert cell["target"]["referrers"][0]["name"] == "甲隔膜股份有限公司"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [({"enterprise_ids": [987_654]}, 404, "id"), ({"enterprise_ids": []}, 422, "enterprise_ids")],
)
def test_what_if_errors_name_the_field(
    client: TestClient, city: dict[str, Any], body: dict[str, Any], status: int, field: str
) -> None:
    r = client.post(f"/chains/{CHAIN}/what-if", json=body)
    assert r.status_code == status and r.json()["field"] == field


def test_what_if_refuses_an_enterprise_that_is_already_local(
    client: TestClient, city: dict[str, Any]
) -> None:
    r = client.post(f"/chains/{CHAIN}/what-if", json={"enterprise_ids": [city["local_cell"].id]})
    assert r.status_code == 422 and r.json()["field"] == "enterprise_ids"
