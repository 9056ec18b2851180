"""The full matcher at scale: 1,000,000 synthetic candidates for a 20-segment chain (hydrogen).

Measures: building the CandidateMatrix (once per chain and data version), the full ranking
after the cache is warm (every candidate scored and ordered), one explained page, peak memory
(ru_maxrss of the process), and the plain per-candidate Python baseline
(:mod:`bench.baseline_matcher`) on the same data — asserting first that both give the same
ranking on 10,000 candidates. ``python -m bench matcher`` (set BENCH_MATCHER_N to change N).
"""

from __future__ import annotations

import gc
import os
import resource
import time

from bench.baseline_matcher import baseline_rank
from bench.common import machine, summary, timings
from bench.synthetic import synthetic_city
from chainmap.chains import load_chain_library
from chainmap.matching.components import resolve_weights
from chainmap.matching.vector import build_matrix, page, rank
from chainmap.settings import PROJECT_ROOT

CHAIN = "hydrogen"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _vector_rows(chain, city):  # type: ignore[no-untyped-def]
    m = build_matrix(
        chain=chain, candidates=city.candidates, assignments=city.assignments, context=city.context
    )
    r = rank(m, gaps=city.gaps, weights=resolve_weights(chain))
    return [
        (
            int(m.ids[i]),
            m.pair_assign[r.pairs_of(int(i))[0]].segment_id,
            round(r.score_of(int(i)) * 1e6),
        )
        for i in r.order()
    ]


def main() -> None:
    n = int(os.environ.get("BENCH_MATCHER_N", "1000000"))
    chain = load_chain_library(PROJECT_ROOT / "data" / "industry_chains")[CHAIN]
    weights = resolve_weights(chain)
    print(f"machine: {machine()}; chain {CHAIN} ({len(chain.segments)} segments)")

    small = synthetic_city(chain, 10_000, seed=11)
    expected = baseline_rank(
        chain=chain,
        gaps=small.gaps,
        candidates=small.candidates,
        assignments=small.assignments,
        weights=weights,
        context=small.context,
    )
    got = _vector_rows(chain, small)
    assert got == expected, "vectorised and baseline rankings differ"
    print(f"same ranking as the baseline on 10,000 candidates: {len(got)} rows, identical")
    del small, expected, got
    gc.collect()

    t0 = time.perf_counter()
    city = synthetic_city(chain, n)
    print(
        f"generated {n:,} candidates, {len(city.assignments):,} assignments "
        f"in {time.perf_counter() - t0:.1f} s; peak {_peak_mb():,.0f} MB"
    )
    t0 = time.perf_counter()
    matrix = build_matrix(
        chain=chain, candidates=city.candidates, assignments=city.assignments, context=city.context
    )
    build = time.perf_counter() - t0
    print(
        f"build matrix (cold, once per data version): {build:.1f} s; "
        f"arrays {matrix.nbytes / 2**20:,.0f} MB; peak {_peak_mb():,.0f} MB"
    )

    def full() -> int:
        r = rank(matrix, gaps=city.gaps, weights=weights)
        return len(r.order())

    def one_page() -> int:
        r = rank(matrix, gaps=city.gaps, weights=weights)
        return len(page(r, offset=0, limit=50))

    print(f"full ranking of {n:,} (warm)      {summary(timings(full, runs=10))}")
    print(f"ranking + explained page of 50   {summary(timings(one_page, runs=10))}")
    print(f"peak memory {_peak_mb():,.0f} MB")

    t0 = time.perf_counter()
    rows = baseline_rank(
        chain=chain,
        gaps=city.gaps,
        candidates=city.candidates,
        assignments=city.assignments,
        weights=weights,
        context=city.context,
    )
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    full()
    warm = time.perf_counter() - t0
    print(
        f"baseline per-candidate loop on {n:,}: {base:.1f} s ({len(rows):,} rows); "
        f"vectorised warm {warm * 1000:.0f} ms → {base / warm:.0f}× faster; "
        f"cold (build + rank) {build + warm:.1f} s → {base / (build + warm):.1f}×"
    )
