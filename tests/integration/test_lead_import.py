"""Lead-ledger import through the API and the CLI: all-or-nothing (enterprises created for rows
included), re-import, one owner per enterprise, histories and funds from the ledger's dates."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = [
    "项目名称",
    "产业链",
    "环节",
    "责任单位",
    "责任人",
    "当前阶段",
    "阶段日期",
    "入库日期",
    "签约日期",
    "合同投资（亿元）",
    "到位资金",
    "备注",
]


def ledger(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["2026年重点招商项目台账"])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


GOOD = [
    [
        "常州星隔膜科技有限公司",
        "新能源汽车及动力电池",
        "隔膜",
        "尖刀班一组",
        "张伟",
        "开工",
        "2026-06-01",
        "2026-01-10",
        "2026-03-15",
        2,
        5000,
        None,
    ],
    [
        "全新电芯有限公司",
        "nev-battery",
        "电芯制造",
        "专业招商一分局",
        "李娜",
        "洽谈",
        "2026-04-01",
        "2026-02-01",
        None,
        None,
        None,
        None,
    ],
]


def upload(client: TestClient, data: bytes, **params: Any) -> Any:
    return client.post("/leads/import", params=params, files={"file": ("台账.xlsx", data, XLSX)})


def test_ledger_import_builds_leads_histories_and_funds(client: TestClient) -> None:
    existing = client.post(
        "/enterprises",
        json={"name": "常州星隔膜科技有限公司", "province": "江苏省", "city": "常州市"},
    ).json()
    r = upload(client, ledger(GOOD))
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 2 and r.json()["errors"] == []
    leads = client.get("/leads").json()["items"]
    by_name = {x["enterprise_name"]: x for x in leads}
    star = client.get(f"/leads/{by_name['常州星隔膜科技有限公司']['id']}").json()
    assert star["enterprise_id"] == existing["id"]  # resolved, not duplicated
    assert (
        star["history"][0]["to_stage"] == "clue"
        and star["history"][-1]["to_stage"] == "construction_started"
    )
    assert star["history"][-1]["changed_on"] == "2026-06-01"
    assert star["contracted_investment_wan"] == 20000 and star["funds_arrived_wan"] == 5000
    assert [f["amount_wan"] for f in star["funds"]] == [5000]
    assert (
        by_name["全新电芯有限公司"]["segment_id"] == "cell"
        and by_name["全新电芯有限公司"]["stage"] == "negotiation"
    )
    again = upload(client, ledger(GOOD)).json()
    assert (again["inserted"], again["unchanged"]) == (0, 2)


def test_a_bad_row_rejects_the_ledger_and_creates_no_enterprise(client: TestClient) -> None:
    before = client.get("/enterprises").json()["total"]
    bad = [
        *GOOD,
        [
            "坏阶段有限公司",
            "nev-battery",
            "隔膜",
            "尖刀班二组",
            "王强",
            "谈恋爱",
            "2026-04-01",
            "2026-02-01",
            None,
            None,
            None,
            None,
        ],
    ]
    r = upload(client, ledger(bad))
    assert r.status_code == 422 and r.json()["code"] == "import_rejected"
    (error,) = r.json()["report"]["errors"]
    assert error["row"] == 5 and error["column"] == "当前阶段"
    assert client.get("/leads").json()["total"] == 0
    assert client.get("/enterprises").json()["total"] == before  # rows' new enterprises rolled back
    partial = upload(client, ledger(bad), skip_invalid=True).json()
    assert partial["inserted"] == 2 and partial["rejected"] == 1


def test_another_teams_enterprise_is_a_row_error(client: TestClient) -> None:
    upload(client, ledger(GOOD[:1]))
    clash = [
        [
            "常州星隔膜科技有限公司",
            "nev-battery",
            "隔膜",
            "专业招商三分局",
            "赵敏",
            "接触",
            "2026-05-01",
            "2026-05-01",
            None,
            None,
            None,
            None,
        ]
    ]
    r = upload(client, ledger(clash))
    assert r.status_code == 422
    (error,) = r.json()["report"]["errors"]
    assert error["column"] == "责任单位" and "尖刀班一组" in error["message_zh"]


def test_cli_import_leads(tmp_path: Path, monkeypatch: Any) -> None:
    from typer.testing import CliRunner

    from chainmap.cli import app
    from chainmap.settings import get_settings
    from tests.conftest import CHAINS_DIR

    monkeypatch.setenv("CHAINMAP_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("CHAINMAP_CHAINS_DIR", str(CHAINS_DIR))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        runner.invoke(app, ["db", "upgrade"])
        (tmp_path / "ledger.xlsx").write_bytes(ledger(GOOD))
        result = runner.invoke(app, ["import", "leads", str(tmp_path / "ledger.xlsx")])
        assert result.exit_code == 0, result.output
        assert "inserted 2" in result.output and (tmp_path / "ledger.xlsx.report.json").exists()
    finally:
        get_settings.cache_clear()
