"""Drawing places for a chain: links always point downstream, rows follow the suppliers."""

from __future__ import annotations

from chainmap.domain import Chain, Segment, Stage
from chainmap.layout import layered_layout


def _chain(ids: list[str], links: list[tuple[str, str]]) -> Chain:
    segments = tuple(Segment(id=i, name=i, stage=Stage.upstream, keywords=(i,)) for i in ids)
    return Chain(id="t", name="测试链", segments=segments, links=tuple(links))


def test_a_segment_sits_one_column_right_of_its_furthest_supplier() -> None:
    chain = _chain(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("a", "c"), ("c", "d")])
    places = layered_layout(chain)
    assert [places[i].column for i in "abcd"] == [0, 1, 2, 3]


def test_rows_follow_the_suppliers_to_keep_links_short() -> None:
    # declared order puts y above x, but x is fed by the top source and y by the bottom one
    chain = _chain(["s1", "s2", "y", "x"], [("s1", "x"), ("s2", "y")])
    places = layered_layout(chain)
    assert (places["s1"].row, places["s2"].row) == (0, 1)
    assert (places["x"].row, places["y"].row) == (0, 1)


def test_rows_in_a_column_are_distinct() -> None:
    chain = _chain(["a", "b", "c", "d"], [("a", "d"), ("b", "d"), ("c", "d")])
    places = layered_layout(chain)
    assert sorted(places[i].row for i in "abc") == [0, 1, 2]


def test_every_bundled_chain_draws_with_links_pointing_downstream(
    library: dict[str, Chain],
) -> None:
    for chain in library.values():
        places = layered_layout(chain)
        assert set(places) == set(chain.segment_ids)
        assert all(places[s].column < places[t].column for s, t in chain.links), chain.id
        cells = [(p.column, p.row) for p in places.values()]
        assert len(cells) == len(set(cells)), chain.id
