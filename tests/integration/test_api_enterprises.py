"""The enterprise registry through the real ASGI app: CRUD, search, resolve, duplicates,
merge and import, including every kind of bad input."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from chainmap.credit_code import credit_code_check_char
from chainmap.settings import Settings

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def code(n: int) -> str:
    first17 = f"91350900MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def create(client: TestClient, **body: Any) -> dict[str, Any]:
    r = client.post("/enterprises", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["企业名录"])
    ws.append(["企业名称", "统一社会信用代码", "所属省份", "所属城市", "注册资本", "主营产品"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client: TestClient, data: bytes, name: str = "list.xlsx", **params: Any) -> Any:
    return client.post("/enterprises/import", params=params, files={"file": (name, data, XLSX)})


def test_create_classifies_and_reports_provenance(client: TestClient) -> None:
    e = create(
        client,
        name="宁德时代新能源科技股份有限公司",
        credit_code=code(1),
        province="福建省",
        city="宁德市",
        main_products=["动力电池", "储能电池"],
        listed=True,
        tags=["leading"],
        aliases=[{"alias": "CATL", "kind": "english"}],
    )
    assert e["is_local"] is False and e["stale"] is False and e["source"] == "manual"
    assert {(a["chain_id"], a["segment_id"]) for a in e["assignments"]} >= {("nev-battery", "cell")}
    assert e["aliases"] == [{"alias": "CATL", "kind": "english"}]
    assert client.get(f"/enterprises/{e['id']}").json()["name"] == e["name"]


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"credit_code": "91350900MA00000010"}, "credit_code", 422),
        ({"name": ""}, "name", 422),
        ({"revenue_wan": -1}, "revenue_wan", 422),
        ({"tags": ["famous"]}, "tags.0", 422),
        ({"industry_code": "3841"}, "industry_code", 422),
        ({"unknown_field": 1}, "unknown_field", 422),
    ],
)
def test_bad_enterprise_bodies_name_the_field(
    client: TestClient, body: dict[str, Any], field: str, status: int
) -> None:
    payload = {"name": "某某科技有限公司", **body}
    r = client.post("/enterprises", json=payload)
    assert r.status_code == status and r.json()["field"] == field, r.json()
    assert client.get("/enterprises").json()["total"] == 0


def test_a_credit_code_belongs_to_one_record(client: TestClient) -> None:
    first = create(client, name="甲科技有限公司", credit_code=code(2))
    r = client.post("/enterprises", json={"name": "乙科技有限公司", "credit_code": code(2)})
    assert r.status_code == 409 and str(first["id"]) in r.json()["message_en"]


def test_update_reclassifies_and_delete_removes(client: TestClient) -> None:
    e = create(client, name="常州某材料有限公司", main_products=["茶叶"])
    assert e["assignments"] == []
    r = client.patch(f"/enterprises/{e['id']}", json={"main_products": ["湿法隔膜"]})
    assert r.status_code == 200
    assert [a["segment_id"] for a in r.json()["assignments"]] == ["separator"]
    assert client.delete(f"/enterprises/{e['id']}").status_code == 204
    assert client.get(f"/enterprises/{e['id']}").status_code == 404
    assert client.patch("/enterprises/999999", json={"name": "x"}).status_code == 404


def test_search_by_fuzzy_name_region_tag_chain_and_local(client: TestClient) -> None:
    catl = create(
        client,
        name="宁德时代新能源科技股份有限公司",
        province="福建省",
        city="宁德市",
        main_products=["动力电池"],
        tags=["leading"],
    )
    create(
        client,
        name="示范市本地电池有限公司",
        province="江西省",
        city="示范市",
        main_products=["动力电池"],
    )
    create(
        client, name="无关食品有限公司", province="福建省", city="福州市", main_products=["茶叶"]
    )
    ids = lambda **p: [e["id"] for e in client.get("/enterprises", params=p).json()["items"]]  # noqa: E731
    assert ids(q="寧德時代") == [catl["id"]]
    assert ids(q="宁德时代") == [catl["id"]]
    assert len(ids(province="福建省")) == 2
    assert ids(tag="leading") == [catl["id"]]
    assert len(ids(chain="nev-battery", segment="cell")) == 2
    assert [
        e["name"] for e in client.get("/enterprises", params={"local": True}).json()["items"]
    ] == ["示范市本地电池有限公司"]
    page = client.get("/enterprises", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    assert client.get("/enterprises", params={"limit": 501}).status_code == 422


def test_resolve_abbreviations_and_variants(client: TestClient) -> None:
    catl = create(
        client,
        name="宁德时代新能源科技股份有限公司",
        province="福建省",
        city="宁德市",
        aliases=[{"alias": "CATL", "kind": "english"}],
    )
    create(client, name="比亚迪股份有限公司", province="广东省", city="深圳市")
    for name in ("宁德时代", "寧德時代新能源科技股份有限公司", "ＣＡＴＬ"):
        matches = client.get("/enterprises/resolve", params={"name": name}).json()
        assert matches and matches[0]["id"] == catl["id"], name
        assert matches[0]["reason"]
    assert client.get("/enterprises/resolve", params={"name": ""}).status_code == 422


def test_duplicates_then_merge_keeps_history_and_one_target(client: TestClient) -> None:
    a = create(
        client,
        name="江苏星隔膜科技股份有限公司",
        province="江苏省",
        city="常州市",
        main_products=["湿法隔膜"],
        listed=True,
    )
    b = create(
        client,
        name="江蘇星隔膜科技股份有限公司",
        province="江苏省",
        city="常州市",
        main_products=["涂覆隔膜"],
        credit_code=code(5),
    )
    clusters = client.get("/enterprises/duplicates").json()
    assert {"ids": sorted([a["id"], b["id"]]), "names": [a["name"], b["name"]]} in clusters
    names = [
        t["enterprise"]["name"]
        for t in client.get("/chains/nev-battery/targets", params={"segment": "separator"}).json()[
            "items"
        ]
    ]
    assert names == [a["name"]]  # unmerged duplicates are already listed once
    r = client.post(
        f"/enterprises/{a['id']}/merge",
        json={"other_id": b["id"], "actor": "招商局", "reason": "同一企业"},
    )
    assert r.status_code == 200
    kept = r.json()
    assert kept["credit_code"] == code(5)  # blank filled from the merged record
    assert {"alias": b["name"], "kind": "merged"} in kept["aliases"]
    assert client.get(f"/enterprises/{b['id']}").status_code == 404
    names = [
        t["enterprise"]["name"]
        for t in client.get("/chains/nev-battery/targets", params={"segment": "separator"}).json()[
            "items"
        ]
    ]
    assert names == [a["name"]]
    assert client.get("/enterprises/duplicates").json() == []
    bad = client.post(
        f"/enterprises/{a['id']}/merge", json={"other_id": a["id"], "actor": "x", "reason": "y"}
    )
    assert bad.status_code == 422


def test_import_applies_and_reports(client: TestClient) -> None:
    r = upload(
        client, xlsx_bytes([["甲隔膜有限公司", code(11), "江苏省", "常州市", "1.2亿", "湿法隔膜"]])
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["applied"] and body["inserted"] == 1 and body["errors"] == []
    again = upload(
        client, xlsx_bytes([["甲隔膜有限公司", code(11), "江苏省", "常州市", "1.2亿", "湿法隔膜"]])
    ).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 1)


def test_import_rejects_bad_rows_and_writes_nothing(client: TestClient) -> None:
    data = xlsx_bytes(
        [
            ["好公司有限公司", code(12), "江苏省", "常州市", "5000万元人民币", "湿法隔膜"],
            [
                "坏公司有限公司",
                code(13)[:-1] + ("0" if code(13)[-1] != "0" else "1"),
                "江苏省",
                "常州市",
                "五千万",
                "隔膜",
            ],
        ]
    )
    r = upload(client, data)
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "import_rejected" and not body["report"]["applied"]
    errors = body["report"]["errors"]
    assert {e["row"] for e in errors} == {4} and {e["column"] for e in errors} == {
        "统一社会信用代码",
        "注册资本",
    }
    assert client.get("/enterprises").json()["total"] == 0
    report = upload(client, data, format="xlsx")
    assert report.status_code == 200 and report.headers["x-import-applied"] == "false"
    ws = load_workbook(io.BytesIO(report.content)).active
    header = [c.value for c in ws[2]]
    assert "错误说明" in header
    col = header.index("错误说明") + 1
    assert ws.cell(row=4, column=col).value and not ws.cell(row=3, column=col).value
    partial = upload(client, data, skip_invalid=True).json()
    assert partial["applied"] and partial["inserted"] == 1 and partial["rejected"] == 1
    assert client.get("/enterprises").json()["total"] == 1


def test_import_bad_files(client: TestClient, settings: Settings) -> None:
    assert upload(client, b"\xd0\xcf\x11\xe0" + b"\0" * 100, name="old.xls").status_code == 415
    good = xlsx_bytes([["甲有限公司", None, "江苏省", "常州市", None, "隔膜"]])
    truncated = upload(client, good[: len(good) // 2])
    assert truncated.status_code == 422 and truncated.json()["message_zh"]
    assert upload(client, b"", name="empty.xlsx").status_code == 422
    wb = Workbook()
    wb.active.append(["统一社会信用代码"])
    wb.active.append([code(14)])
    buf = io.BytesIO()
    wb.save(buf)
    missing = upload(client, buf.getvalue())
    assert missing.status_code == 422 and "企业名称" in missing.json()["message_zh"]
    settings.import_max_bytes = 100
    too_big = upload(client, good)
    assert too_big.status_code == 413
    assert client.get("/enterprises").json()["total"] == 0


def test_unmerged_duplicates_appear_once_in_a_target_list(client: TestClient) -> None:
    a = create(
        client,
        name="江苏星隔膜科技股份有限公司",
        province="江苏省",
        city="常州市",
        main_products=["湿法隔膜"],
        listed=True,
    )
    create(
        client,
        name="江蘇星隔膜科技股份有限公司",
        province="江苏省",
        city="常州市",
        main_products=["湿法隔膜"],
    )
    other = create(
        client,
        name="浙江月隔膜有限公司",
        province="浙江省",
        city="湖州市",
        main_products=["湿法隔膜"],
    )
    items = client.get("/chains/nev-battery/targets", params={"segment": "separator"}).json()[
        "items"
    ]
    assert sorted(t["enterprise"]["id"] for t in items) == sorted([a["id"], other["id"]])
