"""The bureau's carrier ledgers — the idle-factory ledger (闲置厂房台账) and the land reserve
(收储用地) — → :class:`FactoryRecord` / :class:`LandRecord`, with the same error discipline as
the enterprise import: every bad cell is a :class:`RowError` naming the row and the column as
the file wrote it, in Chinese and English, and a row with any error yields no record. The
importer commits nothing when any row has an error (all-or-nothing), so the bureau fixes the
file and imports it again instead of chasing half-imported ledgers.

Units people actually write are read and converted: areas in ㎡ / 平方米 / m2 / 万㎡ / "1.2万"
(factories) and 亩 / 公顷 / ㎡ (land, → 亩); heights in m / 米; loads in kN/㎡, 吨/㎡, t/㎡,
kg/㎡ (1 吨/㎡ = 9.8 kN/㎡); power in kVA / 千伏安 / MVA, "2×1000kVA" (kW read as kVA); rent
in 元/㎡·月 (per day × 365/12, per year ÷ 12); land prices in 万元/亩 (元/㎡ and 万元/公顷
converted). A bare number takes the unit the header states in brackets (面积（万㎡）,
承重（吨/㎡）), else the column's default. A spec written as a range (层高 8-12m) counts as
its lowest value: a project needs the height everywhere.

Rejected: negative or implausible figures (:data:`chainmap.carriers.BOUNDS`: a factory under
10 ㎡ or over 1,000,000 ㎡, land over 100,000 亩 …), unknown units and words, a park not in
``known_parks``, a verification date after ``today``, and a carrier listed twice in the file.
A 状态 column that is present must be filled (no row is offered as vacant by default); when
the ledger has no such column at all, every row is vacant (it is a ledger of idle space).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from chainmap.carriers.models import (
    CarrierStatus,
    Factory,
    LandParcel,
    bound_problem,
)
from chainmap.io.tables import ColumnSpec, RawRow, RowError
from chainmap.io.units import (
    BLANK_TEXTS,
    MU_M2,
    CellValue,
    ValueParseError,
    parse_area_m2,
    parse_area_mu,
    parse_date,
    parse_floor_load_kn_m2,
    parse_number,
    unit_hint,
)

T = TypeVar("T")


def _col(key: str, *aliases: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(key, aliases, required=required)


_COMMON = (
    _col("park", "园区", "所属园区", "所在园区", "园区名称", "载体所在园区", "park", required=True),
    _col("district", "所在区县", "所属区县", "区县", "所在区域", "区域", "辖区", "district"),
    _col("industry_direction", "产业方向", "招商方向", "入驻产业方向", "意向产业", "产业定位",
         "规划产业方向", "industry direction"),
    _col("status", "状态", "使用状态", "出租状态", "招商状态", "供地状态", "土地状态", "status"),
    _col("verified_on", "核实日期", "更新日期", "更新时间", "核实时间", "填报日期",
         "last verified", "verified on"),
    _col("lon", "经度", "lon", "lng", "longitude"),
    _col("lat", "纬度", "lat", "latitude"),
)  # fmt: skip

FACTORY_COLUMNS: tuple[ColumnSpec, ...] = (
    *_COMMON,
    _col("building", "楼栋", "幢号", "栋号", "楼号", "厂房名称", "厂房编号", "载体名称",
         "building", required=True),
    _col("floor", "楼层", "所在楼层", "层次", "floor"),
    _col("area", "面积", "建筑面积", "可租面积", "可租赁面积", "闲置面积", "空置面积", "厂房面积",
         "area", required=True),
    _col("clear_height", "层高", "净高", "檐高", "层高/净高", "clear height"),
    _col("floor_load", "承重", "楼面荷载", "地面承重", "楼板承重", "荷载", "floor load"),
    _col("power", "配电", "电力容量", "配电容量", "变压器容量", "用电容量", "power"),
    _col("crane", "行车", "吊车", "行车吨位", "有无行车", "crane"),
    _col("rent", "租金", "租金价格", "参考租金", "rent"),
    _col("contact_person", "联系人", "contact"),
    _col("contact_phone", "联系电话", "电话", "联系方式", "phone"),
)  # fmt: skip
"""The idle-factory ledger's columns and the header texts that mean them."""

