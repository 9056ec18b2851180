"""Segment classification from products, industry code and business scope."""

from __future__ import annotations

import pytest

from chainmap.chains import parse_chain
from chainmap.domain import Enterprise
from chainmap.matching.classify import classify_enterprise, segment_evidence, strip_generic

CHAIN = parse_chain(
    """
id: t
name: 测试链
segments:
  - {id: separator, name: 隔膜, stage: upstream, keywords: [湿法隔膜, 干法隔膜, 隔膜, 涂覆隔膜, 基膜], industry_codes: [C2921]}
  - {id: cell, name: 电芯, stage: midstream, keywords: [锂离子电池, 电芯, 动力电池, 储能电池, 软包电池], industry_codes: [C3841]}
  - {id: consult, name: 咨询, stage: support, keywords: [技术咨询, 技术开发, 检测认证, 电池检测, 安全测试]}
links:
  - [separator, cell]
  - [consult, cell]
"""
)


def test_main_products_assign_with_evidence() -> None:
    e = Enterprise(1, "甲", main_products=("湿法隔膜", "涂覆隔膜"))
    (a,) = classify_enterprise(e, CHAIN)
    assert a.segment_id == "separator"
    assert a.confidence == pytest.approx(0.7)
    assert "湿法隔膜" in a.evidence[0] and "涂覆隔膜" in a.evidence[0]


def test_more_evidence_raises_confidence_but_never_past_one() -> None:
    weak = Enterprise(1, "甲", business_scope="锂离子电池的研发")
    strong = Enterprise(
        2, "乙", main_products=("动力电池",), industry_code="C3841", business_scope="锂离子电池"
    )
    c_weak, _ = segment_evidence(weak, CHAIN.segment("cell"))
    c_strong, ev = segment_evidence(strong, CHAIN.segment("cell"))
    assert 0 < c_weak < c_strong < 1
    assert any("C3841" in line for line in ev)


def test_industry_code_group_match_is_weaker_than_class_match() -> None:
    exact, _ = segment_evidence(Enterprise(1, "甲", industry_code="C3841"), CHAIN.segment("cell"))
    group, ev = segment_evidence(Enterprise(2, "乙", industry_code="C3849"), CHAIN.segment("cell"))
    assert exact > group > 0
    assert "同中类" in ev[0]


def test_generic_scope_words_never_drive_an_assignment() -> None:
    e = Enterprise(1, "甲", business_scope="一般项目：技术开发、技术咨询、技术服务、货物进出口")
    assert classify_enterprise(e, CHAIN) == []
    assert "技术咨询" not in strip_generic("技术咨询；电池检测")


def test_nothing_matching_gives_no_assignment_and_results_are_ordered() -> None:
    assert classify_enterprise(Enterprise(1, "甲", main_products=("茶叶",)), CHAIN) == []
    e = Enterprise(2, "乙", main_products=("动力电池",), business_scope="隔膜")
    got = classify_enterprise(e, CHAIN)
    assert [a.segment_id for a in got] == ["cell", "separator"]


def test_a_keyword_inside_a_longer_hit_is_not_double_counted() -> None:
    _, ev = segment_evidence(
        Enterprise(1, "甲", main_products=("湿法隔膜",)), CHAIN.segment("separator")
    )
    assert ev == ("主营产品含「湿法隔膜」",)
