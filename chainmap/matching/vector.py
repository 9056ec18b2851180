"""Vectorised ranking: every candidate against every gap at once, explanations for one page.

:func:`build_matrix` turns a chain's candidates into a :class:`CandidateMatrix` — numpy arrays
of the per-enterprise terms (strength, region, referral, penalty, filter fields) and, for every
(candidate, segment) assignment, the segment fit; the carrier term is a small table by segment
and size band (the space need depends on nothing else). The matrix is built once per chain and
data version and cached by the caller.

:func:`rank` scores all pairs with the weighted sum of :mod:`chainmap.matching.components`
(same operations in the same order, so the numbers equal the scalar definition exactly), packs
``(score desc, segment id, enterprise id)`` into one int64 key per pair, keeps each candidate's
best pair with ``minimum.reduceat`` and orders candidates by that key (``argpartition`` for a
page, ``argsort`` for the full list). :func:`explain` writes the components and reasons of the
rows actually returned.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from chainmap.carriers import CarrierComponent, carrier_component, estimate_need
from chainmap.carriers.need import EMPLOYEE_BANDS, REVENUE_BANDS_WAN, size_factor
from chainmap.domain import STATUS_LABELS, Assignment, Chain, Component, Enterprise, Gap, Target
from chainmap.matching import components as C
from chainmap.matching.referral import Referrer, referral_value, referrers_by_candidate
from chainmap.strength import candidate_strength_value, enterprise_strength

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

FACTORS: tuple[float, ...] = (0.25, 0.5, 1.0, 1.5, 2.0)
"""Size factors of :func:`chainmap.carriers.need.size_factor`, one carrier column each."""
_REPRESENTATIVE_REVENUE = {0.25: 1_000.0, 0.5: 10_000.0, 1.0: 100_000.0, 1.5: 500_000.0, 2.0: 2e6}

# Key layout: [score 22 bits, inverted][segment rank 7 bits][candidate index 34 bits].
_CAND_BITS = 34
_SEG_BITS = 7
_SCORE_OFFSET = 1 << 21
MAX_KEY = np.iinfo(np.int64).max


@dataclass(frozen=True, slots=True)
class TargetFilter:
    """Which targets to list. ``region`` is a priority-region name (长三角), a province or a
    city; ``tags`` match any; ``min_revenue_wan`` drops unknown revenue too."""

    segment_id: str | None = None
    region: str | None = None
    tags: tuple[str, ...] = ()
    min_revenue_wan: float | None = None
    listed_only: bool = False
    exclude_leads: bool = False


@dataclass(frozen=True, eq=False)
class CandidateMatrix:
    """One chain's candidates as arrays (index = position in ``enterprises``, sorted by id)."""

    chain: Chain
    context: C.MatchContext
    enterprises: tuple[Enterprise, ...]
    ids: IntArray
    strength: FloatArray
    region: FloatArray
    referral: FloatArray
    penalty: FloatArray
    factor_idx: npt.NDArray[np.int8]
    listed: BoolArray
    revenue: FloatArray
    tag_bits: IntArray
    tag_vocab: dict[str, int]
    region_bits: IntArray
    province_idx: npt.NDArray[np.int32]
    city_idx: npt.NDArray[np.int32]
    place_vocab: dict[str, int]
    lead: BoolArray
    pair_cand: npt.NDArray[np.int32]
    pair_seg: npt.NDArray[np.int16]
    pair_fit: FloatArray
    pair_assign: tuple[Assignment, ...]
    starts: IntArray
    carrier_table: FloatArray
    seg_rank: IntArray
    referrers: dict[int, list[Referrer]] = field(default_factory=dict)
    carrier_memo: dict[tuple[object, ...], CarrierComponent] = field(default_factory=dict)
    """Carrier judgements by need, filled while explaining rows (see components.carrier_fit)."""

    def __len__(self) -> int:
        return len(self.enterprises)

    @property
    def nbytes(self) -> int:
        return sum(v.nbytes for v in vars(self).values() if isinstance(v, np.ndarray))