LAND_COLUMNS: tuple[ColumnSpec, ...] = (
    *_COMMON,
    _col("code", "地块编号", "宗地编号", "地块编码", "编号", "parcel code", required=True),
    _col("area", "面积", "用地面积", "土地面积", "出让面积", "地块面积", "area", required=True),
    _col("land_use", "用地性质", "土地用途", "规划用途", "land use"),
    _col("site_ready", "是否净地", "净地", "净地情况", "site ready"),
    _col("price", "挂牌价", "挂牌价格", "出让价格", "起始价", "price"),
    _col("available_from", "可供日期", "可供地时间", "供地时间", "available from"),
)  # fmt: skip
"""The land-reserve ledger's columns (规划产业方向 is an alias of 产业方向)."""

_LABELS: dict[str, str] = {c.key: c.label for c in (*FACTORY_COLUMNS, *LAND_COLUMNS)}


@dataclass(frozen=True, slots=True)
class FactoryRecord:
    """One imported factory unit; figures in ㎡, m, kN/㎡, kVA, t, 元/㎡·月."""

    row_number: int
    park_name: str
    building: str
    area_m2: float
    source: str
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

    def to_factory(self, *, id: int, park_id: int | None = None) -> Factory:
        """The core carrier, once the store has given it an id."""
        fields = {k: getattr(self, k) for k in self.__slots__ if k != "row_number"}
        return Factory(id=id, park_id=park_id, **fields)


@dataclass(frozen=True, slots=True)
class LandRecord:
    """One imported parcel; area in 亩, price in 万元/亩."""

    row_number: int
    code: str
    park_name: str
    area_mu: float
    source: str
    district: str | None = None
    land_use: str | None = None
    site_ready: bool | None = None
    industry_direction: str = ""
    status: CarrierStatus = CarrierStatus.vacant
    price_wan_per_mu: float | None = None
    available_from: date | None = None
    lon: float | None = None
    lat: float | None = None
    last_verified_on: date | None = None

    def to_parcel(self, *, id: int, park_id: int | None = None) -> LandParcel:
        fields = {k: getattr(self, k) for k in self.__slots__ if k != "row_number"}
        return LandParcel(id=id, park_id=park_id, **fields)


# --- one row ---------------------------------------------------------------------------------


class _Row:
    """One row's cells, its errors, and typed readers that record an error instead of raising."""

    def __init__(self, raw: RawRow, headers: Mapping[str, str]) -> None:
        self.raw, self.headers = raw, headers
        self.errors: list[RowError] = []

    def err(self, key: str, zh: str, en: str) -> None:
        value = self.raw.values.get(key)
        shown = None if value is None else _text(value) or str(value)
        column = self.headers.get(key, _LABELS[key])
        self.errors.append(RowError(self.raw.row_number, column, shown, zh, en))

    def read(self, key: str, parse: Callable[[CellValue, str | None], T | None]) -> T | None:
        try:
            return parse(self.raw.values.get(key), unit_hint(self.headers.get(key, "")))
        except ValueParseError as exc:
            self.err(key, exc.message_zh, exc.message_en)
            return None

    def text(self, key: str, *, required: bool = False) -> str | None:
        found = _text(self.raw.values.get(key))
        if found is None and required:
            self.err(key, f"「{_LABELS[key]}」不能为空", f"{_LABELS[key]} is empty")
        return found

    def bounded(self, key: str, field: str, value: float | None) -> float | None:
        problem = bound_problem(field, value)
        if problem is not None:
            self.err(key, *problem)
            return None
        return value

    def park(self, known: Mapping[str, str] | None) -> str | None:
        name = self.text("park", required=True)
        if name is None or known is None:
            return name
        found = known.get(_key(name))
        if found is None:
            names = list(known.values())[:10]
            self.err(
                "park",
                f"园区「{name}」不存在（已有园区：{'、'.join(names)}）",
                f"park {name!r} does not exist (known parks: {', '.join(names)})",
            )
        return found

    def status(self, words: tuple[tuple[CarrierStatus, tuple[str, ...]], ...]) -> CarrierStatus:
        if "status" not in self.headers:
            return CarrierStatus.vacant
        text = self.text("status")
        if text is None:
            self.err("status", "状态不能为空（空置、已预订或已出租）", "status is empty")
            return CarrierStatus.vacant
        found = _status(text, words)
        if found is None:
            accepted = "、".join(w for _, ws in words for w in ws[:3])
            self.err(
                "status", f"无法识别的状态「{text}」（可用 {accepted}）", f"unknown status {text!r}"
            )
            return CarrierStatus.vacant
        return found

    def required(
        self, key: str, field: str, parse: Callable[[CellValue, str | None], float | None]
    ) -> float | None:
        before = len(self.errors)
        value = self.read(key, parse)
        if value is None and len(self.errors) == before:
            self.err(key, f"「{_LABELS[key]}」不能为空", f"{_LABELS[key]} is empty")
        return self.bounded(key, field, value)

    def verified_on(self, today: date, default: date | None) -> date | None:
        found = self.read("verified_on", lambda v, _: parse_date(v))
        if found is not None and found > today:
            self.err(
                "verified_on",
                f"核实日期 {found} 晚于今天 {today}",
                f"verification date {found} is after today ({today})",
            )
        return found if found is not None else default

    def coordinate(self, key: str, limit: float) -> float | None:
        value = self.read(key, lambda v, _: parse_number(v, what_zh="坐标", what_en="coordinate"))
        if value is not None and value > limit:
            self.err(
                key, f"坐标 {value} 超出范围（0–{limit:g}）", f"coordinate {value} out of range"
            )
            return None
        return value


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).lower()


