"""The seven terms of a target's score (DESIGN §4), one named function each.

``score = Σ wᵢ · componentᵢ − w_penalty · penalty`` with every component in [0, 1]. The six
positive weights are normalised to sum to 1 (defaults :data:`DEFAULT_WEIGHTS`, a chain file's
``weights`` overrides them); the penalty weight (:data:`DEFAULT_PENALTY_WEIGHT`) is applied
as given, so a restricted industry costs half the scale by default.

Each function returns a :class:`Part`: the value and a short Chinese reason. These scalar
functions are the definition; :mod:`chainmap.matching.vector` computes the same values for a
whole candidate set at once and calls these only to explain the rows it returns.

Unknown inputs are neutral and say so: unknown growth scores 0.5, an unknown location is at a
neutral distance, unknown energy intensity costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from rapidfuzz import fuzz

from chainmap.carriers import (
    CarrierComponent,
    CarrierFit,
    Factory,
    LandParcel,
    carrier_component,
    estimate_need,
)
from chainmap.domain import STATUS_LABELS, Assignment, Chain, Enterprise, Gap, Region, Segment
from chainmap.matching.referral import Referrer, Relation, referral_value
from chainmap.matching.regions import DEFAULT_REGIONS, province_distance_km, region_of
from chainmap.strength import candidate_strength

COMPONENT_NAMES: tuple[str, ...] = (
    "segment_fit",
    "gap_priority",
    "strength",
    "region",
    "carrier_fit",
    "referral",
    "penalty",
)
COMPONENT_LABELS: dict[str, str] = {
    "segment_fit": "环节匹配",
    "gap_priority": "缺环优先级",
    "strength": "企业实力",
    "region": "区域",
    "carrier_fit": "载体匹配",
    "referral": "以商招商",
    "penalty": "扣分项",
}
POSITIVE = COMPONENT_NAMES[:-1]
DEFAULT_WEIGHTS: dict[str, float] = {
    "segment_fit": 0.3,
    "gap_priority": 0.2,
    "strength": 0.2,
    "region": 0.1,
    "carrier_fit": 0.1,
    "referral": 0.1,
}
DEFAULT_PENALTY_WEIGHT = 0.5

REGION_WEIGHT = 0.7
"""Share of the priority-region term in the region component; the rest is proximity."""
PROXIMITY_SPAN_KM = 2500.0
"""Proximity falls linearly from 1 at home to 0 at this distance."""
NEUTRAL_PROXIMITY = 0.5

ENERGY_OVER_CAP_BASE = 0.5
"""Penalty for any energy intensity over the cap; it grows to 1 at twice the cap."""
RESTRICTED_PENALTY = 1.0
LEAD_PENALTY = 0.3
"""Already pursued (elsewhere in the pipeline): listed, but below fresh targets."""
RESTRICTED_FUZZ_CUTOFF = 90.0
"""rapidfuzz ``partial_ratio`` at or above which a restricted term counts as named."""

_BASIS_SLOT = "\x00basis\x00"
INDUSTRY_CODE_PREFIX = re.compile(r"^[A-T]\d{1,4}$")


class Part(NamedTuple):
    """One component's value in [0, 1] and why."""

    value: float
    reason: str


@dataclass(frozen=True, slots=True)
class MatchContext:
    """Everything besides the candidates and gaps that the score reads; all passed in.

    ``leads`` maps an enterprise id to who already pursues it (a phrase for the reason);
    ``local_names`` names the local enterprises, for referrers. ``today`` is needed only when
    carriers are given (a listing goes stale).
    """

    home_province: str | None = None
    regions: tuple[Region, ...] = DEFAULT_REGIONS
    energy_cap: float | None = None
    restricted: tuple[str, ...] = ()
    factories: tuple[Factory, ...] = ()
    parcels: tuple[LandParcel, ...] = ()
    today: date | None = None
    carrier_stale_after_days: int = 90
    relations: tuple[Relation, ...] = ()
    local_names: Mapping[int, str] = field(default_factory=dict)
    leads: Mapping[int, str] = field(default_factory=dict)