def _size_factor_index(enterprises: Sequence[Enterprise]) -> npt.NDArray[np.int8]:
    """Vectorised :func:`size_factor` (the higher of the revenue and employee bands)."""

    def band(values: FloatArray, bands: tuple[tuple[float, float, str], ...]) -> FloatArray:
        uppers = np.array([b[0] for b in bands])
        factors = np.array([b[1] for b in bands])
        idx = np.minimum(np.searchsorted(uppers, values, side="right"), len(bands) - 1)
        return np.where(np.isnan(values) | (values < 0), np.nan, factors[idx])

    rev = np.array([np.nan if e.revenue_wan is None else e.revenue_wan for e in enterprises])
    emp = np.array([np.nan if e.employees is None else float(e.employees) for e in enterprises])
    f = np.fmax(band(rev, REVENUE_BANDS_WAN), band(emp, EMPLOYEE_BANDS))
    f = np.where(np.isnan(f), 1.0, f)
    return np.searchsorted(np.array(FACTORS), f).astype(np.int8)


def _carrier_table(chain: Chain, context: C.MatchContext) -> FloatArray:
    table = np.zeros((len(chain.segments), len(FACTORS)))
    if not context.factories and not context.parcels:
        return table
    if context.today is None:
        raise ValueError("context.today is required when carriers are given")
    for s, seg in enumerate(chain.segments):
        for j, factor in enumerate(FACTORS):
            revenue = _REPRESENTATIVE_REVENUE[factor]
            assert size_factor(revenue, None)[0] == factor
            need = estimate_need(
                segment_footprint=seg.footprint, revenue_wan=revenue, employees=None
            )
            table[s, j] = carrier_component(
                need,
                context.factories,
                context.parcels,
                today=context.today,
                stale_after_days=context.carrier_stale_after_days,
                industry_keywords=C.industry_keywords(chain, seg),
            ).value
    return table


def _restricted(enterprises: Sequence[Enterprise], restricted: Sequence[str]) -> BoolArray:
    """Vectorised :func:`components.restricted_hit` is not None: code prefixes by unique code,
    names with one rapidfuzz ``cdist`` over the unique name-and-product texts."""
    hit = np.zeros(len(enterprises), dtype=bool)
    codes = tuple(t for t in restricted if C.is_code_term(t))
    names = [t for t in restricted if not C.is_code_term(t)]
    if codes:
        by_code: dict[str, bool] = {}
        for e in enterprises:
            code = e.industry_code or ""
            if code not in by_code:
                by_code[code] = code.startswith(codes)
        hit |= np.array([by_code[e.industry_code or ""] for e in enterprises], dtype=bool)
    if names:
        texts = [C.restricted_text(e) for e in enterprises]
        uniq: dict[str, int] = {}
        inverse = np.array([uniq.setdefault(t, len(uniq)) for t in texts], dtype=np.int64)
        scores = process.cdist(
            names,
            list(uniq),
            scorer=fuzz.partial_ratio,
            score_cutoff=C.RESTRICTED_FUZZ_CUTOFF,
            workers=-1,
        )
        named = np.asarray(np.asarray(scores >= C.RESTRICTED_FUZZ_CUTOFF).any(axis=0), dtype=bool)
        hit |= named[inverse]
    return hit


