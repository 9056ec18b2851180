"""The bimonthly meeting pack through the real app and the CLI, on stored leads."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy.orm import Session


def _lead(
    client: TestClient, name: str, products: list[str], team: str, person: str, contracted: float
) -> int:
    e = client.post(
        "/enterprises",
        json={"name": name, "province": "江苏省", "city": "常州市", "main_products": products},
    ).json()
    r = client.post(
        "/leads",
        json={
            "enterprise_id": e["id"],
            "chain_id": "nev-battery",
            "owner_team": team,
            "owner_team_kind": "spearhead_team",
            "owner_person": person,
            "actor": person,
            "created_on": "2026-01-05",
            "contracted_investment_wan": contracted,
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _move(client: TestClient, lid: int, *steps: tuple[str, str]) -> None:
    for to, on in steps:
        r = client.post(
            f"/leads/{lid}/transitions", json={"to_stage": to, "changed_on": on, "actor": "x"}
        )
        assert r.status_code == 201, r.text


@pytest.fixture
def pipeline(client: TestClient) -> dict[str, int]:
    a = _lead(client, "甲隔膜有限公司", ["湿法隔膜"], "尖刀班一组", "张伟", 20000)
    b = _lead(client, "乙负极有限公司", ["人造石墨"], "尖刀班二组", "李娜", 8000)
    _move(
        client,
        a,
        ("contact", "2026-02-01"),
        ("negotiation", "2026-03-01"),
        ("signed", "2026-09-10"),
        ("land_supplied", "2026-09-20"),
        ("construction_started", "2026-10-31"),
    )
    _move(
        client,
        b,
        ("contact", "2026-02-01"),
        ("negotiation", "2026-02-10"),
        ("signed", "2026-02-15"),
    )
    return {"a": a, "b": b}


def test_pack_json_counts_traces_and_flags(client: TestClient, pipeline: dict[str, int]) -> None:
    r = client.get("/meetings/bimonthly", params={"period": "2026-09", "today": "2026-11-23"})
    assert r.status_code == 200, r.text
    pack = r.json()
    assert pack["period"]["start"] == "2026-09-01" and pack["period"]["end"] == "2026-10-31"
    (chain,) = pack["progress_by_chain"]
    assert chain["key"] == "nev-battery" and chain["label"] == "新能源汽车及动力电池"
    assert chain["start_rate"]["numerator"] == 1 and chain["start_rate"]["denominator"] == 2
    assert sorted(chain["lead_ids"]) == sorted(pipeline.values())
    teams = {row["key"]: row for row in pack["scoreboard"]["teams"]}
    assert (
        teams["尖刀班一组"]["rank"] == 1
    )  # signed 2亿 in the period; 尖刀班二组 signed in February
    (flag,) = pack["flags"]
    assert flag["lead_id"] == pipeline["b"] and flag["kind"] == "signed_not_started"
    assert flag["owner_person"] == "李娜" and "乙负极有限公司" in flag["message_zh"]
    detailed = client.get(
        "/meetings/bimonthly", params={"period": "2026-09", "detail": True}
    ).json()
    assert {lead["lead_id"] for lead in detailed["leads"]} == set(pipeline.values())


def test_pack_xlsx_and_printable_html(client: TestClient, pipeline: dict[str, int]) -> None:
    x = client.get("/meetings/bimonthly.xlsx", params={"period": "2026-09"})
    assert x.status_code == 200 and x.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    wb = load_workbook(io.BytesIO(x.content))
    assert {"进度表", "成绩单", "红黄牌"} <= set(wb.sheetnames)
    flags_text = " ".join(
        str(c) for row in wb["红黄牌"].iter_rows(values_only=True) for c in row if c
    )
    assert "李娜" in flags_text and "乙负极有限公司" in flags_text
    h = client.get("/meetings/bimonthly.html", params={"period": "2026-09"})
    assert h.status_code == 200 and h.headers["content-type"].startswith("text/html")
    assert (
        "A4 landscape" in h.text
        and "进度表" in h.text
        and "成绩单" in h.text
        and "红黄牌" in h.text
    )
    assert "李娜" in h.text


def test_xlsx_details_carry_the_periods_stage_changes_and_are_left_out_over_the_limit(
    client: TestClient, pipeline: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """线索明细 lists what moved each lead in the period (read only when the sheet is
    written); over DETAILS_MAX_LEADS leads the sheet and that read are left out."""
    import chainmap.meetings as meetings

    asked: list[bool] = []
    real = meetings.load_pack_inputs

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs["with_moves"])
        return real(*args, **kwargs)

    monkeypatch.setattr(meetings, "load_pack_inputs", spy)
    x = client.get("/meetings/bimonthly.xlsx", params={"period": "2026-09"})
    ws = load_workbook(io.BytesIO(x.content))["线索明细"]
    rows = list(ws.iter_rows(values_only=True))
    moved = rows[0].index("本期阶段变更")
    by_lead = {row[0]: row[moved] for row in rows[1:]}
    assert by_lead[pipeline["a"]] == (
        "2026-09-10 洽谈→签约（x）；2026-09-20 签约→供地（x）；2026-10-31 供地→开工（x）"
    )
    assert asked == [True]

    monkeypatch.setattr(meetings, "DETAILS_MAX_LEADS", len(pipeline) - 1)
    small = load_workbook(
        io.BytesIO(client.get("/meetings/bimonthly.xlsx", params={"period": "2026-09"}).content)
    )
    assert "线索明细" not in small.sheetnames
    notes = {row[0]: row[1] for row in small["说明"].iter_rows(values_only=True)}
    assert "detail=true" in notes["线索明细"]
    assert asked == [True, False]
    # The JSON reads the changes only for its detail view, and the HTML never.
    client.get("/meetings/bimonthly", params={"period": "2026-09"})
    client.get("/meetings/bimonthly", params={"period": "2026-09", "detail": True})
    client.get("/meetings/bimonthly.html", params={"period": "2026-09"})
    assert asked == [True, False, False, True, False]


@pytest.mark.parametrize(
    "path", ["/meetings/bimonthly", "/meetings/bimonthly.xlsx", "/meetings/bimonthly.html"]
)
def test_bad_period_is_422_naming_it(client: TestClient, path: str) -> None:
    for bad in ("2026-13", "2026/09", "last"):
        r = client.get(path, params={"period": bad})
        assert r.status_code == 422 and r.json()["field"] == "period", (path, bad)
    assert client.get(path).status_code == 422  # period is required


def test_cli_report_bimonthly(tmp_path: Path, monkeypatch: Any) -> None:
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
        assert runner.invoke(app, ["demo", "load"]).exit_code == 0
        out = tmp_path / "pack.xlsx"
        r = runner.invoke(app, ["report", "bimonthly", "--period", "2026-09", "--out", str(out)])
        assert r.exit_code == 0, r.output
        assert {"进度表", "成绩单", "红黄牌"} <= set(load_workbook(out).sheetnames)
        page = tmp_path / "pack.html"
        r = runner.invoke(app, ["report", "bimonthly", "--period", "2026-09", "--out", str(page)])
        assert r.exit_code == 0 and "红黄牌" in page.read_text(encoding="utf-8")
        data = tmp_path / "pack.json"
        r = runner.invoke(app, ["report", "bimonthly", "--period", "2026-09", "--out", str(data)])
        body = json.loads(data.read_text(encoding="utf-8"))
        assert r.exit_code == 0 and body["period"]["start"] == "2026-09-01"
        assert body["overall"]["lead_ids"]
        bad = runner.invoke(app, ["report", "bimonthly", "--period", "2026-9", "--out", str(out)])
        assert bad.exit_code == 1 and "YYYY-MM" in bad.output
    finally:
        get_settings.cache_clear()


def test_pipeline_loads_whole_histories_and_texts_only_where_asked(
    client: TestClient, pipeline: dict[str, int], session: Session
) -> None:
    from chainmap.pipeline import parse_period
    from chainmap.store.leads_repo import load_pipeline

    leads, changes, _ = load_pipeline(session)
    assert {lead.id for lead in leads} == set(pipeline.values())
    a = {lead.id: lead for lead in leads}[pipeline["a"]]
    assert a.owner_person == "张伟" and a.stage.value == "construction_started"
    assert a.contracted_investment_wan == 20000 and a.enterprise_name == "甲隔膜有限公司"
    assert len(changes) == 1 + 5 + 1 + 3  # creation entries and every transition
    assert all(c.actor for c in changes)

    _, windowed, _ = load_pipeline(session, texts_within=parse_period("2026-09"))
    assert [(c.lead_id, c.to_stage, c.changed_on) for c in windowed] == [
        (c.lead_id, c.to_stage, c.changed_on) for c in changes
    ]
    inside = [c for c in windowed if c.changed_on.month in (9, 10)]
    assert inside and all(c.actor == "x" for c in inside)
    assert all(c.actor == "" and c.note is None for c in windowed if c not in inside)


@pytest.mark.parametrize(
    ("period", "today"), [("2026-09", "2026-11-05"), ("2025-05", "2025-06-10")]
)
def test_history_digested_in_sql_equals_the_python_reading(
    session: Session, library: dict[str, Any], period: str, today: str
) -> None:
    """The SQL digest of every lead's history, and the pack built from it, equal what the
    in-memory timelines give (synthetic walks with fall-backs, skips, drops, reopenings)."""
    from datetime import date

    from bench.bench_meeting_pack import _store, synthetic_pipeline
    from chainmap.meetings import bimonthly_pack
    from chainmap.pipeline import parse_period
    from chainmap.pipeline.digest import digest_history
    from chainmap.pipeline.metrics import build_timelines
    from chainmap.report.pack import build_pack, pack_days, pack_to_dict
    from chainmap.settings import Settings
    from chainmap.store.leads_repo import load_history_digests, load_pipeline

    leads, changes, arrivals = synthetic_pipeline(400, 11, seed=7)
    _store(session, leads, changes, arrivals)
    p, day = parse_period(period), date.fromisoformat(today)
    days = pack_days(period=p, today=day)
    got = load_history_digests(session.connection(), days)
    stored = build_timelines(*load_pipeline(session))
    assert len(got) == len(stored) == 400
    assert all(got[t.lead.id] == digest_history(t, days) for t in stored)

    names = {c.id: c.name for c in library.values()}
    loaded, history, money = load_pipeline(session)
    want = build_pack(
        leads=loaded, changes=history, arrivals=money, period=p, today=day, chain_names=names
    )
    pack = bimonthly_pack(session, library, Settings(), period=period, today=day)
    assert pack_to_dict(pack, detail=True) == pack_to_dict(want, detail=True)
