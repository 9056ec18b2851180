"""Target scoring: rank candidate enterprises against a chain's gaps, explaining every score.

``score = Σ weight_i · component_i`` with each component in [0, 1] and weights normalised to
sum to 1 (defaults below, overridable per chain in its YAML ``weights``). Components:

* ``segment_fit`` — the assignment confidence, with its evidence;
* ``gap_priority`` — the gap's priority from :mod:`chainmap.gaps`;
* ``strength`` — :func:`chainmap.strength.enterprise_strength`.

An enterprise that could fill several gaps appears once, on its best-scoring gap, and lists
the others in ``also_fills``. Ordering is deterministic: score descending, then segment id,
then enterprise id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chainmap.domain import (
    STATUS_LABELS,
    Assignment,
    Chain,
    Component,
    Enterprise,
    Gap,
    Target,
)
from chainmap.strength import enterprise_strength

DEFAULT_WEIGHTS: dict[str, float] = {"segment_fit": 0.4, "gap_priority": 0.35, "strength": 0.25}


def resolve_weights(chain: Chain) -> dict[str, float]:
    """Defaults overlaid with the chain's own weights, normalised to sum to 1."""
    merged = {**DEFAULT_WEIGHTS, **chain.weights}
    total = sum(merged.values())
    if total <= 0:
        return dict(DEFAULT_WEIGHTS)
    return {k: v / total for k, v in merged.items()}


def _score_pair(
    enterprise: Enterprise,
    assignment: Assignment,
    gap: Gap,
    chain: Chain,
    weights: Mapping[str, float],
    strength: tuple[float, str],
) -> tuple[float, tuple[Component, ...], str]:
    segment = chain.segment(gap.segment_id)
    status_label = STATUS_LABELS[gap.status]
    fit_reason = "；".join(assignment.evidence) or "归入本环节"
    components = (
        Component("segment_fit", assignment.confidence, weights["segment_fit"], fit_reason),
        Component(
            "gap_priority",
            gap.priority,
            weights["gap_priority"],
            f"「{segment.name}」为{status_label}环节，缺环优先级 {gap.priority:.2f}",
        ),
        Component("strength", round(strength[0], 4), weights["strength"], strength[1]),
    )
    score = sum(c.weight * c.value for c in components)
    verb = "补链" if gap.status.value == "missing" else "强链"
    reason = f"可{verb}「{segment.name}」（{status_label}）；{fit_reason}；{strength[1]}"
    return round(score, 6), components, reason


def rank_targets(
    *,
    chain: Chain,
    gaps: Iterable[Gap],
    candidates: Iterable[Enterprise],
    assignments: Iterable[Assignment],
    weights: Mapping[str, float] | None = None,
    segment_id: str | None = None,
    min_confidence: float = 0.3,
) -> list[Target]:
    """Score every candidate against every gap it is assigned to; best row per enterprise.

    ``segment_id`` restricts the list to one gap segment. ``weights`` defaults to
    :func:`resolve_weights` of the chain.
    """
    w = dict(weights) if weights is not None else resolve_weights(chain)
    gap_by_segment = {g.segment_id: g for g in gaps}
    if segment_id is not None:
        gap_by_segment = {k: v for k, v in gap_by_segment.items() if k == segment_id}
    by_enterprise: dict[int, list[Assignment]] = {}
    for a in assignments:
        if (
            a.chain_id == chain.id
            and a.segment_id in gap_by_segment
            and a.confidence >= min_confidence
        ):
            by_enterprise.setdefault(a.enterprise_id, []).append(a)

    targets: list[Target] = []
    for ent in candidates:
        rows = by_enterprise.get(ent.id)
        if not rows:
            continue
        strength = enterprise_strength(ent)
        scored = sorted(
            (
                (*_score_pair(ent, a, gap_by_segment[a.segment_id], chain, w, strength), a)
                for a in rows
            ),
            key=lambda r: (-r[0], r[3].segment_id),
        )
        best_score, components, reason, best = scored[0]
        targets.append(
            Target(
                enterprise=ent,
                segment_id=best.segment_id,
                score=best_score,
                components=components,
                reason=reason,
                also_fills=tuple(r[3].segment_id for r in scored[1:]),
            )
        )
    targets.sort(key=lambda t: (-t.score, t.segment_id, t.enterprise.id))
    return targets