def build_matrix(
    *,
    chain: Chain,
    candidates: Sequence[Enterprise],
    assignments: Sequence[Assignment],
    context: C.MatchContext,
    min_confidence: float = 0.3,
) -> CandidateMatrix:
    """Arrays for every candidate with at least one assignment in the chain (once per chain)."""
    seg_index = {s.id: i for i, s in enumerate(chain.segments)}
    order = sorted(range(len(chain.segments)), key=lambda i: chain.segments[i].id)
    seg_rank = np.empty(len(chain.segments), dtype=np.int64)
    seg_rank[order] = np.arange(len(order))
    by_ent: dict[int, list[Assignment]] = {}
    for a in assignments:
        if a.chain_id == chain.id and a.segment_id in seg_index and a.confidence >= min_confidence:
            by_ent.setdefault(a.enterprise_id, []).append(a)
    ents = sorted((e for e in candidates if e.id in by_ent), key=lambda e: e.id)
    pair_assign: list[Assignment] = []
    starts: list[int] = []
    for e in ents:
        starts.append(len(pair_assign))
        pair_assign.extend(sorted(by_ent[e.id], key=lambda a: a.segment_id))
    counts: IntArray = np.diff(np.array([*starts, len(pair_assign)], dtype=np.int64)).astype(
        np.int64
    )
    pair_cand = np.repeat(np.arange(len(ents), dtype=np.int32), counts)
    pair_seg = np.array([seg_index[a.segment_id] for a in pair_assign], dtype=np.int16)
    pair_fit = np.array([a.confidence for a in pair_assign], dtype=np.float64)

    region_cache: dict[tuple[str | None, str | None], float] = {}
    for e in ents:
        if (e.province, e.city) not in region_cache:
            region_cache[(e.province, e.city)] = C.region_value(
                e.province, e.city, regions=context.regions, home_province=context.home_province
            )
    region_vals = [region_cache[(e.province, e.city)] for e in ents]
    region_bit: dict[tuple[str | None, str | None], int] = {}
    for k in region_cache:
        region_bit[k] = sum(1 << i for i, r in enumerate(context.regions) if r.contains(*k))

    energy = np.array([C.energy_penalty(e.energy_intensity, context.energy_cap) for e in ents])
    restricted = np.where(_restricted(ents, context.restricted), C.RESTRICTED_PENALTY, 0.0)
    lead = np.array([e.id in context.leads for e in ents], dtype=bool)
    lead_pen = np.where(lead, C.LEAD_PENALTY, 0.0)
    penalty = 1.0 - (1.0 - energy) * (1.0 - restricted) * (1.0 - lead_pen)

    ids_set = {e.id for e in ents}
    referrers = referrers_by_candidate(
        context.relations, local_names=context.local_names, candidate_ids=ids_set
    )
    referral = np.array(
        [referral_value(len({r.enterprise_id for r in referrers.get(e.id, ())})) for e in ents]
    )

    tag_vocab: dict[str, int] = {}
    for e in ents:
        for t in e.tags:
            if t not in tag_vocab and len(tag_vocab) < 62:
                tag_vocab[t] = len(tag_vocab)
    place_vocab: dict[str, int] = {}

    def place(name: str | None) -> int:
        return -1 if name is None else place_vocab.setdefault(name, len(place_vocab))

    def n(values: Any, dtype: Any = np.float64) -> Any:
        return np.array(values, dtype=dtype).reshape(len(ents))

    return CandidateMatrix(
        chain=chain,
        context=context,
        enterprises=tuple(ents),
        ids=n([e.id for e in ents], np.int64),
        strength=n([candidate_strength_value(e) for e in ents]),
        region=n(region_vals),
        referral=n(referral),
        penalty=n(penalty),
        factor_idx=_size_factor_index(ents) if ents else np.zeros(0, dtype=np.int8),
        listed=n([e.listed for e in ents], bool),
        revenue=n([np.nan if e.revenue_wan is None else e.revenue_wan for e in ents]),
        tag_bits=n(
            [sum(1 << tag_vocab[t] for t in set(e.tags) if t in tag_vocab) for e in ents],
            np.int64,
        ),
        tag_vocab=tag_vocab,
        region_bits=n([region_bit[(e.province, e.city)] for e in ents], np.int64),
        province_idx=n([place(e.province) for e in ents], np.int32),
        city_idx=n([place(e.city) for e in ents], np.int32),
        place_vocab=place_vocab,
        lead=n(lead, bool),
        pair_cand=pair_cand,
        pair_seg=pair_seg,
        pair_fit=pair_fit,
        pair_assign=tuple(pair_assign),
        starts=np.array(starts, dtype=np.int64),
        carrier_table=_carrier_table(chain, context),
        seg_rank=seg_rank,
        referrers=referrers,
    )


