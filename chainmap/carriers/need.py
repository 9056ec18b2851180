"""How much space a candidate's project needs, when it has not said: an estimate from its
segment's typical footprint (the chain file's ``footprint``) scaled by the enterprise's size.

The scaling, in full:

1. **Size factor** from bands, because a band is what a person can check and argue with:

   ============================  ====================  ======
   营收 (revenue, 万元)           人数 (employees)      factor
   ============================  ====================  ======
   < 2,000 (2 千万)               < 50                  0.25
   < 20,000 (2 亿)                < 300                 0.5
   < 200,000 (20 亿)              < 2,000               1.0
   < 1,000,000 (100 亿)           < 10,000              1.5
   ≥ 1,000,000                   ≥ 10,000              2.0
   ============================  ====================  ======

   The segment's footprint describes a *typical* project, which is what a 2–20 亿 enterprise
   builds; when both figures are known the higher band wins (a firm large by either measure
   plans a large project); when neither is known the factor is 1 (典型项目).
2. **What scales:** areas (factory ㎡, land 亩) and power (kVA) are multiplied by the factor;
   clear height and floor load are process requirements and do not scale.
3. **Clamps:** factory 500–300,000 ㎡, land 5–2,000 亩, power 100–200,000 kVA, so a tiny
   or a giant enterprise still gets a need some real carrier could answer.
4. **Factory or land:** land when the footprint gives land only, or when the scaled factory
   area exceeds :data:`FACTORY_NEED_MAX_M2` (30,000 ㎡: a standard-factory building rarely
   offers more, and projects that big build their own). A land need derived from a factory
   area assumes a plot ratio (容积率) of :data:`PLOT_RATIO`.

A segment without a footprint falls back to :data:`GENERIC_FOOTPRINT` (a small general
manufacturing project, no specs) and says so.
"""

from __future__ import annotations

from dataclasses import replace

from chainmap.carriers.models import SpaceNeed, fmt_number
from chainmap.domain import Footprint
from chainmap.io.units import MU_M2
from chainmap.strength import format_amount_wan

ESTIMATE_BASIS = "按环节典型用地与企业规模估算"

REVENUE_BANDS_WAN: tuple[tuple[float, float, str], ...] = (
    (2_000.0, 0.25, "小微"),
    (20_000.0, 0.5, "小型"),
    (200_000.0, 1.0, "中型"),
    (1_000_000.0, 1.5, "大型"),
    (float("inf"), 2.0, "特大型"),
)
"""(upper bound exclusive in 万元, factor, size label)."""

EMPLOYEE_BANDS: tuple[tuple[float, float, str], ...] = (
    (50.0, 0.25, "小微"),
    (300.0, 0.5, "小型"),
    (2_000.0, 1.0, "中型"),
    (10_000.0, 1.5, "大型"),
    (float("inf"), 2.0, "特大型"),
)

FACTORY_NEED_RANGE_M2 = (500.0, 300_000.0)
LAND_NEED_RANGE_MU = (5.0, 2_000.0)
POWER_NEED_RANGE_KVA = (100.0, 200_000.0)
FACTORY_NEED_MAX_M2 = 30_000.0
"""Above this scaled factory area the project is steered to land."""
PLOT_RATIO = 1.0
"""容积率 assumed when land is derived from a factory area (floor area ÷ land area)."""

GENERIC_FOOTPRINT = Footprint(land_mu=30.0, factory_m2=5_000.0)


def size_factor(revenue_wan: float | None, employees: int | None) -> tuple[float, str]:
    """The band factor and a Chinese phrase saying why.

    >>> size_factor(50_000, 120)
    (1.0, '营收约5.0亿元，属中型企业')
    >>> size_factor(None, None)
    (1.0, '规模不详')
    """
    found: list[tuple[float, str]] = []
    if revenue_wan is not None and revenue_wan >= 0:
        factor, label = _band(revenue_wan, REVENUE_BANDS_WAN)
        found.append((factor, f"营收{format_amount_wan(revenue_wan)}，属{label}企业"))
    if employees is not None and employees >= 0:
        factor, label = _band(float(employees), EMPLOYEE_BANDS)
        found.append((factor, f"员工约{employees:,}人，属{label}企业"))
    if not found:
        return 1.0, "规模不详"
    return max(found, key=lambda f: f[0])  # the first on a tie: revenue


def _band(value: float, bands: tuple[tuple[float, float, str], ...]) -> tuple[float, str]:
    for upper, factor, label in bands:
        if value < upper:
            return factor, label
    return bands[-1][1], bands[-1][2]


def _clamp(value: float, bounds: tuple[float, float]) -> float:
    return min(max(value, bounds[0]), bounds[1])


def estimate_need(
    *,
    segment_footprint: Footprint | None,
    revenue_wan: float | None,
    employees: int | None,
    stated: SpaceNeed | None = None,
) -> SpaceNeed:
    """The space a candidate's project needs: what it stated, else an estimate (see module).

    Example — a mid-sized cathode-material maker (footprint: 150 亩 / 40,000 ㎡ …):

    >>> fp = Footprint(land_mu=150, factory_m2=40_000, clear_height_m=12,
    ...                floor_load_kn_m2=30, power_kva=10_000)
    >>> need = estimate_need(segment_footprint=fp, revenue_wan=15_000, employees=None)
    >>> need.kind, need.factory_m2, need.land_mu, need.clear_height_m, need.estimated
    ('factory', 20000.0, 75.0, 12.0, True)
    >>> need.basis
    '按环节典型用地与企业规模估算：营收约1.5亿元，属小型企业，按典型项目的0.5倍（厂房约20,000㎡）'
    """
    if stated is not None:
        return replace(stated, estimated=False, basis=stated.basis or "企业申报需求")
    generic = segment_footprint is None or (
        segment_footprint.land_mu is None and segment_footprint.factory_m2 is None
    )
    fp = GENERIC_FOOTPRINT if generic or segment_footprint is None else segment_footprint
    factor, size_text = size_factor(revenue_wan, employees)

    factory_m2 = (
        None if fp.factory_m2 is None else _clamp(fp.factory_m2 * factor, FACTORY_NEED_RANGE_M2)
    )
    if fp.land_mu is not None:
        land_mu: float | None = _clamp(fp.land_mu * factor, LAND_NEED_RANGE_MU)
    elif factory_m2 is not None:
        land_mu = _clamp(factory_m2 / (MU_M2 * PLOT_RATIO), LAND_NEED_RANGE_MU)
    else:
        land_mu = None
    land = factory_m2 is None or factory_m2 > FACTORY_NEED_MAX_M2
    power = None if fp.power_kva is None else _clamp(fp.power_kva * factor, POWER_NEED_RANGE_KVA)

    if land and land_mu is not None:
        size = f"用地约{fmt_number(round(land_mu, 1))}亩"
    else:
        size = f"厂房约{fmt_number(round(factory_m2 or 0.0))}㎡"
    source = "环节无典型用地数据，按一般制造业项目估算；" if generic else ""
    basis = f"{ESTIMATE_BASIS}：{source}{size_text}，按典型项目的{factor:g}倍（{size}）"
    return SpaceNeed(
        kind="land" if land else "factory",
        factory_m2=None if factory_m2 is None else round(factory_m2, 2),
        land_mu=None if land_mu is None else round(land_mu, 2),
        clear_height_m=None if fp.clear_height_m is None else float(fp.clear_height_m),
        floor_load_kn_m2=None if fp.floor_load_kn_m2 is None else float(fp.floor_load_kn_m2),
        power_kva=None if power is None else round(power, 2),
        estimated=True,
        basis=basis,
    )
