"""Parse the amounts, dates, counts, areas and loads that Chinese business spreadsheets hold.

Pure functions over one cell value each. A blank cell (``""``, ``-``, ``--``, ``无`` …) is
``None``; anything else that cannot be read raises :class:`ValueParseError` with a Chinese and
an English message, so the caller can name the row and column. Text is NFKC-normalised first,
which turns full-width digits and letters into ASCII and ``㎡``/``m²`` into ``m2``.

Amounts come back in 万元 (10,000 yuan): the unit every bureau report uses.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from chainmap.errors import ChainmapError

CellValue = str | int | float | date | None
"""What a table cell holds once read: text, a number, a date (or datetime) or nothing."""


class ValueParseError(ChainmapError):
    """A cell value that is not blank but cannot be read as the expected kind of value."""

    code = "value_unparseable"

    def __init__(self, message_zh: str, message_en: str, *, field: str | None = None) -> None:
        super().__init__(message_zh, message_en, field=field)


RATES_AS_OF = "2024"
"""The period the default rates are stated for."""

DEFAULT_CURRENCY_RATES: Mapping[str, float] = {
    "人民币": 1.0,
    "美元": 7.1,
    "欧元": 7.7,
    "港元": 0.91,
    "日元": 0.047,
    "英镑": 9.0,
    "澳元": 4.7,
    "加元": 5.2,
    "新加坡元": 5.3,
    "瑞士法郎": 8.1,
    "韩元": 0.0052,
    "新台币": 0.22,
    "澳门元": 0.88,
}
"""Yuan per unit of each currency: round figures near the 2024 average PBOC central parity.