@dataclass(frozen=True, eq=False)
class Ranking:
    """The outcome of :func:`rank`: each listed candidate's best pair key, and all pair keys."""

    matrix: CandidateMatrix
    gaps: dict[str, Gap]
    weights: dict[str, float]
    best_key: IntArray
    """Per candidate, its best pair's key (``MAX_KEY`` when not listed)."""
    pair_key: IntArray
    total: int

    def order(self, k: int | None = None) -> IntArray:
        """Candidate indices best first: all of them, or the first ``k`` only (cheaper)."""
        listed = np.flatnonzero(self.best_key != MAX_KEY)
        keys = self.best_key[listed]
        if k is not None and k < len(listed):
            part = np.argpartition(keys, k)[:k]
            return listed[part[np.argsort(keys[part])]]
        return listed[np.argsort(keys)]

    def units(self, cands: IntArray) -> IntArray:
        """Scores in millionths (:data:`components.SCORE_SCALE`) of listed candidates."""
        out: IntArray = _SCORE_OFFSET - (self.best_key[cands] >> (_CAND_BITS + _SEG_BITS))
        return out

    def score_of(self, cand: int) -> float:
        s_units = _SCORE_OFFSET - (int(self.best_key[cand]) >> (_CAND_BITS + _SEG_BITS))
        return s_units / C.SCORE_SCALE

    def pairs_of(self, cand: int) -> list[int]:
        """The candidate's listed pairs, best first."""
        lo = int(self.matrix.starts[cand])
        hi = (
            int(self.matrix.starts[cand + 1])
            if cand + 1 < len(self.matrix)
            else len(self.matrix.pair_assign)
        )
        ok = [p for p in range(lo, hi) if self.pair_key[p] != MAX_KEY]
        return sorted(ok, key=lambda p: int(self.pair_key[p]))


def candidate_mask(matrix: CandidateMatrix, filters: TargetFilter) -> BoolArray:
    mask = np.ones(len(matrix), dtype=bool)
    if filters.listed_only:
        mask &= matrix.listed
    if filters.exclude_leads:
        mask &= ~matrix.lead
    if filters.min_revenue_wan is not None:
        mask &= np.nan_to_num(matrix.revenue, nan=-np.inf) >= filters.min_revenue_wan
    if filters.tags:
        bits = sum(1 << matrix.tag_vocab[t] for t in set(filters.tags) if t in matrix.tag_vocab)
        mask &= (matrix.tag_bits & bits) != 0
    if filters.region is not None:
        names = [r.name for r in matrix.context.regions]
        if filters.region in names:
            mask &= (matrix.region_bits & (1 << names.index(filters.region))) != 0
        else:
            idx = matrix.place_vocab.get(filters.region, -2)
            mask &= (matrix.province_idx == idx) | (matrix.city_idx == idx)
    return mask


def rank(
    matrix: CandidateMatrix,
    *,
    gaps: Sequence[Gap],
    weights: Mapping[str, float],
    filters: TargetFilter = TargetFilter(),
    canonical: Mapping[int, int] | None = None,
) -> Ranking:
    """Score every (candidate, gap) pair and keep each candidate's best (see module docstring).

    ``canonical`` maps the records of a duplicate cluster to one id: only the best-ranked
    record of a cluster is listed.
    """
    w = dict(weights)
    gap_by_seg = {g.segment_id: g for g in gaps}
    n_seg = len(matrix.chain.segments)
    prio = np.zeros(n_seg)
    active = np.zeros(n_seg, dtype=bool)
    for i, seg in enumerate(matrix.chain.segments):
        g = gap_by_seg.get(seg.id)
        if g is not None and (filters.segment_id is None or seg.id == filters.segment_id):
            prio[i], active[i] = g.priority, True
    n_pairs = len(matrix.pair_assign)
    if n_pairs == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Ranking(matrix, gap_by_seg, w, empty, empty, 0)

    pc, ps = matrix.pair_cand, matrix.pair_seg
    cand_part = (
        w["strength"] * matrix.strength
        + w["region"] * matrix.region
        + w["referral"] * matrix.referral
    ) - w["penalty"] * matrix.penalty
    carrier = matrix.carrier_table[ps, matrix.factor_idx[pc]]
    pair_part = (
        w["segment_fit"] * matrix.pair_fit
        + w["gap_priority"] * prio[ps]
        + w["carrier_fit"] * carrier
    )
    units = np.rint((pair_part + cand_part[pc]) * C.SCORE_SCALE).astype(np.int64)
    key = (
        ((_SCORE_OFFSET - units) << (_CAND_BITS + _SEG_BITS))
        | (matrix.seg_rank[ps] << _CAND_BITS)
        | pc.astype(np.int64)
    )
    ok = active[ps] & candidate_mask(matrix, filters)[pc]
    key = np.where(ok, key, MAX_KEY)
    best = np.minimum.reduceat(key, matrix.starts)
    if canonical:
        best = _collapse(matrix, best, canonical)
    return Ranking(matrix, gap_by_seg, w, best, key, int(np.count_nonzero(best != MAX_KEY)))


