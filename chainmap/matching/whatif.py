"""What-if: suppose these enterprises land here. Which segments change status, which gaps
close, how priorities move, and which targets rise (above all downstream of the landing).

Pure: the caller passes the chain, the assignments, today's local enterprises, the landed
ones, the thresholds and overrides, and the CandidateMatrix it already holds for today. The
landed enterprises become local: they count towards presence, they stop being candidates, and
their known trade relations make them referrers (以商招商) for the enterprises they deal with.

Example — landing a separator maker closes the separator gap::

    result = what_if(chain=chain, matrix_before=m, assignments=a, local_enterprises=local,
                     landed=[sep_maker], thresholds=t, overrides={}, weights=w)
    result.gaps_closed   # ('separator',)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import networkx as nx

from chainmap.chains import chain_graph
from chainmap.domain import (
    Assignment,
    Chain,
    Enterprise,
    Gap,
    Override,
    SegmentPresence,
    Status,
    Target,
)
from chainmap.gaps import StatusThresholds, find_gaps, local_presence
from chainmap.matching.vector import (
    MAX_KEY,
    CandidateMatrix,
    Ranking,
    build_matrix,
    explain,
    rank,
)


@dataclass(frozen=True, slots=True)
class StatusChange:
    segment_id: str
    before: Status
    after: Status
    local_before: int
    local_after: int
    overridden: bool
    """The status is a chain leader's override, so landing does not change it."""


@dataclass(frozen=True, slots=True)
class PriorityChange:
    segment_id: str
    before: float | None
    """None: the segment was no gap."""
    after: float | None
    """None: the segment is no gap any more."""


@dataclass(frozen=True, slots=True)
class RisingTarget:
    target: Target
    """The row as it would read after the landing."""
    score_before: float
    rank_before: int
    rank_after: int
    downstream: bool
    """Its segment lies downstream of a segment the landed enterprises fill."""
    why: str


@dataclass(frozen=True, slots=True)
class WhatIfResult:
    landed: tuple[Enterprise, ...]
    landed_segments: tuple[str, ...]
    presence: dict[str, SegmentPresence]
    status_changes: tuple[StatusChange, ...]
    gaps_before: tuple[Gap, ...]
    gaps_after: tuple[Gap, ...]
    gaps_closed: tuple[str, ...]
    """Segments that were gaps and are not any more (now strong)."""
    gaps_filled: tuple[str, ...]
    """Segments that were missing and now have local presence (缺 → 弱 or 强, 补链)."""
    priority_changes: tuple[PriorityChange, ...]
    rising: tuple[RisingTarget, ...]


def _scores(r: Ranking) -> dict[int, tuple[int, int]]:
    """enterprise id → (score units, rank) for every listed candidate."""
    order = r.order()
    units = r.units(order)
    ids = r.matrix.ids[order]
    return {
        int(i): (int(u), k + 1)
        for k, (i, u) in enumerate(zip(ids.tolist(), units.tolist(), strict=True))
    }


