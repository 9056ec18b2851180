"""Every spine endpoint through the real ASGI app, on SQLite and (when set) PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from chainmap.domain import Chain
from chainmap.settings import Settings
from tests.builders import LOCAL, add_enterprise

CHAIN = "nev-battery"


@pytest.fixture
def city(session: Session, library: dict[str, Chain], settings: Settings) -> dict[str, Any]:
    """A small city: cathode strong, anode weak, separator missing; outside candidates."""
    add = lambda **kw: add_enterprise(session, library, settings, **kw)  # noqa: E731
    for i in range(3):
        add(
            name=f"本地正极{i}",
            main_products=("磷酸铁锂",),
            listed=True,
            revenue_wan=200_000,
            **LOCAL,
        )
    add(name="本地负极", main_products=("人造石墨",), **LOCAL)
    cands = {
        "big": add(
            name="隔膜龙头股份有限公司",
            main_products=("湿法隔膜", "涂覆隔膜"),
            listed=True,
            tags=("leading",),
            revenue_wan=1_000_000,
            industry_code="C2921",
        ),
        "small": add(name="小隔膜有限公司", main_products=("干法隔膜",)),
        "anode": add(name="外地负极有限公司", main_products=("人造石墨", "硅碳负极")),
        "scope_only": add(
            name="范围隔膜有限公司", business_scope="一般项目：技术开发；锂电池隔膜研发"
        ),
        "noise": add(name="咨询公司", business_scope="技术开发、技术咨询、货物进出口"),
    }
    session.commit()
    return cands


def test_health(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["chains"] >= 1


def test_openapi_docs_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert "/chains/{chain_id}/targets" in paths


def test_list_chains_counts_gaps(client: TestClient, city: dict[str, Any]) -> None:
    chains = {c["id"]: c for c in client.get("/chains").json()}
    nev = chains[CHAIN]
    assert nev["name"] == "新能源汽车及动力电池"
    assert nev["gap_count"] == nev["segment_count"] - 1  # only cathode is strong
    assert nev["missing_count"] == nev["segment_count"] - 2


def test_chain_graph_has_statuses_and_local_counts(
    client: TestClient, city: dict[str, Any]
) -> None:
    body = client.get(f"/chains/{CHAIN}").json()
    nodes = {n["id"]: n for n in body["nodes"]}
    assert nodes["cathode"]["status"] == "strong" and nodes["cathode"]["local_count"] == 3
    assert nodes["anode"]["status"] == "weak" and nodes["anode"]["status_label"] == "弱"
    assert nodes["separator"]["status"] == "missing" and nodes["separator"]["local_count"] == 0
    assert {"source": "cathode", "target": "cell"} in body["links"]
    assert body["directed"] is True


def test_unknown_chain_is_404_naming_it(client: TestClient) -> None:
    for path in ("/chains/nope", "/chains/nope/gaps", "/chains/nope/targets"):
        r = client.get(path)
        assert r.status_code == 404
        body = r.json()
        assert (
            body["code"] == "chain_not_found"
            and "nope" in body["message_zh"]
            and "nope" in body["message_en"]
        )


def test_gaps_are_ranked_and_exclude_strong(client: TestClient, city: dict[str, Any]) -> None:
    gaps = client.get(f"/chains/{CHAIN}/gaps").json()
    ids = [g["segment_id"] for g in gaps]
    assert "cathode" not in ids and {"anode", "separator"} <= set(ids)
    assert [g["priority"] for g in gaps] == sorted((g["priority"] for g in gaps), reverse=True)
    cell = next(g for g in gaps if g["segment_id"] == "cell")
    assert cell["priority"] == pytest.approx(cell["severity"] * cell["importance"], abs=1e-3)


def test_targets_are_outside_enterprises_explained_and_ranked(
    client: TestClient, city: dict[str, Any]
) -> None:
    body = client.get(f"/chains/{CHAIN}/targets").json()
    names = [t["enterprise"]["name"] for t in body["items"]]
    assert not any(n.startswith("本地") for n in names)
    assert "咨询公司" not in names  # generic scope words assign nothing
    assert names.index("隔膜龙头股份有限公司") < names.index("小隔膜有限公司")
    top = body["items"][0]
    assert top["rank"] == 1
    assert [c["name"] for c in top["components"]] == [
        "segment_fit",
        "gap_priority",
        "strength",
        "region",
        "carrier_fit",
        "referral",
        "penalty",
    ]
    assert all(c["reason"] for c in top["components"])
    big = next(t for t in body["items"] if t["enterprise"]["name"] == "隔膜龙头股份有限公司")
    assert big["segment_id"] == "separator"
    assert "隔膜" in big["reason"] and "上市公司" in big["reason"] and "龙头" in big["reason"]
    assert [t["score"] for t in body["items"]] == sorted(
        (t["score"] for t in body["items"]), reverse=True
    )


def test_targets_segment_filter_and_pagination(client: TestClient, city: dict[str, Any]) -> None:
    full = client.get(f"/chains/{CHAIN}/targets", params={"segment": "separator"}).json()
    assert full["total"] == 3 and {t["segment_id"] for t in full["items"]} == {"separator"}
    page = client.get(
        f"/chains/{CHAIN}/targets", params={"segment": "separator", "limit": 1, "offset": 1}
    ).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    assert page["items"][0]["enterprise"]["id"] == full["items"][1]["enterprise"]["id"]
    assert page["items"][0]["rank"] == 2
    again = client.get(f"/chains/{CHAIN}/targets", params={"segment": "separator"}).json()
    assert again == full  # deterministic


def test_unknown_segment_filter_is_404(client: TestClient) -> None:
    r = client.get(f"/chains/{CHAIN}/targets", params={"segment": "warp-drive"})
    assert r.status_code == 404 and r.json()["code"] == "segment_not_found"
    assert "warp-drive" in r.json()["message_zh"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"limit": "abc"}, "limit"),
    ],
)
def test_bad_target_parameters_are_422_naming_the_field(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    r = client.get(f"/chains/{CHAIN}/targets", params=params)
    assert r.status_code == 422
    body = r.json()
    assert body["field"] == field and field in body["message_zh"] and field in body["message_en"]


def test_override_requires_reason_and_writes_nothing_without_one(
    client: TestClient, city: dict[str, Any]
) -> None:
    url = f"/chains/{CHAIN}/segments/separator/status"
    for body, field in (
        ({"status": "strong", "actor": "链长"}, "reason"),
        ({"status": "strong", "reason": "", "actor": "链长"}, "reason"),
        ({"status": "great", "reason": "x", "actor": "链长"}, "status"),
    ):
        r = client.put(url, json=body)
        assert r.status_code == 422 and r.json()["field"] == field
    node = next(n for n in client.get(f"/chains/{CHAIN}").json()["nodes"] if n["id"] == "separator")
    assert node["status"] == "missing" and node["override"] is None


def test_override_changes_status_and_gaps_then_withdraws(
    client: TestClient, city: dict[str, Any]
) -> None:
    url = f"/chains/{CHAIN}/segments/separator/status"
    r = client.put(url, json={"status": "strong", "reason": "重大项目已签约", "actor": "链长办"})
    assert r.status_code == 200
    assert r.json()["status"] == "strong" and r.json()["derived_status"] == "missing"
    assert r.json()["override"]["reason"] == "重大项目已签约"
    assert "separator" not in [g["segment_id"] for g in client.get(f"/chains/{CHAIN}/gaps").json()]
    assert (
        client.get(f"/chains/{CHAIN}/targets", params={"segment": "separator"}).json()["total"] == 0
    )
    r = client.delete(url, params={"reason": "项目未落地", "actor": "链长办"})
    assert r.status_code == 200 and r.json()["status"] == "missing" and r.json()["override"] is None


def test_override_unknown_segment_is_404(client: TestClient) -> None:
    r = client.put(
        f"/chains/{CHAIN}/segments/nowhere/status",
        json={"status": "weak", "reason": "x", "actor": "y"},
    )
    assert r.status_code == 404 and "nowhere" in r.json()["message_en"]


def test_malformed_json_is_422_not_500(client: TestClient) -> None:
    r = client.put(
        f"/chains/{CHAIN}/segments/cathode/status",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 422 and r.json()["code"] == "validation_error"


def test_unknown_route_is_bilingual_404(client: TestClient) -> None:
    r = client.get("/no-such-thing")
    assert r.status_code == 404 and r.json()["message_zh"]


def test_targets_flag_enterprises_not_verified_for_too_long(
    client: TestClient, session: Session, library: dict[str, Chain], settings: Settings
) -> None:
    old = datetime.now(UTC) - timedelta(days=settings.enterprise_stale_after_days + 1)
    add_enterprise(
        session,
        library,
        settings,
        name="老隔膜有限公司",
        main_products=("湿法隔膜",),
        last_verified_at=old,
    )
    add_enterprise(session, library, settings, name="新隔膜有限公司", main_products=("湿法隔膜",))
    session.commit()
    items = client.get(f"/chains/{CHAIN}/targets", params={"segment": "separator"}).json()["items"]
    by_name = {t["enterprise"]["name"]: t["enterprise"] for t in items}
    assert by_name["老隔膜有限公司"]["stale"] is True
    assert by_name["新隔膜有限公司"]["stale"] is False
    assert by_name["新隔膜有限公司"]["last_verified_at"] is not None


@pytest.mark.parametrize(
    "path",
    [
        "/leads",
        "/enterprises",
        "/audit",
        "/chains/nev-battery/targets",
        "/carriers/factories",
        "/carriers/land",
    ],
)
def test_an_offset_past_any_table_is_422_naming_it(client: TestClient, path: str) -> None:
    """Found by the fuzz test: GET /leads?offset=2**63 reached SQLite and failed with 500
    (OverflowError). Every paged list now bounds its offset like an id."""
    for too_far in (2**31, 2**63):
        r = client.get(path, params={"offset": too_far})
        assert r.status_code == 422, (path, r.text)
        body = r.json()
        assert body["field"] == "offset" and "offset" in body["message_zh"]
    assert client.get(path, params={"offset": 2**31 - 1}).status_code == 200
