"""Target scoring: rank candidate enterprises against a chain's gaps, explaining every score.

``score = Σ wᵢ · componentᵢ − w_penalty · penalty`` over the seven components of
:mod:`chainmap.matching.components` (segment fit, gap priority, strength, region, carrier fit,
referral, penalty), each in [0, 1] with a Chinese reason. The work is done by
:mod:`chainmap.matching.vector`; :func:`rank_targets` is the one-call form for small sets and
tests (it builds the matrix, ranks and explains every row).

An enterprise that could fill several gaps appears once, on its best-scoring gap, and lists
the others in ``also_fills``. Ordering is deterministic: score descending, then segment id,
then enterprise id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chainmap.domain import Assignment, Chain, Enterprise, Gap, Target
from chainmap.matching.components import (
    COMPONENT_NAMES,
    DEFAULT_PENALTY_WEIGHT,
    DEFAULT_WEIGHTS,
    MatchContext,
    resolve_weights,
)
from chainmap.matching.vector import TargetFilter, build_matrix, explain, rank

__all__ = [
    "DEFAULT_PENALTY_WEIGHT",
    "DEFAULT_WEIGHTS",
    "complete_weights",
    "rank_targets",
    "resolve_weights",
]


def complete_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """Explicit weights as given; a component not named weighs 0."""
    return {name: float(weights.get(name, 0.0)) for name in COMPONENT_NAMES}


def rank_targets(
    *,
    chain: Chain,
    gaps: Iterable[Gap],
    candidates: Iterable[Enterprise],
    assignments: Iterable[Assignment],
    weights: Mapping[str, float] | None = None,
    segment_id: str | None = None,
    min_confidence: float = 0.3,
    context: MatchContext | None = None,
    filters: TargetFilter | None = None,
) -> list[Target]:
    """Score every candidate against every gap it is assigned to; best row per enterprise.

    ``segment_id`` restricts the list to one gap segment. ``weights`` defaults to
    :func:`resolve_weights` of the chain (explicit weights are used as given; a component not
    named weighs 0).
    """
    w = complete_weights(weights) if weights is not None else resolve_weights(chain)
    matrix = build_matrix(
        chain=chain,
        candidates=list(candidates),
        assignments=list(assignments),
        context=context or MatchContext(),
        min_confidence=min_confidence,
    )
    f = filters or TargetFilter()
    if segment_id is not None:
        f = TargetFilter(
            segment_id=segment_id,
            region=f.region,
            tags=f.tags,
            min_revenue_wan=f.min_revenue_wan,
            listed_only=f.listed_only,
            exclude_leads=f.exclude_leads,
        )
    ranking = rank(matrix, gaps=list(gaps), weights=w, filters=f)
    return [explain(ranking, int(i)) for i in ranking.order()]
