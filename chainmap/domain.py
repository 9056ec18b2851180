"""Core domain types: frozen dataclasses shared by every part of chainmap.

These types carry no persistence or HTTP concerns. The store maps ORM rows to them,
the API maps them to response schemas, and the pure functions in ``chains``,
``gaps`` and ``matching`` work on nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from chainmap.errors import SegmentNotFound


class Stage(StrEnum):
    """Where a segment sits in its chain (上游 / 中游 / 下游 / 配套)."""

    upstream = "upstream"
    midstream = "midstream"
    downstream = "downstream"
    support = "support"


STAGE_LABELS: dict[Stage, str] = {
    Stage.upstream: "上游",
    Stage.midstream: "中游",
    Stage.downstream: "下游",
    Stage.support: "配套",
}


class Status(StrEnum):
    """Local presence in a segment (强 / 弱 / 缺)."""

    strong = "strong"
    weak = "weak"
    missing = "missing"


STATUS_LABELS: dict[Status, str] = {
    Status.strong: "强",
    Status.weak: "弱",
    Status.missing: "缺",
}


class Tag(StrEnum):
    """Enterprise tags recognised by the strength score (GLOSSARY)."""

    leading = "leading"  # 龙头企业
    single_champion = "single_champion"  # 单项冠军
    little_giant = "little_giant"  # 专精特新"小巨人"
    specialised = "specialised"  # 专精特新
    high_tech = "high_tech"  # 高新技术企业


TAG_LABELS: dict[Tag, str] = {
    Tag.leading: "龙头",
    Tag.single_champion: "单项冠军",
    Tag.little_giant: "小巨人",
    Tag.specialised: "专精特新",
    Tag.high_tech: "高新技术",
}


@dataclass(frozen=True, slots=True)
class Footprint:
    """Typical space a project in a segment needs; every field optional."""

    land_mu: float | None = None
    factory_m2: float | None = None
    clear_height_m: float | None = None
    floor_load_kn_m2: float | None = None
    power_kva: float | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """One step (环节) of a chain."""

    id: str
    name: str
    stage: Stage
    keywords: tuple[str, ...]
    industry_codes: tuple[str, ...] = ()
    name_en: str = ""
    description: str = ""
    footprint: Footprint | None = None


@dataclass(frozen=True, slots=True)
class Region:
    """A priority source region (e.g. 长三角): the provinces and cities it covers, and how much
    an enterprise from there is worth to the chain, in [0, 1]."""

    name: str
    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    score: float = 1.0

    def contains(self, province: str | None, city: str | None) -> bool:
        return (province is not None and province in self.provinces) or (
            city is not None and city in self.cities
        )


@dataclass(frozen=True, slots=True)
class Chain:
    """An industry chain: segments and upstream → downstream links ("supplies")."""

    id: str
    name: str
    segments: tuple[Segment, ...]
    links: tuple[tuple[str, str], ...]
    name_en: str = ""
    aliases: tuple[str, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)
    regions: tuple[Region, ...] | None = None
    """Priority source regions; None means the default set (长三角, 珠三角, 京津冀)."""

    def segment(self, segment_id: str) -> Segment:
        for seg in self.segments:
            if seg.id == segment_id:
                return seg
        raise SegmentNotFound(self.id, segment_id)

    @property
    def segment_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.segments)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """The area whose enterprises count as local (本地)."""

    province: str
    city: str
    district: str | None = None

    def contains(self, province: str | None, city: str | None, district: str | None) -> bool:
        if province != self.province or city != self.city:
            return False
        return self.district is None or district == self.district


@dataclass(frozen=True, slots=True)
class Enterprise:
    """An enterprise as the core sees it. Amounts are in 万元."""

    id: int
    name: str
    province: str | None = None
    city: str | None = None
    district: str | None = None
    credit_code: str | None = None
    listed: bool = False
    stock_code: str | None = None
    tags: tuple[str, ...] = ()
    revenue_wan: float | None = None
    registered_capital_wan: float | None = None
    employees: int | None = None
    business_scope: str = ""
    main_products: tuple[str, ...] = ()
    industry_code: str | None = None
    source: str = ""
    last_verified_at: datetime | None = None
    growth_pct: float | None = None
    """Revenue growth over the last year, in per cent; None when unknown."""
    energy_intensity: float | None = None
    """Energy use per output, 吨标准煤/万元; None when unknown."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """An enterprise assigned to a chain segment, with how sure we are and why."""

    enterprise_id: int
    chain_id: str
    segment_id: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Override:
    """A chain leader's manual status for a segment, with the reason."""

    chain_id: str
    segment_id: str
    status: Status
    reason: str
    actor: str


@dataclass(frozen=True, slots=True)
class SegmentPresence:
    """Local presence in one segment: derived status, optional override, the result."""

    segment_id: str
    local_count: int
    local_strength: float
    derived_status: Status
    status: Status
    override: Override | None = None
    local_enterprise_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Gap:
    """A missing or weak segment with its priority and the terms that made it."""

    segment_id: str
    status: Status
    severity: float
    path_share: float
    trade_linkage: float
    importance: float
    priority: float


@dataclass(frozen=True, slots=True)
class Component:
    """One term of a target's score: value in [0, 1], its weight and a short reason."""

    name: str
    value: float
    weight: float
    reason: str


@dataclass(frozen=True, slots=True)
class Target:
    """A candidate enterprise scored for one gap, with every component explained."""

    enterprise: Enterprise
    segment_id: str
    score: float
    components: tuple[Component, ...]
    reason: str
    also_fills: tuple[str, ...] = ()
    carrier_kind: str | None = None
    """The best-fitting vacant carrier (factory / land), when one fits."""
    carrier_id: int | None = None
    carrier_label: str | None = None
    referrers: tuple[tuple[int, str, str], ...] = ()
    """Local enterprises that trade with the candidate: (id, name, path)."""