def resolve_weights(chain: Chain) -> dict[str, float]:
    """Defaults overlaid with the chain's weights; the positive six normalised to sum to 1,
    ``penalty`` as given (default :data:`DEFAULT_PENALTY_WEIGHT`)."""
    merged = {**DEFAULT_WEIGHTS, **{k: v for k, v in chain.weights.items() if k != "penalty"}}
    total = sum(merged.values())
    out = (
        {k: merged[k] / total for k in POSITIVE}
        if total > 0
        else {k: DEFAULT_WEIGHTS[k] for k in POSITIVE}
    )
    out["penalty"] = chain.weights.get("penalty", DEFAULT_PENALTY_WEIGHT)
    return out


# --- 1. segment fit -------------------------------------------------------------------------


def segment_fit(assignment: Assignment) -> Part:
    """How surely the enterprise makes what the segment needs: the classifier's confidence."""
    return Part(assignment.confidence, "；".join(assignment.evidence) or "归入本环节")


# --- 2. gap priority ------------------------------------------------------------------------


def gap_priority(gap: Gap, segment: Segment) -> Part:
    """The gap's priority from :mod:`chainmap.gaps` (severity × importance)."""
    label = STATUS_LABELS[gap.status]
    return Part(gap.priority, f"「{segment.name}」为{label}环节，缺环优先级 {gap.priority:.2f}")


# --- 3. strength ----------------------------------------------------------------------------


def strength(enterprise: Enterprise) -> Part:
    """Listed, tags, revenue scale and growth (:func:`chainmap.strength.candidate_strength`)."""
    value, reason = candidate_strength(enterprise)
    return Part(value, reason)


# --- 4. region ------------------------------------------------------------------------------


def proximity(province: str | None, home_province: str | None) -> float:
    """1 at home, falling linearly to 0 at :data:`PROXIMITY_SPAN_KM`; unknown is neutral."""
    d = province_distance_km(province, home_province)
    if d is None:
        return NEUTRAL_PROXIMITY
    return max(0.0, 1.0 - d / PROXIMITY_SPAN_KM)


def region_value(
    province: str | None, city: str | None, *, regions: Sequence[Region], home_province: str | None
) -> float:
    found = region_of(regions, province, city)
    score = found.score if found is not None else 0.0
    return REGION_WEIGHT * score + (1.0 - REGION_WEIGHT) * proximity(province, home_province)


def region(enterprise: Enterprise, *, regions: Sequence[Region], home_province: str | None) -> Part:
    """Priority source region (长三角 / 珠三角 / 京津冀 …) and distance from home."""
    p, c = enterprise.province, enterprise.city
    value = region_value(p, c, regions=regions, home_province=home_province)
    where = f"{p or ''}{c or ''}" or "所在地未知"
    found = region_of(regions, p, c)
    head = f"位于{found.name}（{where}）" if found else f"不在重点招商区域（{where}）"
    d = province_distance_km(p, home_province)
    tail = "距离未知（按中性计）" if d is None else f"距本地约{d:,.0f}公里"
    return Part(value, f"{head}；{tail}")


# --- 5. carrier fit -------------------------------------------------------------------------


def industry_keywords(chain: Chain, segment: Segment) -> tuple[str, ...]:
    """What a carrier's 产业方向 is compared with: the segment's name and keywords, the chain."""
    return (segment.name, *segment.keywords, chain.name)


def carrier_fit(
    enterprise: Enterprise,
    *,
    chain: Chain,
    segment: Segment,
    factories: Sequence[Factory],
    parcels: Sequence[LandParcel],
    today: date | None,
    stale_after_days: int,
    memo: dict[tuple[object, ...], CarrierComponent] | None = None,
) -> tuple[Part, CarrierFit | None]:
    """The best vacant carrier for the project this enterprise would bring, or why none fits
    (:func:`chainmap.carriers.carrier_component`)."""
    need = estimate_need(
        segment_footprint=segment.footprint,
        revenue_wan=enterprise.revenue_wan,
        employees=enterprise.employees,
    )
    if not factories and not parcels:
        return Part(0.0, "暂无在库的厂房或地块"), None
    if today is None:
        raise ValueError("today is required when carriers are given")
    # The judgement depends on the need's figures only; its basis text (which names the
    # enterprise's revenue) is appended last, so one evaluation serves every enterprise
    # with the same figures.
    key = (segment.id, need.kind, need.factory_m2, need.land_mu, need.clear_height_m,
           need.floor_load_kn_m2, need.power_kva, need.estimated)  # fmt: skip
    comp = memo.get(key) if memo is not None else None
    if comp is None:
        comp = carrier_component(
            replace(need, basis=_BASIS_SLOT),
            factories,
            parcels,
            today=today,
            stale_after_days=stale_after_days,
            industry_keywords=industry_keywords(chain, segment),
        )
        if memo is not None:
            memo[key] = comp
    basis = need.basis or ("估算需求" if need.estimated else "企业申报需求")
    return Part(comp.value, comp.reason.replace(_BASIS_SLOT, basis)), comp.best


