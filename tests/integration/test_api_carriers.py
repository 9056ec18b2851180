"""Carriers through the real ASGI app: query filters, sorting and pagination, freshness, bad
input refused with field-level bilingual errors and nothing written, reservations (taken,
release, expiry, history, append-only events), summary, GeoJSON and reverse matching."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from chainmap.store.models import FactoryRow, LandParcelRow, ReservationEventRow

TODAY = date.today()


def park(client: TestClient, name: str = "高新区", **more: Any) -> dict[str, Any]:
    body = {"name": name, "district": "高新区", "lon": 115.9, "lat": 28.7, **more}
    r = client.post("/carriers/parks", json=body)
    assert r.status_code == 201, r.text
    return dict(r.json())


def factory(client: TestClient, **overrides: Any) -> Any:
    body = {
        "park": "高新区",
        "building": "3号楼",
        "area_m2": 5000,
        "clear_height_m": 9,
        "floor_load_kn_m2": 30,
        "power_kva": 800,
        "industry_direction": "新能源汽车零部件",
        **overrides,
    }
    return client.post("/carriers/factories", json=body)


def parcel(client: TestClient, **overrides: Any) -> Any:
    body = {
        "park": "高新区",
        "code": "GX-2026-01",
        "area_mu": 80,
        "site_ready": True,
        "industry_direction": "锂电池",
        **overrides,
    }
    return client.post("/carriers/land", json=body)


def enterprise(client: TestClient, name: str, products: list[str]) -> int:
    r = client.post(
        "/enterprises",
        json={"name": name, "province": "江苏省", "city": "常州市", "main_products": products},
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def reserve(client: TestClient, fid: int, holder: int, **more: Any) -> Any:
    body = {
        "enterprise_id": holder,
        "until": (TODAY + timedelta(days=30)).isoformat(),
        "actor": "王芳",
        **more,
    }
    return client.post(f"/carriers/factories/{fid}/reservations", json=body)


@pytest.fixture
def gx(client: TestClient) -> dict[str, Any]:
    return park(client)


def test_factories_are_filtered_sorted_and_paginated(client: TestClient, gx: Any) -> None:
    park(client, "经开区", district="经开区")
    for i, (area, height, load) in enumerate(
        [(2000, 6, 10), (5000, 9, 30), (12000, 12, 50), (30000, None, None)]
    ):
        r = factory(
            client,
            building=f"{i + 1}号楼",
            area_m2=area,
            clear_height_m=height,
            floor_load_kn_m2=load,
        )
        assert r.status_code == 201, r.text
    assert factory(client, park="经开区", building="A1", area_m2=8000).status_code == 201

    r = client.get("/carriers/factories", params={"min_area": 4000, "max_area": 20000})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 3
    assert [f["area_m2"] for f in body["items"]] == [5000, 12000, 8000]

    r = client.get(
        "/carriers/factories",
        params={"park": "高新区", "min_height": 9, "min_load": 30, "sort": "-area_m2"},
    )
    assert [f["building"] for f in r.json()["items"]] == ["3号楼", "2号楼"]
    r = client.get("/carriers/factories", params={"district": "经开区"})
    assert [f["label"] for f in r.json()["items"]] == ["经开区 A1"]
    # unknown heights sort last, whichever direction
    r = client.get("/carriers/factories", params={"sort": "-clear_height_m"})
    assert r.json()["items"][-1]["building"] == "4号楼"

    page = client.get("/carriers/factories", params={"limit": 2, "offset": 2}).json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["offset"] == 2
    assert page["items"][0]["building"] == "3号楼"
    past = client.get("/carriers/factories", params={"offset": 100}).json()
    assert (past["total"], past["items"]) == (5, [])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
        ({"sort": "colour"}, "sort"),
        ({"min_area": 9000, "max_area": 100}, "max_area"),
        ({"min_area": -5}, "min_area"),
        ({"status": "gone"}, "status"),
        ({"park": "不存在园区"}, "park"),
    ],
)
def test_bad_query_parameters_name_the_field(
    client: TestClient, gx: Any, params: dict[str, Any], field: str
) -> None:
    r = client.get("/carriers/factories", params=params)
    assert r.status_code in (404, 422), r.text
    body = r.json()
    assert body["field"] == field
    assert body["message_zh"] and body["message_en"]


@pytest.mark.parametrize(
    ("overrides", "field", "status"),
    [
        ({"area_m2": -100}, "area_m2", 422),
        ({"area_m2": 5}, "area_m2", 422),
        ({"area_m2": 50_000_000}, "area_m2", 422),
        ({"clear_height_m": 300}, "clear_height_m", 422),
        ({"floor_load_kn_m2": -1}, "floor_load_kn_m2", 422),
        ({"park": "火星园区"}, "park", 404),
        ({"last_verified_on": (TODAY + timedelta(days=3)).isoformat()}, "last_verified_on", 422),
        ({"status": "reserved"}, "status", 422),
    ],
)
def test_bad_factories_are_refused_and_nothing_is_written(
    client: TestClient,
    session: Session,
    gx: Any,
    overrides: dict[str, Any],
    field: str,
    status: int,
) -> None:
    r = factory(client, **overrides)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["field"] == field
    assert body["message_zh"] and body["message_en"]
    assert session.scalar(select(func.count()).select_from(FactoryRow)) == 0


def test_bad_parcels_are_refused(client: TestClient, session: Session, gx: Any) -> None:
    r = parcel(client, area_mu=500_000)
    assert r.status_code == 422 and r.json()["field"] == "area_mu"
    assert "亩" in r.json()["message_zh"]
    r = parcel(client, area_mu=0)
    assert r.status_code == 422 and r.json()["field"] == "area_mu"
    assert parcel(client).status_code == 201
    r = parcel(client)
    assert r.status_code == 422 and r.json()["field"] == "code"
    assert session.scalar(select(func.count()).select_from(LandParcelRow)) == 1


def test_stale_listings_say_so_and_cannot_be_reserved(client: TestClient, gx: Any) -> None:
    old = (TODAY - timedelta(days=120)).isoformat()
    fid = factory(client, last_verified_on=old).json()["id"]
    fresh = factory(client, building="5号楼").json()["id"]
    got = client.get(f"/carriers/factories/{fid}").json()
    assert got["stale"] is True
    assert got["stale_note"].startswith("信息过期，需核实") and old in got["stale_note"]
    assert client.get(f"/carriers/factories/{fresh}").json()["stale"] is False
    listed = client.get("/carriers/factories", params={"stale": True}).json()
    assert [f["id"] for f in listed["items"]] == [fid]
    listed = client.get("/carriers/factories", params={"stale": False}).json()
    assert [f["id"] for f in listed["items"]] == [fresh]

    holder = enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜"])
    r = reserve(client, fid, holder)
    assert r.status_code == 409 and r.json()["code"] == "carrier_unverified"
    assert "核实" in r.json()["message_zh"] and r.json()["field"] == "last_verified_on"

    r = client.post(f"/carriers/factories/{fid}/verify", json={"source": "现场核实"})
    assert r.status_code == 200 and r.json()["stale"] is False
    assert r.json()["source"] == "现场核实"
    assert reserve(client, fid, holder).status_code == 201


def test_a_carrier_is_never_held_twice(client: TestClient, gx: Any) -> None:
    fid = factory(client).json()["id"]
    a = enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜"])
    b = enterprise(client, "苏州电解液材料有限公司", ["电解液"])
    r = reserve(client, fid, a, note="意向入驻")
    assert r.status_code == 201, r.text
    assert r.json()["holder"] == "常州隔膜科技有限公司" and r.json()["state"] == "active"

    r = reserve(client, fid, b)
    assert r.status_code == 409
    body = r.json()
    assert body["code"] == "carrier_taken"
    assert "常州隔膜科技有限公司" in body["message_zh"]
    assert "常州隔膜科技有限公司" in body["message_en"]

    got = client.get(f"/carriers/factories/{fid}").json()
    assert got["status"] == "reserved" and got["status_label"] == "已预订"
    vacant = client.get("/carriers/factories", params={"status": "vacant"}).json()
    assert vacant["total"] == 0

    r = client.post(
        f"/carriers/factories/{fid}/release", json={"actor": "王芳", "reason": "企业放弃"}
    )
    assert r.status_code == 200 and r.json()["state"] == "released"
    assert client.get(f"/carriers/factories/{fid}").json()["status"] == "vacant"
    r = client.post(f"/carriers/factories/{fid}/release", json={"actor": "王芳"})
    assert r.status_code == 404 and r.json()["code"] == "reservation_not_found"

    assert reserve(client, fid, b).status_code == 201
    r = client.delete(f"/carriers/factories/{fid}/reservations", params={"actor": "李强"})
    assert r.status_code == 200 and r.json()["ended_by"] == "李强"

    history = client.get(f"/carriers/factories/{fid}/reservations").json()
    assert [(h["holder"], h["state"]) for h in history] == [
        ("苏州电解液材料有限公司", "released"),
        ("常州隔膜科技有限公司", "released"),
    ]
    assert [e["event"] for e in history[1]["events"]] == ["reserved", "released"]


def test_a_reservation_past_its_date_no_longer_holds(
    client: TestClient, session: Session, gx: Any
) -> None:
    fid = factory(client).json()["id"]
    a = enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜"])
    b = enterprise(client, "苏州电解液材料有限公司", ["电解液"])
    assert reserve(client, fid, a).status_code == 201
    # Time passes: the hold ended yesterday.
    yesterday = TODAY - timedelta(days=1)
    session.execute(
        text("UPDATE carrier_reservations SET until = :d WHERE carrier_id = :id"),
        {"d": yesterday, "id": fid},
    )
    session.execute(
        text("UPDATE factories SET reserved_until = :d WHERE id = :id"), {"d": yesterday, "id": fid}
    )
    session.flush()
    assert client.get(f"/carriers/factories/{fid}").json()["status"] == "vacant"
    assert client.get("/carriers/factories", params={"status": "vacant"}).json()["total"] == 1
    assert client.get("/carriers/factories", params={"status": "reserved"}).json()["total"] == 0
    history = client.get(f"/carriers/factories/{fid}/reservations").json()
    assert history[0]["state"] == "expired"

    r = reserve(client, fid, b)
    assert r.status_code == 201, r.text
    history = client.get(f"/carriers/factories/{fid}/reservations").json()
    assert [(h["holder"], h["state"]) for h in history] == [
        ("苏州电解液材料有限公司", "active"),
        ("常州隔膜科技有限公司", "expired"),
    ]


@pytest.mark.parametrize(
    ("body", "field", "status"),
    [
        ({"until": (TODAY - timedelta(days=1)).isoformat()}, "until", 422),
        ({"starts_on": (TODAY - timedelta(days=2)).isoformat()}, "starts_on", 422),
        (
            {
                "starts_on": (TODAY + timedelta(days=10)).isoformat(),
                "until": (TODAY + timedelta(days=5)).isoformat(),
            },
            "until",
            422,
        ),
        ({"enterprise_id": None}, "lead_id", 422),
        ({"enterprise_id": 999_999}, "enterprise_id", 404),
        ({"lead_id": 999_999, "enterprise_id": None}, "lead_id", 404),
    ],
)
def test_bad_reservations_are_refused_and_nothing_is_written(
    client: TestClient,
    session: Session,
    gx: Any,
    body: dict[str, Any],
    field: str,
    status: int,
) -> None:
    fid = factory(client).json()["id"]
    holder = enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜"])
    r = reserve(client, fid, holder, **body)
    assert r.status_code == status, r.text
    assert r.json()["field"] == field
    assert r.json()["message_zh"] and r.json()["message_en"]
    assert client.get(f"/carriers/factories/{fid}").json()["status"] == "vacant"
    assert client.get(f"/carriers/factories/{fid}/reservations").json() == []


def test_occupied_and_missing_carriers_cannot_be_reserved(client: TestClient, gx: Any) -> None:
    fid = factory(client, status="occupied").json()["id"]
    holder = enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜"])
    r = reserve(client, fid, holder)
    assert r.status_code == 409 and r.json()["code"] == "carrier_taken"
    assert "已占用" in r.json()["message_zh"]
    r = reserve(client, 424242, holder)
    assert r.status_code == 404 and r.json()["code"] == "carrier_not_found"
    r = client.get("/carriers/bogus/1")
    assert r.status_code == 422 and r.json()["field"] == "kind"


def test_land_can_be_reserved_for_a_lead(client: TestClient, gx: Any) -> None:
    pid = parcel(client).json()["id"]
    eid = enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜"])
    r = client.post(
        "/leads",
        json={
            "enterprise_id": eid,
            "chain_id": "nev-battery",
            "owner_team": "尖刀班一组",
            "owner_team_kind": "spearhead_team",
            "owner_person": "张伟",
            "actor": "张伟",
        },
    )
    assert r.status_code == 201, r.text
    lead_id = r.json()["id"]
    r = client.post(
        f"/carriers/land/{pid}/reservations",
        json={
            "lead_id": lead_id,
            "until": (TODAY + timedelta(days=60)).isoformat(),
            "actor": "张伟",
        },
    )
    assert r.status_code == 201, r.text
    assert f"线索 {lead_id}" in r.json()["holder"] and "尖刀班一组" in r.json()["holder"]
    assert client.get(f"/carriers/land/{pid}").json()["status"] == "reserved"


def test_reservation_events_are_append_only(client: TestClient, session: Session, gx: Any) -> None:
    fid = factory(client).json()["id"]
    holder = enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜"])
    assert reserve(client, fid, holder).status_code == 201
    assert session.scalar(select(func.count()).select_from(ReservationEventRow)) == 1
    for statement in (
        "UPDATE reservation_events SET actor = 'x'",
        "DELETE FROM reservation_events",
    ):
        with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
            session.execute(text(statement))


def test_summary_counts_available_space_and_keeps_stale_apart(client: TestClient, gx: Any) -> None:
    old = (TODAY - timedelta(days=400)).isoformat()
    factory(client, building="1号楼", area_m2=4000)
    factory(client, building="2号楼", area_m2=6000)
    factory(client, building="3号楼", area_m2=9000, last_verified_on=old)
    factory(client, building="4号楼", area_m2=7000, status="occupied")
    parcel(client, code="L1", area_mu=50)
    parcel(client, code="L2", area_mu=20, site_ready=False)
    rows = client.get("/carriers/summary").json()
    row = next(r for r in rows if r["industry_direction"] == "新能源汽车零部件")
    assert (row["vacant_factory_m2"], row["vacant_factories"], row["stale_factory_m2"]) == (
        10000,
        2,
        9000,
    )
    land = next(r for r in rows if r["industry_direction"] == "锂电池")
    assert (land["site_ready_land_mu"], land["other_vacant_land_mu"]) == (50, 20)


def test_geojson_for_maps(client: TestClient, gx: Any) -> None:
    factory(client, building="1号楼", lon=115.91, lat=28.71)
    factory(client, building="2号楼")  # no point: placed at the park
    for url, params in (
        ("/carriers/factories", {"format": "geojson"}),
        ("/carriers/factories.geojson", {}),
    ):
        r = client.get(url, params=params)
        assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
        fc = r.json()
        assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 2
        first, second = fc["features"]
        assert first["geometry"] == {"type": "Point", "coordinates": [115.91, 28.71]}
        assert first["properties"]["located_by"] == "carrier"
        assert second["geometry"]["coordinates"] == [115.9, 28.7]
        assert second["properties"]["located_by"] == "park"
        assert first["properties"]["stale"] is False
    outline = {
        "type": "Polygon",
        "coordinates": [[[116, 28], [116.1, 28], [116.1, 28.1], [116, 28]]],
    }
    park(client, "临港园", outline=outline)
    fc = client.get("/carriers/parks.geojson").json()
    geoms = {f["properties"]["name"]: f["geometry"] for f in fc["features"]}
    assert geoms["临港园"] == outline and geoms["高新区"]["type"] == "Point"
    r = client.post("/carriers/parks", json={"name": "错", "outline": {"type": "Point"}})
    assert r.status_code == 422 and r.json()["field"] == "outline"


def test_candidates_for_an_empty_factory(client: TestClient, gx: Any) -> None:
    fid = factory(
        client, area_m2=40000, clear_height_m=12, floor_load_kn_m2=30, power_kva=20000
    ).json()["id"]
    sep = enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜", "锂电池隔膜"])
    enterprise(client, "深圳动力电池有限公司", ["动力电池", "锂离子电池电芯"])
    r = client.get(f"/carriers/factories/{fid}/candidates")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["available"] is True and body["stale"] is False
    assert body["carrier"]["id"] == fid and body["header"]
    assert body["candidates_considered"] >= 2
    items = body["items"]
    assert items and all(i["reason"] for i in items)
    assert [i["rank"] for i in items] == list(range(1, len(items) + 1))
    assert sep in {i["enterprise_id"] for i in items}
    assert all(i["kind"] == "enterprise" for i in items)

    # A stale factory is answered, but says so and is not offered as available.
    client.post(f"/carriers/factories/{fid}/verify", json={"verified_on": "2020-01-01"})
    body = client.get(f"/carriers/factories/{fid}/candidates").json()
    assert body["available"] is False and body["stale"] is True
    assert "信息过期" in body["note"]
    assert all(i["reason"].startswith("【信息过期") for i in body["items"])


def test_candidate_cache_is_rebuilt_when_the_registry_changes(client: TestClient, gx: Any) -> None:
    pid = parcel(client, area_mu=300).json()["id"]
    enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜"])
    app = client.app
    cache = app.state.carrier_candidates  # type: ignore[attr-defined]
    first = client.get(f"/carriers/land/{pid}/candidates").json()["candidates_considered"]
    builds = cache.builds
    client.get(f"/carriers/land/{pid}/candidates")
    assert cache.builds == builds  # unchanged data: served from the cache
    enterprise(client, "宁波正极材料有限公司", ["三元正极材料"])
    again = client.get(f"/carriers/land/{pid}/candidates").json()["candidates_considered"]
    assert cache.builds == builds + 1 and again == first + 1


def test_load_carriers_returns_domain_objects_of_every_status(
    client: TestClient, session: Session, gx: Any
) -> None:
    from chainmap.carriers import CarrierStatus, Factory, LandParcel
    from chainmap.store.carriers_repo import load_carriers

    a = factory(client, building="1号楼").json()["id"]
    factory(client, building="2号楼", status="occupied", floor="2层")
    parcel(client)
    holder = enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜"])
    assert reserve(client, a, holder).status_code == 201
    factories, parcels = load_carriers(session)
    assert all(isinstance(f, Factory) for f in factories)
    assert all(isinstance(p, LandParcel) for p in parcels)
    assert [(f.building, f.floor, f.status) for f in factories] == [
        ("1号楼", None, CarrierStatus.reserved),
        ("2号楼", "2层", CarrierStatus.occupied),
    ]
    assert factories[0].park_name == "高新区" and factories[0].last_verified_on == TODAY
    assert parcels[0].code == "GX-2026-01" and parcels[0].site_ready is True


def test_open_leads_are_candidates_too(client: TestClient, gx: Any) -> None:
    fid = factory(
        client, area_m2=40000, clear_height_m=12, floor_load_kn_m2=30, power_kva=20000
    ).json()["id"]
    sep = enterprise(client, "常州隔膜科技有限公司", ["湿法隔膜", "锂电池隔膜"])
    r = client.post(
        "/leads",
        json={
            "enterprise_id": sep,
            "chain_id": "nev-battery",
            "owner_team": "尖刀班一组",
            "owner_team_kind": "spearhead_team",
            "owner_person": "张伟",
            "actor": "张伟",
        },
    )
    assert r.status_code == 201, r.text
    items = client.get(f"/carriers/factories/{fid}/candidates").json()["items"]
    row = next(i for i in items if i["enterprise_id"] == sep)
    assert row["kind"] == "lead" and row["lead_id"] == r.json()["id"]
    assert row["owner_team"] == "尖刀班一组" and row["segment_id"] == "separator"


@pytest.mark.parametrize(
    "url",
    [
        "/carriers/land/2147483648",
        "/carriers/factories/2147483648/candidates",
        "/carriers/factories/0/reservations",
        "/carriers/factories?offset=99999999999999999999",
    ],
)
def test_out_of_range_ids_are_422_not_a_server_error(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, r.text
    assert r.json()["field"] in ("carrier_id", "offset")


def test_out_of_range_holder_is_422(client: TestClient, gx: Any) -> None:
    fid = factory(client).json()["id"]
    r = reserve(client, fid, 2**31)
    assert r.status_code == 422 and r.json()["field"] == "enterprise_id"