def _text(value: CellValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return None if text.lower() in BLANK_TEXTS else text


FACTORY_STATUS_WORDS: tuple[tuple[CarrierStatus, tuple[str, ...]], ...] = (
    (CarrierStatus.occupied, ("已出租", "已入驻", "在用", "已出售", "已租", "已使用", "occupied")),
    (CarrierStatus.reserved, ("已预订", "预订", "意向", "已预留", "预留", "洽谈中", "已签约",
                              "reserved")),
    (CarrierStatus.vacant, ("空置", "闲置", "可租", "待租", "招租", "可售", "待售", "可出租",
                            "未出租", "部分出租", "空闲", "vacant")),
)  # fmt: skip
"""状态 words → status, checked in this order (所以「可出租」 is vacant, 「已出租」 occupied)."""

LAND_STATUS_WORDS: tuple[tuple[CarrierStatus, tuple[str, ...]], ...] = (
    (CarrierStatus.occupied, ("已出让", "已供地", "已成交", "已使用", "已开工", "occupied")),
    (CarrierStatus.reserved, ("已预订", "预订", "意向", "预留", "已摘牌", "reserved")),
    (CarrierStatus.vacant, ("储备", "可供", "待出让", "可出让", "未出让", "挂牌", "空闲", "闲置",
                            "vacant")),
)  # fmt: skip


def _status(
    text: str, words: tuple[tuple[CarrierStatus, tuple[str, ...]], ...]
) -> CarrierStatus | None:
    t = _key(text)
    for status, ws in words:
        if any(w in t for w in ws):
            return status
    return None


# --- value parsers (cell, unit hint from the header) -----------------------------------------

_NUM = r"(\d+(?:\.\d+)?)"
_RANGE = re.compile(rf"^{_NUM}([^\d\-~～至到]*)[-~～至到]{_NUM}(.*)$")
_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_APPROX = re.compile(r"^(?:约|大约|≥|>=|>|不低于|不小于)|(?:左右|以上|及以上)$")


def _compact(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split()).lower().replace(",", "")


def _wan_hint(value: CellValue, hint: str | None) -> tuple[CellValue, str | None]:
    """A header in 万 units (面积（万㎡）) scales bare numbers by 10,000."""
    if hint is None or not _compact(hint).startswith("万"):
        return value, hint
    rest = _compact(hint)[1:] or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value * 10_000, rest
    if isinstance(value, str) and _PLAIN.match(_compact(value)):
        return float(_compact(value)) * 10_000, rest
    return value, rest


def _with_hint(
    parse: Callable[..., float | None], default: str
) -> Callable[[CellValue, str | None], float | None]:
    def read(value: CellValue, hint: str | None) -> float | None:
        value, hint = _wan_hint(value, hint)
        try:
            return parse(value, default_unit=hint) if hint else parse(value, default_unit=default)
        except ValueError:  # the bracket held a note (面积（可分割）), not a unit
            return parse(value, default_unit=default)

    return read


def _lowest(
    parse: Callable[[CellValue, str | None], float | None],
) -> Callable[[CellValue, str | None], float | None]:
    """A spec given as a range (8-12m) → its lowest value."""

    def read(value: CellValue, hint: str | None) -> float | None:
        if isinstance(value, str):
            m = _RANGE.match(_compact(value))
            if m is not None:
                unit = m[2] or m[4]
                lo, hi = parse(m[1] + unit, hint), parse(m[3] + unit, hint)
                return None if lo is None or hi is None else min(lo, hi)
        return parse(value, hint)

    return read


def _quantity(
    value: CellValue,
    hint: str | None,
    units: Mapping[str, float],
    default: str,
    what: tuple[str, str, str],
) -> float | None:
    """A number with one of ``units`` (or the header's, or ``default``); ``what`` is the name
    in Chinese and English and the known units. ``2×1000kVA`` and ``1000+630kVA`` multiply
    and add."""
    if value is None:
        return None
    if isinstance(value, bool | date):
        raise ValueParseError(f"无法识别的{what[0]}「{value}」", f"cannot read {what[1]} {value!r}")
    unit_default = _compact(hint) if hint and _compact(hint) in units else default
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise ValueParseError(
                f"{what[0]}不能为负数：「{value}」", f"{what[1]} cannot be negative: {value!r}"
            )
        return round(float(value) * units[unit_default], 6)
    text = _APPROX.sub("", _compact(value))
    if text in BLANK_TEXTS:
        return None
    if text.startswith("-"):
        raise ValueParseError(
            f"{what[0]}不能为负数：「{value}」", f"{what[1]} cannot be negative: {value!r}"
        )
    total = 0.0
    for term in text.split("+"):
        m = re.match(rf"^(?:(\d+)[x×*])?{_NUM}(.*)$", term)
        if m is None:
            raise ValueParseError(
                f"无法识别的{what[0]}「{value}」", f"cannot read {what[1]} {value!r}"
            )
        unit = m[3] or unit_default
        if unit not in units:
            raise ValueParseError(
                f"无法识别的{what[0]}单位「{m[3]}」：「{value}」（可用 {what[2]}）",
                f"unknown {what[1]} unit {m[3]!r} in {value!r} (known: {what[2]})",
            )
        total += (int(m[1]) if m[1] else 1) * float(m[2]) * units[unit]
    return round(total, 6)


_LENGTH = {
    "": 1.0,
    "m": 1.0,
    "米": 1.0,
    "公尺": 1.0,
    "cm": 0.01,
    "厘米": 0.01,
    "mm": 0.001,
    "毫米": 0.001,
}
_POWER = {"": 1.0, "kva": 1.0, "千伏安": 1.0, "kw": 1.0, "千瓦": 1.0, "mva": 1000.0,
          "兆伏安": 1000.0, "mw": 1000.0, "兆瓦": 1000.0}  # fmt: skip
_PER_M2 = ("m2", "平方米", "平米", "平方")
_RENT_TIME = {"": 1.0, "月": 1.0, "天": 365 / 12, "日": 365 / 12, "年": 1 / 12}
_MONEY_WAN = {"万元": 1.0, "万": 1.0, "元": 1e-4}  # prices: "30万/亩", "30万元/亩", "450元/㎡"
_PER_AREA_MU = {"亩": 1.0, "公顷": 15.0, "ha": 15.0, **dict.fromkeys(_PER_M2, 1 / MU_M2)}


def _height(value: CellValue, hint: str | None) -> float | None:
    return _quantity(value, hint, _LENGTH, "", ("层高", "clear height", "m、米"))


def _power(value: CellValue, hint: str | None) -> float | None:
    return _quantity(value, hint, _POWER, "", ("配电容量", "power capacity", "kVA、千伏安、MVA"))


def _rate_units(
    money: Mapping[str, float], area: Mapping[str, float], time: Mapping[str, float]
) -> dict[str, float]:
    """Every spelling of money / area (/ time): 元/㎡·月, 元/平方米/月, 元每平米每月 …"""
    units: dict[str, float] = {}
    for m, mf in money.items():
        for a, af in area.items():
            for t, tf in time.items():
                for sep1 in ("/", "每"):
                    for sep2 in ("·", "・", "•", "/", ".", "每", "") if t else ("",):
                        units[f"{m}{sep1}{a}{sep2}{t}"] = mf / af * tf
    return units


_RENT_UNITS = {"": 1.0, **_rate_units({"元": 1.0}, dict.fromkeys(_PER_M2, 1.0), _RENT_TIME)}
_PRICE_UNITS = {"": 1.0, **_rate_units(_MONEY_WAN, _PER_AREA_MU, {"": 1.0})}


def _rent(value: CellValue, hint: str | None) -> float | None:
    return _quantity(value, hint, _RENT_UNITS, "", ("租金", "rent", "元/㎡·月、元/㎡·天、元/㎡·年"))


def _price(value: CellValue, hint: str | None) -> float | None:
    return _quantity(
        value, hint, _PRICE_UNITS, "", ("挂牌价", "listing price", "万元/亩、元/㎡、万元/公顷")
    )


_NO = {"无", "否", "没有", "no", "n", "×", "x", "false", "0", "不具备"}
_YES = {"有", "是", "yes", "y", "√", "true", "具备"}


def _crane(value: CellValue, _hint: str | None) -> tuple[bool, float | None] | None:
    """行车 cells: 有 / 无 / 5t / 2台10吨行车 / a bare tonnage → (has a crane, largest tonnes)."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (value > 0, float(value) if value > 0 else None)
    text = _compact(str(value))
    if text in _NO:  # before the blank check: here 无 means "no crane", not "not known"
        return False, None
    if text in BLANK_TEXTS:
        return None
    tonnes = [float(t) for t in re.findall(rf"{_NUM}(?:t|吨)", text)]
    if tonnes:
        return True, max(tonnes)
    if text in _YES or any(w in text for w in ("行车", "吊车", "天车", "起重机")):
        return True, None
    raise ValueParseError(
        f"无法识别的行车信息「{value}」（可用 有、无、5t、10吨）", f"cannot read crane {value!r}"
    )


def _site_ready(value: CellValue, _hint: str | None) -> bool | None:
    text = _text(value)
    if text is None:
        return None
    t = _compact(text)
    if t in _NO or any(w in t for w in ("毛地", "非净地", "不是净地", "未净地")):
        return False
    if t in _YES or "净地" in t:
        return True
    raise ValueParseError(
        f"无法识别的净地情况「{text}」（可用 是、否、净地、毛地）",
        f"cannot read site-ready {text!r}",
    )


_area_m2 = _with_hint(parse_area_m2, "㎡")
_area_mu = _with_hint(parse_area_mu, "亩")
_load = _lowest(_with_hint(parse_floor_load_kn_m2, "kN/㎡"))
_lowest_height = _lowest(_height)


# --- the two ledgers --------------------------------------------------------------------------


def _known(known_parks: Collection[str] | None) -> Mapping[str, str] | None:
    return None if known_parks is None else {_key(p): p for p in known_parks}


def parse_factory_rows(
    rows: Iterable[RawRow],
    *,
    headers: Mapping[str, str],
    source: str,
    known_parks: Collection[str] | None,
    today: date,
    verified_on: date | None = None,
) -> tuple[list[FactoryRecord], list[RowError]]:
    """Idle-factory ledger rows → records, and every bad cell as a :class:`RowError`.

    ``headers`` is ``Table.headers`` (names columns as written, gives unit hints, tells
    whether a 状态 column exists). ``verified_on`` stands in for a blank 核实日期 (the date the
    ledger was compiled); without either a record has no date and counts as stale.

    >>> rows = [RawRow(3, {"park": "高新区", "building": "3号楼", "area": "1.2万",
    ...                    "floor_load": "2吨/㎡", "power": "2×800kVA", "status": "闲置"})]
    >>> heads = {"park": "园区", "building": "楼栋", "area": "面积", "status": "状态"}
    >>> recs, errs = parse_factory_rows(rows, headers=heads, source="台账",
    ...                                 known_parks=["高新区"], today=date(2026, 6, 1))
    >>> recs[0].area_m2, recs[0].floor_load_kn_m2, recs[0].power_kva, recs[0].status.value, errs
    (12000.0, 19.6, 1600.0, 'vacant', [])
    """
    known = _known(known_parks)
    records: list[FactoryRecord] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str, str], int] = {}
    for raw in rows:
        r = _Row(raw, headers)
        park = r.park(known)
        building = r.text("building", required=True)
        area = r.required("area", "area_m2", _area_m2)
        height = r.bounded("clear_height", "clear_height_m", r.read("clear_height", _lowest_height))
        load = r.bounded("floor_load", "floor_load_kn_m2", r.read("floor_load", _load))
        power = r.bounded("power", "power_kva", r.read("power", _power))
        crane = r.read("crane", _crane)
        crane_t = r.bounded("crane", "crane_t", crane[1] if crane else None)
        rent = r.bounded("rent", "rent_yuan_m2_month", r.read("rent", _rent))
        status = r.status(FACTORY_STATUS_WORDS)
        checked = r.verified_on(today, verified_on)
        lon, lat = r.coordinate("lon", 180), r.coordinate("lat", 90)
        floor = r.text("floor")
        if park is not None and building is not None:
            key = (_key(park), _key(building), _key(floor or ""))
            first = seen.setdefault(key, raw.row_number)
            if first != raw.row_number:
                r.err(
                    "building",
                    f"与第 {first} 行是同一厂房（园区、楼栋、楼层相同）",
                    f"same factory as row {first}",
                )
        errors.extend(r.errors)
        if r.errors or park is None or building is None or area is None:
            continue
        records.append(
            FactoryRecord(
                row_number=raw.row_number,
                park_name=park,
                building=building,
                area_m2=area,
                source=source,
                district=r.text("district"),
                floor=floor,
                clear_height_m=height,
                floor_load_kn_m2=load,
                power_kva=power,
                has_crane=crane[0] if crane else None,
                crane_t=crane_t,
                industry_direction=r.text("industry_direction") or "",
                status=status,
                rent_yuan_m2_month=rent,
                contact_person=r.text("contact_person"),
                contact_phone=r.text("contact_phone"),
                lon=lon,
                lat=lat,
                last_verified_on=checked,
            )
        )
    return records, errors


def parse_land_rows(
    rows: Iterable[RawRow],
    *,
    headers: Mapping[str, str],
    source: str,
    known_parks: Collection[str] | None,
    today: date,
    verified_on: date | None = None,
) -> tuple[list[LandRecord], list[RowError]]:
    """Land-reserve ledger rows → records (area in 亩), and every bad cell as a RowError.

    >>> rows = [RawRow(4, {"park": "高新区", "code": "GX-07", "area": "2公顷",
    ...                    "site_ready": "净地", "price": "30万元/亩"})]
    >>> recs, errs = parse_land_rows(rows, headers={}, source="收储", known_parks=None,
    ...                              today=date(2026, 6, 1))
    >>> recs[0].area_mu, recs[0].site_ready, recs[0].price_wan_per_mu, errs
    (30.0, True, 30.0, [])
    """
    known = _known(known_parks)
    records: list[LandRecord] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for raw in rows:
        r = _Row(raw, headers)
        park = r.park(known)
        code = r.text("code", required=True)
        area = r.required("area", "area_mu", _area_mu)
        price = r.bounded("price", "price_wan_per_mu", r.read("price", _price))
        site_ready = r.read("site_ready", _site_ready)
        available = r.read("available_from", lambda v, _: parse_date(v))
        status = r.status(LAND_STATUS_WORDS)
        checked = r.verified_on(today, verified_on)
        lon, lat = r.coordinate("lon", 180), r.coordinate("lat", 90)
        if code is not None:
            first = seen.setdefault(_key(code), raw.row_number)
            if first != raw.row_number:
                r.err(
                    "code",
                    f"与第 {first} 行的地块编号重复",
                    f"duplicates the parcel code on row {first}",
                )
        errors.extend(r.errors)
        if r.errors or park is None or code is None or area is None:
            continue
        records.append(
            LandRecord(
                row_number=raw.row_number,
                code=code,
                park_name=park,
                area_mu=area,
                source=source,
                district=r.text("district"),
                land_use=r.text("land_use"),
                site_ready=site_ready,
                industry_direction=r.text("industry_direction") or "",
                status=status,
                price_wan_per_mu=price,
                available_from=available,
                lon=lon,
                lat=lat,
                last_verified_on=checked,
            )
        )
    return records, errors
