"""First matcher: components, explanations, weights, ordering and determinism."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from chainmap.chains import parse_chain
from chainmap.domain import Assignment, Enterprise, Gap, Status
from chainmap.matching.score import (
    DEFAULT_PENALTY_WEIGHT,
    DEFAULT_WEIGHTS,
    rank_targets,
    resolve_weights,
)

CHAIN = parse_chain(
    """
id: t
name: 测试链
weights: {segment_fit: 2, gap_priority: 1, strength: 1}
segments:
  - {id: sep, name: 隔膜, stage: upstream, keywords: [a1, a2, a3, a4, a5]}
  - {id: foil, name: 铜箔, stage: upstream, keywords: [b1, b2, b3, b4, b5]}
  - {id: cell, name: 电芯, stage: downstream, keywords: [c1, c2, c3, c4, c5]}
links:
  - [sep, cell]
  - [foil, cell]
"""
)
GAPS = [
    Gap("sep", Status.missing, 1.0, 0.5, 0.0, 0.35, 0.35),
    Gap("foil", Status.weak, 0.5, 0.5, 0.0, 0.35, 0.175),
]


def _a(eid: int, seg: str, conf: float) -> Assignment:
    return Assignment(eid, "t", seg, conf, (f"主营产品含「{seg}产品」",))


def _rank(cands: list[Enterprise], assigns: list[Assignment], **kw: object) -> list:  # type: ignore[type-arg]
    return rank_targets(chain=CHAIN, gaps=GAPS, candidates=cands, assignments=assigns, **kw)  # type: ignore[arg-type]


def test_chain_weights_override_defaults_and_are_normalised() -> None:
    w = resolve_weights(CHAIN)
    # The chain names three of the six positive weights; the others keep their defaults and
    # the six are normalised together. The penalty weight is applied as given.
    raw = {**DEFAULT_WEIGHTS, "segment_fit": 2.0, "gap_priority": 1.0, "strength": 1.0}
    total = sum(raw.values())
    assert w == pytest.approx(
        {**{k: v / total for k, v in raw.items()}, "penalty": DEFAULT_PENALTY_WEIGHT}
    )
    assert w["segment_fit"] == pytest.approx(2 * w["gap_priority"])
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1.0)


def test_every_row_has_every_explained_component_and_the_score_is_their_weighted_sum() -> None:
    e = Enterprise(1, "甲", listed=True, tags=("leading",))
    (t,) = _rank([e], [_a(1, "sep", 0.7)])
    names = [c.name for c in t.components]
    assert names == [
        "segment_fit",
        "gap_priority",
        "strength",
        "region",
        "carrier_fit",
        "referral",
        "penalty",
    ]
    assert all(0 <= c.value <= 1 and c.reason for c in t.components)
    signed = [(-1 if c.name == "penalty" else 1) * c.weight * c.value for c in t.components]
    assert t.score == pytest.approx(sum(signed), abs=1e-6)
    assert (
        "补链" in t.reason
        and "隔膜" in t.reason
        and "上市公司" in t.reason
        and "sep产品" in t.reason
    )


def test_weak_gap_reason_says_strengthen() -> None:
    (t,) = _rank([Enterprise(1, "甲")], [_a(1, "foil", 0.7)])
    assert "强链" in t.reason and "（弱）" in t.reason


@pytest.mark.parametrize("component", ["segment_fit", "gap_priority", "strength"])
def test_raising_one_component_raises_the_score(component: str) -> None:
    lo = Enterprise(1, "甲")
    hi = Enterprise(2, "乙")
    seg_lo, seg_hi, conf_lo, conf_hi = "sep", "sep", 0.5, 0.5
    if component == "segment_fit":
        conf_hi = 0.9
    elif component == "gap_priority":
        seg_lo = "foil"
    else:
        hi = replace(hi, listed=True)
    ranked = _rank([lo, hi], [_a(1, seg_lo, conf_lo), _a(2, seg_hi, conf_hi)])
    assert [t.enterprise.id for t in ranked] == [2, 1]


def test_weights_change_the_ranking() -> None:
    fit = Enterprise(1, "合适")
    big = Enterprise(2, "龙头", listed=True, tags=("leading",), revenue_wan=10**7)
    assigns = [_a(1, "sep", 0.95), _a(2, "sep", 0.3)]
    by_fit = _rank(
        [fit, big], assigns, weights={"segment_fit": 1.0, "gap_priority": 0.0, "strength": 0.0}
    )
    by_strength = _rank(
        [fit, big], assigns, weights={"segment_fit": 0.0, "gap_priority": 0.0, "strength": 1.0}
    )
    assert by_fit[0].enterprise.id == 1 and by_strength[0].enterprise.id == 2


def test_one_row_per_enterprise_on_its_best_gap_listing_the_others() -> None:
    e = Enterprise(1, "甲")
    (t,) = _rank([e], [_a(1, "sep", 0.8), _a(1, "foil", 0.8)])
    assert t.segment_id == "sep" and t.also_fills == ("foil",)


def test_segment_filter_and_non_gap_segments() -> None:
    e1, e2, e3 = Enterprise(1, "甲"), Enterprise(2, "乙"), Enterprise(3, "丙")
    assigns = [_a(1, "sep", 0.8), _a(2, "foil", 0.8), _a(3, "cell", 0.9)]
    assert [t.enterprise.id for t in _rank([e1, e2, e3], assigns, segment_id="foil")] == [2]
    assert 3 not in [t.enterprise.id for t in _rank([e1, e2, e3], assigns)]  # cell is no gap


def test_ordering_is_deterministic_with_ties_broken_by_segment_then_id() -> None:
    cands = [Enterprise(i, f"企业{i}") for i in range(1, 41)]
    assigns = [_a(i, "sep" if i % 2 else "foil", 0.7) for i in range(1, 41)]
    expected = _rank(cands, assigns)
    shuffled = cands[:]
    random.Random(7).shuffle(shuffled)
    got = _rank(shuffled, list(reversed(assigns)))
    assert [t.enterprise.id for t in got] == [t.enterprise.id for t in expected]
    sep_ids = [t.enterprise.id for t in got if t.segment_id == "sep"]
    assert sep_ids == sorted(sep_ids)  # equal scores: by id
