"""What-if as a use case: the landed enterprises from the store, the chain's cached state and
matrix, then :func:`chainmap.matching.whatif.what_if`. Nothing is written."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from chainmap.domain import Chain
from chainmap.enterprises import EnterpriseNotFound
from chainmap.matcher_cache import MatcherCache, load_metrics, with_metrics
from chainmap.matching.components import resolve_weights
from chainmap.matching.whatif import WhatIfResult, what_if
from chainmap.services import InvalidInput, prepare_targets
from chainmap.settings import Settings
from chainmap.store import repo

MAX_LANDED = 100


def chain_what_if(
    session: Session,
    chain: Chain,
    settings: Settings,
    enterprise_ids: Sequence[int],
    *,
    limit: int = 20,
    cache: MatcherCache | None = None,
) -> WhatIfResult:
    """Suppose ``enterprise_ids`` land in the city: statuses, gaps and rising targets."""
    ids = list(dict.fromkeys(enterprise_ids))
    if not ids or len(ids) > MAX_LANDED:
        raise InvalidInput(
            f"须给出 1 到 {MAX_LANDED} 家企业",
            f"give between 1 and {MAX_LANDED} enterprises",
            field="enterprise_ids",
        )
    found = {
        e.id: e for e in with_metrics(repo.enterprises_by_ids(session, ids), load_metrics(session))
    }
    for i in ids:
        if i not in found:
            raise EnterpriseNotFound(i)
    prepared = prepare_targets(session, chain, settings, cache=cache)
    state = prepared.state
    local = {i: state.enterprises[i] for i in state.local_ids}
    already = [i for i in ids if i in local]
    if already:
        raise InvalidInput(
            f"企业 {already[0]} 已是本地企业",
            f"enterprise {already[0]} is already local",
            field="enterprise_ids",
        )
    return what_if(
        chain=chain,
        matrix_before=prepared.matrix,
        assignments=state.assignments,
        local_enterprises=local,
        landed=[found[i] for i in ids],
        thresholds=settings.thresholds,
        overrides=repo.current_overrides(session, chain.id),
        weights=resolve_weights(chain),
        min_confidence=settings.classify_min_confidence,
        limit=limit,
    )
