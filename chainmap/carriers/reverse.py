"""Reverse matching: for one empty factory or parcel, the candidates (enterprises, open leads)
that fit it best, each with its reason. Scored with numpy over all candidates at once, so a
million candidates take a few tens of milliseconds; reasons are written for the top k only.

For a factory of area ``A`` and a candidate needing ``n`` ㎡, a candidate qualifies when
``A / n ≥ 0.9`` and every spec the candidate states (height, load, power) is met by a spec the
factory states. Qualifying candidates score

    ``(0.4·area + 0.25·industry + 0.2·fills_gap + 0.15·strength) × unknown_spec × kind``

with ``area`` from :func:`~chainmap.carriers.rules.area_score`, ``industry`` the factory's
产业方向 against the candidate's segment (1 / 0.6 / 0.3, :func:`~chainmap.carriers.rules.
industry_match`), ``fills_gap`` 1 or 0, ``strength`` in [0, 1], ``unknown_spec`` ×0.9 for
each spec the candidate states but the factory leaves blank (height, then load, then power),
and ``kind`` ×0.85 for a candidate better suited to land. Parcels: the same with 亩, no specs,
and ``kind`` ×0.85 for a candidate better suited to a factory. Ties: lower index first.

A stale, reserved or occupied carrier is still ranked (the bureau may plan ahead), but every
reason then starts with a 【…】 note saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from chainmap.carriers.models import (
    CARRIER_STATUS_LABELS,
    CarrierStatus,
    Factory,
    LandParcel,
    SpaceNeed,
    fmt_number,
    is_stale,
    stale_note,
)
from chainmap.carriers.need import PLOT_RATIO
from chainmap.carriers.rules import (
    AREA_MIN_RATIO,
    KIND_MISMATCH_PENALTY,
    UNKNOWN_SPEC_PENALTY,
    area_phrase,
    area_score,
    factory_header,
    industry_match,
    land_header,
)
from chainmap.io.units import MU_M2

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

REVERSE_WEIGHTS: dict[str, float] = {"area": 0.4, "industry": 0.25, "gap": 0.2, "strength": 0.15}


@dataclass(frozen=True, slots=True)
class CandidateArrays:
    """N candidates as parallel arrays. NaN means "not stated" for a spec and "no need of this
    kind" for an area (a land-only project has NaN ``need_m2``). ``segment`` holds integer
    codes indexing the caller's ``segment_names`` / ``segment_keywords``."""

    need_m2: FloatArray
    need_mu: FloatArray
    need_height: FloatArray
    need_load: FloatArray
    need_power: FloatArray
    segment: IntArray
    fills_gap: BoolArray
    strength: FloatArray
    estimated: BoolArray
    prefers_land: BoolArray

    def __post_init__(self) -> None:
        n = len(self.need_m2)
        for name in self.__slots__:
            array = getattr(self, name)
            if array.ndim != 1 or len(array) != n:
                raise ValueError(f"CandidateArrays.{name} must be 1-D with {n} entries")

    def __len__(self) -> int:
        return len(self.need_m2)


def _floats(values: Sequence[float | None]) -> FloatArray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


def candidate_arrays(
    needs: Sequence[SpaceNeed],
    segment_ids: Sequence[int],
    fills_gap: Sequence[bool],
    strengths: Sequence[float],
) -> CandidateArrays:
    """Arrays from per-candidate needs (from :func:`~chainmap.carriers.estimate_need`) and
    facts. A factory need with no land area gets one at the plot ratio; strength is clipped
    to [0, 1]."""
    if not len(needs) == len(segment_ids) == len(fills_gap) == len(strengths):
        raise ValueError("needs, segment_ids, fills_gap and strengths differ in length")
    need_mu = [
        n.land_mu
        if n.land_mu is not None or n.factory_m2 is None
        else n.factory_m2 / (MU_M2 * PLOT_RATIO)
        for n in needs
    ]
    return CandidateArrays(
        need_m2=_floats([n.factory_m2 for n in needs]),
        need_mu=_floats(need_mu),
        need_height=_floats([n.clear_height_m for n in needs]),
        need_load=_floats([n.floor_load_kn_m2 for n in needs]),
        need_power=_floats([n.power_kva for n in needs]),
        segment=np.asarray(segment_ids, dtype=np.int64),
        fills_gap=np.asarray(fills_gap, dtype=np.bool_),
        strength=np.clip(np.asarray(strengths, dtype=np.float64), 0.0, 1.0),
        estimated=np.array([n.estimated for n in needs], dtype=np.bool_),
        prefers_land=np.array([n.kind == "land" for n in needs], dtype=np.bool_),
    )