def what_if(
    *,
    chain: Chain,
    matrix_before: CandidateMatrix,
    assignments: Sequence[Assignment],
    local_enterprises: Mapping[int, Enterprise],
    landed: Sequence[Enterprise],
    thresholds: StatusThresholds,
    overrides: Mapping[str, Override],
    weights: Mapping[str, float],
    min_confidence: float = 0.3,
    limit: int = 20,
) -> WhatIfResult:
    """Statuses, gaps and targets before and after the landing (see the module docstring)."""
    before = local_presence(
        chain, assignments, local_enterprises, thresholds=thresholds, overrides=overrides
    )
    after_locals = {**local_enterprises, **{e.id: e for e in landed}}
    after = local_presence(
        chain, assignments, after_locals, thresholds=thresholds, overrides=overrides
    )
    gaps_before, gaps_after = find_gaps(chain, before), find_gaps(chain, after)
    changes = tuple(
        StatusChange(
            s.id,
            before[s.id].status,
            after[s.id].status,
            before[s.id].local_count,
            after[s.id].local_count,
            after[s.id].override is not None,
        )
        for s in chain.segments
        if before[s.id].status != after[s.id].status
        or before[s.id].local_count != after[s.id].local_count
    )
    pb = {g.segment_id: g.priority for g in gaps_before}
    pa = {g.segment_id: g.priority for g in gaps_after}
    priority_changes = tuple(
        PriorityChange(s.id, pb.get(s.id), pa.get(s.id))
        for s in chain.segments
        if pb.get(s.id) != pa.get(s.id)
    )
    landed_ids = {e.id for e in landed}
    landed_segments = tuple(
        sorted(
            {
                a.segment_id
                for a in assignments
                if a.enterprise_id in landed_ids
                and a.chain_id == chain.id
                and a.confidence >= thresholds.min_confidence
            }
        )
    )
    graph = chain_graph(chain)
    downstream = set().union(*(nx.descendants(graph, s) for s in landed_segments))

    ctx = matrix_before.context
    ctx_after = replace(
        ctx,
        local_names={**ctx.local_names, **{e.id: e.name for e in landed}},
        leads={k: v for k, v in ctx.leads.items() if k not in landed_ids},
    )
    matrix_after = build_matrix(
        chain=chain,
        candidates=[e for e in matrix_before.enterprises if e.id not in landed_ids],
        assignments=assignments,
        context=ctx_after,
        min_confidence=min_confidence,
    )
    r_before = rank(matrix_before, gaps=gaps_before, weights=weights)
    r_after = rank(matrix_after, gaps=gaps_after, weights=weights)
    s_before, s_after = _scores(r_before), _scores(r_after)
    risers = [
        (s_after[i][0] - s_before[i][0], i)
        for i in s_after
        if i in s_before and s_after[i][0] > s_before[i][0]
    ]
    risers.sort(key=lambda x: (-x[0], x[1]))
    index = {int(v): k for k, v in enumerate(matrix_after.ids.tolist())}
    rows: list[RisingTarget] = []
    for delta, eid in risers[:limit]:
        cand = index[eid]
        if r_after.best_key[cand] == MAX_KEY:
            continue
        t = explain(r_after, cand)
        is_down = t.segment_id in downstream
        why: list[str] = []
        if is_down:
            why.append(f"位于新落地企业所在环节的下游（{chain.segment(t.segment_id).name}）")
        new_refs = [n for i, n, _ in t.referrers if i in landed_ids]
        if new_refs:
            why.append(f"可经新落地的{'、'.join(dict.fromkeys(new_refs))}以商招商")
        if pa.get(t.segment_id) != pb.get(t.segment_id):
            why.append(
                f"「{chain.segment(t.segment_id).name}」缺环优先级 "
                f"{pb.get(t.segment_id, 0.0):.2f} → {pa.get(t.segment_id, 0.0):.2f}"
            )
        rows.append(
            RisingTarget(
                target=t,
                score_before=s_before[eid][0] / 1e6,
                rank_before=s_before[eid][1],
                rank_after=s_after[eid][1],
                downstream=is_down,
                why="；".join(why) or f"得分上升 {delta / 1e6:.4f}",
            )
        )
    rows.sort(
        key=lambda r: (not r.downstream, -(r.target.score - r.score_before), r.target.enterprise.id)
    )
    return WhatIfResult(
        landed=tuple(landed),
        landed_segments=landed_segments,
        presence=after,
        status_changes=changes,
        gaps_before=tuple(gaps_before),
        gaps_after=tuple(gaps_after),
        gaps_closed=tuple(s for s in pb if s not in pa),
        gaps_filled=tuple(
            s.id
            for s in chain.segments
            if before[s.id].status is Status.missing and after[s.id].status is not Status.missing
        ),
        priority_changes=priority_changes,
        rising=tuple(rows),
    )
