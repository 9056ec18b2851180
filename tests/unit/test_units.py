"""Amounts, dates, counts, areas and loads as Chinese spreadsheets write them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest

from chainmap.io.units import (
    DEFAULT_CURRENCY_RATES,
    MU_M2,
    CellValue,
    ValueParseError,
    parse_amount_wan,
    parse_area_m2,
    parse_area_mu,
    parse_date,
    parse_floor_load_kn_m2,
    parse_int,
    parse_number,
    unit_hint,
)

R = DEFAULT_CURRENCY_RATES


@pytest.mark.parametrize(
    ("text", "wan"),
    [
        ("5000万元人民币", 5000),
        ("5000万人民币", 5000),
        ("5000万元", 5000),
        ("1.2亿", 12000),
        ("1.2亿元", 12000),
        ("300万美元", 300 * 7.1),
        ("50万欧元", 50 * 7.7),
        ("100万港元", 91),
        ("1000万日元", 47),
        ("12,345.6万元", 12345.6),
        ("1,234,567元", 123.4567),
        ("1000", 1000),  # plain numbers are 万元 by default
        ("１０００", 1000),  # full-width digits
        ("５０００万元人民币", 5000),
        ("人民币500万", 500),
        ("USD 300万", 2130),
        ("500万元（人民币）", 500),
        ("约1000万元", 1000),
        ("500元", 0.05),
        ("0", 0),
        (1000, 1000),
        (2.5, 2.5),
    ],
)
def test_amounts_in_wan(text: CellValue, wan: float) -> None:
    assert parse_amount_wan(text, rates=R) == pytest.approx(wan)


@pytest.mark.parametrize("text", ["", "-", "--", "—", "  ", "无", None])
def test_blank_amounts_are_none(text: CellValue) -> None:
    assert parse_amount_wan(text, rates=R) is None


@pytest.mark.parametrize(
    ("default_unit", "value", "wan"),
    [("元", 5_000_000, 500), ("元", "5000000", 500), ("亿元", "1.5", 15000), ("万美元", 10, 71)],
)
def test_default_unit_for_plain_numbers(default_unit: str, value: CellValue, wan: float) -> None:
    assert parse_amount_wan(value, rates=R, default_unit=default_unit) == pytest.approx(wan)


def test_default_unit_does_not_override_a_stated_unit() -> None:
    assert parse_amount_wan("1.2亿", rates=R, default_unit="元") == pytest.approx(12000)


def test_rates_are_configurable() -> None:
    assert parse_amount_wan("300万美元", rates={"美元": 7.0}) == pytest.approx(2100)


@pytest.mark.parametrize(
    ("text", "rates", "fragment"),
    [
        ("abc", R, "无法识别的金额"),
        ("12.3.4万", R, "无法识别的金额"),
        ("500万卢布", R, "卢布"),
        ("300万美元", {"人民币": 1.0}, "汇率"),
        ("-5万元", R, "负数"),
        (-5, R, "负数"),
        (date(2020, 1, 1), R, "日期"),
    ],
)
def test_bad_amounts_raise_bilingual_errors(
    text: CellValue, rates: dict[str, float], fragment: str
) -> None:
    with pytest.raises(ValueParseError) as info:
        parse_amount_wan(text, rates=rates)
    assert fragment in info.value.message_zh
    assert info.value.message_en
    assert info.value.code == "value_unparseable"


@pytest.mark.parametrize(
    "value",
    [
        "2019-03-01",
        "2019/3/1",
        "2019.3.1",
        "2019年3月1日",
        "2019年03月01日",
        "２０１９年３月１日",
        "20190301",
        20190301,
        "2019-03-01 00:00:00",
        "2019-03-01T08:30:00",
        datetime(2019, 3, 1, 8, 30),
        date(2019, 3, 1),
        43525,  # Excel serial
        43525.75,
        "43525",
    ],
)
def test_dates(value: CellValue) -> None:
    assert parse_date(value) == date(2019, 3, 1)


@pytest.mark.parametrize("value", ["", "-", "--", None])
def test_blank_dates_are_none(value: CellValue) -> None:
    assert parse_date(value) is None


@pytest.mark.parametrize(
    "value", ["2019-02-30", "2019-13-01", "2019", 2019, "2019年3月", "明年", "3/1/2019"]
)
def test_bad_dates_raise(value: CellValue) -> None:
    with pytest.raises(ValueParseError) as info:
        parse_date(value)
    assert "日期" in info.value.message_zh
    assert "date" in info.value.message_en


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234", 1234),
        ("1,234", 1234),
        ("1234人", 1234),
        ("１２３", 123),
        (56, 56),
        (56.0, 56),
        ("1.2万", 12000),
        ("-", None),
        ("", None),
    ],
)
def test_int(value: CellValue, expected: int | None) -> None:
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", ["12.5", 12.5, "100-499人", "abc", "-3"])
def test_bad_int_raises(value: CellValue) -> None:
    with pytest.raises(ValueParseError):
        parse_int(value)


def test_number() -> None:
    assert parse_number("1,234.5") == 1234.5
    with pytest.raises(ValueParseError):
        parse_number("12kg")


@pytest.mark.parametrize(
    ("value", "m2"),
    [
        ("1200㎡", 1200),
        ("1200平方米", 1200),
        ("1200m2", 1200),
        ("1200 m²", 1200),
        ("1200平米", 1200),
        ("1200M2", 1200),
        ("1.2万㎡", 12000),
        ("1.2万平方米", 12000),
        ("1.2万", 12000),
        ("30亩", 20000),
        ("1亩", 666.67),
        ("2公顷", 20000),
        ("1,200", 1200),
        (800, 800),
        ("约1000㎡", 1000),
    ],
)
def test_area_m2(value: CellValue, m2: float) -> None:
    assert parse_area_m2(value) == pytest.approx(m2, abs=0.01)


@pytest.mark.parametrize(
    ("value", "mu"),
    [
        ("50亩", 50),
        ("50", 50),
        ("2公顷", 30),
        ("6666.67㎡", 10),
        ("1.5万平方米", 22.5),
        (12.5, 12.5),
    ],
)
def test_area_mu(value: CellValue, mu: float) -> None:
    assert parse_area_mu(value) == pytest.approx(mu, abs=0.001)


def test_mu_and_hectare_are_consistent() -> None:
    assert abs(MU_M2 - 666.67) < 0.005
    assert parse_area_mu("1公顷") == pytest.approx(15)


def test_area_default_unit_from_the_header() -> None:
    assert parse_area_m2("30", default_unit="亩") == pytest.approx(20000)


@pytest.mark.parametrize(
    ("value", "kn"),
    [
        ("5kN/㎡", 5),
        ("5 KN/M2", 5),
        ("5千牛/平方米", 5),
        ("3吨/㎡", 29.4),
        ("3吨/平方米", 29.4),
        ("3t/m2", 29.4),
        ("3吨", 29.4),
        ("500kg/㎡", 4.9),
        ("500公斤/平方米", 4.9),
        (5, 5),
    ],
)
def test_floor_load(value: CellValue, kn: float) -> None:
    assert parse_floor_load_kn_m2(value) == pytest.approx(kn)


def test_floor_load_default_unit() -> None:
    assert parse_floor_load_kn_m2("2", default_unit="吨/㎡") == pytest.approx(19.6)


@pytest.mark.parametrize(
    ("parse", "value", "fragment"),
    [
        (parse_area_m2, "12间", "单位"),
        (parse_area_m2, "-5㎡", "负数"),
        (parse_area_m2, "100-200㎡", "范围"),
        (parse_area_mu, "很大", "无法识别"),
        (parse_floor_load_kn_m2, "3吨/亩", "单位"),
        (parse_floor_load_kn_m2, -1, "负数"),
    ],
)
def test_unit_errors_are_bilingual(
    parse: Callable[[CellValue], float | None], value: CellValue, fragment: str
) -> None:
    with pytest.raises(ValueParseError) as info:
        parse(value)
    assert fragment in info.value.message_zh
    assert info.value.message_en


def test_blank_areas_are_none() -> None:
    assert parse_area_m2("-") is None
    assert parse_area_mu(None) is None
    assert parse_floor_load_kn_m2("") is None


def test_unknown_default_unit_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_area_m2("1", default_unit="间")


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        ("注册资本（万元）", "万元"),
        ("注册资本(元)", "元"),
        ("面积【单位：亩】", "亩"),
        ("承重(吨/㎡)", "吨/m2"),
        ("面积", None),
    ],
)
def test_unit_hint(header: str, hint: str | None) -> None:
    assert unit_hint(header) == hint
