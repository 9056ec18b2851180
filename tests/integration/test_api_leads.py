"""Leads through the real ASGI app: one owner per enterprise, history rules, funds, metrics,
flags, and the append-only history enforced by the database itself."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

CHAIN = "nev-battery"


def enterprise(client: TestClient, name: str, products: list[str]) -> int:
    r = client.post(
        "/enterprises",
        json={"name": name, "province": "江苏省", "city": "常州市", "main_products": products},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def lead(client: TestClient, eid: int, **overrides: Any) -> Any:
    body = {
        "enterprise_id": eid,
        "chain_id": CHAIN,
        "owner_team": "尖刀班一组",
        "owner_team_kind": "spearhead_team",
        "owner_person": "张伟",
        "actor": "张伟",
        "created_on": "2026-01-05",
        **overrides,
    }
    return client.post("/leads", json=body)


def move(client: TestClient, lead_id: int, to: str, on: str, note: str | None = None) -> Any:
    return client.post(
        f"/leads/{lead_id}/transitions",
        json={"to_stage": to, "changed_on": on, "actor": "张伟", "note": note},
    )


@pytest.fixture
def sep(client: TestClient) -> int:
    return enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜"])


def test_create_from_a_target_row_takes_its_segment(client: TestClient, sep: int) -> None:
    r = lead(client, sep)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (
        body["segment_id"] == "separator"
        and body["stage"] == "clue"
        and body["stage_label"] == "线索"
    )
    assert [h["to_stage"] for h in body["history"]] == ["clue"] and body["history"][0][
        "from_stage"
    ] is None
    target = client.get(f"/chains/{CHAIN}/targets", params={"segment": "separator"}).json()[
        "items"
    ][0]
    assert target["in_pipeline"] == {
        "lead_id": body["id"],
        "owner_team": "尖刀班一组",
        "owner_person": "张伟",
        "stage": "clue",
        "stage_label": "线索",
    }


def test_one_enterprise_one_owner_unless_collaborating(client: TestClient, sep: int) -> None:
    first = lead(client, sep).json()
    r = lead(
        client,
        sep,
        owner_team="专业招商一分局",
        owner_team_kind="investment_branch",
        owner_person="李娜",
    )
    assert r.status_code == 409 and r.json()["code"] == "lead_owned_elsewhere"
    assert "尖刀班一组" in r.json()["message_zh"] and "张伟" in r.json()["message_zh"]
    joined = lead(
        client,
        sep,
        owner_team="专业招商一分局",
        owner_team_kind="investment_branch",
        owner_person="李娜",
        collaborate=True,
    )
    assert joined.status_code == 200 and joined.json()["id"] == first["id"]
    assert joined.json()["collaborators"] == ["专业招商一分局"]
    assert client.get("/leads", params={"enterprise_id": sep}).json()["total"] == 1


def test_history_rules_and_nothing_written_on_rejection(client: TestClient, sep: int) -> None:
    lid = lead(client, sep).json()["id"]
    assert move(client, lid, "contact", "2026-02-01").status_code == 201
    for to, on, note, field in (
        ("negotiation", "2026-01-20", None, "changed_on"),  # before the previous change
        ("signed", "2026-03-01", None, "note"),  # skips 洽谈 without a note
        ("dropped", "2026-03-01", None, "note"),  # dropping needs the reason
        ("warp", "2026-03-01", None, "to_stage"),
    ):
        r = move(client, lid, to, on, note)
        assert r.status_code == 422 and r.json()["field"] == field, (to, r.json())
        assert r.json()["message_zh"] and r.json()["message_en"]
    assert [h["to_stage"] for h in client.get(f"/leads/{lid}").json()["history"]] == [
        "clue",
        "contact",
    ]
    assert move(client, lid, "signed", "2026-03-01", "洽谈与签约同日完成").status_code == 201
    assert (
        move(client, lid, "negotiation", "2026-03-02", "合同条款重新谈").status_code == 201
    )  # back, with note
    detail = client.get(f"/leads/{lid}").json()
    assert detail["stage"] == "negotiation"
    assert [h["to_stage"] for h in detail["history"]] == [
        "clue",
        "contact",
        "signed",
        "negotiation",
    ]


def test_dropped_lead_frees_the_enterprise(client: TestClient, sep: int) -> None:
    lid = lead(client, sep).json()["id"]
    r = move(client, lid, "dropped", "2026-02-01", "企业已在外地落地")
    assert r.status_code == 201 and r.json()["dropped_reason"] == "企业已在外地落地"
    again = lead(
        client,
        sep,
        owner_team="专业招商二分局",
        owner_team_kind="investment_branch",
        owner_person="王强",
    )
    assert again.status_code == 201
    reopened = move(client, lid, "contact", "2026-03-01", "重新接触")
    assert reopened.status_code == 409  # the enterprise has an active owner again


def test_funds_and_amounts(client: TestClient, sep: int) -> None:
    lid = lead(client, sep, contracted_investment_wan=10000).json()["id"]
    for body, field in (
        ({"amount_wan": -5, "arrived_on": "2026-03-01", "actor": "x"}, "amount_wan"),
        ({"amount_wan": 12000, "arrived_on": "2026-03-01", "actor": "x"}, "funds_arrived_wan"),
    ):
        r = client.post(f"/leads/{lid}/funds", json=body)
        assert r.status_code == 422 and r.json()["field"] == field
    assert client.get(f"/leads/{lid}").json()["funds"] == []
    ok = client.post(
        f"/leads/{lid}/funds",
        json={
            "amount_wan": 12000,
            "arrived_on": "2026-03-01",
            "actor": "x",
            "note": "追加投资，补充协议待签",
        },
    )
    assert ok.status_code == 201 and ok.json()["funds_arrived_wan"] == 12000
    assert client.patch(f"/leads/{lid}", json={"planned_investment_wan": -1}).status_code == 422
    assert (
        lead(
            client, enterprise(client, "常州负极有限公司", ["人造石墨"]), planned_investment_wan=-3
        ).status_code
        == 422
    )


def test_history_is_append_only_in_the_database(
    client: TestClient, sep: int, session: Session
) -> None:
    lid = lead(client, sep).json()["id"]
    for sql in (
        "UPDATE stage_changes SET note = 'edited' WHERE lead_id = :i",
        "DELETE FROM stage_changes WHERE lead_id = :i",
    ):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(sql), {"i": lid})
    assert client.delete(f"/enterprises/{sep}").status_code == 409


def test_metrics_for_a_period_and_bad_periods(client: TestClient) -> None:
    a = lead(
        client, enterprise(client, "甲隔膜有限公司", ["湿法隔膜"]), contracted_investment_wan=20000
    ).json()["id"]
    b = lead(
        client, enterprise(client, "乙负极有限公司", ["人造石墨"]), contracted_investment_wan=8000
    ).json()["id"]
    for lid in (a, b):
        move(client, lid, "contact", "2026-08-01")
        move(client, lid, "negotiation", "2026-08-15")
    move(client, a, "signed", "2026-09-10")
    move(client, a, "land_supplied", "2026-09-20")
    move(client, a, "construction_started", "2026-10-31")  # the period's last day counts
    move(client, b, "signed", "2026-09-15")
    move(client, b, "land_supplied", "2026-11-01")  # the next period's first day does not
    (row,) = client.get("/leads/metrics", params={"period": "2026-09"}).json()
    # hand count: both signed in Sep–Oct (20000 + 8000 万元); a started on 10-31; b not
    assert (
        row["reached_counts"]["signed"] == 2 and row["reached_counts"]["construction_started"] == 1
    )
    assert row["signed_contracted_wan"] == 28000
    assert row["start_rate"] == {"numerator": 1, "denominator": 2, "value": 0.5}
    assert row["stage_counts"]["signed"] == 1 and row["stage_counts"]["construction_started"] == 1
    by_team = client.get("/leads/metrics", params={"period": "2026-09", "group_by": "team"}).json()
    assert [r["key"] for r in by_team] == ["尖刀班一组"]
    for bad in ("2026-13", "2026-9", "202609", "2026/09"):
        r = client.get("/leads/metrics", params={"period": bad})
        assert r.status_code == 422 and r.json()["field"] == "period", bad
    assert (
        "合同履约率"
        in client.get("/openapi.json").json()["paths"]["/leads/metrics"]["get"]["description"]
    )


def test_flags_name_owner_and_days(client: TestClient, sep: int) -> None:
    lid = lead(client, sep).json()["id"]
    move(client, lid, "contact", "2026-01-10")
    move(client, lid, "negotiation", "2026-01-20")
    move(client, lid, "signed", "2026-02-01")
    assert (
        client.get("/leads/flags", params={"today": "2026-07-31"}).json() == []
    )  # 180 days: not yet
    (yellow,) = client.get("/leads/flags", params={"today": "2026-08-01"}).json()
    assert (yellow["kind"], yellow["level"], yellow["days"]) == (
        "signed_not_started",
        "yellow",
        181,
    )
    assert yellow["owner_team"] == "尖刀班一组" and yellow["owner_person"] == "张伟"
    assert "张伟" in yellow["message_zh"] and "常州隔膜科技有限公司" in yellow["message_zh"]
    (red,) = client.get(
        "/leads/flags", params={"today": "2026-10-30"}
    ).json()  # 271 days > 1.5 x 180
    assert red["level"] == "red" and red["days"] == 271


def test_unknown_lead_and_bad_bodies(client: TestClient, sep: int) -> None:
    assert client.get("/leads/999999").status_code == 404
    assert move(client, 999999, "contact", "2026-02-01").status_code == 404
    assert lead(client, sep, owner_team_kind="mafia").json()["field"] == "owner_team_kind"
    assert lead(client, sep, segment_id="nowhere").status_code == 404
    assert lead(client, 999999).json()["field"] == "enterprise_id"