class CandidateMatch(NamedTuple):
    """One ranked candidate: its index in the arrays, its score and why."""

    candidate: int
    score: float
    reason: str


def _segment_factors(
    direction: str, segment_keywords: Sequence[Sequence[str]], candidates: CandidateArrays
) -> tuple[FloatArray, list[str]]:
    if len(candidates) and (
        candidates.segment.min() < 0 or candidates.segment.max() >= len(segment_keywords)
    ):
        raise ValueError("a candidate's segment code has no entry in segment_keywords")
    matched = [industry_match(direction, kws) for kws in segment_keywords]
    return np.array([m[0] for m in matched], dtype=np.float64), [m[1] for m in matched]


def _combine(
    area: FloatArray, industry: FloatArray, candidates: CandidateArrays, penalty: FloatArray
) -> FloatArray:
    w = REVERSE_WEIGHTS
    base = (
        w["area"] * area
        + w["industry"] * industry
        + w["gap"] * candidates.fills_gap.astype(np.float64)
        + w["strength"] * candidates.strength
    )
    out: FloatArray = base * penalty
    return out


def top_k(score: FloatArray, ok: BoolArray, k: int) -> IntArray:
    """Indices of the ``k`` best qualifying scores, score descending then index ascending;
    exact at the boundary (ties at the k-th score go to the lower indices)."""
    idx = np.flatnonzero(ok)
    s = score[idx]
    if k <= 0 or idx.size == 0:
        return np.empty(0, dtype=np.int64)
    if idx.size > k:
        kth = np.partition(s, idx.size - k)[idx.size - k]
        above = np.flatnonzero(s > kth)
        tied = np.flatnonzero(s == kth)[: k - above.size]
        pick = np.concatenate([above, tied])
        idx, s = idx[pick], s[pick]
    order = np.lexsort((idx, -s))
    out: IntArray = idx[order].astype(np.int64)
    return out


def _note(carrier: Factory | LandParcel, today: date, stale_after_days: int) -> str:
    notes = []
    if carrier.status is not CarrierStatus.vacant:
        notes.append(f"该载体{CARRIER_STATUS_LABELS[carrier.status]}，目前不可供")
    if is_stale(carrier, today=today, stale_after_days=stale_after_days):
        notes.append(stale_note(carrier, stale_after_days=stale_after_days))
    return "".join(f"【{n}】" for n in notes)