# --- 6. referral (以商招商) --------------------------------------------------------------------


def referral(referrers: Sequence[Referrer]) -> Part:
    """Local enterprises that buy from or supply the candidate, named with the path."""
    n = len({r.enterprise_id for r in referrers})
    if n == 0:
        return Part(0.0, "暂无已知的本地上下游关系")
    paths = "；".join(r.path for r in referrers[:3])
    more = f"等{n}家" if len(referrers) > 3 else ""
    return Part(referral_value(n), f"以商招商：{paths}{more}")


# --- 7. penalties ---------------------------------------------------------------------------


def energy_penalty(intensity: float | None, cap: float | None) -> float:
    """0 at or under the cap (or unknown); 0.5 just over it, growing to 1 at twice the cap."""
    if intensity is None or cap is None or cap <= 0 or intensity != intensity or intensity <= cap:
        return 0.0
    return min(1.0, ENERGY_OVER_CAP_BASE + ENERGY_OVER_CAP_BASE * (intensity / cap - 1.0))


def is_code_term(term: str) -> bool:
    """A restricted entry such as ``C3216`` or ``C31`` is an industry-code prefix; anything
    else is a name compared with the enterprise's name and products."""
    return bool(INDUSTRY_CODE_PREFIX.match(term))


def restricted_text(enterprise: Enterprise) -> str:
    return "；".join((enterprise.name, *enterprise.main_products))


def restricted_hit(enterprise: Enterprise, restricted: Sequence[str]) -> str | None:
    """The first restricted entry the enterprise falls under, or None."""
    code = enterprise.industry_code or ""
    text = restricted_text(enterprise)
    for term in restricted:
        if is_code_term(term):
            if code.startswith(term):
                return term
        elif fuzz.partial_ratio(term, text) >= RESTRICTED_FUZZ_CUTOFF:
            return term
    return None


def combine_penalties(energy: float, restricted: float, lead: float) -> float:
    """Independent penalties combined: ``1 − Π(1 − pᵢ)``."""
    return 1.0 - (1.0 - energy) * (1.0 - restricted) * (1.0 - lead)


def penalty(
    enterprise: Enterprise,
    *,
    energy_cap: float | None,
    restricted: Sequence[str],
    lead: str | None,
) -> Part:
    """Energy intensity over the city's cap, a restricted industry, already a lead."""
    e = energy_penalty(enterprise.energy_intensity, energy_cap)
    hit = restricted_hit(enterprise, restricted)
    r = RESTRICTED_PENALTY if hit is not None else 0.0
    ld = LEAD_PENALTY if lead is not None else 0.0
    parts: list[str] = []
    if e > 0:
        parts.append(
            f"能耗强度{enterprise.energy_intensity:g}吨标煤/万元，超过本地上限{energy_cap:g}"
        )
    elif enterprise.energy_intensity is None and energy_cap is not None:
        parts.append("能耗强度未知，未扣分")
    if hit is not None:
        parts.append(f"属限制类产业（{hit}）")
    if lead is not None:
        parts.append(f"已在跟进：{lead}")
    return Part(combine_penalties(e, r, ld), "；".join(parts) or "无扣分项")


# --- the sum ----------------------------------------------------------------------------------


def pair_part(w: Mapping[str, float], fit: float, priority: float, carrier: float) -> float:
    """The terms that depend on the gap: fit, priority, carrier (in this order)."""
    return w["segment_fit"] * fit + w["gap_priority"] * priority + w["carrier_fit"] * carrier


def candidate_part(
    w: Mapping[str, float], strength: float, region: float, referral: float, penalty: float
) -> float:
    """The terms that depend only on the enterprise (in this order)."""
    return (w["strength"] * strength + w["region"] * region + w["referral"] * referral) - w[
        "penalty"
    ] * penalty


SCORE_SCALE = 1_000_000
"""Scores are kept as integers of 1e-6 so that ties are exact and ordering is deterministic."""


def score_units(pair: float, candidate: float) -> int:
    """The score in millionths: ``round((pair + candidate) · 1e6)`` (half to even)."""
    return round((pair + candidate) * SCORE_SCALE)
