"""Enterprise strength: how much an enterprise weighs, from listing, tags and revenue.

Used twice: in the matcher (a strong candidate is a better target) and in gap analysis
(a segment with only small local firms is weak). Returns a value in [0, 1] and a short
Chinese reason.

Example::

    >>> e = Enterprise(1, "X", listed=True, tags=("leading",), revenue_wan=1_000_000)
    >>> value, reason = enterprise_strength(e)
    >>> round(value, 3), reason
    (0.81, '上市公司；龙头；营收约100.0亿元')
"""

from __future__ import annotations

import math

from chainmap.domain import TAG_LABELS, Enterprise, Tag

LISTED_WEIGHT = 0.3
TAGS_WEIGHT = 0.3
REVENUE_WEIGHT = 0.4

TAG_POINTS: dict[str, float] = {
    Tag.leading: 0.7,
    Tag.single_champion: 0.5,
    Tag.little_giant: 0.4,
    Tag.specialised: 0.25,
    Tag.high_tech: 0.15,
}

# Revenue score is log-scaled: 1000万元 → 0, 1亿 → 0.25, 10亿 → 0.5, 100亿 → 0.75, 1000亿 → 1.
REVENUE_FLOOR_WAN = 1_000.0
REVENUE_DECADES = 4.0


def revenue_score(revenue_wan: float | None) -> float:
    """Log-scaled revenue in [0, 1]; unknown revenue scores 0."""
    if revenue_wan is None or revenue_wan <= REVENUE_FLOOR_WAN:
        return 0.0
    return min(1.0, math.log10(revenue_wan / REVENUE_FLOOR_WAN) / REVENUE_DECADES)


def tag_score(tags: tuple[str, ...]) -> float:
    """Tag points combined as independent evidence, in [0, 1]."""
    miss = 1.0
    for tag in tags:
        miss *= 1.0 - TAG_POINTS.get(tag, 0.0)
    return 1.0 - miss


def format_amount_wan(amount_wan: float) -> str:
    """万元 amount as people say it: '约12.3亿元' or '约800万元'."""
    if amount_wan >= 10_000:
        return f"约{amount_wan / 10_000:.1f}亿元"
    return f"约{amount_wan:.0f}万元"


def strength_value(enterprise: Enterprise) -> float:
    """The value of :func:`enterprise_strength` without its reason (for bulk scoring)."""
    return (
        LISTED_WEIGHT * (1.0 if enterprise.listed else 0.0)
        + TAGS_WEIGHT * tag_score(enterprise.tags)
        + REVENUE_WEIGHT * revenue_score(enterprise.revenue_wan)
    )


def enterprise_strength(enterprise: Enterprise) -> tuple[float, str]:
    """Strength in [0, 1] and why."""
    value = strength_value(enterprise)
    parts: list[str] = []
    if enterprise.listed:
        parts.append("上市公司")
    labels = [TAG_LABELS[Tag(t)] for t in enterprise.tags if t in TAG_POINTS]
    if labels:
        parts.append("、".join(labels))
    if enterprise.revenue_wan:
        parts.append("营收" + format_amount_wan(enterprise.revenue_wan))
    return value, "；".join(parts) if parts else "规模信息不足"


# Growth is scored linearly: -30 % → 0, 0 % → 0.5, +30 % and above → 1. Unknown growth is
# neutral (0.5): the registry rarely knows it, and absence of data is no evidence either way.
GROWTH_SPAN_PCT = 30.0
GROWTH_NEUTRAL = 0.5
GROWTH_WEIGHT = 0.15
"""Share of growth in a candidate's strength; the rest is :func:`enterprise_strength`."""


def growth_score(growth_pct: float | None) -> float:
    """Revenue growth in [0, 1]; unknown is neutral.

    >>> growth_score(15.0), growth_score(None), growth_score(-50.0)
    (0.75, 0.5, 0.0)
    """
    if growth_pct is None or math.isnan(growth_pct):
        return GROWTH_NEUTRAL
    return min(1.0, max(0.0, (growth_pct + GROWTH_SPAN_PCT) / (2 * GROWTH_SPAN_PCT)))


def growth_phrase(growth_pct: float | None) -> str:
    if growth_pct is None or math.isnan(growth_pct):
        return "增长情况未知（按中性计）"
    return f"营收增长{growth_pct:+.1f}%"


def candidate_strength(enterprise: Enterprise) -> tuple[float, str]:
    """A target's strength: listing, tags and revenue scale (:func:`enterprise_strength`) with
    growth (:func:`growth_score`) as the fourth term.

    >>> e = Enterprise(1, "X", listed=True, tags=("leading",), revenue_wan=1_000_000)
    >>> value, reason = candidate_strength(e)
    >>> round(value, 4), reason
    (0.7635, '上市公司；龙头；营收约100.0亿元；增长情况未知（按中性计）')
    """
    _, reason = enterprise_strength(enterprise)
    return candidate_strength_value(enterprise), f"{reason}；{growth_phrase(enterprise.growth_pct)}"


def candidate_strength_value(enterprise: Enterprise) -> float:
    """The value of :func:`candidate_strength` without its reason (for bulk scoring)."""
    base = strength_value(enterprise)
    return (1.0 - GROWTH_WEIGHT) * base + GROWTH_WEIGHT * growth_score(enterprise.growth_pct)
