"""Synthetic matcher inputs: N candidates for one chain, with carriers, relations and leads.

Deterministic for a seed. Candidates are spread over China (provinces with capital cities,
some in the Pearl River Delta cities), carry 1–3 segment assignments (about 1.5 on average),
tags, log-normal revenue, growth and energy intensity (each unknown for a share of records),
and an industry code; a small share fall under the restricted list or are already leads.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from chainmap.carriers import CarrierStatus, Factory, LandParcel
from chainmap.domain import Assignment, Chain, Enterprise, Gap, SegmentPresence, Status
from chainmap.gaps import find_gaps
from chainmap.matching.components import MatchContext
from chainmap.matching.referral import Relation
from chainmap.matching.regions import PEARL_DELTA, PROVINCE_COORDS

TODAY = date(2026, 12, 2)
RESTRICTED = ("C2521", "C311", "C3216", "电解铝", "水泥熟料")
TAGS = ("leading", "single_champion", "little_giant", "specialised", "high_tech")


@dataclass(frozen=True)
class SyntheticCity:
    chain: Chain
    candidates: list[Enterprise]
    assignments: list[Assignment]
    gaps: list[Gap]
    context: MatchContext


def _gaps(chain: Chain, rng: random.Random) -> list[Gap]:
    presence = {}
    for seg in chain.segments:
        status = rng.choice((Status.missing, Status.weak, Status.weak, Status.strong))
        count = {Status.missing: 0, Status.weak: 1, Status.strong: 4}[status]
        presence[seg.id] = SegmentPresence(seg.id, count, float(count) / 2, status, status)
    return find_gaps(chain, presence)


def _carriers(rng: random.Random) -> tuple[tuple[Factory, ...], tuple[LandParcel, ...]]:
    directions = ("新能源", "氢能", "新材料", "", "装备制造", "电子信息")
    factories = tuple(
        Factory(
            id=i,
            park_name=rng.choice(("高新区", "经开区", "临港新区")),
            building=f"{i}号楼",
            area_m2=float(rng.choice((3000, 6000, 10000, 20000, 30000, 50000))),
            clear_height_m=rng.choice((None, 8.0, 10.0, 12.0)),
            floor_load_kn_m2=rng.choice((None, 15.0, 30.0)),
            power_kva=rng.choice((None, 2000.0, 8000.0, 20000.0)),
            industry_direction=rng.choice(directions),
            status=rng.choice((CarrierStatus.vacant,) * 4 + (CarrierStatus.reserved,)),
            last_verified_on=date(2026, 11, rng.randint(1, 30)),
        )
        for i in range(1, 25)
    )
    parcels = tuple(
        LandParcel(
            id=i,
            code=f"GX-2026-{i:02d}",
            park_name=rng.choice(("高新区", "经开区")),
            area_mu=float(rng.choice((30, 60, 120, 200, 400))),
            land_use="工业用地",
            site_ready=rng.choice((True, False, None)),
            industry_direction=rng.choice(directions),
            last_verified_on=date(2026, 11, rng.randint(1, 30)),
        )
        for i in range(1, 13)
    )
    return factories, parcels


def synthetic_city(chain: Chain, n: int, *, seed: int = 7, locals_: int = 200) -> SyntheticCity:
    """``n`` candidates for ``chain`` plus ``locals_`` local enterprises that trade with some."""
    rng = random.Random(seed)
    provinces = sorted(PROVINCE_COORDS)
    segs = chain.segments
    candidates: list[Enterprise] = []
    assignments: list[Assignment] = []
    for i in range(1, n + 1):
        seg = segs[rng.randrange(len(segs))]
        province = rng.choice(provinces)
        city = (
            rng.choice(PEARL_DELTA.cities) if province == "广东省" and rng.random() < 0.6 else None
        )
        revenue = None if rng.random() < 0.2 else round(10 ** rng.uniform(2.5, 7.0), 1)
        code = rng.choice((*seg.industry_codes, "C3110", "C3216")) if seg.industry_codes else None
        if code in ("C3110", "C3216") and rng.random() < 0.9:
            code = seg.industry_codes[0]
        candidates.append(
            Enterprise(
                id=i,
                name=f"合成{seg.keywords[i % len(seg.keywords)]}企业{i}有限公司",
                province=province,
                city=city,
                listed=rng.random() < 0.05,
                tags=tuple(t for t in TAGS if rng.random() < 0.06),
                revenue_wan=revenue,
                employees=None if rng.random() < 0.5 else rng.randint(10, 20000),
                main_products=(seg.keywords[rng.randrange(len(seg.keywords))],),
                industry_code=code,
                growth_pct=None if rng.random() < 0.4 else round(rng.uniform(-40, 60), 1),
                energy_intensity=None if rng.random() < 0.5 else round(rng.uniform(0.05, 2.0), 3),
                source="synthetic",
            )
        )
        k = rng.choice((1, 1, 2, 2, 3)) if rng.random() < 0.75 else 1
        chosen = {seg.id} | {segs[rng.randrange(len(segs))].id for _ in range(k - 1)}
        for sid in sorted(chosen):
            conf = round(rng.uniform(0.3, 0.99), 2)
            assignments.append(Assignment(i, chain.id, sid, conf, (f"主营产品含「{sid}」",)))
    local_ids = range(n + 1, n + 1 + locals_)
    local_names = {i: f"本地企业{i - n}" for i in local_ids}
    relations = tuple(
        Relation(
            supplier_id=rng.randint(1, n) if rng.random() < 0.5 else lid,
            customer_id=lid,
            product=rng.choice(("电芯", "隔膜", "储氢瓶", "膜电极", "")),
        )
        for lid in local_ids
        for _ in range(max(1, n // 2000))
    )
    relations = tuple(r for r in relations if r.supplier_id != r.customer_id) + tuple(
        Relation(supplier_id=lid, customer_id=rng.randint(1, n), product="零部件")
        for lid in local_ids
        for _ in range(max(1, n // 4000))
    )
    factories, parcels = _carriers(rng)
    leads = {rng.randint(1, n): "尖刀班·张三（洽谈）" for _ in range(max(1, n // 200))}
    context = MatchContext(
        home_province="江西省",
        energy_cap=0.8,
        restricted=RESTRICTED,
        factories=factories,
        parcels=parcels,
        today=TODAY,
        relations=relations,
        local_names=local_names,
        leads=leads,
    )
    return SyntheticCity(chain, candidates, assignments, _gaps(chain, rng), context)
