"""Carrier types (载体: parks, land parcels, standard factories), their plausibility bounds,
freshness, reservation checks and the domain errors the API maps to 4xx.

Bounds live here, not in the importer, so a ledger row and a carrier created through the API
are held to the same limits: a factory of 5 ㎡ or a parcel of 200,000 亩 is a typing mistake.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Literal

from chainmap.errors import ChainmapError
from chainmap.freshness import is_stale as _is_stale_at

CarrierKind = Literal["factory", "land"]

CARRIER_KIND_LABELS: dict[str, str] = {"factory": "厂房", "land": "地块"}


class CarrierStatus(StrEnum):
    """Whether a carrier can be offered (空置 / 已预订 / 已占用)."""

    vacant = "vacant"
    reserved = "reserved"
    occupied = "occupied"


CARRIER_STATUS_LABELS: dict[CarrierStatus, str] = {
    CarrierStatus.vacant: "空置",
    CarrierStatus.reserved: "已预订",
    CarrierStatus.occupied: "已占用",
}

# --- plausibility bounds (import and API alike) --------------------------------------------

FACTORY_MIN_M2 = 10.0
FACTORY_MAX_M2 = 1_000_000.0
LAND_MAX_MU = 100_000.0
CLEAR_HEIGHT_MAX_M = 50.0
FLOOR_LOAD_MAX_KN_M2 = 500.0  # about 50 吨/㎡
POWER_MAX_KVA = 1_000_000.0
CRANE_MAX_T = 1_000.0
RENT_MAX_YUAN_M2_MONTH = 1_000.0
PRICE_MAX_WAN_PER_MU = 100_000.0  # 10 亿元/亩


@dataclass(frozen=True, slots=True)
class Bound:
    """The plausible range of one carrier figure; ``low_open`` excludes ``low`` itself."""

    what_zh: str
    what_en: str
    unit: str
    low: float
    high: float
    low_open: bool = False


BOUNDS: dict[str, Bound] = {
    "area_m2": Bound("面积", "area", "㎡", FACTORY_MIN_M2, FACTORY_MAX_M2),
    "area_mu": Bound("面积", "area", "亩", 0.0, LAND_MAX_MU, low_open=True),
    "clear_height_m": Bound("层高", "clear height", "m", 0.0, CLEAR_HEIGHT_MAX_M, low_open=True),
    "floor_load_kn_m2": Bound(
        "承重", "floor load", "kN/㎡", 0.0, FLOOR_LOAD_MAX_KN_M2, low_open=True
    ),
    "power_kva": Bound("配电容量", "power capacity", "kVA", 0.0, POWER_MAX_KVA, low_open=True),
    "crane_t": Bound("行车吨位", "crane capacity", "t", 0.0, CRANE_MAX_T, low_open=True),
    "rent_yuan_m2_month": Bound("租金", "rent", "元/㎡·月", 0.0, RENT_MAX_YUAN_M2_MONTH),
    "price_wan_per_mu": Bound("挂牌价", "listing price", "万元/亩", 0.0, PRICE_MAX_WAN_PER_MU),
}
"""Plausibility bounds by field name, shared by the ledger import and the API."""


def bound_problem(field: str, value: float | None) -> tuple[str, str] | None:
    """``(message_zh, message_en)`` when ``value`` is outside the plausible range, else None.

    >>> print(*bound_problem("area_m2", 5), sep="\\n")
    面积 5㎡ 不合理（应在 10㎡ 至 1,000,000㎡ 之间）
    area 5 ㎡ is implausible (expected 10 to 1,000,000 ㎡)
    """
    if value is None:
        return None
    b = BOUNDS[field]
    if not math.isfinite(value) or value < 0:
        shown = fmt_number(value) if math.isfinite(value) else str(value)
        return f"{b.what_zh}不能为负数：{shown}", f"{b.what_en} cannot be negative: {shown}"
    too_low = value <= b.low if b.low_open else value < b.low
    if not too_low and value <= b.high:
        return None
    low = f"大于 {b.low:,.0f}{b.unit}" if b.low_open else f"在 {b.low:,.0f}{b.unit} 至"
    if b.low_open:
        range_zh = f"应{low}且不超过 {b.high:,.0f}{b.unit}"
        range_en = f"expected above {b.low:,.0f} and at most {b.high:,.0f} {b.unit}"
    else:
        range_zh = f"应{low} {b.high:,.0f}{b.unit} 之间"
        range_en = f"expected {b.low:,.0f} to {b.high:,.0f} {b.unit}"
    return (
        f"{b.what_zh} {fmt_number(value)}{b.unit} 不合理（{range_zh}）",
        f"{b.what_en} {fmt_number(value)} {b.unit} is implausible ({range_en})",
    )


def fmt_number(value: float) -> str:
    """``12,000`` or ``7.5``: thousands separators, at most two decimals, no trailing zeros."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class CarrierError(ChainmapError):
    """Base of the carrier errors; each names the field at fault."""

    code = "carrier_invalid"


