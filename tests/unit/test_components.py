"""The seven components one at a time: raising one input moves that component and no other."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from chainmap.carriers import Factory
from chainmap.chains import parse_chain
from chainmap.domain import Assignment, Enterprise, Gap, Region, Status, Target
from chainmap.matching import components as C
from chainmap.matching.referral import Relation
from chainmap.matching.score import rank_targets

CHAIN = parse_chain(
    """
id: t
name: 测试链
segments:
  - id: sep
    name: 隔膜
    stage: upstream
    keywords: [隔膜, 湿法隔膜, a3, a4, a5]
    footprint: {factory_m2: 8000, clear_height_m: 9}
  - {id: cell, name: 电芯, stage: downstream, keywords: [c1, c2, c3, c4, c5]}
links:
  - [sep, cell]
"""
)
TODAY = date(2026, 12, 2)
SMALL = Factory(1, "高新区", "1号楼", 2000, clear_height_m=10, last_verified_on=TODAY)
BIG = Factory(2, "高新区", "2号楼", 9000, clear_height_m=10, industry_direction="新能源",
              last_verified_on=TODAY)  # fmt: skip
BASE_ENT = Enterprise(
    1, "甲隔膜有限公司", province="四川省", city="成都市", revenue_wan=100_000,
    growth_pct=0.0, energy_intensity=0.5,
)  # fmt: skip
BASE_CTX = C.MatchContext(
    home_province="江西省",
    regions=(Region("长三角", provinces=("江苏省",)),),
    energy_cap=0.8,
    factories=(SMALL,),
    today=TODAY,
    local_names={99: "本地电芯厂"},
)


def _one(
    ent: Enterprise = BASE_ENT,
    conf: float = 0.5,
    priority: float = 0.3,
    ctx: C.MatchContext = BASE_CTX,
    weights: dict[str, float] | None = None,
) -> Target:
    gap = Gap("sep", Status.missing, 1.0, 0.3, 0.0, priority, priority)
    a = Assignment(ent.id, "t", "sep", conf, ("主营产品含「湿法隔膜」",))
    (t,) = rank_targets(
        chain=CHAIN, gaps=[gap], candidates=[ent], assignments=[a], context=ctx, weights=weights
    )
    return t


def _values(t: Target) -> dict[str, float]:
    return {c.name: c.value for c in t.components}


RAISES: dict[str, dict[str, Any]] = {
    "segment_fit": {"conf": 0.9},
    "gap_priority": {"priority": 0.8},
    "strength": {"ent": replace(BASE_ENT, tags=("leading",))},
    "region": {"ent": replace(BASE_ENT, province="江苏省", city="苏州市")},
    "carrier_fit": {"ctx": replace(BASE_CTX, factories=(SMALL, BIG))},
    "referral": {"ctx": replace(BASE_CTX, relations=(Relation(1, 99, "隔膜"),))},
    "penalty": {"ent": replace(BASE_ENT, energy_intensity=1.2)},
}


@pytest.mark.parametrize("name", C.COMPONENT_NAMES)
def test_raising_one_input_moves_that_component_and_no_other(name: str) -> None:
    base, raised = _one(), _one(**RAISES[name])
    before, after = _values(base), _values(raised)
    assert after[name] > before[name]
    assert {k: v for k, v in after.items() if k != name} == {
        k: v for k, v in before.items() if k != name
    }
    if name == "penalty":
        assert raised.score < base.score
    else:
        assert raised.score > base.score


def test_every_component_is_in_unit_range_with_a_reason_and_the_score_is_the_weighted_sum() -> None:
    t = _one(**RAISES["referral"])
    w = C.resolve_weights(CHAIN)
    assert [c.name for c in t.components] == list(C.COMPONENT_NAMES)
    for c in t.components:
        assert 0.0 <= c.value <= 1.0 and c.reason and c.weight == w[c.name]
    expected = sum(c.weight * c.value for c in t.components if c.name != "penalty") - (
        w["penalty"] * _values(t)["penalty"]
    )
    assert t.score == pytest.approx(expected, abs=2e-6)


def test_weights_are_respected() -> None:
    only_region = {"region": 1.0}
    near, far = replace(BASE_ENT, province="江苏省"), replace(BASE_ENT, province="新疆维吾尔自治区")
    assert _one(near, weights=only_region).score > _one(far, weights=only_region).score
    # With the region weight at zero, where the enterprise sits changes nothing.
    no_region = {k: 1.0 for k in C.POSITIVE if k != "region"}
    assert _one(near, weights=no_region).score == _one(far, weights=no_region).score
    penalised = replace(BASE_ENT, energy_intensity=2.0)
    assert _one(penalised, weights={"penalty": 0.0}).score == _one(weights={"penalty": 0.0}).score
    assert _one(penalised, weights={"penalty": 1.0}).score == -1.0


def test_explanations_name_the_carrier_and_the_referrer() -> None:
    t = _one(ctx=replace(BASE_CTX, factories=(SMALL, BIG), relations=(Relation(1, 99, "隔膜"),)))
    comps = {c.name: c for c in t.components}
    assert "2号楼" in comps["carrier_fit"].reason and t.carrier_label == BIG.label
    assert t.carrier_kind == "factory" and t.carrier_id == 2
    assert "本地电芯厂" in comps["referral"].reason and "隔膜" in comps["referral"].reason
    assert "本地电芯厂" in t.reason and "2号楼" in t.reason
    assert t.referrers == ((99, "本地电芯厂", "本地电芯厂 ←供应隔膜— 候选企业"),)


def test_no_fitting_carrier_says_so() -> None:
    comps = {c.name: c for c in _one().components}
    assert comps["carrier_fit"].value == 0.0 and "无合适载体" in comps["carrier_fit"].reason
    none = {c.name: c for c in _one(ctx=replace(BASE_CTX, factories=())).components}
    assert "暂无在库的厂房或地块" in none["carrier_fit"].reason


def test_unknown_inputs_are_neutral_and_say_so() -> None:
    unknown = Enterprise(1, "乙隔膜有限公司")
    comps = {c.name: c for c in _one(unknown).components}
    assert "增长情况未知" in comps["strength"].reason
    assert "所在地未知" in comps["region"].reason and "距离未知" in comps["region"].reason
    assert comps["region"].value == pytest.approx(0.3 * C.NEUTRAL_PROXIMITY)
    assert comps["penalty"].value == 0.0 and "能耗强度未知" in comps["penalty"].reason


def test_penalties_restricted_industry_and_lead() -> None:
    steel = replace(BASE_ENT, industry_code="C3216")
    ctx = replace(BASE_CTX, restricted=("C3216", "电解铝"))
    comps = {c.name: c for c in _one(steel, ctx=ctx).components}
    assert comps["penalty"].value == 1.0 and "限制类产业（C3216）" in comps["penalty"].reason
    alu = replace(BASE_ENT, main_products=("电解铝锭",))
    assert _values(_one(alu, ctx=ctx))["penalty"] == 1.0
    led = replace(BASE_CTX, leads={1: "尖刀班·张三（洽谈）"})
    comps = {c.name: c for c in _one(ctx=led).components}
    assert comps["penalty"].value == pytest.approx(C.LEAD_PENALTY)
    assert "尖刀班·张三" in comps["penalty"].reason


def test_energy_penalty_grows_past_the_cap() -> None:
    assert C.energy_penalty(0.8, 0.8) == 0.0
    assert C.energy_penalty(1.2, 0.8) == pytest.approx(0.75)
    assert C.energy_penalty(5.0, 0.8) == 1.0
    assert C.energy_penalty(None, 0.8) == 0.0 and C.energy_penalty(5.0, None) == 0.0
