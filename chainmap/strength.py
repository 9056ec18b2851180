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


def enterprise_strength(enterprise: Enterprise) -> tuple[float, str]:
    """Strength in [0, 1] and why."""
    value = (
        LISTED_WEIGHT * (1.0 if enterprise.listed else 0.0)
        + TAGS_WEIGHT * tag_score(enterprise.tags)
        + REVENUE_WEIGHT * revenue_score(enterprise.revenue_wan)
    )
    parts: list[str] = []
    if enterprise.listed:
        parts.append("上市公司")
    labels = [TAG_LABELS[Tag(t)] for t in enterprise.tags if t in TAG_POINTS]
    if labels:
        parts.append("、".join(labels))
    if enterprise.revenue_wan:
        parts.append("营收" + format_amount_wan(enterprise.revenue_wan))
    return value, "；".join(parts) if parts else "规模信息不足"
