"""The vectorised ranking equals the plain per-candidate definition, with filters and pages."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.baseline_matcher import baseline_rank
from bench.synthetic import SyntheticCity, synthetic_city
from chainmap.chains import load_chain_library
from chainmap.domain import Enterprise
from chainmap.matching.components import resolve_weights
from chainmap.matching.vector import (
    CandidateMatrix,
    Ranking,
    TargetFilter,
    build_matrix,
    page,
    rank,
)

CHAINS = Path(__file__).resolve().parents[2] / "data" / "industry_chains"


@pytest.fixture(scope="module")
def city() -> SyntheticCity:
    return synthetic_city(load_chain_library(CHAINS)["hydrogen"], 3000, seed=3, locals_=50)


@pytest.fixture(scope="module")
def matrix(city: SyntheticCity) -> CandidateMatrix:
    return build_matrix(
        chain=city.chain,
        candidates=city.candidates,
        assignments=city.assignments,
        context=city.context,
    )


def _rows(r: Ranking) -> list[tuple[int, str, int]]:
    m = r.matrix
    return [
        (
            int(m.ids[i]),
            m.pair_assign[r.pairs_of(int(i))[0]].segment_id,
            round(r.score_of(int(i)) * 1e6),
        )
        for i in r.order()
    ]


def _baseline(city: SyntheticCity, keep: Callable[[Enterprise], bool] = lambda e: True) -> list:  # type: ignore[type-arg]
    return baseline_rank(
        chain=city.chain,
        gaps=city.gaps,
        candidates=[e for e in city.candidates if keep(e)],
        assignments=city.assignments,
        weights=resolve_weights(city.chain),
        context=city.context,
    )


def test_same_ranking_as_the_per_candidate_loop(
    city: SyntheticCity, matrix: CandidateMatrix
) -> None:
    got = _rows(rank(matrix, gaps=city.gaps, weights=resolve_weights(city.chain)))
    expected = _baseline(city)
    assert len(got) > 2000 and got == expected
    # the synthetic city exercises every term
    assert matrix.referral.max() > 0 and matrix.penalty.max() > 0 and matrix.carrier_table.max() > 0


FILTERS: list[tuple[TargetFilter, Callable[[Enterprise], bool]]] = [
    (TargetFilter(listed_only=True), lambda e: e.listed),
    (
        TargetFilter(tags=("leading", "little_giant")),
        lambda e: bool({"leading", "little_giant"} & set(e.tags)),
    ),
    (
        TargetFilter(region="长三角"),
        lambda e: e.province in ("上海市", "江苏省", "浙江省", "安徽省"),
    ),
    (TargetFilter(region="四川省"), lambda e: e.province == "四川省"),
    (TargetFilter(min_revenue_wan=50_000), lambda e: (e.revenue_wan or -1) >= 50_000),
]


@pytest.mark.parametrize(("filters", "keep"), FILTERS, ids=lambda x: repr(x)[:40])
def test_filters_equal_ranking_only_the_matching_candidates(
    city: SyntheticCity,
    matrix: CandidateMatrix,
    filters: TargetFilter,
    keep: Callable[[Enterprise], bool],
) -> None:
    got = _rows(rank(matrix, gaps=city.gaps, weights=resolve_weights(city.chain), filters=filters))
    assert got and got == _baseline(city, keep)


def test_exclude_leads_and_segment_filter(city: SyntheticCity, matrix: CandidateMatrix) -> None:
    w = resolve_weights(city.chain)
    full = _rows(rank(matrix, gaps=city.gaps, weights=w))
    no_leads = _rows(
        rank(matrix, gaps=city.gaps, weights=w, filters=TargetFilter(exclude_leads=True))
    )
    assert [r for r in full if r[0] not in city.context.leads] == no_leads
    assert len(no_leads) < len(full)
    seg = city.gaps[0].segment_id
    one = _rows(rank(matrix, gaps=city.gaps, weights=w, filters=TargetFilter(segment_id=seg)))
    assert one and {r[1] for r in one} == {seg}


def test_pages_are_slices_of_the_full_order_and_deterministic(
    city: SyntheticCity, matrix: CandidateMatrix
) -> None:
    w = resolve_weights(city.chain)
    r = rank(matrix, gaps=city.gaps, weights=w)
    full = [int(matrix.ids[i]) for i in r.order()]
    p = page(r, offset=37, limit=25)
    assert [t.enterprise.id for t in p] == full[37:62]
    assert [t.score for t in p] == sorted((t.score for t in p), reverse=True)
    shuffled = city.candidates[:]
    random.Random(5).shuffle(shuffled)
    m2 = build_matrix(
        chain=city.chain,
        candidates=shuffled,
        assignments=city.assignments[::-1],
        context=city.context,
    )
    assert _rows(rank(m2, gaps=city.gaps, weights=w)) == _rows(r)


def test_duplicate_clusters_keep_their_best_record(
    city: SyntheticCity, matrix: CandidateMatrix
) -> None:
    w = resolve_weights(city.chain)
    full = _rows(rank(matrix, gaps=city.gaps, weights=w))
    a, b = full[3][0], full[10][0]
    got = _rows(rank(matrix, gaps=city.gaps, weights=w, canonical={a: a, b: a}))
    assert [x[0] for x in got] == [x[0] for x in full if x[0] != b]
