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
from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True, slots=True)
class ChainMatcher:
    """A chain's keywords compiled for one regex scan per text.

    The pattern is a lookahead alternation (longest keyword first), so it reports the longest
    keyword starting at every position; ``contained`` then credits every keyword inside that
    hit. Together that is exactly "which keywords occur as substrings", at C speed.
    """

    pattern: re.Pattern[str] | None
    contained: dict[str, tuple[str, ...]]
    owners: dict[str, tuple[str, ...]]
    class_codes: dict[str, tuple[str, ...]]
    group_codes: dict[str, tuple[str, ...]]


def trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, shaped as a prefix trie so the engine rejects most
    positions on the first character; at each position it matches the longest word.

    >>> re.findall(trie_pattern(["ab", "abc", "b"]), "abcb")
    ['abc', 'b']
    """
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return emit(trie)


def build_matcher(chain: Chain) -> ChainMatcher:
    """Compile a chain's keywords and industry codes; build once, classify many.

    Memoised on the chain's id and (immutable, hashable) segments.
    """
    return _build_matcher(chain.id, chain.segments)


@lru_cache(maxsize=128)
def _build_matcher(chain_id: str, segments: tuple[Segment, ...]) -> ChainMatcher:
    owners: dict[str, list[str]] = {}
    class_codes: dict[str, list[str]] = {}
    group_codes: dict[str, list[str]] = {}
    for seg in segments:
        for kw in seg.keywords:
            owners.setdefault(kw.lower(), []).append(seg.id)
        for code in seg.industry_codes:
            class_codes.setdefault(code, []).append(seg.id)
            if len(code) >= 4:
                group_codes.setdefault(code[:4], []).append(seg.id)
    keys = sorted(owners, key=lambda k: (-len(k), k))
    pattern = re.compile("(?=(" + trie_pattern(keys) + "))") if keys else None
    contained = {k: tuple(o for o in keys if o in k) for k in keys}
    return ChainMatcher(
        pattern=pattern,
        contained=contained,
        owners={k: tuple(dict.fromkeys(v)) for k, v in owners.items()},
        class_codes={k: tuple(dict.fromkeys(v)) for k, v in class_codes.items()},
        group_codes={k: tuple(dict.fromkeys(v)) for k, v in group_codes.items()},
    )


def _present(text: str, matcher: ChainMatcher) -> set[str]:
    """Lower-cased keywords of the chain that occur in text."""
    if not text or matcher.pattern is None:
        return set()
    found: set[str] = set()
    for mo in matcher.pattern.finditer(text.lower()):
        found.update(matcher.contained[mo.group(1)])
    return found


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
    single = _build_matcher("_", (segment,))
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
    m = matcher if matcher is not None else build_matcher(chain)
    products = _present("；".join(enterprise.main_products), m)
    scope = _present(strip_generic(enterprise.business_scope), m)
    candidates: set[str] = {s for k in products | scope for s in m.owners[k]}
    code = enterprise.industry_code
    if code:
        candidates.update(m.class_codes.get(code, ()))
        candidates.update(m.group_codes.get(code[:4], ()))
    out: list[Assignment] = []
    for segment in chain.segments:
        if segment.id not in candidates:
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
    out.sort(key=lambda a: (-a.confidence, a.segment_id))
    return out


def classify_all(
    enterprises: Iterable[Enterprise],
    chains: Iterable[Chain],
    *,
    min_confidence: float = MIN_CONFIDENCE,
) -> list[Assignment]:
    """Classify many enterprises against many chains (each chain compiled once)."""
    compiled = [(c, build_matcher(c)) for c in chains]
    return [
        a
        for ent in enterprises
        for chain, m in compiled
        for a in classify_enterprise(ent, chain, min_confidence=min_confidence, matcher=m)
    ]
