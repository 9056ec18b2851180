"""Carrier ledgers (闲置厂房台账, 收储用地) → records and row errors: every unit form people
write, every kind of bad input, and a real-looking xlsx read end to end."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import Workbook

from chainmap.carriers import CarrierStatus, Factory, LandParcel
from chainmap.io.carrier_rows import (
    FACTORY_COLUMNS,
    LAND_COLUMNS,
    FactoryRecord,
    LandRecord,
    parse_factory_rows,
    parse_land_rows,
)
from chainmap.io.tables import RawRow, RowError, read_table
from chainmap.io.units import CellValue

TODAY = date(2026, 6, 1)
PARKS = ["高新区", "经开区"]
F_HEADERS = {"park": "园区", "building": "楼栋", "area": "面积", "status": "状态"}
L_HEADERS = {"park": "园区", "code": "地块编号", "area": "面积", "status": "状态"}


def factory_row(
    headers: dict[str, str] | None = None, **cells: Any
) -> tuple[FactoryRecord | None, list[RowError]]:
    values = {"park": "高新区", "building": "3号楼", "area": "5000㎡", "status": "空置", **cells}
    heads = {**F_HEADERS, **{k: k for k in cells if k not in F_HEADERS}, **(headers or {})}
    records, errors = parse_factory_rows(
        [RawRow(5, values)], headers=heads, source="台账", known_parks=PARKS, today=TODAY
    )
    return (records[0] if records else None), errors


def land_row(
    headers: dict[str, str] | None = None, **cells: Any
) -> tuple[LandRecord | None, list[RowError]]:
    values = {"park": "经开区", "code": "JK-01", "area": "50亩", "status": "储备", **cells}
    heads = {**L_HEADERS, **{k: k for k in cells if k not in L_HEADERS}, **(headers or {})}
    records, errors = parse_land_rows(
        [RawRow(6, values)], headers=heads, source="收储", known_parks=PARKS, today=TODAY
    )
    return (records[0] if records else None), errors


def ok_factory(headers: dict[str, str] | None = None, **cells: Any) -> FactoryRecord:
    record, errors = factory_row(headers, **cells)
    assert errors == [] and record is not None
    return record


def ok_land(headers: dict[str, str] | None = None, **cells: Any) -> LandRecord:
    record, errors = land_row(headers, **cells)
    assert errors == [] and record is not None
    return record


# --- unit forms ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "header", "m2"),
    [
        ("1200㎡", "面积", 1200),
        ("1200平方米", "面积", 1200),
        ("1200m2", "面积", 1200),
        ("1200 M²", "面积", 1200),
        ("1,200", "面积", 1200),
        (1200, "面积", 1200),
        ("1.2万㎡", "面积", 12_000),
        ("1.2万", "面积", 12_000),
        ("约1200平米", "面积", 1200),
        (1.2, "面积（万㎡）", 12_000),
        ("1.2", "建筑面积(万平方米)", 12_000),
        (3, "面积(亩)", 2000),
        (800, "可租面积（可分割）", 800),  # a bracketed note, not a unit
    ],
)
def test_factory_area_units(cell: Any, header: str, m2: float) -> None:
    assert ok_factory({"area": header}, area=cell).area_m2 == pytest.approx(m2)


@pytest.mark.parametrize(
    ("cell", "height"),
    [("8m", 8), ("8米", 8), (8, 8), ("8.5 M", 8.5), ("800cm", 8), ("8-12m", 8), ("约9米", 9)],
)
def test_clear_height_units(cell: Any, height: float) -> None:
    assert ok_factory(clear_height=cell).clear_height_m == pytest.approx(height)


@pytest.mark.parametrize(
    ("cell", "header", "kn"),
    [
        ("15kN/㎡", "承重", 15),
        ("15KN/m2", "承重", 15),
        (15, "承重", 15),
        ("3吨/㎡", "承重", 29.4),
        ("3t/㎡", "承重", 29.4),
        ("3吨/平方米", "楼面荷载", 29.4),
        ("500kg/㎡", "承重", 4.9),
        (2, "承重（吨/㎡）", 19.6),
        ("2-3吨/㎡", "承重", 19.6),
    ],
)
def test_floor_load_units(cell: Any, header: str, kn: float) -> None:
    got = ok_factory({"floor_load": header}, floor_load=cell).floor_load_kn_m2
    assert got == pytest.approx(kn)


@pytest.mark.parametrize(
    ("cell", "header", "kva"),
    [
        ("1000", "配电", 1000),
        (1000, "配电", 1000),
        ("1000kVA", "配电", 1000),
        ("1000KVA", "电力容量", 1000),
        ("1000千伏安", "配电", 1000),
        ("2×800kVA", "配电", 1600),
        ("2*800KVA", "配电", 1600),
        ("1000+630kVA", "配电", 1630),
        ("1.25MVA", "配电", 1250),
        ("500kW", "配电", 500),
        (1.25, "配电容量（MVA）", 1250),
    ],
)
def test_power_units(cell: Any, header: str, kva: float) -> None:
    assert ok_factory({"power": header}, power=cell).power_kva == pytest.approx(kva)


@pytest.mark.parametrize(
    ("cell", "has", "tonnes"),
    [
        ("有", True, None),
        ("无", False, None),
        ("5t", True, 5),
        ("5T", True, 5),
        ("2台10吨行车", True, 10),
        ("有行车", True, None),
        (10, True, 10),
        (None, None, None),
    ],
)
def test_crane_forms(cell: Any, has: bool | None, tonnes: float | None) -> None:
    record = ok_factory(crane=cell)
    assert (record.has_crane, record.crane_t) == (has, tonnes)


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("空置", CarrierStatus.vacant),
        ("闲置", CarrierStatus.vacant),
        ("可租", CarrierStatus.vacant),
        ("可出租", CarrierStatus.vacant),
        ("已预订", CarrierStatus.reserved),
        ("意向", CarrierStatus.reserved),
        ("已出租", CarrierStatus.occupied),
        ("已入驻", CarrierStatus.occupied),
        ("在用", CarrierStatus.occupied),
    ],
)
def test_factory_status_words(cell: str, status: CarrierStatus) -> None:
    assert ok_factory(status=cell).status is status


@pytest.mark.parametrize(
    ("cell", "rent"),
    [
        ("25", 25),
        (25, 25),
        ("25元/㎡·月", 25),
        ("25元/平方米/月", 25),
        ("25元/㎡", 25),
        ("0.8元/㎡·天", 0.8 * 365 / 12),
        ("300元/㎡·年", 25),
    ],
)
def test_rent_units(cell: Any, rent: float) -> None:
    assert ok_factory(rent=cell).rent_yuan_m2_month == pytest.approx(rent)


@pytest.mark.parametrize(
    ("cell", "header", "mu"),
    [
        ("50亩", "面积", 50),
        (50, "面积", 50),
        ("2公顷", "面积", 30),
        (2, "用地面积（公顷）", 30),
        ("6666.7㎡", "面积", 10),
        ("20000平方米", "土地面积", 30),
    ],
)
def test_land_area_units(cell: Any, header: str, mu: float) -> None:
    assert ok_land({"area": header}, area=cell).area_mu == pytest.approx(mu, abs=1e-3)


@pytest.mark.parametrize(
    ("cell", "price"),
    [("30", 30), ("30万元/亩", 30), ("30万/亩", 30), ("450元/㎡", 30), ("450万元/公顷", 30)],
)
def test_land_price_units(cell: Any, price: float) -> None:
    assert ok_land(price=cell).price_wan_per_mu == pytest.approx(price)


@pytest.mark.parametrize(
    ("cell", "ready"),
    [
        ("是", True),
        ("净地", True),
        ("已净地", True),
        ("否", False),
        ("毛地", False),
        ("非净地", False),
    ],
)
def test_site_ready_words(cell: str, ready: bool) -> None:
    assert ok_land(site_ready=cell).site_ready is ready


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("储备", CarrierStatus.vacant),
        ("可供", CarrierStatus.vacant),
        ("意向", CarrierStatus.reserved),
        ("已出让", CarrierStatus.occupied),
    ],
)
def test_land_status_words(cell: str, status: CarrierStatus) -> None:
    assert ok_land(status=cell).status is status


def test_no_status_column_means_an_idle_ledger_of_vacant_space() -> None:
    values: dict[str, CellValue] = {"park": "高新区", "building": "1号楼", "area": 800}
    records, errors = parse_factory_rows(
        [RawRow(2, values)],
        headers={"park": "园区", "building": "楼栋", "area": "面积"},
        source="台账",
        known_parks=None,
        today=TODAY,
    )
    assert errors == [] and records[0].status is CarrierStatus.vacant


def test_verification_date_and_its_default() -> None:
    assert ok_factory(verified_on="2026-05-20").last_verified_on == date(2026, 5, 20)
    assert ok_factory().last_verified_on is None  # never verified: stale wherever shown
    records, _ = parse_factory_rows(
        [RawRow(2, {"park": "高新区", "building": "1号楼", "area": 800})],
        headers={},
        source="台账",
        known_parks=None,
        today=TODAY,
        verified_on=date(2026, 5, 1),
    )
    assert records[0].last_verified_on == date(2026, 5, 1)


def test_records_become_core_carriers() -> None:
    record = ok_factory(clear_height="9m", industry_direction="新能源")
    f = record.to_factory(id=7, park_id=3)
    assert isinstance(f, Factory) and (f.id, f.park_id, f.clear_height_m) == (7, 3, 9)
    assert f.label == "高新区 3号楼" and f.source == "台账"
    p = ok_land(site_ready="净地").to_parcel(id=8)
    assert isinstance(p, LandParcel) and (p.id, p.code, p.area_mu, p.site_ready) == (
        8,
        "JK-01",
        50,
        True,
    )


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "column", "zh", "en"),
    [
        ({"area": "-500㎡"}, "面积", "不能为负数", "negative"),
        ({"area": "200万㎡"}, "面积", "不合理", "implausible"),
        ({"area": "5㎡"}, "面积", "不合理", "implausible"),
        ({"area": 0}, "面积", "不合理", "implausible"),
        ({"area": None}, "面积", "不能为空", "empty"),
        ({"area": "1200平方尺"}, "面积", "无法识别的面积单位", "unknown area unit"),
        ({"clear_height": "8英尺"}, "clear_height", "无法识别的层高单位", "unknown"),
        ({"clear_height": "80m"}, "clear_height", "不合理", "implausible"),
        ({"floor_load": "3磅/㎡"}, "floor_load", "无法识别的承重单位", "unknown"),
        ({"power": "1000瓦特"}, "power", "无法识别的配电容量单位", "unknown"),
        ({"power": "-100kVA"}, "power", "不能为负数", "negative"),
        ({"rent": "25元/月"}, "rent", "无法识别的租金单位", "unknown"),
        ({"crane": "看情况"}, "crane", "无法识别的行车信息", "crane"),
        ({"park": "火星园区"}, "园区", "园区「火星园区」不存在", "does not exist"),
        ({"park": None}, "园区", "不能为空", "empty"),
        ({"building": None}, "楼栋", "不能为空", "empty"),
        ({"verified_on": "2026-07-01"}, "verified_on", "晚于今天", "after today"),
        ({"verified_on": "去年"}, "verified_on", "无法识别的日期", "cannot read date"),
        ({"status": "装修中"}, "状态", "无法识别的状态", "unknown status"),
        ({"status": None}, "状态", "状态不能为空", "empty"),
        ({"lat": "123.4"}, "lat", "超出范围", "out of range"),
    ],
)
def test_factory_bad_input(cells: dict[str, Any], column: str, zh: str, en: str) -> None:
    record, errors = factory_row(**cells)
    assert record is None
    assert len(errors) == 1, errors
    (e,) = errors
    assert (e.row_number, e.column) == (5, column)
    assert zh in e.message_zh and en in e.message_en
    assert e.full_zh.startswith(f"第 5 行「{column}」")


@pytest.mark.parametrize(
    ("cells", "column", "zh"),
    [
        ({"area": "200000亩"}, "面积", "不合理"),
        ({"area": "-3亩"}, "面积", "不能为负数"),
        ({"area": "3英亩"}, "面积", "无法识别的面积单位"),
        ({"code": None}, "地块编号", "不能为空"),
        ({"site_ready": "待定"}, "site_ready", "无法识别的净地情况"),
        ({"price": "30万元"}, "price", "无法识别的挂牌价单位"),
        ({"status": "征收中"}, "状态", "无法识别的状态"),
        ({"park": "不存在园"}, "园区", "不存在"),
        ({"verified_on": date(2027, 1, 1)}, "verified_on", "晚于今天"),
    ],
)
def test_land_bad_input(cells: dict[str, Any], column: str, zh: str) -> None:
    record, errors = land_row(**cells)
    assert record is None and len(errors) == 1, errors
    assert errors[0].column == column and zh in errors[0].message_zh


def test_every_bad_cell_of_a_row_is_reported() -> None:
    record, errors = factory_row(area="-1", power="1000瓦特", park="火星园区")
    assert record is None
    assert {e.column for e in errors} == {"面积", "power", "园区"}


def test_a_future_available_date_is_fine_for_land() -> None:
    assert ok_land(available_from="2027-01-01").available_from == date(2027, 1, 1)


def test_duplicates_in_one_file_are_errors_on_the_later_row() -> None:
    rows = [
        RawRow(3, {"park": "高新区", "building": "1号楼", "floor": "2层", "area": 900}),
        RawRow(4, {"park": "高新区", "building": "1号楼", "floor": "3层", "area": 900}),
        RawRow(5, {"park": "高新区 ", "building": "1号楼", "floor": "2层", "area": 900}),
    ]
    records, errors = parse_factory_rows(
        rows, headers={}, source="x", known_parks=PARKS, today=TODAY
    )
    assert [r.row_number for r in records] == [3, 4]
    assert [(e.row_number, e.message_zh) for e in errors] == [
        (5, "与第 3 行是同一厂房（园区、楼栋、楼层相同）")
    ]
    lands = [RawRow(n, {"park": "经开区", "code": "A-1", "area": 10}) for n in (2, 3)]
    records2, errors2 = parse_land_rows(
        lands, headers={}, source="x", known_parks=None, today=TODAY
    )
    assert len(records2) == 1 and errors2[0].row_number == 3 and "重复" in errors2[0].message_zh


def test_known_parks_match_across_width_and_blanks() -> None:
    record = ok_factory(park="高 新 区")
    assert record.park_name == "高新区"  # the stored name, not the ledger's spelling


# --- a real-looking ledger -----------------------------------------------------------------


def xlsx(rows: Sequence[Sequence[Any]], merges: Sequence[str] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(list(r))
    for m in merges:
        ws.merge_cells(m)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


FACTORY_SHEET: list[list[Any]] = [
    ["某市闲置厂房台账（2026年5月）"],
    [
        "所属园区", "幢号", "楼层", "建筑面积（㎡）", "净高", "楼面荷载（吨/㎡）", "电力容量",
        "吊车", "招商方向", "使用状态", "租金（元/㎡·月）", "联系人", "联系电话", "更新日期",
    ],
    ["高新区", "A1栋", "1层", "1.2万", "12米", 3, "2×1000kVA", "10t", "新能源汽车零部件",
     "闲置", 18, "王工", "0512-0000", datetime(2026, 5, 10)],
    [None, "A1栋", "2层", 6000, "6m", 0.8, "500", "无", "电子信息", "已出租", "15", "王工",
     "0512-0000", "2026/5/10"],
    [None, "B2栋", None, "8,000平方米", 9, "1.5", "1250KVA", "有", "不限", "意向", "0.6元/㎡·天",
     "李工", None, "2026年4月1日"],
    ["经开区", "3号厂房", "1-3层", "4500m2", "4.5m", 0.5, "800千伏安", None, "", "可租", None,
     None, None, None],
]  # fmt: skip


def test_a_factory_ledger_with_a_title_row_and_merged_parks() -> None:
    data = xlsx(FACTORY_SHEET, merges=["A1:N1", "A3:A5"])
    table = read_table(data, filename="台账.xlsx", columns=FACTORY_COLUMNS)
    assert table.layout.header_row == 2 and table.unknown_columns == ()
    records, errors = parse_factory_rows(
        table.rows, headers=table.headers, source="闲置厂房台账", known_parks=PARKS, today=TODAY
    )
    assert errors == []
    assert [(r.row_number, r.park_name, r.building, r.floor) for r in records] == [
        (3, "高新区", "A1栋", "1层"),
        (4, "高新区", "A1栋", "2层"),
        (5, "高新区", "B2栋", None),
        (6, "经开区", "3号厂房", "1-3层"),
    ]
    a1, a2, b2, f3 = records
    assert (a1.area_m2, a1.clear_height_m, a1.power_kva) == (12_000, 12, 2000)
    assert a1.floor_load_kn_m2 == pytest.approx(29.4)
    assert (a1.has_crane, a1.crane_t, a1.status, a1.rent_yuan_m2_month) == (
        True,
        10,
        CarrierStatus.vacant,
        18,
    )
    assert (a1.industry_direction, a1.contact_person, a1.last_verified_on) == (
        "新能源汽车零部件",
        "王工",
        date(2026, 5, 10),
    )
    assert a2.status is CarrierStatus.occupied and a2.floor_load_kn_m2 == pytest.approx(7.84)
    assert b2.area_m2 == 8000 and b2.status is CarrierStatus.reserved
    assert b2.rent_yuan_m2_month == pytest.approx(0.6 * 365 / 12)
    assert b2.last_verified_on == date(2026, 4, 1)
    assert f3.area_m2 == 4500 and f3.power_kva == 800 and f3.last_verified_on is None
    assert all(r.source == "闲置厂房台账" for r in records)


def test_ledger_errors_name_the_row_and_the_column_as_written() -> None:
    sheet: list[list[Any]] = [list(r) for r in FACTORY_SHEET]
    sheet[3][3] = "-6000"  # row 4, 建筑面积（㎡）
    sheet[5][0] = "火星园区"  # row 6
    sheet[4][13] = "2027-01-01"  # row 5, 更新日期
    data = xlsx(sheet, merges=["A1:N1", "A3:A5"])
    table = read_table(data, filename="台账.xlsx", columns=FACTORY_COLUMNS)
    records, errors = parse_factory_rows(
        table.rows, headers=table.headers, source="台账", known_parks=PARKS, today=TODAY
    )
    assert [r.row_number for r in records] == [3]  # the importer then commits nothing
    assert [(e.row_number, e.column) for e in errors] == [
        (4, "建筑面积（㎡）"),
        (5, "更新日期"),
        (6, "所属园区"),
    ]
    assert errors[0].value == "-6000"


def test_a_land_ledger() -> None:
    sheet: list[list[Any]] = [
        ["收储工业用地一览表"],
        ["地块编号", "园区", "面积（亩）", "土地用途", "是否净地", "规划产业方向", "供地状态",
         "挂牌价(万元/亩)", "可供日期", "核实日期"],
        ["JK-2026-01", "经开区", 120, "工业用地", "是", "新材料", "储备", 28, "2026-09-01",
         "2026-05-01"],
        ["JK-2026-02", "经开区", "8公顷", "M1", "毛地", "", "已出让", "420元/㎡", None,
         "2026-05-01"],
    ]  # fmt: skip
    table = read_table(xlsx(sheet, ["A1:J1"]), filename="land.xlsx", columns=LAND_COLUMNS)
    records, errors = parse_land_rows(
        table.rows, headers=table.headers, source="收储", known_parks=PARKS, today=TODAY
    )
    assert errors == []
    one, two = records
    assert (one.code, one.area_mu, one.site_ready, one.industry_direction) == (
        "JK-2026-01",
        120,
        True,
        "新材料",
    )
    assert (one.status, one.price_wan_per_mu, one.available_from) == (
        CarrierStatus.vacant,
        28,
        date(2026, 9, 1),
    )
    assert (two.area_mu, two.site_ready, two.status) == (120, False, CarrierStatus.occupied)
    assert two.price_wan_per_mu == pytest.approx(28)
