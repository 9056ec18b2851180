"""The baseline: the full matcher as a plain per-candidate Python loop.

What a straightforward implementation does — for each candidate, compute each component with
the scalar definitions in :mod:`chainmap.matching.components`, score each of its gap
assignments, keep the best, then sort. The only shortcut it takes is the one any Python
programmer would: the carrier term is memoised per (segment, size factor), since evaluating
every carrier again for every candidate would make the comparison meaningless.

It must give exactly the ranking :mod:`chainmap.matching.vector` gives (bench_matcher checks
on 10,000 candidates, tests/unit/test_vector.py on a few thousand).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from chainmap.carriers import carrier_component, estimate_need
from chainmap.carriers.need import size_factor
from chainmap.domain import Assignment, Chain, Enterprise, Gap
from chainmap.matching import components as C
from chainmap.matching.referral import referral_value, referrers_by_candidate
from chainmap.strength import candidate_strength_value


def baseline_rank(
    *,
    chain: Chain,
    gaps: Iterable[Gap],
    candidates: Iterable[Enterprise],
    assignments: Iterable[Assignment],
    weights: Mapping[str, float],
    context: C.MatchContext,
    min_confidence: float = 0.3,
) -> list[tuple[int, str, int]]:
    """``(enterprise id, segment id, score in millionths)`` best first."""
    gap_by = {g.segment_id: g for g in gaps}
    by_ent: dict[int, list[Assignment]] = {}
    for a in assignments:
        if a.chain_id == chain.id and a.segment_id in gap_by and a.confidence >= min_confidence:
            by_ent.setdefault(a.enterprise_id, []).append(a)
    cands = list(candidates)
    referrers = referrers_by_candidate(
        context.relations, local_names=context.local_names, candidate_ids={e.id for e in cands}
    )
    carrier_memo: dict[tuple[str, float], float] = {}
    rows: list[tuple[int, str, int]] = []
    for e in cands:
        mine = by_ent.get(e.id)
        if not mine:
            continue
        strength = candidate_strength_value(e)
        region = C.region_value(
            e.province, e.city, regions=context.regions, home_province=context.home_province
        )
        referral = referral_value(len({r.enterprise_id for r in referrers.get(e.id, ())}))
        pen = C.combine_penalties(
            C.energy_penalty(e.energy_intensity, context.energy_cap),
            C.RESTRICTED_PENALTY if C.restricted_hit(e, context.restricted) else 0.0,
            C.LEAD_PENALTY if e.id in context.leads else 0.0,
        )
        cand = C.candidate_part(weights, strength, region, referral, pen)
        best: tuple[int, str] | None = None
        for a in mine:
            seg = chain.segment(a.segment_id)
            factor = size_factor(e.revenue_wan, e.employees)[0]
            memo_key = (seg.id, factor)
            if memo_key not in carrier_memo:
                if context.factories or context.parcels:
                    assert context.today is not None
                    need = estimate_need(
                        segment_footprint=seg.footprint,
                        revenue_wan=e.revenue_wan,
                        employees=e.employees,
                    )
                    carrier_memo[memo_key] = carrier_component(
                        need,
                        context.factories,
                        context.parcels,
                        today=context.today,
                        stale_after_days=context.carrier_stale_after_days,
                        industry_keywords=C.industry_keywords(chain, seg),
                    ).value
                else:
                    carrier_memo[memo_key] = 0.0
            pair = C.pair_part(
                weights, a.confidence, gap_by[a.segment_id].priority, carrier_memo[memo_key]
            )
            units = C.score_units(pair, cand)
            if best is None or (-units, a.segment_id) < (-best[0], best[1]):
                best = (units, a.segment_id)
        assert best is not None
        rows.append((e.id, best[1], best[0]))
    rows.sort(key=lambda r: (-r[2], r[1], r[0]))
    return rows
