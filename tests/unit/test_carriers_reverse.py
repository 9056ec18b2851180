"""Reverse matching: the numpy scoring equals a plain per-candidate loop, is deterministic, and
says when the carrier itself is stale or taken."""

from __future__ import annotations

import math
import random
from datetime import date
from itertools import pairwise

import numpy as np
import pytest

from chainmap.carriers import (
    CandidateArrays,
    CandidateMatch,
    CarrierStatus,
    Factory,
    LandParcel,
    SpaceNeed,
    candidate_arrays,
    rank_candidates_for_factory,
    rank_candidates_for_parcel,
)
from chainmap.carriers.reverse import top_k

TODAY = date(2026, 6, 1)
SEGMENT_NAMES = ["正极材料", "电芯制造", "电池模组及PACK", "原料药", "疫苗"]
SEGMENT_KEYWORDS = [
    ["正极材料", "磷酸铁锂", "新能源汽车及动力电池"],
    ["电芯制造", "动力电池", "新能源汽车及动力电池"],
    ["电池模组及PACK", "电池包", "新能源汽车及动力电池"],
    ["化学原料药", "原料药", "生物医药"],
    ["疫苗", "mRNA疫苗", "生物医药"],
]
FACTORY = Factory(
    1,
    "高新区",
    "3号楼",
    12_000,
    clear_height_m=10,
    floor_load_kn_m2=None,  # unknown: stated needs pay the penalty
    power_kva=3_000,
    industry_direction="新能源汽车",
    last_verified_on=date(2026, 5, 1),
)
PARCEL = LandParcel(
    2,
    "GX-07",
    "经开区",
    80,
    site_ready=True,
    industry_direction="",
    last_verified_on=date(2026, 5, 1),
)


def random_candidates(
    n: int, seed: int
) -> tuple[list[SpaceNeed], list[int], list[bool], list[float]]:
    rng = random.Random(seed)

    def maybe(lo: float, hi: float) -> float | None:
        return None if rng.random() < 0.3 else round(rng.uniform(lo, hi), 1)

    needs, segs, gaps, strengths = [], [], [], []
    for _ in range(n):
        land_only = rng.random() < 0.1
        m2 = None if land_only else round(rng.lognormvariate(math.log(9_000), 0.7))
        needs.append(
            SpaceNeed(
                "land" if land_only or (m2 or 0) > 30_000 else "factory",
                factory_m2=m2,
                land_mu=round(rng.lognormvariate(math.log(60), 0.6), 1)
                if rng.random() < 0.9
                else None,
                clear_height_m=maybe(4, 14),
                floor_load_kn_m2=maybe(3, 30),
                power_kva=maybe(300, 6_000),
                estimated=rng.random() < 0.7,
            )
        )
        segs.append(rng.randrange(len(SEGMENT_NAMES)))
        gaps.append(rng.random() < 0.4)
        strengths.append(rng.random())
    return needs, segs, gaps, strengths


def area_score_ref(r: float) -> float:
    if r < 0.9:
        return 0.0
    if r < 1.0:
        return 0.8 + 2.0 * (r - 0.9)
    if r <= 1.5:
        return 1.0
    if r <= 3.0:
        return 1.0 - 0.4 * (r - 1.5)
    return 1.2 / r


def industry_ref(direction: str, seg: int) -> float:
    if not direction:
        return 0.6
    return 1.0 if any(direction in k or k in direction for k in SEGMENT_KEYWORDS[seg]) else 0.3


