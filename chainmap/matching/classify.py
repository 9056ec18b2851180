"""Segment classification: which chain segments does an enterprise work in, and how sure are we.

Evidence comes from three places, strongest first:

* a segment keyword in the enterprise's main products (主营产品),
* the enterprise's GB/T 4754-2017 industry code matching a segment's code,
* a segment keyword in the registered business scope (经营范围).

Each piece of evidence has a weight; independent pieces combine as
``1 - Π(1 - w)`` so more evidence raises confidence without ever passing 1.
Generic business-scope phrases (技术开发, 货物进出口 …) are removed before matching
so they can never drive an assignment.

Example::

    >>> from chainmap.domain import Stage
    >>> seg = Segment("separator", "隔膜", Stage.upstream, ("湿法隔膜", "隔膜"), ("C2921",))
    >>> chain = Chain("c", "c", (seg,), ())
    >>> ent = Enterprise(1, "X", main_products=("湿法隔膜",), industry_code="C2921")
    >>> [round(a.confidence, 2) for a in classify_enterprise(ent, chain)]
    [0.85]
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from chainmap.domain import Assignment, Chain, Enterprise, Segment

PRODUCT_WEIGHT = 0.7
CODE_CLASS_WEIGHT = 0.5  # the 4-digit 小类 matches
CODE_GROUP_WEIGHT = 0.2  # only the 3-digit 中类 matches
SCOPE_WEIGHT = 0.35
MIN_CONFIDENCE = 0.3

# Phrases that appear in nearly every business scope; they say nothing about a segment.
GENERIC_SCOPE_PHRASES: tuple[str, ...] = (
    "技术开发",
    "技术咨询",
    "技术服务",
    "技术转让",
    "技术推广",
    "技术交流",
    "货物进出口",
    "技术进出口",
    "进出口业务",
    "一般项目",
    "许可项目",
    "依法须经批准的项目",
    "经相关部门批准后方可开展经营活动",
    "企业管理咨询",
    "信息咨询服务",
    "会议及展览服务",
    "软件开发",
    "销售",
    "批发",
    "零售",
)
_GENERIC_RE = re.compile("|".join(re.escape(p) for p in GENERIC_SCOPE_PHRASES))


def strip_generic(scope: str) -> str:
    """Remove generic business-scope phrases so they cannot match a keyword."""
    return _GENERIC_RE.sub("　", scope)


def _combine(weights: Iterable[float]) -> float:
    miss = 1.0
    for w in weights:
        miss *= 1.0 - w
    return 1.0 - miss


def _keyword_hits(text: str, keywords: tuple[str, ...]) -> list[str]:
    """Keywords found in text; a keyword contained in a longer hit is not counted twice."""
    lowered = text.lower()
    hits = [k for k in keywords if k.lower() in lowered]
    return [k for k in hits if not any(k != o and k.lower() in o.lower() for o in hits)]


def segment_evidence(enterprise: Enterprise, segment: Segment) -> tuple[float, tuple[str, ...]]:
    """Confidence in [0, 1] that the enterprise works in the segment, and the evidence lines."""
    weights: list[float] = []
    evidence: list[str] = []
    products = "；".join(enterprise.main_products)
    product_hits = _keyword_hits(products, segment.keywords)
    if product_hits:
        weights.append(PRODUCT_WEIGHT)
        evidence.append("主营产品含「" + "、".join(product_hits) + "」")
    code = enterprise.industry_code
    if code:
        if code in segment.industry_codes:
            weights.append(CODE_CLASS_WEIGHT)
            evidence.append(f"行业代码 {code} 属本环节")
        elif any(len(c) >= 4 and code[:4] == c[:4] for c in segment.industry_codes):
            weights.append(CODE_GROUP_WEIGHT)
            evidence.append(f"行业代码 {code} 与本环节同中类")
    scope_hits = [
        k
        for k in _keyword_hits(strip_generic(enterprise.business_scope), segment.keywords)
        if k not in product_hits
    ]
    if scope_hits:
        weights.append(SCOPE_WEIGHT)
        evidence.append("经营范围含「" + "、".join(scope_hits) + "」")
    return _combine(weights), tuple(evidence)


def classify_enterprise(
    enterprise: Enterprise, chain: Chain, *, min_confidence: float = MIN_CONFIDENCE
) -> list[Assignment]:
    """Every segment of the chain the enterprise is assigned to, most confident first."""
    out: list[Assignment] = []
    for segment in chain.segments:
        confidence, evidence = segment_evidence(enterprise, segment)
        if confidence >= min_confidence:
            out.append(
                Assignment(
                    enterprise_id=enterprise.id,
                    chain_id=chain.id,
                    segment_id=segment.id,
                    confidence=round(confidence, 4),
                    evidence=evidence,
                )
            )
    out.sort(key=lambda a: (-a.confidence, a.segment_id))
    return out


def classify_all(
    enterprises: Iterable[Enterprise],
    chains: Iterable[Chain],
    *,
    min_confidence: float = MIN_CONFIDENCE,
) -> list[Assignment]:
    """Classify many enterprises against many chains."""
    chain_list = list(chains)
    return [
        a
        for ent in enterprises
        for chain in chain_list
        for a in classify_enterprise(ent, chain, min_confidence=min_confidence)
    ]