class InvalidCarrier(CarrierError):
    """A value outside what a real carrier can have (negative, absurd, unknown unit)."""

    code = "carrier_invalid_value"


class ParkNotFound(CarrierError):
    code = "park_not_found"

    def __init__(self, park: str, known: tuple[str, ...] = ()) -> None:
        shown = "、".join(known[:10])
        super().__init__(
            f"园区「{park}」不存在" + (f"（已有园区：{shown}）" if shown else ""),
            f"park {park!r} does not exist"
            + (f" (known parks: {', '.join(known[:10])})" if known else ""),
            field="park",
        )
        self.park = park


class CarrierTaken(CarrierError):
    """The carrier is already reserved or occupied: it can never be reserved twice."""

    code = "carrier_taken"


class CarrierUnverified(CarrierError):
    """The listing is stale; it must be verified before anyone is promised it."""

    code = "carrier_unverified"


class InvalidReservation(CarrierError):
    code = "reservation_invalid"


# --- the carriers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Park:
    """An industrial park / development zone (园区). ``outline_geojson`` is GeoJSON text."""

    id: int
    name: str
    district: str | None = None
    leading_industries: tuple[str, ...] = ()
    lon: float | None = None
    lat: float | None = None
    outline_geojson: str | None = None


@dataclass(frozen=True, slots=True)
class Factory:
    """A standard-factory unit (标准厂房) for rent or sale: one building, or one floor of it.

    Areas in ㎡, clear height in m, floor load in kN/㎡, power in kVA, crane in tonnes,
    rent in 元/㎡·月. ``None`` means the ledger does not say.
    """

    id: int
    park_name: str
    building: str
    area_m2: float
    park_id: int | None = None
    district: str | None = None
    floor: str | None = None
    clear_height_m: float | None = None
    floor_load_kn_m2: float | None = None
    power_kva: float | None = None
    has_crane: bool | None = None
    crane_t: float | None = None
    industry_direction: str = ""
    status: CarrierStatus = CarrierStatus.vacant
    rent_yuan_m2_month: float | None = None
    contact_person: str | None = None
    contact_phone: str | None = None
    lon: float | None = None
    lat: float | None = None
    last_verified_on: date | None = None
    source: str = ""

    @property
    def kind(self) -> CarrierKind:
        return "factory"

    @property
    def label(self) -> str:
        """How people name it: 园区 + 楼栋 (+ 楼层)."""
        floor = f" {self.floor}" if self.floor else ""
        return f"{self.park_name} {self.building}{floor}"


@dataclass(frozen=True, slots=True)
class LandParcel:
    """A parcel of land held ready to supply (收储工业用地). Area in 亩, price in 万元/亩."""

    id: int
    code: str  # 地块编号
    park_name: str
    area_mu: float
    park_id: int | None = None
    district: str | None = None
    land_use: str | None = None  # 用地性质, e.g. 工业用地 / M1
    site_ready: bool | None = None  # 净地
    industry_direction: str = ""
    status: CarrierStatus = CarrierStatus.vacant
    price_wan_per_mu: float | None = None
    available_from: date | None = None
    lon: float | None = None
    lat: float | None = None
    last_verified_on: date | None = None
    source: str = ""

    @property
    def kind(self) -> CarrierKind:
        return "land"

    @property
    def label(self) -> str:
        return f"{self.park_name} {self.code}地块"


Carrier = Factory | LandParcel


@dataclass(frozen=True, slots=True)
class SpaceNeed:
    """What a project needs: a factory (㎡ + specs) or land (亩), stated or estimated.

    ``kind`` is what suits it best; the other area may still be given (a factory project could
    also build on land of ``land_mu``). ``basis`` says in Chinese where the figures come from.
    """

    kind: CarrierKind
    factory_m2: float | None = None
    land_mu: float | None = None
    clear_height_m: float | None = None
    floor_load_kn_m2: float | None = None
    power_kva: float | None = None
    estimated: bool = False
    basis: str = ""

    def __post_init__(self) -> None:
        for name in ("factory_m2", "land_mu", "clear_height_m", "floor_load_kn_m2", "power_kva"):
            value = getattr(self, name)
            if value is not None and (not math.isfinite(value) or value < 0):
                raise ValueError(f"SpaceNeed.{name} must be a finite non-negative number")


