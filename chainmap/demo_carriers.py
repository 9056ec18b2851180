"""Demo carriers for the demo city (示范市, 江西省): five parks, about 150 standard-factory units
and 60 land parcels. Every record is generated and says so in ``source``
(:data:`DEMO_CARRIER_SOURCE`); none is a real listing.

Pure: ``today`` and ``seed`` give the same carriers; randomness comes only from
``random.Random(seed)``. Most listings were verified in the last 80 days; about one in ten is
older than the 90-day freshness window, so the demo shows stale listings too.

>>> parks, factories, parcels = generate_demo_carriers(today=date(2026, 12, 1))
>>> len(parks), len(factories), len(parcels)
(5, 150, 60)
>>> factories[0].source == DEMO_CARRIER_SOURCE, factories[0].park_name
(True, '高新区')
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, timedelta

from chainmap.carriers import CarrierStatus, Factory, LandParcel, Park

DEMO_CARRIER_SOURCE = "演示数据（生成，非真实载体）"
SEED = 20261202


@dataclass(frozen=True, slots=True)
class _ParkPlan:
    name: str
    district: str
    lon: float
    lat: float
    code: str
    directions: tuple[str, ...]
    factories: int
    parcels: int


PARKS: tuple[_ParkPlan, ...] = (
    _ParkPlan("高新区", "高新区", 115.96, 28.69, "GX",
              ("电子信息", "集成电路", "智能装备", "新能源汽车零部件"), 40, 12),
    _ParkPlan("经开区", "经开区", 115.82, 28.75, "JK",
              ("新能源汽车零部件", "锂电池", "智能装备", "汽车电子"), 40, 14),
    _ParkPlan("临港新区", "临港区", 116.05, 28.62, "LG",
              ("锂电池材料", "新材料", "氢能装备"), 25, 14),
    _ParkPlan("新材料产业园", "北城区", 115.90, 28.83, "XC",
              ("新材料", "锂电池材料", "化工新材料"), 20, 12),
    _ParkPlan("生物医药产业园", "南湖区", 115.88, 28.58, "SW",
              ("生物医药", "医疗器械", "化学药"), 25, 8),
)  # fmt: skip


def _outline(lon: float, lat: float) -> str:
    d = 0.02
    ring = [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d]]
    ring.append(ring[0])
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _verified(rng: random.Random, today: date) -> date:
    if rng.random() < 0.1:
        return today - timedelta(days=rng.randint(100, 400))  # stale: needs checking
    return today - timedelta(days=rng.randint(0, 80))


def _status(rng: random.Random) -> CarrierStatus:
    return CarrierStatus.occupied if rng.random() < 0.2 else CarrierStatus.vacant


def generate_demo_carriers(
    *, today: date, seed: int = SEED
) -> tuple[list[Park], list[Factory], list[LandParcel]]:
    """Parks, factories and parcels with ids from 1 (the store assigns its own)."""
    rng = random.Random(seed)
    parks: list[Park] = []
    factories: list[Factory] = []
    parcels: list[LandParcel] = []
    for p_id, plan in enumerate(PARKS, start=1):
        parks.append(
            Park(
                id=p_id,
                name=plan.name,
                district=plan.district,
                leading_industries=plan.directions,
                lon=plan.lon,
                lat=plan.lat,
                outline_geojson=_outline(plan.lon, plan.lat),
            )
        )
        building = 0
        while sum(f.park_name == plan.name for f in factories) < plan.factories:
            building += 1
            direction = rng.choice(plan.directions)
            contact = rng.choice(("王芳", "李强", "张敏", "刘洋", "陈静"))
            phone = f"0791-8{rng.randint(100, 999)}{rng.randint(1000, 9999)}"
            lon = round(plan.lon + rng.uniform(-0.015, 0.015), 5)
            lat = round(plan.lat + rng.uniform(-0.015, 0.015), 5)
            common = {
                "park_id": p_id,
                "park_name": plan.name,
                "district": plan.district,
                "building": f"{building}号楼",
                "industry_direction": direction,
                "contact_person": contact,
                "contact_phone": phone,
                "lon": lon,
                "lat": lat,
                "source": DEMO_CARRIER_SOURCE,
            }
            if rng.random() < 0.4:  # multi-storey standard factory, let floor by floor
                for floor in range(1, rng.randint(2, 4) + 1):
                    factories.append(
                        Factory(
                            id=len(factories) + 1,
                            area_m2=float(rng.randrange(1500, 4500, 100)),
                            floor=f"{floor}层",
                            clear_height_m=8.0 if floor == 1 else 5.0,
                            floor_load_kn_m2=20.0 if floor == 1 else float(rng.choice((5, 8, 10))),
                            power_kva=float(rng.choice((250, 400, 630))),
                            has_crane=False,
                            status=_status(rng),
                            rent_yuan_m2_month=float(rng.randrange(12, 22)),
                            last_verified_on=_verified(rng, today),
                            **common,  # type: ignore[arg-type]
                        )
                    )
            else:  # single-storey hall
                crane = rng.random() < 0.35
                factories.append(
                    Factory(
                        id=len(factories) + 1,
                        area_m2=float(rng.randrange(4000, 32000, 500)),
                        clear_height_m=float(rng.choice((9, 10, 12, 15))),
                        floor_load_kn_m2=float(rng.choice((30, 40, 50))),
                        power_kva=float(rng.choice((800, 1600, 2500, 5000, 10000))),
                        has_crane=crane,
                        crane_t=float(rng.choice((5, 10, 20))) if crane else None,
                        status=_status(rng),
                        rent_yuan_m2_month=float(rng.randrange(15, 28)),
                        last_verified_on=_verified(rng, today),
                        **common,  # type: ignore[arg-type]
                    )
                )
        del factories[sum(p.factories for p in PARKS[:p_id]) :]
        for n in range(1, plan.parcels + 1):
            parcels.append(
                LandParcel(
                    id=len(parcels) + 1,
                    code=f"{plan.code}-2026-{n:02d}",
                    park_name=plan.name,
                    park_id=p_id,
                    area_mu=float(rng.randrange(20, 320, 5)),
                    district=plan.district,
                    land_use=rng.choice(("工业用地（M1）", "工业用地（M2）", "工业用地（M1）")),
                    site_ready=rng.random() < 0.6,
                    industry_direction=rng.choice(plan.directions),
                    status=_status(rng),
                    price_wan_per_mu=float(rng.randrange(15, 46)),
                    available_from=today + timedelta(days=rng.randint(-120, 180)),
                    lon=round(plan.lon + rng.uniform(-0.018, 0.018), 5),
                    lat=round(plan.lat + rng.uniform(-0.018, 0.018), 5),
                    last_verified_on=_verified(rng, today),
                    source=DEMO_CARRIER_SOURCE,
                )
            )
    return parks, factories, parcels
