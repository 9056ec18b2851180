"""Carrier fit: does this vacant factory or parcel suit this project, how well, and why.

Rules, applied to every carrier the same way:

* **Availability.** Only a vacant carrier fits; reserved and occupied never do. A listing not
  verified within ``stale_after_days`` never fits either: it is still shown, with
  ``stale=True`` and 「信息过期，需核实」 in its reason, so it is never silently offered.
* **Area.** ``ratio = carrier area ÷ need``. Below 0.9 it is too small and does not fit;
  0.9–1 scores 0.8–1; 1–1.5 scores 1; beyond that the score falls (0.4 at 3×, then
  ``1.2 / ratio``): a far too big carrier still fits but is penalised
  (:func:`~chainmap.carriers.rules.area_score`).
* **Specs** (factories). Clear height, floor load and power must each meet the need when the
  need gives them; a spec the ledger leaves blank costs ×0.9 and says 「…未知，需核实」.
* **Land.** Land use must be industrial when stated; not 净地 costs ×0.8 (unknown ×0.9); a
  parcel available only from a later date costs ×0.9 and says from when.
* **Industry direction.** The carrier's 产业方向 against the project's terms (segment name,
  keywords, chain name): match 1.0, open or unstated 0.6, different 0.3
  (:func:`~chainmap.carriers.rules.industry_match`). A different direction lowers the score
  but does not bar the fit.
* **Kind.** A project that suits land but fits a factory (or the reverse) costs ×0.85.

``score = (0.6·area + 0.4·industry) × penalties`` for a fitting carrier, 0 otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from chainmap.carriers.models import (
    CARRIER_KIND_LABELS,
    CARRIER_STATUS_LABELS,
    Blocker,
    CarrierFit,
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
    FIT_AREA_WEIGHT,
    FIT_INDUSTRY_WEIGHT,
    INDUSTRIAL_LAND_MARKERS,
    KIND_MISMATCH_PENALTY,
    LATER_AVAILABLE_PENALTY,
    NOT_SITE_READY_PENALTY,
    SPECS,
    UNKNOWN_SITE_READY_PENALTY,
    UNKNOWN_SPEC_PENALTY,
    area_phrase,
    area_score1,
    factory_header,
    industry_match,
    land_header,
    norm,
)
from chainmap.io.units import MU_M2


class _Assessment:
    """Blockers, penalties and phrases collected while judging one carrier."""

    def __init__(self) -> None:
        self.blockers: list[Blocker] = []
        self.parts: list[str] = []
        self.factor = 1.0

    def block(self, blocker: Blocker, phrase: str) -> None:
        self.blockers.append(blocker)
        self.parts.append(phrase)


def _availability(
    a: _Assessment, carrier: Factory | LandParcel, today: date, stale_after_days: int
) -> bool:
    stale = is_stale(carrier, today=today, stale_after_days=stale_after_days)
    if stale:
        a.block(Blocker.stale, stale_note(carrier, stale_after_days=stale_after_days))
    if carrier.status is not CarrierStatus.vacant:
        a.block(Blocker.status, f"状态为{CARRIER_STATUS_LABELS[carrier.status]}，不可供")
    return stale


def _finish(
    a: _Assessment,
    carrier: Factory | LandParcel,
    header: str,
    area: float,
    industry: float,
    stale: bool,
) -> CarrierFit:
    fits = not a.blockers
    score = (FIT_AREA_WEIGHT * area + FIT_INDUSTRY_WEIGHT * industry) * a.factor if fits else 0.0
    return CarrierFit(
        carrier_kind=carrier.kind,
        carrier_id=carrier.id,
        score=round(min(max(score, 0.0), 1.0), 6),
        reason=f"{header}：{'；'.join(a.parts)}",
        fits=fits,
        label=carrier.label,
        stale=stale,
        blockers=tuple(a.blockers),
    )


def factory_fit(
    need: SpaceNeed,
    factory: Factory,
    *,
    today: date,
    stale_after_days: int,
    industry_keywords: Sequence[str],
) -> CarrierFit:
    """How well ``factory`` suits ``need`` (rules in the module docstring).

    >>> need = SpaceNeed("factory", factory_m2=8000, clear_height_m=9, estimated=True)
    >>> f = Factory(7, "高新区", "3号楼", 9000, clear_height_m=10,
    ...             industry_direction="新能源", last_verified_on=date(2026, 5, 1))
    >>> fit = factory_fit(need, f, today=date(2026, 6, 1), stale_after_days=90,
    ...                   industry_keywords=["新能源汽车"])
    >>> fit.fits, fit.score
    (True, 1.0)
    >>> print(fit.reason.replace("；", "\\n"))
    高新区 3号楼（9,000㎡，层高10m）：面积满足需求约8,000㎡（估算）
    层高满足
    产业方向「新能源」与本项目相符（新能源）
    """
    a = _Assessment()
    stale = _availability(a, factory, today, stale_after_days)
    area = 0.0
    if need.factory_m2 is None:  # a land-only project: specs and direction are beside the point
        a.block(Blocker.kind, "项目需供地建设，标准厂房不适用")
        return _finish(a, factory, factory_header(factory), 0.0, 0.0, stale)
    if need.factory_m2 <= 0:
        a.block(Blocker.area_unknown, "项目厂房面积需求不详")
    else:
        ratio = factory.area_m2 / need.factory_m2
        phrase = area_phrase(factory.area_m2, need.factory_m2, "㎡", estimated=need.estimated)
        if ratio < AREA_MIN_RATIO:
            a.block(Blocker.area_small, phrase)
        else:
            area = area_score1(ratio)
            a.parts.append(phrase)
    met: list[str] = []
    for attr, name, unit, blocker in SPECS:
        wanted: float | None = getattr(need, attr)
        have: float | None = getattr(factory, attr)
        if wanted is None:
            continue
        if have is None:
            a.factor *= UNKNOWN_SPEC_PENALTY
            a.parts.append(f"{name}未知，需核实（需求{fmt_number(wanted)}{unit}）")
        elif have < wanted:
            a.block(blocker, f"{name}{fmt_number(have)}{unit}低于需求{fmt_number(wanted)}{unit}")
        else:
            met.append(name)
    if met:
        a.parts.append(f"{'、'.join(met)}满足")
    industry, phrase = industry_match(factory.industry_direction, industry_keywords)
    a.parts.append(phrase)
    if need.kind == "land" and need.factory_m2 is not None:
        a.factor *= KIND_MISMATCH_PENALTY
        a.parts.append("项目规模较大，宜供地自建")
    return _finish(a, factory, factory_header(factory), area, industry, stale)


def land_fit(
    need: SpaceNeed,
    parcel: LandParcel,
    *,
    today: date,
    stale_after_days: int,
    industry_keywords: Sequence[str],
) -> CarrierFit:
    """How well ``parcel`` suits ``need`` (rules in the module docstring).

    >>> need = SpaceNeed("land", land_mu=100, estimated=True)
    >>> p = LandParcel(3, "GX-2026-07", "高新区", 120, site_ready=True,
    ...                land_use="工业用地", last_verified_on=date(2026, 5, 1))
    >>> fit = land_fit(need, p, today=date(2026, 6, 1), stale_after_days=90,
    ...                industry_keywords=["正极材料"])
    >>> fit.fits, fit.score
    (True, 0.84)
    >>> print(fit.reason.replace("；", "\\n"))
    高新区 GX-2026-07地块（120亩，净地）：面积满足需求约100亩（估算）
    净地，可即交地
    未限定产业方向
    """
    a = _Assessment()
    stale = _availability(a, parcel, today, stale_after_days)
    need_mu = need.land_mu
    if need_mu is None and need.factory_m2 is not None:
        need_mu = need.factory_m2 / (MU_M2 * PLOT_RATIO)
    area = 0.0
    if need_mu is None or need_mu <= 0:
        a.block(Blocker.area_unknown, "项目用地需求不详")
    else:
        ratio = parcel.area_mu / need_mu
        phrase = area_phrase(parcel.area_mu, need_mu, "亩", estimated=need.estimated)
        if ratio < AREA_MIN_RATIO:
            a.block(Blocker.area_small, phrase)
        else:
            area = area_score1(ratio)
            a.parts.append(phrase)
    if parcel.land_use and not any(m in norm(parcel.land_use) for m in INDUSTRIAL_LAND_MARKERS):
        a.block(Blocker.land_use, f"用地性质为「{parcel.land_use}」，非工业用地")
    if parcel.site_ready is None:
        a.factor *= UNKNOWN_SITE_READY_PENALTY
        a.parts.append("是否净地未登记，需核实")
    elif parcel.site_ready:
        a.parts.append("净地，可即交地")
    else:
        a.factor *= NOT_SITE_READY_PENALTY
        a.parts.append("非净地，需完成征拆、场平后交地")
    if parcel.available_from is not None and parcel.available_from > today:
        a.factor *= LATER_AVAILABLE_PENALTY
        a.parts.append(f"{parcel.available_from.isoformat()}起可供")
    industry, phrase = industry_match(parcel.industry_direction, industry_keywords)
    a.parts.append(phrase)
    if need.kind == "factory":
        a.factor *= KIND_MISMATCH_PENALTY
        a.parts.append("项目规模适合租用标准厂房，供地为备选")
    return _finish(a, parcel, land_header(parcel), area, industry, stale)


def carrier_fits(
    need: SpaceNeed,
    factories: Sequence[Factory],
    parcels: Sequence[LandParcel],
    *,
    today: date,
    stale_after_days: int,
    industry_keywords: Sequence[str],
) -> list[CarrierFit]:
    """Every carrier judged: fitting ones first by score, the kind the need prefers first on a
    tie, then the rest (stale, taken, too small …) by kind and id. Deterministic."""
    fits = [
        factory_fit(
            need,
            f,
            today=today,
            stale_after_days=stale_after_days,
            industry_keywords=industry_keywords,
        )
        for f in factories
    ]
    fits += [
        land_fit(
            need,
            p,
            today=today,
            stale_after_days=stale_after_days,
            industry_keywords=industry_keywords,
        )
        for p in parcels
    ]
    fits.sort(
        key=lambda c: (
            not c.fits,
            -c.score,
            c.carrier_kind != need.kind,
            c.carrier_kind,
            c.carrier_id,
        )
    )
    return fits


def best_carrier(
    need: SpaceNeed,
    factories: Sequence[Factory],
    parcels: Sequence[LandParcel],
    *,
    today: date,
    stale_after_days: int,
    industry_keywords: Sequence[str],
) -> CarrierFit | None:
    """The best-fitting vacant, verified carrier, or None (see :func:`no_fit_reason`)."""
    ranked = carrier_fits(
        need,
        factories,
        parcels,
        today=today,
        stale_after_days=stale_after_days,
        industry_keywords=industry_keywords,
    )
    return ranked[0] if ranked and ranked[0].fits else None


def need_summary(need: SpaceNeed) -> str:
    """「厂房约 8,000㎡（估算），层高≥9m」: the need in one phrase."""
    if need.kind == "land" and need.land_mu is not None:
        text = f"用地约{fmt_number(need.land_mu)}亩"
    elif need.factory_m2 is not None:
        text = f"厂房约{fmt_number(need.factory_m2)}㎡"
    else:
        text = "面积不详"
    specs = [
        f"{name}≥{fmt_number(getattr(need, attr))}{unit}"
        for attr, name, unit, _ in SPECS
        if getattr(need, attr) is not None
    ]
    return (
        text + ("（估算）" if need.estimated else "") + ("，" + "，".join(specs) if specs else "")
    )


_BLOCKER_PHRASES: dict[Blocker, str] = {
    Blocker.status: "已预订或已占用",
    Blocker.stale: "信息过期需核实",
    Blocker.kind: "为标准厂房而项目需供地",
    Blocker.area_small: "面积不足",
    Blocker.area_unknown: "无法比较面积",
    Blocker.clear_height: "层高不够",
    Blocker.floor_load: "承重不够",
    Blocker.power: "配电不足",
    Blocker.land_use: "非工业用地",
}


def no_fit_reason(need: SpaceNeed, fits: Sequence[CarrierFit]) -> str:
    """Why no carrier fits, counted by cause, naming listings that only need verifying.

    >>> no_fit_reason(SpaceNeed("factory", factory_m2=5000), [])
    '无合适载体（厂房约5,000㎡）：暂无在库的厂房或地块'
    """
    head = f"无合适载体（{need_summary(need)}）"
    if not fits:
        return f"{head}：暂无在库的厂房或地块"
    counts: dict[Blocker, int] = {}
    for fit in fits:
        for b in fit.blockers:
            counts[b] = counts.get(b, 0) + 1
    parts = [f"{n} 处{_BLOCKER_PHRASES[b]}" for b in Blocker if (n := counts.get(b, 0))]
    text = f"{head}：在库{len(fits)}处载体中，" + "，".join(parts)
    only_stale = [f.label for f in fits if f.blockers == (Blocker.stale,)]
    if only_stale:
        more = "等" if len(only_stale) > 3 else ""
        text += f"；{'、'.join(only_stale[:3])}{more}核实后或可满足"
    return text


class CarrierComponent(NamedTuple):
    """The target list's carrier term: value in [0, 1], reason, and the carrier it names."""

    value: float
    reason: str
    best: CarrierFit | None


def carrier_component(
    need: SpaceNeed,
    factories: Sequence[Factory],
    parcels: Sequence[LandParcel],
    *,
    today: date,
    stale_after_days: int,
    industry_keywords: Sequence[str],
) -> CarrierComponent:
    """The carrier-fit component for one target: the best carrier and why, or why none fits;
    the need's basis is appended, so an estimate always says it is one."""
    ranked = carrier_fits(
        need,
        factories,
        parcels,
        today=today,
        stale_after_days=stale_after_days,
        industry_keywords=industry_keywords,
    )
    basis = need.basis or ("估算需求" if need.estimated else "企业申报需求")
    if ranked and ranked[0].fits:
        best = ranked[0]
        kind = CARRIER_KIND_LABELS[best.carrier_kind]
        return CarrierComponent(best.score, f"最合适{kind}：{best.reason}。{basis}", best)
    return CarrierComponent(0.0, f"{no_fit_reason(need, ranked)}。{basis}", None)