class Blocker(StrEnum):
    """Why a carrier does not fit (machine codes; the reason says it in Chinese)."""

    status = "status"  # reserved or occupied
    stale = "stale"  # unverified for too long
    kind = "kind"  # the project needs land, a factory cannot hold it (or vice versa)
    area_small = "area_small"
    area_unknown = "area_unknown"
    clear_height = "clear_height"
    floor_load = "floor_load"
    power = "power"
    land_use = "land_use"


@dataclass(frozen=True, slots=True)
class CarrierFit:
    """How well one carrier suits one need: score in [0, 1] (0 when it does not fit) and why.

    A stale listing never fits: it is shown with ``stale`` set and a reason beginning
    「信息过期，需核实」, so it cannot be mistaken for available space.
    """

    carrier_kind: CarrierKind
    carrier_id: int
    score: float
    reason: str
    fits: bool
    label: str = ""
    stale: bool = False
    blockers: tuple[Blocker, ...] = ()


# --- freshness and reservations -------------------------------------------------------------


def is_stale(carrier: Carrier, *, today: date, stale_after_days: int) -> bool:
    """Never verified, or last verified more than ``stale_after_days`` before ``today``.

    >>> f = Factory(1, "高新区", "3号楼", 5000, last_verified_on=date(2026, 1, 1))
    >>> is_stale(f, today=date(2026, 3, 1), stale_after_days=90)
    False
    >>> is_stale(f, today=date(2026, 6, 1), stale_after_days=90)
    True
    """
    verified = carrier.last_verified_on
    return _is_stale_at(
        None if verified is None else _midnight(verified),
        now=_midnight(today),
        max_age_days=stale_after_days,
    )


def stale_note(carrier: Carrier, *, stale_after_days: int) -> str:
    """「信息过期，需核实」 with when it was last verified, for every answer showing it."""
    if carrier.last_verified_on is None:
        return "信息过期，需核实（从未核实）"
    return (
        f"信息过期，需核实（上次核实 {carrier.last_verified_on.isoformat()}，"
        f"超过 {stale_after_days} 天）"
    )


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def validate_reservation(
    carrier: Carrier, *, starts_on: date, today: date, stale_after_days: int
) -> None:
    """Raise unless the carrier may be reserved from ``starts_on``.

    A carrier can never be reserved twice, nor while occupied; a reservation cannot start in
    the past; a stale listing must be verified first (nobody is promised space that may be gone).

    Raises:
        CarrierTaken: the carrier is reserved or occupied.
        InvalidReservation: ``starts_on`` is before ``today``.
        CarrierUnverified: the listing is stale.
    """
    label = carrier.label
    if carrier.status is not CarrierStatus.vacant:
        state = CARRIER_STATUS_LABELS[carrier.status]
        raise CarrierTaken(
            f"{label}{state}，不能预订",
            f"{label} is {carrier.status.value} and cannot be reserved",
            field="status",
        )
    if starts_on < today:
        raise InvalidReservation(
            f"预订日期 {starts_on} 早于今天 {today}",
            f"reservation date {starts_on} is before today ({today})",
            field="starts_on",
        )
    if is_stale(carrier, today=today, stale_after_days=stale_after_days):
        raise CarrierUnverified(
            f"{label}{stale_note(carrier, stale_after_days=stale_after_days)}，核实后方可预订",
            f"{label} has not been verified within {stale_after_days} days; "
            "verify it before reserving",
            field="last_verified_on",
        )


def check_carrier(carrier: Carrier) -> None:
    """Raise :class:`InvalidCarrier` for the first figure outside :data:`BOUNDS`."""
    if isinstance(carrier, Factory):
        fields = {
            "area_m2": carrier.area_m2,
            "clear_height_m": carrier.clear_height_m,
            "floor_load_kn_m2": carrier.floor_load_kn_m2,
            "power_kva": carrier.power_kva,
            "crane_t": carrier.crane_t,
            "rent_yuan_m2_month": carrier.rent_yuan_m2_month,
        }
    else:
        fields = {"area_mu": carrier.area_mu, "price_wan_per_mu": carrier.price_wan_per_mu}
    for name, value in fields.items():
        problem = bound_problem(name, value)
        if problem is not None:
            raise InvalidCarrier(problem[0], problem[1], field=name)


def check_park(park: str, known_parks: tuple[str, ...]) -> None:
    """Raise :class:`ParkNotFound` unless ``park`` is one of ``known_parks`` (names as stored)."""
    if park not in known_parks:
        raise ParkNotFound(park, known_parks)
