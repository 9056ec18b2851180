"""Where to draw each segment of a chain: columns upstream → downstream, rows ordered to keep
links short. Pure: the web page draws the SVG from these numbers.

A segment's column is the length of the longest supply path into it (sources in column 0),
so every link points rightwards. Rows within a column follow the mean row of the segment's
suppliers (the barycentre heuristic, two sweeps), ties broken by declaration order.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from chainmap.domain import Chain


@dataclass(frozen=True, slots=True)
class Place:
    column: int
    row: int


def layered_layout(chain: Chain) -> dict[str, Place]:
    """Column and row of every segment. Chains are acyclic (the library validates it)."""
    order = {seg_id: i for i, seg_id in enumerate(chain.segment_ids)}
    graph = nx.DiGraph()
    graph.add_nodes_from(chain.segment_ids)
    graph.add_edges_from(chain.links)
    column: dict[str, int] = {}
    for node in nx.topological_sort(graph):
        column[node] = max((column[p] + 1 for p in graph.predecessors(node)), default=0)
    columns: dict[int, list[str]] = {}
    for node in sorted(column, key=order.__getitem__):
        columns.setdefault(column[node], []).append(node)
    row = {node: i for col in columns.values() for i, node in enumerate(col)}
    forward = sorted(columns)
    for keys, near in ((forward, graph.predecessors), (forward[::-1], graph.successors)):
        for key in keys:
            col = columns[key]
            centre = {}
            for node in col:
                rows = [row[n] for n in near(node)]
                centre[node] = sum(rows) / len(rows) if rows else float(row[node])
            col.sort(key=lambda n: (centre[n], order[n]))
            row.update({node: i for i, node in enumerate(col)})
    return {node: Place(column[node], row[node]) for node in chain.segment_ids}
