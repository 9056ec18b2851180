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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

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


SegmentRef = tuple[str, str]  # (chain id, segment id)


@dataclass(frozen=True, slots=True)
class ChainMatcher:
    """Chains' keywords compiled into one Aho-Corasick automaton (pyahocorasick, in C): a single
    pass over a text reports every keyword occurring in it, overlaps included, however many
    chains and keywords there are.
    """

    automaton: Any
    owners: dict[str, tuple[SegmentRef, ...]]
    class_codes: dict[str, tuple[SegmentRef, ...]]
    group_codes: dict[str, tuple[SegmentRef, ...]]


def build_matcher(*chains: Chain) -> ChainMatcher:
    """Compile the chains' keywords and industry codes; build once, classify many.

    Memoised on the chains' ids and (immutable, hashable) segments.
    """
    return _build_matcher(tuple((c.id, c.segments) for c in chains))


@lru_cache(maxsize=128)
def _build_matcher(chains: tuple[tuple[str, tuple[Segment, ...]], ...]) -> ChainMatcher:
    owners: dict[str, list[SegmentRef]] = {}
    class_codes: dict[str, list[SegmentRef]] = {}
    group_codes: dict[str, list[SegmentRef]] = {}
    for chain_id, segments in chains:
        for seg in segments:
            ref = (chain_id, seg.id)
            for kw in seg.keywords:
                owners.setdefault(kw.lower(), []).append(ref)
            for code in seg.industry_codes:
                class_codes.setdefault(code, []).append(ref)
                if len(code) >= 4:
                    group_codes.setdefault(code[:4], []).append(ref)
    automaton = ahocorasick.Automaton()
    for key in sorted(owners):
        automaton.add_word(key, key)
    if owners:
        automaton.make_automaton()

    def dedup(d: dict[str, list[SegmentRef]]) -> dict[str, tuple[SegmentRef, ...]]:
        return {k: tuple(dict.fromkeys(v)) for k, v in d.items()}

    return ChainMatcher(
        automaton=automaton,
        owners=dedup(owners),
        class_codes=dedup(class_codes),
        group_codes=dedup(group_codes),
    )


def _present(text: str, matcher: ChainMatcher) -> set[str]:
    """Lower-cased keywords of the chain that occur in text."""
    if not text or not matcher.owners:
        return set()
    return {key for _, key in matcher.automaton.iter(text.lower())}


def _segment_hits(present: set[str], segment: Segment) -> list[str]:
    """The segment's keywords present, in its own order; one inside a longer hit counts once."""
    hits = [k for k in segment.keywords if k.lower() in present]
    return [k for k in hits if not any(k != o and k.lower() in o.lower() for o in hits)]


def _evidence(
    enterprise: Enterprise,
    segment: Segment,
    products: set[str],
    scope: set[str],
) -> tuple[float, tuple[str, ...]]:
    weights: list[float] = []
    evidence: list[str] = []
    product_hits = _segment_hits(products, segment)
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
    scope_hits = [k for k in _segment_hits(scope, segment) if k not in product_hits]
    if scope_hits:
        weights.append(SCOPE_WEIGHT)
        evidence.append("经营范围含「" + "、".join(scope_hits) + "」")
    return _combine(weights), tuple(evidence)


def segment_evidence(enterprise: Enterprise, segment: Segment) -> tuple[float, tuple[str, ...]]:
    """Confidence in [0, 1] that the enterprise works in the segment, and the evidence lines."""
    single = _build_matcher((("_", (segment,)),))
    products = _present("；".join(enterprise.main_products), single)
    scope = _present(strip_generic(enterprise.business_scope), single)
    return _evidence(enterprise, segment, products, scope)


def classify_enterprise(
    enterprise: Enterprise,
    chain: Chain,
    *,
    min_confidence: float = MIN_CONFIDENCE,
    matcher: ChainMatcher | None = None,
) -> list[Assignment]:
    """Every segment of the chain the enterprise is assigned to, most confident first."""
    return classify_against(enterprise, (chain,), min_confidence=min_confidence, matcher=matcher)


def classify_against(
    enterprise: Enterprise,
    chains: Sequence[Chain],
    *,
    min_confidence: float = MIN_CONFIDENCE,
    matcher: ChainMatcher | None = None,
) -> list[Assignment]:
    """Assignments in every given chain from one scan of the enterprise's texts.

    ``matcher`` must cover at least these chains (default: built for exactly them).
    """
    m = matcher if matcher is not None else build_matcher(*chains)
    products = _present("；".join(enterprise.main_products), m)
    scope = _present(strip_generic(enterprise.business_scope), m)
    refs: set[SegmentRef] = {r for k in products | scope for r in m.owners[k]}
    code = enterprise.industry_code
    if code:
        refs.update(m.class_codes.get(code, ()))
        refs.update(m.group_codes.get(code[:4], ()))
    out: list[Assignment] = []
    if not refs:
        return out
    for chain in chains:
        for segment in chain.segments:
            if (chain.id, segment.id) not in refs:
                continue
            confidence, evidence = _evidence(enterprise, segment, products, scope)
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
    out.sort(key=lambda a: (a.chain_id != chains[0].id, a.chain_id, -a.confidence, a.segment_id))
    return out


def classify_all(
    enterprises: Iterable[Enterprise],
    chains: Iterable[Chain],
    *,
    min_confidence: float = MIN_CONFIDENCE,
) -> list[Assignment]:
    """Classify many enterprises against many chains (one scan per text for all chains)."""
    chain_list = list(chains)
    if not chain_list:
        return []
    m = build_matcher(*chain_list)
    return [
        a
        for ent in enterprises
        for a in classify_against(ent, chain_list, min_confidence=min_confidence, matcher=m)
    ]
