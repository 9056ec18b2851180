"""The tolerant table reader: layouts, encodings, merged cells and every kind of bad file."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from chainmap.io.tables import (
    ColumnSpec,
    FileTooLarge,
    MissingColumns,
    RawRow,
    TableError,
    TableUnreadable,
    UnsupportedFileType,
    clean_cell,
    normalize_header,
    open_table,
    read_table,
)

COLUMNS = [
    ColumnSpec("name", ("企业名称", "公司名称", "company name"), required=True),
    ColumnSpec("province", ("所属省份", "省份", "province")),
    ColumnSpec("capital", ("注册资本", "registered capital")),
    ColumnSpec("section", ("国标行业门类", "门类")),
    ColumnSpec("division", ("国标行业大类", "大类")),
    ColumnSpec("founded", ("成立日期", "established")),
]


def xlsx_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    merges: Sequence[str] = (),
    title: str = "企业名录",
    before: Sequence[tuple[str, Sequence[Sequence[Any]]]] = (),
) -> bytes:
    """An xlsx written with openpyxl; ``before`` adds sheets ahead of the data sheet."""
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, sheet_rows in before:
        ws = wb.create_sheet(name)
        for r in sheet_rows:
            ws.append(list(r))
    ws = wb.create_sheet(title)
    for r in rows:
        ws.append(list(r))
    for m in merges:
        ws.merge_cells(m)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def names(rows: list[RawRow]) -> list[Any]:
    return [r.values["name"] for r in rows]


# --- layouts ------------------------------------------------------------------------------


def test_title_rows_above_the_header_are_skipped() -> None:
    data = xlsx_bytes(
        [
            ["XX市重点企业名录"],
            ["导出时间：2024-05-01", None, "数据来源：企查查"],
            [],
            ["企业名称", "所属省份", "注册资本", "联系电话"],
            ["甲科技有限公司", "江苏省", "5000万元人民币", "0512-1234"],
            ["乙材料股份有限公司", "浙江省", 1200, None],
        ]
    )
    t = read_table(data, filename="export.xlsx", columns=COLUMNS)
    assert t.layout.header_row == 4
    assert t.sheet_name == "企业名录"
    assert [r.row_number for r in t.rows] == [5, 6]
    assert t.rows[0].values == {
        "name": "甲科技有限公司",
        "province": "江苏省",
        "capital": "5000万元人民币",
    }
    assert t.rows[1].values["capital"] == 1200
    assert t.unknown_columns == ("联系电话",)
    assert t.headers == {"name": "企业名称", "province": "所属省份", "capital": "注册资本"}


def test_english_and_variant_headers_are_recognised() -> None:
    data = xlsx_bytes(
        [["Company Name", "PROVINCE", "Registered  Capital"], ["Acme", "Jiangsu", "10"]]
    )
    t = read_table(data, filename="en.xlsx", columns=COLUMNS)
    assert t.rows[0].values == {"name": "Acme", "province": "Jiangsu", "capital": "10"}
    assert t.headers["capital"] == "Registered  Capital"


@pytest.mark.parametrize(
    "header",
    [
        "*企业名称",
        "企业\n名称",
        " 企业名称 ",
        "【企业名称】",
        "企业名称（必填）",
        "公司名称:",
        "ＣＯＭＰＡＮＹ　ＮＡＭＥ",
    ],
)
def test_header_normalisation(header: str) -> None:
    data = xlsx_bytes([[header, "省份"], ["甲公司", "江苏省"]])
    t = read_table(data, filename="h.xlsx", columns=COLUMNS)
    assert names(t.rows) == ["甲公司"]
    assert t.headers["name"] == header.strip()  # as written, for messages


def test_normalize_header() -> None:
    assert normalize_header("* 统一社会\n信用代码（必填）") == "统一社会信用代码必填"
    assert normalize_header("Company_Name") == "companyname"


def test_header_with_a_bracketed_unit_matches_the_bare_alias() -> None:
    data = xlsx_bytes([["企业名称", "注册资本(万元)"], ["甲", 100]])
    t = read_table(data, filename="u.xlsx", columns=COLUMNS)
    assert t.headers["capital"] == "注册资本(万元)"
    assert t.rows[0].values["capital"] == 100


def test_blank_rows_are_skipped_and_row_numbers_kept() -> None:
    data = xlsx_bytes(
        [["企业名称", "省份"], ["甲", "江苏"], [], [None, None], ["  ", ""], ["乙", "浙江"]]
    )
    t = read_table(data, filename="b.xlsx", columns=COLUMNS)
    assert [(r.row_number, r.values["name"]) for r in t.rows] == [(2, "甲"), (6, "乙")]


def test_full_width_text_becomes_half_width_and_trimmed() -> None:
    data = xlsx_bytes([["企业名称", "省份"], ["　ＡＢＣ科技（上海）有限公司　", " 上海市 "]])
    t = read_table(data, filename="f.xlsx", columns=COLUMNS)
    assert t.rows[0].values == {"name": "ABC科技(上海)有限公司", "province": "上海市"}


def test_dates_and_numbers_keep_their_cell_types() -> None:
    data = xlsx_bytes([["企业名称", "成立日期", "注册资本"], ["甲", datetime(2019, 3, 1), 12.5]])
    t = read_table(data, filename="d.xlsx", columns=COLUMNS)
    assert t.rows[0].values["founded"] == datetime(2019, 3, 1)
    assert t.rows[0].values["capital"] == 12.5


def test_the_sheet_with_the_header_is_chosen() -> None:
    data = xlsx_bytes(
        [["企业名称"], ["甲"]],
        before=[("说明", [["本表由系统导出"], ["请勿修改表头"]])],
        title="数据",
    )
    t = read_table(data, filename="s.xlsx", columns=COLUMNS)
    assert t.sheet_name == "数据"
    assert names(t.rows) == ["甲"]


def test_sheet_name_can_be_given(tmp_path: Path) -> None:
    data = xlsx_bytes([["企业名称"], ["甲"]], before=[("旧", [["企业名称"], ["旧公司"]])])
    assert names(read_table(data, filename="x.xlsx", columns=COLUMNS, sheet_name="旧").rows) == [
        "旧公司"
    ]
    with pytest.raises(TableUnreadable, match="no sheet named"):
        read_table(data, filename="x.xlsx", columns=COLUMNS, sheet_name="无")


def test_reads_from_a_path(tmp_path: Path) -> None:
    path = tmp_path / "企业.xlsx"
    path.write_bytes(xlsx_bytes([["企业名称"], ["甲"]]))
    assert names(read_table(path, columns=COLUMNS).rows) == ["甲"]  # filename from the path


# --- merged cells -------------------------------------------------------------------------


def test_merged_two_row_header_and_fill_down() -> None:
    data = xlsx_bytes(
        [
            ["企业名录（2024）", None, None, None, None],
            ["企业名称", "所属省份", "国标行业", None, "注册资本"],
            [None, None, "门类", "大类", None],
            ["甲", "江苏省", "C 制造业", "38 电气机械", "100万"],
            ["乙", None, "C 制造业", 39, "200万"],
            ["丙", None, "I", "65", "300万"],
            ["丁", "浙江省", "C", "38", "400万"],
        ],
        merges=["A1:E1", "A2:A3", "B2:B3", "C2:D2", "E2:E3", "B4:B6"],
    )
    t = read_table(data, filename="m.xlsx", columns=COLUMNS)
    assert t.layout.header_row == 3
    assert t.headers == {
        "name": "企业名称",
        "province": "所属省份",
        "section": "国标行业门类",
        "division": "国标行业大类",
        "capital": "注册资本",
    }
    assert [r.row_number for r in t.rows] == [4, 5, 6, 7]
    assert [r.values["province"] for r in t.rows] == ["江苏省", "江苏省", "江苏省", "浙江省"]
    assert t.rows[1].values["division"] == 39


def test_merged_header_cell_spanning_columns_without_a_sub_header() -> None:
    data = xlsx_bytes([["企业名称", "省份", None], ["甲", "江苏", "苏州"]], merges=["B1:C1"])
    t = read_table(data, filename="m.xlsx", columns=COLUMNS)
    assert t.headers == {"name": "企业名称", "province": "省份"}
    assert t.rows[0].values["province"] == "江苏"


def test_a_blank_row_inside_a_merged_range_stays_blank() -> None:
    data = xlsx_bytes(
        [["企业名称", "省份"], ["甲", "江苏"], [None, None], ["乙", None]], merges=["B2:B4"]
    )
    t = read_table(data, filename="m.xlsx", columns=COLUMNS)
    assert [(r.row_number, r.values["province"]) for r in t.rows] == [(2, "江苏"), (4, "江苏")]


# --- csv ----------------------------------------------------------------------------------

CSV_TEXT = '企业名录\n企业名称,所属省份,注册资本\n甲科技有限公司,江苏省,"1,200万元"\n\n乙公司,浙江省,300万美元\n'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings(encoding: str) -> None:
    t = read_table(CSV_TEXT.encode(encoding), filename="e.csv", columns=COLUMNS)
    assert t.layout.encoding == ("gb18030" if encoding == "gbk" else encoding)
    assert t.layout.header_row == 2
    assert [(r.row_number, r.values["name"]) for r in t.rows] == [
        (3, "甲科技有限公司"),
        (5, "乙公司"),
    ]
    assert t.rows[0].values["capital"] == "1,200万元"


def test_gb18030_only_characters_survive() -> None:
    text = "企业名称,省份\n䶮科技有限公司,江苏\n"  # 䶮 is outside GBK
    t = read_table(text.encode("gb18030"), filename="x.csv", columns=COLUMNS)
    assert names(t.rows) == ["䶮科技有限公司"]


def test_tab_and_semicolon_delimited() -> None:
    for sep in ("\t", ";"):
        text = f"企业名称{sep}省份\n甲{sep}江苏\n"
        assert read_table(text.encode(), filename="t.csv", columns=COLUMNS).rows[0].values == {
            "name": "甲",
            "province": "江苏",
        }


def test_csv_keep_as_text_idiom_and_quoted_newlines() -> None:
    text = '企业名称,省份\n"甲\n公司",="江苏"\n'
    t = read_table(text.encode(), filename="q.csv", columns=COLUMNS)
    assert t.rows[0].values == {"name": "甲\n公司", "province": "江苏"}


def test_clean_cell() -> None:
    assert clean_cell("  ＡＢＣ１２３　") == "ABC123"
    assert clean_cell(" ") is None
    assert clean_cell(True) == "TRUE"
    assert clean_cell(3) == 3


# --- bad files ----------------------------------------------------------------------------


def test_missing_name_column_names_it() -> None:
    data = xlsx_bytes([["企业名录"], ["所属省份", "注册资本"], ["江苏省", "100"]])
    with pytest.raises(MissingColumns) as info:
        read_table(data, filename="x.xlsx", columns=COLUMNS)
    assert "企业名称" in info.value.message_zh
    assert "企业名称" in info.value.message_en
    assert info.value.missing == ("name",)
    assert info.value.code == "table_missing_columns"


def test_no_header_at_all_names_the_required_column() -> None:
    with pytest.raises(MissingColumns, match="企业名称"):
        read_table(b"a,b\n1,2\n", filename="x.csv", columns=COLUMNS)


@pytest.mark.parametrize("filename", ["old.xls", "doc.pdf", "noext", "data.json"])
def test_wrong_file_type(filename: str) -> None:
    with pytest.raises(UnsupportedFileType) as info:
        read_table(b"\xd0\xcf\x11\xe0 not really", filename=filename, columns=COLUMNS)
    assert info.value.message_zh and info.value.message_en
    assert info.value.code == "table_unsupported_type"


def test_xlsx_named_csv_and_xls_named_xlsx() -> None:
    with pytest.raises(UnsupportedFileType, match="xlsx"):
        read_table(xlsx_bytes([["企业名称"]]), filename="x.csv", columns=COLUMNS)
    with pytest.raises(UnsupportedFileType, match="xls"):
        read_table(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, filename="x.xlsx", columns=COLUMNS
        )


def test_text_named_xlsx_is_unreadable() -> None:
    with pytest.raises(TableUnreadable):
        read_table("企业名称\n甲\n".encode(), filename="x.xlsx", columns=COLUMNS)


def test_truncated_xlsx() -> None:
    data = xlsx_bytes([["企业名称", "省份"], *[[f"企业{i}", "江苏"] for i in range(200)]])
    with pytest.raises(TableUnreadable) as info:
        read_table(data[: len(data) // 2], filename="cut.xlsx", columns=COLUMNS)
    assert "损坏" in info.value.message_zh


@pytest.mark.parametrize("filename", ["empty.xlsx", "empty.csv"])
def test_empty_file(filename: str) -> None:
    with pytest.raises(TableUnreadable, match="empty"):
        read_table(b"", filename=filename, columns=COLUMNS)


def test_empty_workbook() -> None:
    with pytest.raises(TableUnreadable, match="empty"):
        read_table(xlsx_bytes([]), filename="blank.xlsx", columns=COLUMNS)


def test_binary_csv() -> None:
    with pytest.raises(UnsupportedFileType):
        read_table(b"\x00\x01\x02binary", filename="x.csv", columns=COLUMNS)


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    data = CSV_TEXT.encode()
    with pytest.raises(FileTooLarge) as info:
        read_table(data, filename="x.csv", columns=COLUMNS, max_bytes=len(data) - 1)
    assert "MB" in info.value.message_zh
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    with pytest.raises(FileTooLarge):
        read_table(path, columns=COLUMNS, max_bytes=10)
    assert read_table(data, filename="x.csv", columns=COLUMNS, max_bytes=len(data)).rows


def test_too_many_rows() -> None:
    data = "企业名称\n" + "".join(f"企业{i}\n" for i in range(11))
    with pytest.raises(FileTooLarge, match="10"):
        read_table(data.encode(), filename="x.csv", columns=COLUMNS, max_rows=10)
    assert len(read_table(data.encode(), filename="x.csv", columns=COLUMNS, max_rows=11).rows) == 11


def test_all_table_errors_are_chainmap_errors() -> None:
    for cls in (UnsupportedFileType, FileTooLarge, TableUnreadable, MissingColumns):
        assert issubclass(cls, TableError)


# --- streaming ----------------------------------------------------------------------------


def test_open_table_streams_the_same_rows() -> None:
    data = xlsx_bytes([["标题"], ["企业名称", "省份"], *[[f"企业{i}", "江苏"] for i in range(50)]])
    with open_table(data, filename="s.xlsx", columns=COLUMNS) as stream:
        assert stream.layout.header_row == 2
        streamed = list(stream.rows)
    assert streamed == read_table(data, filename="s.xlsx", columns=COLUMNS).rows
    assert streamed[-1].row_number == 52


def test_missing_column_names_the_header_row_it_looked_at() -> None:
    data = "企业名录\n所属省份,注册资本\n江苏省,100\n".encode()
    with pytest.raises(MissingColumns) as info:
        read_table(data, filename="x.csv", columns=COLUMNS)
    assert info.value.header_row == 2
    assert "第 2 行" in info.value.message_zh and "row 2" in info.value.message_en


def test_corrupt_sheet_inside_a_valid_zip() -> None:
    data = xlsx_bytes([["企业名称"], *[[f"企业{i}"] for i in range(100)]])
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = body[: len(body) // 2]  # XML cut mid-row
            dst.writestr(item, body)
    with pytest.raises(TableUnreadable, match="corrupt"):
        read_table(out.getvalue(), filename="x.xlsx", columns=COLUMNS)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(TableUnreadable, match="cannot open"):
        read_table(tmp_path / "nope.xlsx", columns=COLUMNS)