def _collapse(matrix: CandidateMatrix, best: IntArray, canonical: Mapping[int, int]) -> IntArray:
    members = np.flatnonzero(np.isin(matrix.ids, np.fromiter(canonical, dtype=np.int64)))
    keep: dict[int, int] = {}
    for i in members.tolist():
        if best[i] == MAX_KEY:
            continue
        cluster = canonical[int(matrix.ids[i])]
        j = keep.get(cluster)
        if j is None or best[i] < best[j]:
            keep[cluster] = i
    out = best.copy()
    drop = [
        i
        for i in members.tolist()
        if best[i] != MAX_KEY and keep.get(canonical[int(matrix.ids[i])]) != i
    ]
    out[drop] = MAX_KEY
    return out


def explain(ranking: Ranking, cand: int) -> Target:
    """One row with every component and its reason (scalar definitions), and the score."""
    m = ranking.matrix
    ctx = m.context
    pairs = ranking.pairs_of(cand)
    best = m.pair_assign[pairs[0]]
    ent = m.enterprises[cand]
    chain = m.chain
    seg = chain.segment(best.segment_id)
    gap = ranking.gaps[best.segment_id]
    w = ranking.weights
    carrier, carrier_best = C.carrier_fit(
        ent,
        chain=chain,
        segment=seg,
        factories=ctx.factories,
        parcels=ctx.parcels,
        today=ctx.today,
        stale_after_days=ctx.carrier_stale_after_days,
        memo=m.carrier_memo,
    )
    referrers = m.referrers.get(ent.id, [])
    parts = {
        "segment_fit": C.segment_fit(best),
        "gap_priority": C.gap_priority(gap, seg),
        "strength": C.strength(ent),
        "region": C.region(ent, regions=ctx.regions, home_province=ctx.home_province),
        "carrier_fit": carrier,
        "referral": C.referral(referrers),
        "penalty": C.penalty(
            ent, energy_cap=ctx.energy_cap, restricted=ctx.restricted, lead=ctx.leads.get(ent.id)
        ),
    }
    comps = tuple(
        Component(name, round(parts[name].value, 6), w[name], parts[name].reason)
        for name in C.COMPONENT_NAMES
    )
    status_label = STATUS_LABELS[gap.status]
    verb = "补链" if gap.status.value == "missing" else "强链"
    reason = [f"可{verb}「{seg.name}」（{status_label}）", parts["segment_fit"].reason]
    reason.append(enterprise_strength(ent)[1])
    if carrier_best is not None:
        reason.append(f"可落{carrier_best.label}")
    if referrers:
        names = "、".join(dict.fromkeys(r.name for r in referrers))
        reason.append(f"可经{names}以商招商")
    if parts["penalty"].value > 0:
        reason.append(parts["penalty"].reason)
    return Target(
        enterprise=ent,
        segment_id=best.segment_id,
        score=ranking.score_of(cand),
        components=comps,
        reason="；".join(reason),
        also_fills=tuple(m.pair_assign[p].segment_id for p in pairs[1:]),
        carrier_kind=carrier_best.carrier_kind if carrier_best else None,
        carrier_id=carrier_best.carrier_id if carrier_best else None,
        carrier_label=carrier_best.label if carrier_best else None,
        referrers=tuple((r.enterprise_id, r.name, r.path) for r in referrers),
    )


def page(ranking: Ranking, *, offset: int, limit: int) -> list[Target]:
    """Rows ``offset … offset + limit`` explained, best first."""
    top = ranking.order(offset + limit)
    return [explain(ranking, int(i)) for i in top[offset : offset + limit]]
