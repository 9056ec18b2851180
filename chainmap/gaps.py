"""Gap analysis: local presence per segment, status, and gap priority.

Gap priority = severity × importance (DESIGN §3). Each term is a named pure function
of the chain graph and local counts, so a reader can see what drives the ranking:

* :func:`severity` — missing (1.0) outranks weak (0.5);
* :func:`path_share` — the share of raw-material → end-product paths that run through a
  segment: its absence breaks exactly those paths;
* :func:`trade_linkage` — how many local enterprises sit in the segments that would buy
  from or sell to it;
* :func:`importance` — ``PATH_WEIGHT · path_share + LINKAGE_WEIGHT · trade_linkage``.

Example::

    >>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("x", "c")])
    >>> path_share(g)["b"]
    0.5
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from chainmap.chains import chain_graph
from chainmap.domain import Assignment, Chain, Enterprise, Gap, Override, SegmentPresence, Status
from chainmap.strength import enterprise_strength

PATH_WEIGHT = 0.7
LINKAGE_WEIGHT = 0.3
SEVERITY: dict[Status, float] = {Status.missing: 1.0, Status.weak: 0.5, Status.strong: 0.0}


@dataclass(frozen=True, slots=True)
class StatusThresholds:
    """A segment is strong when it has at least ``strong_min_count`` local enterprises whose
    strengths add up to ``strong_min_strength``; weak when it has some; missing when none.
    Only assignments at or above ``min_confidence`` count as presence."""

    strong_min_count: int = 3
    strong_min_strength: float = 1.0
    min_confidence: float = 0.5


def derive_status(count: int, strength: float, thresholds: StatusThresholds) -> Status:
    """Status from local count and summed strength."""
    if count == 0:
        return Status.missing
    if count >= thresholds.strong_min_count and strength >= thresholds.strong_min_strength:
        return Status.strong
    return Status.weak


def local_presence(
    chain: Chain,
    assignments: Iterable[Assignment],
    local_enterprises: Mapping[int, Enterprise],
    *,
    thresholds: StatusThresholds,
    overrides: Mapping[str, Override] | None = None,
) -> dict[str, SegmentPresence]:
    """Presence for every segment of the chain, from assignments of local enterprises."""
    members: dict[str, list[int]] = {s.id: [] for s in chain.segments}
    for a in assignments:
        if (
            a.chain_id == chain.id
            and a.segment_id in members
            and a.enterprise_id in local_enterprises
            and a.confidence >= thresholds.min_confidence
        ):
            members[a.segment_id].append(a.enterprise_id)
    overrides = overrides or {}
    out: dict[str, SegmentPresence] = {}
    for seg in chain.segments:
        ids = tuple(sorted(set(members[seg.id])))
        strength = sum(enterprise_strength(local_enterprises[i])[0] for i in ids)
        derived = derive_status(len(ids), strength, thresholds)
        override = overrides.get(seg.id)
        out[seg.id] = SegmentPresence(
            segment_id=seg.id,
            local_count=len(ids),
            local_strength=round(strength, 4),
            derived_status=derived,
            status=override.status if override else derived,
            override=override,
            local_enterprise_ids=ids,
        )
    return out


def severity(status: Status) -> float:
    """How bad the status is: missing 1.0, weak 0.5, strong 0."""
    return SEVERITY[status]


def path_share(graph: nx.DiGraph) -> dict[str, float]:
    """Share of source → sink paths passing through each node (exact, by counting on the DAG).

    Paths into v times paths out of v is the number of complete paths through v.
    """
    order = list(nx.topological_sort(graph))
    into: dict[str, int] = {}
    for v in order:
        preds = list(graph.predecessors(v))
        into[v] = sum(into[p] for p in preds) if preds else 1
    out_: dict[str, int] = {}
    for v in reversed(order):
        succs = list(graph.successors(v))
        out_[v] = sum(out_[s] for s in succs) if succs else 1
    total = sum(out_[v] for v in order if graph.in_degree(v) == 0)
    if total == 0:
        return {}
    return {v: into[v] * out_[v] / total for v in order}


def trade_linkage(graph: nx.DiGraph, local_counts: Mapping[str, int]) -> dict[str, float]:
    """Local enterprises in a segment's direct suppliers and buyers, scaled to [0, 1] by the max."""
    raw = {
        v: sum(local_counts.get(u, 0) for u in graph.predecessors(v))
        + sum(local_counts.get(w, 0) for w in graph.successors(v))
        for v in graph.nodes
    }
    top = max(raw.values(), default=0)
    return {v: (n / top if top else 0.0) for v, n in raw.items()}


def importance(path: float, linkage: float) -> float:
    """Graph importance of a segment in [0, 1]."""
    return PATH_WEIGHT * path + LINKAGE_WEIGHT * linkage


def find_gaps(chain: Chain, presence: Mapping[str, SegmentPresence]) -> list[Gap]:
    """Missing and weak segments, highest priority first (ties by segment id)."""
    graph = chain_graph(chain)
    shares = path_share(graph)
    linkage = trade_linkage(graph, {k: p.local_count for k, p in presence.items()})
    gaps: list[Gap] = []
    for seg in chain.segments:
        status = presence[seg.id].status
        if status is Status.strong:
            continue
        imp = importance(shares[seg.id], linkage[seg.id])
        sev = severity(status)
        gaps.append(
            Gap(
                segment_id=seg.id,
                status=status,
                severity=sev,
                path_share=round(shares[seg.id], 4),
                trade_linkage=round(linkage[seg.id], 4),
                importance=round(imp, 4),
                priority=round(sev * imp, 4),
            )
        )
    gaps.sort(key=lambda g: (-g.priority, g.segment_id))
    return gaps