def rank_candidates_for_factory(
    factory: Factory,
    candidates: CandidateArrays,
    *,
    segment_names: Sequence[str],
    segment_keywords: Sequence[Sequence[str]],
    today: date,
    stale_after_days: int,
    top: int = 20,
) -> list[CandidateMatch]:
    """The ``top`` candidates that fit ``factory`` best (rules in the module docstring).

    >>> from chainmap.carriers.models import SpaceNeed
    >>> needs = [SpaceNeed("factory", factory_m2=m, estimated=True) for m in (4000, 9000, 20000)]
    >>> c = candidate_arrays(needs, [0, 0, 1], [True, False, True], [0.5, 0.9, 0.9])
    >>> f = Factory(1, "高新区", "3号楼", 10_000, industry_direction="新能源",
    ...             last_verified_on=date(2026, 5, 1))
    >>> ranked = rank_candidates_for_factory(f, c, segment_names=["电芯", "隔膜"],
    ...     segment_keywords=[["电芯", "新能源汽车"], ["隔膜"]],
    ...     today=date(2026, 6, 1), stale_after_days=90)
    >>> [(m.candidate, round(m.score, 3)) for m in ranked]
    [(1, 0.785), (0, 0.765)]
    >>> ranked[0].reason
    '面积满足需求约9,000㎡（估算）；产业方向「新能源」与本项目相符（新能源）；所属环节「电芯」非缺环；企业实力0.90'
    """
    seg_factor, seg_phrase = _segment_factors(
        factory.industry_direction, segment_keywords, candidates
    )
    c = candidates
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = factory.area_m2 / c.need_m2
    ok: BoolArray = ratio >= AREA_MIN_RATIO
    penalty = np.ones(len(c), dtype=np.float64)
    specs = (
        (c.need_height, factory.clear_height_m),
        (c.need_load, factory.floor_load_kn_m2),
        (c.need_power, factory.power_kva),
    )
    for need, have in specs:
        if have is None:
            penalty = penalty * np.where(np.isnan(need), 1.0, UNKNOWN_SPEC_PENALTY)
        else:
            ok &= ~(need > have)
    penalty = penalty * np.where(c.prefers_land, KIND_MISMATCH_PENALTY, 1.0)
    score = _combine(area_score(ratio), seg_factor[c.segment], c, penalty)
    chosen = top_k(score, ok, top)
    note = _note(factory, today, stale_after_days)
    out: list[CandidateMatch] = []
    for i in chosen.tolist():
        parts = [
            area_phrase(factory.area_m2, float(c.need_m2[i]), "㎡", estimated=bool(c.estimated[i]))
        ]
        met: list[str] = []
        unknown: list[str] = []
        for name, unit, need, have in (
            ("层高", "m", c.need_height, factory.clear_height_m),
            ("承重", "kN/㎡", c.need_load, factory.floor_load_kn_m2),
            ("配电", "kVA", c.need_power, factory.power_kva),
        ):
            if np.isnan(need[i]):
                continue
            if have is None:
                unknown.append(f"{name}（需{fmt_number(float(need[i]))}{unit}）")
            else:
                met.append(name)
        if met:
            parts.append(f"{'、'.join(met)}满足")
        if unknown:
            parts.append(f"厂房{'、'.join(unknown)}未登记，需核实")
        parts += _common_parts(i, c, seg_phrase, segment_names)
        if c.prefers_land[i]:
            parts.append("其规模更宜供地")
        out.append(CandidateMatch(i, float(score[i]), note + "；".join(parts)))
    return out


def rank_candidates_for_parcel(
    parcel: LandParcel,
    candidates: CandidateArrays,
    *,
    segment_names: Sequence[str],
    segment_keywords: Sequence[Sequence[str]],
    today: date,
    stale_after_days: int,
    top: int = 20,
) -> list[CandidateMatch]:
    """The ``top`` candidates that fit ``parcel`` best (rules in the module docstring)."""
    seg_factor, seg_phrase = _segment_factors(
        parcel.industry_direction, segment_keywords, candidates
    )
    c = candidates
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = parcel.area_mu / c.need_mu
    ok: BoolArray = ratio >= AREA_MIN_RATIO
    penalty = np.where(c.prefers_land, 1.0, KIND_MISMATCH_PENALTY)
    score = _combine(area_score(ratio), seg_factor[c.segment], c, penalty)
    chosen = top_k(score, ok, top)
    note = _note(parcel, today, stale_after_days)
    out: list[CandidateMatch] = []
    for i in chosen.tolist():
        need_mu = float(c.need_mu[i])
        parts = [area_phrase(parcel.area_mu, need_mu, "亩", estimated=bool(c.estimated[i]))]
        parts += _common_parts(i, c, seg_phrase, segment_names)
        if not c.prefers_land[i]:
            parts.append("其规模更宜租用标准厂房")
        out.append(CandidateMatch(i, float(score[i]), note + "；".join(parts)))
    return out


def _common_parts(
    i: int, c: CandidateArrays, seg_phrase: Sequence[str], segment_names: Sequence[str]
) -> list[str]:
    seg = int(c.segment[i])
    name = segment_names[seg] if seg < len(segment_names) else str(seg)
    gap = f"可补「{name}」缺环" if c.fills_gap[i] else f"所属环节「{name}」非缺环"
    return [seg_phrase[seg], gap, f"企业实力{float(c.strength[i]):.2f}"]


def carrier_header(carrier: Factory | LandParcel) -> str:
    """The carrier named with its figures, to head a reverse-matching answer."""
    return factory_header(carrier) if isinstance(carrier, Factory) else land_header(carrier)