def reference_factory(
    f: Factory, needs: list[SpaceNeed], segs: list[int], gaps: list[bool], strengths: list[float]
) -> list[tuple[int, float]]:
    """The rules of chainmap.carriers.reverse, one candidate at a time."""
    out = []
    for i, n in enumerate(needs):
        if n.factory_m2 is None or f.area_m2 / n.factory_m2 < 0.9:
            continue
        penalty, ok = 1.0, True
        for wanted, have in (
            (n.clear_height_m, f.clear_height_m),
            (n.floor_load_kn_m2, f.floor_load_kn_m2),
            (n.power_kva, f.power_kva),
        ):
            if wanted is None:
                continue
            if have is None:
                penalty *= 0.9
            elif wanted > have:
                ok = False
        if not ok:
            continue
        penalty *= 0.85 if n.kind == "land" else 1.0
        base = (
            0.4 * area_score_ref(f.area_m2 / n.factory_m2)
            + 0.25 * industry_ref(f.industry_direction, segs[i])
            + 0.2 * float(gaps[i])
            + 0.15 * strengths[i]
        )
        out.append((i, base * penalty))
    out.sort(key=lambda t: (-t[1], t[0]))
    return out


def reference_parcel(
    p: LandParcel, needs: list[SpaceNeed], segs: list[int], gaps: list[bool], strengths: list[float]
) -> list[tuple[int, float]]:
    out = []
    for i, n in enumerate(needs):
        mu = (
            n.land_mu
            if n.land_mu is not None or n.factory_m2 is None
            else n.factory_m2 / (2000 / 3)
        )
        if mu is None or p.area_mu / mu < 0.9:
            continue
        base = (
            0.4 * area_score_ref(p.area_mu / mu)
            + 0.25 * industry_ref(p.industry_direction, segs[i])
            + 0.2 * float(gaps[i])
            + 0.15 * strengths[i]
        )
        out.append((i, base * (1.0 if n.kind == "land" else 0.85)))
    out.sort(key=lambda t: (-t[1], t[0]))
    return out


def rank_f(carrier: Factory, arrays: CandidateArrays, top: int = 20) -> list[CandidateMatch]:
    return rank_candidates_for_factory(
        carrier,
        arrays,
        segment_names=SEGMENT_NAMES,
        segment_keywords=SEGMENT_KEYWORDS,
        today=TODAY,
        stale_after_days=90,
        top=top,
    )