Registered capital is a size signal, not accounting, so round figures are enough; pass your
own mapping (e.g. from settings) as ``rates=`` to use other ones. Keys are the canonical
Chinese names; :data:`CURRENCY_ALIASES` maps what files write to them.
"""

CURRENCY_ALIASES: Mapping[str, str] = {
    **dict.fromkeys(("人民币", "rmb", "cny", "¥"), "人民币"),
    **dict.fromkeys(("美元", "美金", "usd", "us$", "$"), "美元"),
    **dict.fromkeys(("欧元", "eur", "€"), "欧元"),
    **dict.fromkeys(("港元", "港币", "hkd", "hk$"), "港元"),
    **dict.fromkeys(("日元", "日币", "jpy"), "日元"),
    **dict.fromkeys(("英镑", "gbp", "£"), "英镑"),
    **dict.fromkeys(("澳元", "澳大利亚元", "aud"), "澳元"),
    **dict.fromkeys(("加元", "加拿大元", "cad"), "加元"),
    **dict.fromkeys(("新加坡元", "新币", "sgd"), "新加坡元"),
    **dict.fromkeys(("瑞士法郎", "瑞郎", "chf"), "瑞士法郎"),
    **dict.fromkeys(("韩元", "krw"), "韩元"),
    **dict.fromkeys(("新台币", "台币", "twd"), "新台币"),
    **dict.fromkeys(("澳门元", "澳门币", "mop"), "澳门元"),
}
_ALIASES_LONGEST_FIRST = sorted(CURRENCY_ALIASES, key=len, reverse=True)

BLANK_TEXTS = frozenset(
    {"", "-", "--", "---", "—", "——", "/", "无", "暂无", "未知", "未公开", "不公开", "不公示"}
    | {"n/a", "na", "null", "none", "nan"}
)
"""Cell texts (NFKC, lower case) that mean "no value" in exports."""
_MULTIPLIER_WAN = {"千": 0.1, "万": 1.0, "百万": 100.0, "千万": 1000.0, "亿": 1e4, "万亿": 1e8}
_AMOUNT_RE = re.compile(
    r"^(?P<num>\d+(?:\.\d*)?|\.\d+)(?P<mult>万亿|千万|百万|亿|万|千)?(?P<yuan>元)?$"
)
_QUANTITY_RE = re.compile(r"^(?P<num>\d+(?:\.\d*)?|\.\d+)(?P<wan>万)?(?P<unit>.*)$")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_BRACKETS = str.maketrans("", "", "()[]{}【】〔〕「」<>")
_APPROX_PREFIX = ("大约", "约")
_APPROX_SUFFIX = ("左右", "以上", "余")

MU_M2 = 2000 / 3
"""Square metres in one 亩 (666.67, exactly 2000/3 so that 1 公顷 is exactly 15 亩)."""

TONNE_FORCE_KN = 9.8
"""kN per tonne-force: 1 吨/㎡ ≈ 9.8 kN/㎡ (GLOSSARY)."""

AREA_UNITS_M2: Mapping[str, float] = {
    **dict.fromkeys(("m2", "m^2", "平方米", "平米", "平方", "平方公尺", "sqm"), 1.0),
    "亩": MU_M2,
    **dict.fromkeys(("公顷", "ha", "hm2"), 10_000.0),
    **dict.fromkeys(("平方公里", "平方千米", "km2"), 1_000_000.0),
}
"""Area units (NFKC, lower case) → square metres per unit."""
_AREA_KNOWN = "㎡、平方米、m2、亩、公顷、平方公里"

_FORCE_KN = {"kn": 1.0, "千牛": 1.0, "t": TONNE_FORCE_KN, "吨": TONNE_FORCE_KN}
_FORCE_KN |= dict.fromkeys(("kg", "公斤", "千克"), TONNE_FORCE_KN / 1000)
LOAD_UNITS_KN_M2: Mapping[str, float] = {
    **{
        f"{f}{sep}{a}": k
        for f, k in _FORCE_KN.items()
        for sep in ("/", "每")
        for a in ("m2", "平方米", "平米", "平方")
    },
    **_FORCE_KN,  # "承重 3吨" in a ledger means per square metre
    "kpa": 1.0,
}
"""Floor-load units (NFKC, lower case) → kN/㎡ per unit."""


def _nfkc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _compact(text: str) -> str:
    """NFKC, lower case, no blanks, no thousands separators, no brackets."""
    text = "".join(_nfkc(text).split()).lower().translate(_BRACKETS)
    return _THOUSANDS.sub("", text)


def _is_blank(text: str) -> bool:
    return text in BLANK_TEXTS


def _strip_approx(text: str) -> str:
    for p in _APPROX_PREFIX:
        text = text.removeprefix(p)
    for s in _APPROX_SUFFIX:
        text = text.removesuffix(s)
    return text


def _number(value: int | float, raw: object, what_zh: str, what_en: str) -> float:
    if isinstance(value, bool) or not math.isfinite(value):
        raise ValueParseError(f"无法识别的{what_zh}「{raw}」", f"cannot read {what_en} {raw!r}")
    if value < 0:
        raise ValueParseError(
            f"{what_zh}不能为负数：「{raw}」", f"{what_en} cannot be negative: {raw!r}"
        )
    return float(value)


def _currency_split(text: str) -> tuple[str, str | None]:
    for alias in _ALIASES_LONGEST_FIRST:
        if text.startswith(alias):
            return text[len(alias) :], CURRENCY_ALIASES[alias]
        if text.endswith(alias):
            return text[: -len(alias)], CURRENCY_ALIASES[alias]
    return text, None


def parse_amount_wan(
    text: CellValue, *, rates: Mapping[str, float], default_unit: str = "万元"
) -> float | None:
    """An amount of money in 万元 (RMB), or None for a blank cell.

    Reads ``5000万元人民币``, ``5000万人民币``, ``1.2亿``, ``1.2亿元``, ``300万美元``,
    ``50万欧元``, ``12,345.6万元``, ``人民币500万``, full-width digits, and plain numbers, which
    are taken in ``default_unit`` (``"万元"``, ``"元"``, ``"亿元"``, ``"万美元"`` …; a header
    such as 注册资本（元） is the usual place to learn it). Foreign currencies convert at
    ``rates`` (yuan per unit, keyed by the names in :data:`DEFAULT_CURRENCY_RATES`).

    >>> parse_amount_wan("300万美元", rates=DEFAULT_CURRENCY_RATES)
    2130.0
    >>> parse_amount_wan("1.2亿", rates=DEFAULT_CURRENCY_RATES)
    12000.0
    >>> parse_amount_wan("5000000", rates=DEFAULT_CURRENCY_RATES, default_unit="元")
    500.0

    Raises:
        ValueParseError: not an amount, a negative amount, or a currency with no rate.
    """
    if text is None:
        return None
    if isinstance(text, date):
        raise ValueParseError(f"「{text}」是日期，不是金额", f"{text} is a date, not an amount")
    if isinstance(text, int | float):
        value = _number(text, text, "金额", "amount")
        return round(value * _amount_factor("1" + default_unit, default_unit, rates), 6)
    compact = _compact(text)
    if _is_blank(compact):
        return None
    if compact.startswith("-"):
        raise ValueParseError(f"金额不能为负数：「{text}」", f"amount cannot be negative: {text!r}")
    body = _strip_approx(compact)
    m = _AMOUNT_RE.match(body)
    if m is not None and not m["mult"] and not m["yuan"]:  # a plain number
        return round(float(m["num"]) * _amount_factor("1" + default_unit, default_unit, rates), 6)
    return round(_amount_factor(body, text, rates), 6)


def _amount_factor(body: str, raw: str, rates: Mapping[str, float]) -> float:
    """The value of ``body`` (compact text with number, multiplier, 元, currency) in 万元."""
    rest, currency = _currency_split(_compact(body))
    m = _AMOUNT_RE.match(rest)
    if m is None:
        tail = re.sub(r"^[\d.]+(万亿|千万|百万|亿|万|千)?", "", rest)
        if tail and tail != rest and not re.search(r"\d", tail):
            raise ValueParseError(
                f"无法识别的币种或单位「{tail}」（可在汇率表中配置）：「{raw}」",
                f"unknown currency or unit {tail!r} (add it to the rate table): {raw!r}",
            )
        raise ValueParseError(f"无法识别的金额「{raw}」", f"cannot read amount {raw!r}")
    if m["mult"]:
        factor = _MULTIPLIER_WAN[m["mult"]]
    elif m["yuan"] or currency is not None:
        factor = 1e-4  # "500元", "500美元": single units of the currency
    else:
        factor = 1.0  # only reached for a default unit of "" — treat as 万元
    rate = 1.0
    if currency is not None and currency != "人民币":
        if currency not in rates:
            raise ValueParseError(
                f"没有「{currency}」的汇率，请在汇率表中配置：「{raw}」",
                f"no exchange rate for {currency}; add it to the rate table: {raw!r}",
            )
        rate = rates[currency]
    return float(m["num"]) * factor * rate


_DATE_RE = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (3654, 73415)  # 1910-01-01 … 2100-12-31; keeps a bare year like 2019 out


def parse_date(value: CellValue) -> date | None:
    """A calendar date, or None for a blank cell.

    Reads date and datetime cells, ``2019-03-01``, ``2019/3/1``, ``2019.3.1``,
    ``2019年3月1日``, ``20190301``, a trailing time (``2019-03-01 00:00:00``) and Excel serial
    numbers (1910–2100) such as a CSV export of an unformatted date cell writes.

    >>> parse_date("2019年3月1日")
    datetime.date(2019, 3, 1)
    >>> parse_date(43525)
    datetime.date(2019, 3, 1)

    Raises:
        ValueParseError: not a date, or an impossible one (2019-02-30).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _date_from_number(value, value)
    if not isinstance(value, str):
        raise ValueParseError(f"无法识别的日期「{value}」", f"cannot read date {value!r}")
    text = _nfkc(value).strip()
    if _is_blank(text.lower()):
        return None
    m = _DATE_RE.match(text)
    if m is not None:
        return _make_date(int(m["y"]), int(m["m"]), int(m["d"]), value)
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return _date_from_number(float(text) if "." in text else int(text), value)
    raise ValueParseError(
        f"无法识别的日期「{value}」（可用 2019-03-01、2019/3/1、2019年3月1日）",
        f"cannot read date {value!r} (use 2019-03-01, 2019/3/1 or 2019年3月1日)",
    )


