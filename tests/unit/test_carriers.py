"""Carrier core: need estimates, fit rules, best carrier, freshness, bounds and reservations."""

from __future__ import annotations

import ast
import doctest
import importlib
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from chainmap.carriers import (
    Blocker,
    CarrierStatus,
    CarrierTaken,
    CarrierUnverified,
    Factory,
    InvalidCarrier,
    InvalidReservation,
    LandParcel,
    ParkNotFound,
    SpaceNeed,
    best_carrier,
    bound_problem,
    carrier_component,
    carrier_fits,
    check_carrier,
    check_park,
    direction_terms,
    estimate_need,
    factory_fit,
    industry_match,
    is_stale,
    land_fit,
    no_fit_reason,
    size_factor,
    validate_reservation,
)
from chainmap.carriers.need import FACTORY_NEED_MAX_M2, GENERIC_FOOTPRINT
from chainmap.domain import Footprint

TODAY = date(2026, 6, 1)
FRESH = date(2026, 5, 1)
KW = ["电池模组及PACK", "电池包", "新能源汽车及动力电池"]
CATHODE = Footprint(
    land_mu=150, factory_m2=40_000, clear_height_m=12, floor_load_kn_m2=30, power_kva=10_000
)


def factory(**overrides: object) -> Factory:
    base = Factory(
        id=1,
        park_name="高新区",
        building="3号楼",
        floor="1层",
        area_m2=10_000,
        clear_height_m=10,
        floor_load_kn_m2=20,
        power_kva=2_000,
        industry_direction="新能源汽车",
        last_verified_on=FRESH,
        source="台账",
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def parcel(**overrides: object) -> LandParcel:
    base = LandParcel(
        id=2,
        code="GX-2026-07",
        park_name="经开区",
        area_mu=100,
        land_use="工业用地",
        site_ready=True,
        industry_direction="新能源",
        last_verified_on=FRESH,
        source="收储",
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def need(**overrides: object) -> SpaceNeed:
    base = SpaceNeed(
        "factory",
        factory_m2=8_000,
        land_mu=30,
        clear_height_m=9,
        floor_load_kn_m2=15,
        power_kva=1_500,
        estimated=True,
        basis="估算",
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def ffit(n: SpaceNeed, f: Factory, keywords: list[str] = KW):  # type: ignore[no-untyped-def]
    return factory_fit(n, f, today=TODAY, stale_after_days=90, industry_keywords=keywords)


def lfit(n: SpaceNeed, p: LandParcel, keywords: list[str] = KW):  # type: ignore[no-untyped-def]
    return land_fit(n, p, today=TODAY, stale_after_days=90, industry_keywords=keywords)


# --- need estimation ----------------------------------------------------------------------


def test_stated_need_wins_over_the_estimate() -> None:
    stated = SpaceNeed("factory", factory_m2=3_000, estimated=True)
    got = estimate_need(segment_footprint=CATHODE, revenue_wan=1e6, employees=9000, stated=stated)
    assert got.factory_m2 == 3_000 and got.clear_height_m is None
    assert got.estimated is False and got.basis == "企业申报需求"


@pytest.mark.parametrize(
    ("revenue", "employees", "factor"),
    [
        (500, None, 0.25),
        (5_000, None, 0.5),
        (50_000, None, 1.0),
        (500_000, None, 1.5),
        (5_000_000, None, 2.0),
        (None, 20, 0.25),
        (None, 1_000, 1.0),
        (None, 20_000, 2.0),
        (500, 5_000, 1.5),  # the higher band wins
        (None, None, 1.0),
    ],
)
def test_size_bands(revenue: float | None, employees: int | None, factor: float) -> None:
    assert size_factor(revenue, employees)[0] == factor


def test_estimate_scales_areas_and_power_not_specs_and_says_it_is_an_estimate() -> None:
    small = estimate_need(segment_footprint=CATHODE, revenue_wan=5_000, employees=None)
    big = estimate_need(segment_footprint=CATHODE, revenue_wan=500_000, employees=None)
    assert small.estimated and "按环节典型用地与企业规模估算" in small.basis
    assert (small.factory_m2, small.land_mu, small.power_kva) == (20_000, 75, 5_000)
    assert (big.factory_m2, big.land_mu, big.power_kva) == (60_000, 225, 15_000)
    assert small.clear_height_m == big.clear_height_m == 12
    assert small.floor_load_kn_m2 == big.floor_load_kn_m2 == 30
    assert "0.5倍" in small.basis and "1.5倍" in big.basis


def test_factory_or_land() -> None:
    assert estimate_need(segment_footprint=CATHODE, revenue_wan=5_000, employees=None).kind == (
        "factory"
    )
    over = estimate_need(segment_footprint=CATHODE, revenue_wan=50_000, employees=None)
    assert over.factory_m2 is not None and over.factory_m2 > FACTORY_NEED_MAX_M2
    assert over.kind == "land"
    land_only = estimate_need(
        segment_footprint=Footprint(land_mu=200, power_kva=8000), revenue_wan=None, employees=None
    )
    assert land_only.kind == "land" and land_only.factory_m2 is None and land_only.land_mu == 200
    factory_only = estimate_need(
        segment_footprint=Footprint(factory_m2=6000, clear_height_m=4.5),
        revenue_wan=None,
        employees=None,
    )
    assert factory_only.kind == "factory" and factory_only.land_mu == 9  # 6000 ㎡ at plot ratio 1


def test_estimate_clamps_to_a_sane_range() -> None:
    tiny = estimate_need(
        segment_footprint=Footprint(factory_m2=1_000), revenue_wan=10, employees=None
    )
    giant = estimate_need(
        segment_footprint=Footprint(land_mu=1_500, factory_m2=300_000),
        revenue_wan=1e7,
        employees=None,
    )
    assert tiny.factory_m2 == 500 and tiny.land_mu == 5
    assert giant.factory_m2 == 300_000 and giant.land_mu == 2_000


def test_no_footprint_falls_back_to_a_generic_project_and_says_so() -> None:
    got = estimate_need(segment_footprint=None, revenue_wan=None, employees=None)
    assert got.factory_m2 == GENERIC_FOOTPRINT.factory_m2 and got.estimated
    assert "环节无典型用地数据" in got.basis


def test_space_need_rejects_negative_figures() -> None:
    with pytest.raises(ValueError):
        SpaceNeed("factory", factory_m2=-1)


# --- factory fit -------------------------------------------------------------------------


def test_a_good_factory_fits_and_its_reason_names_it() -> None:
    fit = ffit(need(), factory())
    assert fit.fits and 0 < fit.score <= 1 and not fit.stale and fit.blockers == ()
    assert fit.reason.startswith("高新区 3号楼 1层（10,000㎡")
    assert "面积满足需求约8,000㎡（估算）" in fit.reason
    assert "层高、承重、配电满足" in fit.reason
    assert fit.label == "高新区 3号楼 1层" and fit.carrier_kind == "factory"


def test_too_small_does_not_fit() -> None:
    fit = ffit(need(), factory(area_m2=7_000))
    assert not fit.fits and fit.score == 0 and fit.blockers == (Blocker.area_small,)
    assert "面积不足" in fit.reason
    assert ffit(need(), factory(area_m2=7_300)).fits  # within the 10 % tolerance


def test_far_too_big_fits_but_is_penalised() -> None:
    right = ffit(need(), factory(area_m2=9_000))
    big = ffit(need(), factory(area_m2=20_000))
    huge = ffit(need(), factory(area_m2=80_000))
    assert right.fits and big.fits and huge.fits
    assert right.score > big.score > huge.score
    assert "明显偏大" in huge.reason


@pytest.mark.parametrize(
    ("field", "value", "blocker", "phrase"),
    [
        ("clear_height_m", 6, Blocker.clear_height, "层高6m低于需求9m"),
        ("floor_load_kn_m2", 10, Blocker.floor_load, "承重10kN/㎡低于需求15kN/㎡"),
        ("power_kva", 800, Blocker.power, "配电800kVA低于需求1,500kVA"),
    ],
)
def test_unmet_specs_do_not_fit(field: str, value: float, blocker: Blocker, phrase: str) -> None:
    fit = ffit(need(), factory(**{field: value}))
    assert not fit.fits and fit.blockers == (blocker,) and phrase in fit.reason


def test_unknown_spec_costs_a_little_and_asks_for_verification() -> None:
    known = ffit(need(), factory())
    unknown = ffit(need(), factory(floor_load_kn_m2=None))
    assert unknown.fits and unknown.score < known.score
    assert "承重未知，需核实" in unknown.reason


def test_specs_the_need_does_not_state_are_not_checked() -> None:
    fit = ffit(need(clear_height_m=None, floor_load_kn_m2=None, power_kva=None), factory())
    assert fit.fits and "满足" in fit.reason and "层高" not in fit.reason.split("：", 1)[1]


@pytest.mark.parametrize("status", [CarrierStatus.reserved, CarrierStatus.occupied])
def test_reserved_or_occupied_never_fits(status: CarrierStatus) -> None:
    fit = ffit(need(), factory(status=status))
    assert not fit.fits and fit.score == 0 and Blocker.status in fit.blockers
    assert "不可供" in fit.reason


@pytest.mark.parametrize("verified", [None, date(2026, 2, 1)])
def test_stale_listing_never_fits_and_says_so(verified: date | None) -> None:
    fit = ffit(need(), factory(last_verified_on=verified))
    assert not fit.fits and fit.stale and fit.blockers == (Blocker.stale,)
    assert "信息过期，需核实" in fit.reason
    assert ("从未核实" in fit.reason) == (verified is None)


def test_stale_boundary_is_the_setting() -> None:
    f = factory(last_verified_on=date(2026, 3, 3))  # 90 days before TODAY
    assert not is_stale(f, today=TODAY, stale_after_days=90)
    assert is_stale(f, today=TODAY, stale_after_days=89)


def test_industry_match_raises_the_score() -> None:
    match = ffit(need(), factory(industry_direction="新能源汽车"))
    open_ = ffit(need(), factory(industry_direction=""))
    other = ffit(need(), factory(industry_direction="生物医药"))
    assert match.score > open_.score > other.score > 0
    assert "相符" in match.reason and "未限定产业方向" in open_.reason
    assert "与本项目不一致" in other.reason and other.fits


def test_industry_terms() -> None:
    assert direction_terms("不限") == ()
    assert direction_terms("高端装备制造；新一代信息技术产业") == ("高端装备制造", "新一代信息技术")
    assert industry_match("不限", KW)[0] == 0.6
    assert industry_match("电池", KW)[0] == 1.0
    assert industry_match("ＰＡＣＫ", ["电池模组及pack"])[0] == 1.0  # NFKC, case-folded


def test_land_only_need_does_not_fit_a_factory() -> None:
    fit = ffit(need(kind="land", factory_m2=None, land_mu=200), factory())
    assert not fit.fits and fit.blockers == (Blocker.kind,) and "供地" in fit.reason


def test_land_need_that_fits_a_factory_is_penalised() -> None:
    as_factory = ffit(need(), factory())
    as_land = ffit(need(kind="land"), factory())
    assert as_land.fits and as_land.score < as_factory.score and "宜供地" in as_land.reason


# --- land fit ----------------------------------------------------------------------------


def test_a_good_parcel_fits_and_names_it() -> None:
    fit = lfit(need(kind="land", land_mu=90), parcel())
    assert fit.fits and fit.reason.startswith("经开区 GX-2026-07地块（100亩，净地）")
    assert "净地，可即交地" in fit.reason and fit.carrier_kind == "land"


def test_parcel_rules() -> None:
    n = need(kind="land", land_mu=90)
    ready = lfit(n, parcel())
    assert not lfit(n, parcel(area_mu=50)).fits
    raw = lfit(n, parcel(site_ready=False))
    assert raw.fits and raw.score < ready.score and "非净地" in raw.reason
    later = lfit(n, parcel(available_from=date(2026, 9, 1)))
    assert later.fits and later.score < ready.score and "2026-09-01起可供" in later.reason
    shop = lfit(n, parcel(land_use="商业用地"))
    assert not shop.fits and shop.blockers == (Blocker.land_use,)
    assert lfit(n, parcel(land_use="M1")).fits
    assert not lfit(n, parcel(status=CarrierStatus.occupied)).fits
    stale = lfit(n, parcel(last_verified_on=None))
    assert not stale.fits and stale.stale and "信息过期，需核实" in stale.reason


def test_factory_need_on_land_uses_the_land_area_and_a_penalty() -> None:
    as_land = lfit(need(kind="land", land_mu=30), parcel(area_mu=40))
    as_factory = lfit(need(land_mu=30), parcel(area_mu=40))
    assert as_land.fits and as_factory.fits and as_factory.score < as_land.score
    derived = lfit(need(land_mu=None, factory_m2=20_000), parcel(area_mu=31))
    assert derived.fits and "需求约30亩" in derived.reason


# --- best carrier and "none fits" --------------------------------------------------------


def test_best_carrier_picks_the_highest_fitting_score() -> None:
    fs = [
        factory(id=1, area_m2=7_000),  # too small
        factory(id=2, area_m2=30_000),  # too big
        factory(id=3, area_m2=9_000),  # right
        factory(id=4, area_m2=9_000, status=CarrierStatus.occupied),
    ]
    best = best_carrier(
        need(), fs, [parcel()], today=TODAY, stale_after_days=90, industry_keywords=KW
    )
    assert best is not None and (best.carrier_kind, best.carrier_id) == ("factory", 3)


def test_best_carrier_order_is_deterministic() -> None:
    fs = [factory(id=i) for i in (5, 3, 9)]
    ranked = carrier_fits(need(), fs, [], today=TODAY, stale_after_days=90, industry_keywords=KW)
    assert [f.carrier_id for f in ranked] == [3, 5, 9]
    rev = carrier_fits(need(), fs[::-1], [], today=TODAY, stale_after_days=90, industry_keywords=KW)
    assert rev == ranked


def test_no_carrier_fits_says_why() -> None:
    fs = [factory(id=1, area_m2=2_000), factory(id=2, status=CarrierStatus.reserved)]
    ps = [parcel(last_verified_on=None, area_mu=40)]
    args = {"today": TODAY, "stale_after_days": 90, "industry_keywords": KW}
    assert best_carrier(need(), fs, ps, **args) is None  # type: ignore[arg-type]
    text = no_fit_reason(need(), carrier_fits(need(), fs, ps, **args))  # type: ignore[arg-type]
    assert text.startswith("无合适载体（厂房约8,000㎡（估算）")
    assert "1 处已预订或已占用" in text and "1 处信息过期需核实" in text
    assert "1 处面积不足" in text
    assert "经开区 GX-2026-07地块核实后或可满足" in text


def test_carrier_component_names_the_best_or_says_none_fits() -> None:
    n = estimate_need(segment_footprint=CATHODE, revenue_wan=5_000, employees=None)
    good = factory(area_m2=22_000, clear_height_m=12, floor_load_kn_m2=30, power_kva=6_000)
    comp = carrier_component(
        n, [good], [], today=TODAY, stale_after_days=90, industry_keywords=["正极材料"]
    )
    assert comp.best is not None and comp.value == comp.best.score > 0
    assert comp.reason.startswith("最合适厂房：高新区 3号楼 1层")
    assert "按环节典型用地与企业规模估算" in comp.reason and "（估算）" in comp.reason
    none = carrier_component(
        n, [], [], today=TODAY, stale_after_days=90, industry_keywords=["正极材料"]
    )
    assert none.best is None and none.value == 0 and "暂无在库的厂房或地块" in none.reason


# --- bounds, parks, reservations ---------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("area_m2", 5, False),
        ("area_m2", 10, True),
        ("area_m2", 1_000_001, False),
        ("area_m2", -3, False),
        ("area_mu", 0, False),
        ("area_mu", 100_000, True),
        ("area_mu", 100_001, False),
        ("clear_height_m", 60, False),
        ("power_kva", 2_000, True),
    ],
)
def test_bounds(field: str, value: float, ok: bool) -> None:
    assert (bound_problem(field, value) is None) == ok


def test_check_carrier_and_park() -> None:
    check_carrier(factory())
    with pytest.raises(InvalidCarrier) as exc:
        check_carrier(factory(area_m2=2_000_000))
    assert exc.value.field == "area_m2" and "面积" in exc.value.message_zh
    with pytest.raises(InvalidCarrier):
        check_carrier(parcel(area_mu=-5))
    check_park("高新区", ("高新区", "经开区"))
    with pytest.raises(ParkNotFound) as pexc:
        check_park("火星园区", ("高新区", "经开区"))
    assert "火星园区" in pexc.value.message_zh and "高新区" in pexc.value.message_zh


def test_reservation_rules() -> None:
    validate_reservation(factory(), starts_on=TODAY, today=TODAY, stale_after_days=90)
    for status in (CarrierStatus.reserved, CarrierStatus.occupied):
        with pytest.raises(CarrierTaken):
            validate_reservation(
                factory(status=status), starts_on=TODAY, today=TODAY, stale_after_days=90
            )
    with pytest.raises(InvalidReservation) as exc:
        validate_reservation(
            factory(), starts_on=date(2026, 5, 1), today=TODAY, stale_after_days=90
        )
    assert exc.value.field == "starts_on"
    with pytest.raises(CarrierUnverified):
        validate_reservation(
            parcel(last_verified_on=None), starts_on=TODAY, today=TODAY, stale_after_days=90
        )


# --- docs and purity ---------------------------------------------------------------------

MODULES = [f"chainmap.carriers.{m}" for m in ("models", "need", "rules", "fit", "reverse")]


@pytest.mark.parametrize("name", [*MODULES, "chainmap.io.carrier_rows"])
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_carrier_core_imports_no_adapters() -> None:
    banned = ("sqlalchemy", "openpyxl", "fastapi", "typer", "chainmap.store", "chainmap.settings")
    pkg = Path(importlib.import_module("chainmap.carriers").__file__ or "").parent
    for path in pkg.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for n in names:
                assert not any(n == b or n.startswith(b + ".") for b in banned), (path, n)