def rank_p(carrier: LandParcel, arrays: CandidateArrays, top: int = 20) -> list[CandidateMatch]:
    return rank_candidates_for_parcel(
        carrier,
        arrays,
        segment_names=SEGMENT_NAMES,
        segment_keywords=SEGMENT_KEYWORDS,
        today=TODAY,
        stale_after_days=90,
        top=top,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_factory_ranking_equals_the_python_loop(seed: int) -> None:
    needs, segs, gaps, strengths = random_candidates(2_000, seed)
    arrays = candidate_arrays(needs, segs, gaps, strengths)
    got = rank_f(FACTORY, arrays, top=20)
    want = reference_factory(FACTORY, needs, segs, gaps, strengths)[:20]
    assert len(got) == 20
    assert [m.candidate for m in got] == [i for i, _ in want]
    assert [m.score for m in got] == pytest.approx([s for _, s in want], abs=1e-12)


@pytest.mark.parametrize("seed", [4, 5])
def test_parcel_ranking_equals_the_python_loop(seed: int) -> None:
    needs, segs, gaps, strengths = random_candidates(2_000, seed)
    arrays = candidate_arrays(needs, segs, gaps, strengths)
    got = rank_p(PARCEL, arrays, top=20)
    want = reference_parcel(PARCEL, needs, segs, gaps, strengths)[:20]
    assert [m.candidate for m in got] == [i for i, _ in want]
    assert [m.score for m in got] == pytest.approx([s for _, s in want], abs=1e-12)


def test_ranking_is_deterministic_and_ties_go_to_the_lower_index() -> None:
    same = SpaceNeed("factory", factory_m2=10_000)
    arrays = candidate_arrays([same] * 50, [2] * 50, [True] * 50, [0.5] * 50)
    first = rank_f(FACTORY, arrays, top=7)
    again = rank_f(FACTORY, arrays, top=7)
    assert [m.candidate for m in first] == list(range(7))
    assert first == again


def test_top_k_is_exact_at_the_boundary() -> None:
    rng = np.random.default_rng(0)
    score = rng.integers(0, 5, 500).astype(np.float64)  # many ties
    ok = rng.random(500) < 0.8
    got = top_k(score, ok, 37).tolist()
    want = sorted((i for i in range(500) if ok[i]), key=lambda i: (-score[i], i))[:37]
    assert got == want
    assert top_k(score, np.zeros(500, dtype=bool), 5).size == 0
    assert top_k(score, ok, 10_000).size == int(ok.sum())


def test_reasons_name_the_area_specs_industry_gap_and_strength() -> None:
    needs = [
        SpaceNeed(
            "factory", factory_m2=10_000, clear_height_m=9, floor_load_kn_m2=12, estimated=True
        )
    ]
    (m,) = rank_f(FACTORY, candidate_arrays(needs, [2], [True], [0.8]))
    assert m.reason == (
        "面积满足需求约10,000㎡（估算）；层高满足；厂房承重（需12kN/㎡）未登记，需核实；"
        "产业方向「新能源汽车」与本项目相符（新能源汽车）；可补「电池模组及PACK」缺环；企业实力0.80"
    )


def test_unfit_candidates_are_left_out() -> None:
    needs = [
        SpaceNeed("factory", factory_m2=20_000),  # too big for 12,000 ㎡
        SpaceNeed("factory", factory_m2=5_000, clear_height_m=12),  # too high
        SpaceNeed("land", land_mu=200),  # land only
        SpaceNeed("factory", factory_m2=11_000),
    ]
    got = rank_f(FACTORY, candidate_arrays(needs, [0] * 4, [False] * 4, [0.0] * 4))
    assert [m.candidate for m in got] == [3]


@pytest.mark.parametrize(
    ("carrier", "note"),
    [
        (
            Factory(1, "高新区", "3号楼", 12_000, last_verified_on=None),
            "【信息过期，需核实（从未核实）】",
        ),
        (
            Factory(
                1, "高新区", "3号楼", 12_000, status=CarrierStatus.occupied, last_verified_on=TODAY
            ),
            "【该载体已占用，目前不可供】",
        ),
    ],
)
def test_a_stale_or_taken_carrier_says_so_in_every_row(carrier: Factory, note: str) -> None:
    needs = [SpaceNeed("factory", factory_m2=m) for m in (8_000, 10_000, 11_000)]
    got = rank_f(carrier, candidate_arrays(needs, [0, 1, 2], [True] * 3, [0.5] * 3))
    assert len(got) == 3 and all(m.reason.startswith(note) for m in got)


def test_bad_arrays_are_refused() -> None:
    with pytest.raises(ValueError):
        candidate_arrays([SpaceNeed("factory", factory_m2=1)], [0, 1], [True], [0.5])
    arrays = candidate_arrays([SpaceNeed("factory", factory_m2=1_000)], [9], [True], [0.5])
    with pytest.raises(ValueError, match="segment"):
        rank_f(FACTORY, arrays)
    with pytest.raises(ValueError):
        CandidateArrays(
            need_m2=np.zeros(3),
            need_mu=np.zeros(3),
            need_height=np.zeros(3),
            need_load=np.zeros(3),
            need_power=np.zeros(3),
            segment=np.zeros(2, dtype=np.int64),
            fills_gap=np.zeros(3, dtype=bool),
            strength=np.zeros(3),
            estimated=np.zeros(3, dtype=bool),
            prefers_land=np.zeros(3, dtype=bool),
        )


def test_scales_to_many_candidates() -> None:
    n = 200_000
    rng = np.random.default_rng(3)
    arrays = CandidateArrays(
        need_m2=rng.uniform(1_000, 30_000, n),
        need_mu=rng.uniform(5, 200, n),
        need_height=np.full(n, np.nan),
        need_load=np.full(n, np.nan),
        need_power=np.full(n, np.nan),
        segment=rng.integers(0, len(SEGMENT_NAMES), n),
        fills_gap=rng.random(n) < 0.3,
        strength=rng.random(n),
        estimated=np.ones(n, dtype=bool),
        prefers_land=np.zeros(n, dtype=bool),
    )
    got = rank_f(FACTORY, arrays, top=50)
    assert len(got) == 50 and all(a.score >= b.score for a, b in pairwise(got))