def _date_from_number(number: int | float, raw: object) -> date:
    if isinstance(number, int) and 10_000_000 <= number <= 99_999_999:
        return _make_date(number // 10_000, number // 100 % 100, number % 100, raw)
    if math.isfinite(number) and _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        return _EXCEL_EPOCH + timedelta(days=int(number))
    raise ValueParseError(f"无法识别的日期「{raw}」", f"cannot read date {raw!r}")


def _make_date(y: int, m: int, d: int, raw: object) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise ValueParseError(f"日期不存在「{raw}」", f"no such date {raw!r}") from None


def parse_number(
    value: CellValue, *, what_zh: str = "数值", what_en: str = "number"
) -> float | None:
    """A non-negative plain number (``1,234.5``, ``1.2万``, full-width digits), or None.

    >>> parse_number("1.2万")
    12000.0
    """
    return _parse_quantity(
        value, units={"": 1.0}, default_unit="", what_zh=what_zh, what_en=what_en
    )


def parse_int(
    value: CellValue, *, what_zh: str = "整数", what_en: str = "whole number"
) -> int | None:
    """A non-negative whole number such as a head count: ``1,234``, ``1234人``, ``1.2万``.

    >>> parse_int("1,234人")
    1234

    Raises:
        ValueParseError: not a number, negative, fractional, or a range like ``100-499``.
    """
    if isinstance(value, str):
        value = _nfkc(value).strip().removesuffix("人").removesuffix("名")
    number = _parse_quantity(
        value, units={"": 1.0}, default_unit="", what_zh=what_zh, what_en=what_en
    )
    if number is None:
        return None
    if not number.is_integer():
        raise ValueParseError(
            f"{what_zh}应为整数：「{value}」", f"{what_en} must be a whole number: {value!r}"
        )
    return int(number)


def parse_area_m2(value: CellValue, *, default_unit: str = "㎡") -> float | None:
    """An area in ㎡: ``1200㎡``, ``1200平方米``, ``1200m2``, ``1.2万㎡``, ``30亩``, ``2公顷``.

    >>> round(parse_area_m2("30亩"), 2)
    20000.0
    """
    return _parse_quantity(
        value,
        units=AREA_UNITS_M2,
        default_unit=default_unit,
        what_zh="面积",
        what_en="area",
        known_zh=_AREA_KNOWN,
    )


def parse_area_mu(value: CellValue, *, default_unit: str = "亩") -> float | None:
    """An area in 亩: ``50亩``, ``2公顷`` (= 30 亩), ``6666.7㎡`` (= 10 亩).

    >>> parse_area_mu("2公顷")
    30.0
    """
    m2 = _parse_quantity(
        value,
        units=AREA_UNITS_M2,
        default_unit=default_unit,
        what_zh="面积",
        what_en="area",
        known_zh=_AREA_KNOWN,
    )
    return None if m2 is None else round(m2 / MU_M2, 6)


def parse_floor_load_kn_m2(value: CellValue, *, default_unit: str = "kN/㎡") -> float | None:
    """A floor load in kN/㎡: ``5kN/㎡``, ``3吨/㎡`` (× 9.8), ``500kg/㎡``, ``3吨``.

    Ledgers often write a bare number under a header like 承重（吨/㎡）: pass that unit as
    ``default_unit`` (see :func:`unit_hint`).

    >>> parse_floor_load_kn_m2("3吨/平方米")
    29.4
    """
    return _parse_quantity(
        value,
        units=LOAD_UNITS_KN_M2,
        default_unit=default_unit,
        what_zh="承重",
        what_en="floor load",
        known_zh="kN/㎡、吨/㎡、kg/㎡",
    )


def _parse_quantity(
    value: CellValue,
    *,
    units: Mapping[str, float],
    default_unit: str,
    what_zh: str,
    what_en: str,
    known_zh: str = "",
) -> float | None:
    default_key = _compact(default_unit)
    if default_key not in units:
        raise ValueError(f"default unit {default_unit!r} is not one of {sorted(units)}")
    if value is None:
        return None
    if isinstance(value, date):
        raise ValueParseError(
            f"「{value}」是日期，不是{what_zh}", f"{value} is a date, not a {what_en}"
        )
    if isinstance(value, int | float):
        return round(_number(value, value, what_zh, what_en) * units[default_key], 6)
    compact = _compact(value)
    if _is_blank(compact):
        return None
    if compact.startswith("-"):
        raise ValueParseError(
            f"{what_zh}不能为负数：「{value}」", f"{what_en} cannot be negative: {value!r}"
        )
    m = _QUANTITY_RE.match(_strip_approx(compact))
    if m is None:
        raise ValueParseError(f"无法识别的{what_zh}「{value}」", f"cannot read {what_en} {value!r}")
    unit = m["unit"] or default_key
    if re.match(r"^[-~～至到]\d", m["unit"]):
        raise ValueParseError(
            f"{what_zh}是一个范围「{value}」，请填写单个数值",
            f"{what_en} {value!r} is a range; give a single value",
        )
    if unit not in units:
        if not known_zh:
            raise ValueParseError(
                f"无法识别的{what_zh}「{value}」", f"cannot read {what_en} {value!r}"
            )
        raise ValueParseError(
            f"无法识别的{what_zh}单位「{m['unit']}」：「{value}」（可用 {known_zh}）",
            f"unknown {what_en} unit {m['unit']!r} in {value!r} (known: {known_zh})",
        )
    number = float(m["num"]) * (10_000 if m["wan"] else 1)
    return round(number * units[unit], 6)


_HINT_RE = re.compile(r"[(\[【]([^()\[\]【】]+)[)\]】]")


def unit_hint(header: str) -> str | None:
    """The unit a header states in brackets, e.g. ``注册资本（万元）`` → ``万元``; else None.

    >>> unit_hint("占地面积(单位：亩)")
    '亩'
    """
    found = _HINT_RE.findall(_nfkc(header))
    if not found:
        return None
    hint: str = found[-1].strip()
    for prefix in ("单位:", "单位"):
        hint = hint.removeprefix(prefix)
    return hint.strip() or None
