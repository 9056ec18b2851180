"""Enterprise exports → records and row errors, and the downloadable error report."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from chainmap.credit_code import credit_code_check_char
from chainmap.domain import Tag
from chainmap.io.enterprise_rows import (
    ENTERPRISE_COLUMNS,
    EnterpriseRecord,
    error_report_xlsx,
    industry_from_row,
    is_listed,
    parse_enterprise_row,
    parse_enterprise_rows,
    parse_tags,
    split_products,
)
from chainmap.io.tables import RawRow, RowError, read_table
from chainmap.io.units import DEFAULT_CURRENCY_RATES

R = DEFAULT_CURRENCY_RATES
CODE_A = "91320500MA1MXE3T1X"
CODE_B = "91110108MA01A2B3X4"
CODE_C = "91320214MA1NXKYU7" + credit_code_check_char("91320214MA1NXKYU7")

HEADER = [
    "企业名称", "统一社会信用代码", "法定代表人", "登记状态", "成立日期", "注册资本", "实缴资本",
    "所属省份", "所属城市", "所属区县", "国标行业门类", "国标行业大类", "国标行业中类",
    "国标行业小类", "企业类型", "参保人数", "经营范围", "企业地址", "股票代码", "上市状态",
    "企业标签", "主营产品", "联系电话",
]  # fmt: skip


def row_a() -> list[Any]:
    return [
        "苏州甲新能源科技有限公司", CODE_A, "张三", "存续（在营、开业、在册）", "2019-03-01",
        "5000万元人民币", "1.2亿", "江苏省", "苏州市", "吴中区", "C 制造业",
        "38 电气机械和器材制造业", "384 电池制造", "3841 锂离子电池制造", "有限责任公司",
        "1,234", "锂离子电池的研发、生产；新材料技术推广", "苏州市吴中区某路1号", None, "未上市",
        '专精特新"小巨人"、高新技术企业', "动力电池、储能电池(磷酸铁锂、三元)；BMS等", "0512-1",
    ]  # fmt: skip


def xlsx_bytes(rows: Sequence[Sequence[Any]], merges: Sequence[str] = ()) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "企业"
    for r in rows:
        ws.append(list(r))
    for m in merges:
        ws.merge_cells(m)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse(
    values: dict[str, Any], headers: dict[str, str] | None = None
) -> tuple[Any, list[RowError]]:
    return parse_enterprise_row(RawRow(7, values), rates=R, source="test", headers=headers)


# --- a realistic export -------------------------------------------------------------------


def test_full_export_row_becomes_a_record() -> None:
    data = xlsx_bytes([["企业名录（导出于 2024-05-01）"], HEADER, row_a()], merges=["A1:W1"])
    table = read_table(data, filename="qcc.xlsx", columns=ENTERPRISE_COLUMNS)
    assert table.unknown_columns == ("联系电话",)
    records, errors = parse_enterprise_rows(
        table.rows, rates=R, source="qcc", headers=table.headers
    )
    assert errors == []
    assert records == [
        EnterpriseRecord(
            name="苏州甲新能源科技有限公司",
            credit_code=CODE_A,
            legal_representative="张三",
            registration_status="存续(在营、开业、在册)",
            established_on=date(2019, 3, 1),
            registered_capital_wan=5000.0,
            paid_in_capital_wan=12000.0,
            province="江苏省",
            city="苏州市",
            district="吴中区",
            industry_code="C3841",
            industry_name="锂离子电池制造",
            enterprise_type="有限责任公司",
            employees=1234,
            business_scope="锂离子电池的研发、生产;新材料技术推广",
            address="苏州市吴中区某路1号",
            stock_code=None,
            listed=False,
            tags=(Tag.little_giant, Tag.high_tech),
            main_products=("动力电池", "储能电池(磷酸铁锂、三元)", "BMS"),
            source="qcc",
            other_tags=(),
        )
    ]


def test_english_headers() -> None:
    data = xlsx_bytes(
        [
            ["Company Name", "Credit Code", "Registered Capital", "Province", "Employees", "Tags"],
            ["Acme Battery Co.", CODE_B, "300万美元", "Jiangsu", 50, "high_tech"],
        ]
    )
    table = read_table(data, filename="en.xlsx", columns=ENTERPRISE_COLUMNS)
    records, errors = parse_enterprise_rows(table.rows, rates=R, source="x", headers=table.headers)
    assert errors == []
    (rec,) = records
    assert (rec.name, rec.credit_code, rec.province, rec.employees) == (
        "Acme Battery Co.",
        CODE_B,
        "Jiangsu",
        50,
    )
    assert rec.registered_capital_wan == pytest.approx(2130)
    assert rec.tags == (Tag.high_tech,)


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("公司名称", "name"), ("名称", "name"), ("企业名", "name"), ("信用代码", "credit_code"),
        ("社会信用代码", "credit_code"), ("USCC", "credit_code"), ("注册资金", "registered_capital"),
        ("省份", "province"), ("省", "province"), ("城市", "city"), ("市", "city"),
        ("区县", "district"), ("区", "district"), ("员工人数", "employees"),
        ("企业(机构)类型", "enterprise_type"), ("主要产品", "main_products"), ("标签", "tags"),
        ("行业代码", "industry_code"), ("上市状态", "listing_status"), ("股票代码", "stock_code"),
    ],
)  # fmt: skip
def test_header_aliases(header: str, key: str) -> None:
    first = [] if key == "name" else ["企业名称"]
    data = xlsx_bytes([[*first, header], [*(["甲"] if first else []), "x"]])
    table = read_table(data, filename="a.xlsx", columns=ENTERPRISE_COLUMNS)
    assert table.headers[key] == header


# --- row errors ---------------------------------------------------------------------------


def test_bad_checksum_is_a_row_error_naming_the_column() -> None:
    bad = CODE_A[:17] + "0"
    rec, errors = parse({"name": "甲", "credit_code": bad}, {"credit_code": "社会信用代码"})
    assert rec is None
    (e,) = errors
    assert (e.row_number, e.column, e.value) == (7, "社会信用代码", bad)
    assert "校验位" in e.message_zh and "check character" in e.message_en
    assert e.full_zh.startswith("第 7 行「社会信用代码」")
    assert "row 7" in e.full_en


def test_credit_code_is_normalised_and_optional() -> None:
    rec, errors = parse({"name": "甲", "credit_code": " ９１３２０５００ma1mxe3t1x "})
    assert errors == [] and rec.credit_code == CODE_A
    rec, errors = parse({"name": "乙", "credit_code": "-"})
    assert errors == [] and rec.credit_code is None


def test_unparseable_amount_names_the_column_as_written() -> None:
    rec, errors = parse(
        {"name": "甲", "registered_capital": "五千万"}, {"registered_capital": "注册资本（万元）"}
    )
    assert rec is None
    assert [(e.column, e.value) for e in errors] == [("注册资本（万元）", "五千万")]
    assert "金额" in errors[0].message_zh


def test_every_bad_cell_in_a_row_is_reported() -> None:
    rec, errors = parse(
        {
            "name": "甲",
            "credit_code": "123",
            "established_on": "2019-02-30",
            "paid_in_capital": "abc",
            "employees": "很多",
        }
    )
    assert rec is None
    assert [e.column for e in errors] == ["统一社会信用代码", "成立日期", "实缴资本", "参保人数"]


def test_missing_name_value() -> None:
    rec, errors = parse({"name": None, "province": "江苏省"})
    assert rec is None
    assert errors[0].column == "企业名称" and "为空" in errors[0].message_zh


def test_cancelled_enterprises_are_kept() -> None:
    rec, errors = parse({"name": "甲", "registration_status": "注销"})
    assert errors == [] and rec.registration_status == "注销"


def test_header_unit_hint_sets_the_unit_of_plain_numbers() -> None:
    rec, _ = parse(
        {"name": "甲", "registered_capital": 5_000_000}, {"registered_capital": "注册资本(元)"}
    )
    assert rec.registered_capital_wan == 500
    rec, _ = parse(
        {"name": "甲", "registered_capital": "1.2亿"}, {"registered_capital": "注册资本(元)"}
    )
    assert rec.registered_capital_wan == 12000  # a stated unit wins
    rec, _ = parse(
        {"name": "甲", "registered_capital": 100}, {"registered_capital": "注册资本(备注)"}
    )
    assert rec.registered_capital_wan == 100  # not a unit: 万元


def test_duplicate_credit_code_in_one_file() -> None:
    rows = [
        RawRow(3, {"name": "甲", "credit_code": CODE_A}),
        RawRow(4, {"name": "甲2", "credit_code": CODE_A}),
    ]
    records, errors = parse_enterprise_rows(rows, rates=R, source="x")
    assert [r.name for r in records] == ["甲"]
    assert [(e.row_number, e.message_en) for e in errors] == [
        (4, "duplicates the credit code on row 3")
    ]


def test_row_errors_serialise_to_json() -> None:
    _, errors = parse({"name": "甲", "registered_capital": "abc"})
    payload = json.loads(json.dumps([e.as_dict() for e in errors], ensure_ascii=False))
    assert payload == [
        {
            "row": 7,
            "column": "注册资本",
            "value": "abc",
            "message_zh": errors[0].message_zh,
            "message_en": errors[0].message_en,
        }
    ]


# --- fields -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tags", "other"),
    [
        ("龙头企业", (Tag.leading,), ()),
        ("农业产业化国家重点龙头企业", (Tag.leading,), ()),
        ("制造业单项冠军", (Tag.single_champion,), ()),
        ('专精特新"小巨人"', (Tag.little_giant,), ()),
        ("专精特新“小巨人”企业", (Tag.little_giant,), ()),
        ("专精特新 小巨人", (Tag.little_giant,), ()),
        ("小巨人", (Tag.little_giant,), ()),
        ("专精特新", (Tag.specialised,), ()),
        ("省级专精特新中小企业", (Tag.specialised,), ()),
        ("高新技术企业", (Tag.high_tech,), ()),
        ("国家高新技术企业", (Tag.high_tech,), ()),
        ("高新企业", (Tag.high_tech,), ()),
        ("高新技术企业;专精特新；瞪羚企业", (Tag.high_tech, Tag.specialised), ("瞪羚企业",)),
        ("高新技术企业,高新技术企业", (Tag.high_tech,), ()),
        ("", (), ()),
    ],
)
def test_tags(text: str, tags: tuple[Tag, ...], other: tuple[str, ...]) -> None:
    assert parse_tags(text) == (tags, other)


@pytest.mark.parametrize(
    ("text", "products"),
    [
        ("锂电池、正极材料", ("锂电池", "正极材料")),
        ("锂电池，正极材料；隔膜", ("锂电池", "正极材料", "隔膜")),
        ("锂电池,正极材料;隔膜/电解液|铜箔", ("锂电池", "正极材料", "隔膜", "电解液", "铜箔")),
        ("锂电池\n正极材料", ("锂电池", "正极材料")),
        ("储能电池(磷酸铁锂、三元)、BMS等", ("储能电池(磷酸铁锂、三元)", "BMS")),
        ("锂电池、锂电池、 ", ("锂电池",)),
        ("", ()),
    ],
)
def test_products(text: str, products: tuple[str, ...]) -> None:
    assert split_products(text) == products


@pytest.mark.parametrize(
    ("values", "code", "name"),
    [
        ({"industry_section": "C", "industry_division": "38", "industry_group": "384", "industry_class": "3841"}, "C3841", None),
        ({"industry_section": "C 制造业", "industry_division": "38 电气机械和器材制造业"}, "C38", "电气机械和器材制造业"),
        ({"industry_section": "制造业", "industry_class": "[3841]锂离子电池制造"}, "C3841", "锂离子电池制造"),
        ({"industry_code": "C3841"}, "C3841", None),
        ({"industry_code": "3841"}, "C3841", None),
        ({"industry_code": 3841}, "C3841", None),
        ({"industry_code": "I6513 应用软件开发"}, "I6513", "应用软件开发"),
        ({"industry_division": 65}, "I65", None),
        ({"industry_section": "制造业"}, "C", "制造业"),
        ({"industry": "计算机、通信和其他电子设备制造业"}, None, "计算机、通信和其他电子设备制造业"),
        ({"industry_section": "Manufacturing"}, None, "Manufacturing"),
        ({}, None, None),
    ],
)  # fmt: skip
def test_industry(values: dict[str, Any], code: str | None, name: str | None) -> None:
    assert industry_from_row(values) == (code, name)


def test_stock_code_and_listing() -> None:
    rec, _ = parse({"name": "甲", "stock_code": 2371})
    assert rec.stock_code == "002371" and rec.listed
    rec, _ = parse({"name": "甲", "stock_code": "600584.sh", "listing_status": "已上市"})
    assert rec.stock_code == "600584.SH" and rec.listed
    assert is_listed("A股", None) and is_listed("是", None)
    assert not is_listed("新三板挂牌", "834567") and not is_listed("未上市", None)
    assert not is_listed(None, None)


def test_date_cells_and_serials() -> None:
    rec, _ = parse({"name": "甲", "established_on": datetime(2019, 3, 1)})
    assert rec.established_on == date(2019, 3, 1)
    rec, _ = parse({"name": "甲", "established_on": "2019年3月1日"})
    assert rec.established_on == date(2019, 3, 1)


# --- error report -------------------------------------------------------------------------


def _report_rows(report: bytes) -> list[tuple[Any, ...]]:
    ws = load_workbook(io.BytesIO(report)).active
    assert ws is not None
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def test_error_report_adds_error_columns_on_bad_rows() -> None:
    rows = [
        ["XX市企业名录", None, None],
        ["企业名称", "统一社会信用代码", "注册资本"],
        ["甲", CODE_A, "100万"],
        ["乙", CODE_A[:17] + "0", "abc"],
        [None, None, None],
        ["丙", CODE_C, 200],
    ]
    data = xlsx_bytes(rows, merges=["A1:C1"])
    table = read_table(data, filename="x.xlsx", columns=ENTERPRISE_COLUMNS)
    records, errors = parse_enterprise_rows(table.rows, rates=R, source="x", headers=table.headers)
    assert [r.name for r in records] == ["甲", "丙"]
    assert {e.row_number for e in errors} == {4}

    report = error_report_xlsx(
        data,
        errors,
        filename="x.xlsx",
        sheet_name=table.sheet_name,
        header_row=table.layout.header_row,
    )
    out = _report_rows(report)
    assert out[1] == ("企业名称", "统一社会信用代码", "注册资本", "错误说明", "Error")
    assert out[2][3:] == (None, None)
    assert "「统一社会信用代码」" in out[3][3] and "「注册资本」" in out[3][3]
    assert "check character" in out[3][4]
    assert out[3][:3] == ("乙", CODE_A[:17] + "0", "abc")  # the original cells, untouched
    assert out[4] == (None, None, None, None, None)
    assert out[5] == ("丙", CODE_C, 200, None, None)
    wb = load_workbook(io.BytesIO(report))
    assert [str(r) for r in wb.active.merged_cells.ranges] == ["A1:C1"]


def test_error_report_finds_the_header_itself_and_reads_csv() -> None:
    text = "企业名录\n企业名称,注册资本\n甲,100\n乙,abc\n丙,=SUM(A1:A3)\n"
    data = text.encode("gb18030")
    table = read_table(data, filename="x.csv", columns=ENTERPRISE_COLUMNS)
    _, errors = parse_enterprise_rows(table.rows, rates=R, source="x", headers=table.headers)
    report = error_report_xlsx(data, errors, filename="x.csv")
    out = _report_rows(report)
    assert out[1] == ("企业名称", "注册资本", "错误说明", "Error")
    assert out[3][:2] == ("乙", "abc") and "金额" in out[3][2]
    ws = load_workbook(io.BytesIO(report)).active
    assert ws is not None
    assert (ws["B5"].value, ws["B5"].data_type) == ("=SUM(A1:A3)", "s")  # text, not a formula


def test_error_report_with_only_bad_rows() -> None:
    data = xlsx_bytes(
        [["企业名称", "注册资本"], ["甲", "1"], ["乙", "x"], ["丙", "2"], ["丁", "y"]]
    )
    table = read_table(data, filename="x.xlsx", columns=ENTERPRISE_COLUMNS)
    _, errors = parse_enterprise_rows(table.rows, rates=R, source="x", headers=table.headers)
    out = _report_rows(error_report_xlsx(data, errors, filename="x.xlsx", only_bad_rows=True))
    assert [r[0] for r in out] == ["企业名称", "乙", "丁"]
    assert out[0][2:] == ("错误说明", "Error", "原行号", "Row")
    assert [r[4] for r in out[1:]] == [3, 5]
