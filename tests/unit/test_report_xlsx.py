"""The meeting pack workbook: the promised sheets, Chinese headers, the hand-checked numbers
of ``test_report_pack`` in the right cells, number formats and print setup."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from chainmap.report import MeetingPack
from chainmap.report.xlsx import pack_xlsx
from tests.unit.test_report_pack import EVIL, small_pack

SHEETS = ["进度表", "成绩单", "红黄牌", "说明", "线索明细"]


@pytest.fixture(scope="module")
def pack() -> MeetingPack:
    return small_pack()


@pytest.fixture(scope="module")
def wb(pack: MeetingPack) -> Any:
    return load_workbook(io.BytesIO(pack_xlsx(pack)))


def _rows(ws: Any) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _row(ws: Any, first: str | int) -> dict[str, Any]:
    """The row whose first cell is ``first``, keyed by the header row's labels (the last
    header row above the data), first occurrence of a label wins."""
    header = {"进度表": 4, "成绩单": 3, "红黄牌": 3, "线索明细": 1}[ws.title]
    labels = [c.value for c in ws[header]]
    for row in ws.iter_rows(min_row=header + 1):
        if row[0].value == first:
            out: dict[str, Any] = {}
            for label, cell in zip(labels, row, strict=False):
                out.setdefault(label, cell)
            return out
    raise AssertionError(f"no row {first!r} in {ws.title}")


def test_sheets_and_print_setup(wb: Any) -> None:
    assert wb.sheetnames == SHEETS
    for ws in wb:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.freeze_panes is not None
        assert ws.print_title_rows
    assert wb["进度表"].freeze_panes == "C5"
    assert wb["进度表"].print_title_rows == "$3:$4"
    assert wb["进度表"].column_dimensions["A"].width == 16


def test_progress_sheet_by_chain_then_team(wb: Any) -> None:
    ws = wb["进度表"]
    rows = _rows(ws)
    assert rows[0][0] == "双月调度会进度表　2026年9—10月"
    assert rows[2][:4] == ["名称", None, "线索", "期末阶段（个）"]
    assert "合同履约率" in rows[2] and "资金到位率" in rows[2] and "项目开工率" in rows[2]
    assert rows[3][:5] == ["名称", "编号 / 类型", "线索数", "线索", "接触"]
    firsts = [r[0] for r in rows[4:]]
    assert firsts == ["一、按产业链", "集成电路", "新能源汽车", "合计",
                      "二、按招商队伍", "一分局", "头格推进组", "尖刀班", "合计"]  # fmt: skip
    # The team block starts on a new printed page: a break after the chains' 合计 (row 8).
    assert [b.id for b in ws.row_breaks.brk] == [8]


def test_progress_values_and_formats(wb: Any) -> None:
    ws = wb["进度表"]
    ev = _row(ws, "新能源汽车")
    assert ev["编号 / 类型"].value == "ev"
    assert ev["线索数"].value == 5
    assert ev["新签约合同投资"].value == 25_000
    rate = ev["比率"]  # 合同履约率 comes first: 3 of 3
    assert (rate.value, rate.number_format) == (1.0, "0.0%")
    assert ev["已履约"].value == 3 and ev["应履约"].value == 3
    assert (ev["已开工"].value, ev["已签约"].value) == (2, 3)
    assert ev["到位资金"].value == 25_000 and ev["合同投资"].value == 93_000
    total = _row(ws, "合计")
    assert total["线索数"].value == 8
    assert total["签约"].value == 2  # 期末阶段 comes before 本期新进入
    assert total["新签约项目"].value == 1  # 较上期: +1
    assert total["新签约项目"].number_format == "+#,##0;-#,##0;0"
    assert total["达到50%"].value == "是"
    team = _row(ws, "头格推进组")
    assert team["编号 / 类型"].value == "头格推进组"
    assert team["达到50%"].value == "—"  # nothing signed
    assert team["比率"].value is None


def test_start_rate_below_target_is_marked() -> None:
    # Move L8's start into November: 尖刀班 then has 0 of 2 started.
    from tests.unit.test_report_pack import ARRIVALS, CHANGES, LEADS

    changes = [
        c for c in CHANGES if not (c.lead_id == 8 and c.to_stage.value == "construction_started")
    ]
    pack = small_pack(leads=LEADS, changes=changes, arrivals=ARRIVALS)
    ws = load_workbook(io.BytesIO(pack_xlsx(pack)))["进度表"]
    cell = _row(ws, "尖刀班")["达到50%"]
    assert cell.value == "未达标"
    assert cell.font.b and cell.font.color.rgb.endswith("C00000")


def test_scoreboard_sheet(wb: Any) -> None:
    rows = _rows(wb["成绩单"])
    assert rows[2][:5] == ["名次", "名称", "类型", "新签约项目（个）", "新签约合同投资（万元）"]
    firsts = [r[:3] for r in rows[3:] if r[0] is not None]
    assert firsts == [
        ["一、招商队伍", None, None],
        [1, "尖刀班", "尖刀班"],
        [2, "一分局", "专业招商分局"],
        [3, "头格推进组", "头格推进组"],
        ["二、市领导（认领项目）", None, None],
        [1, "李市长", "市领导"],
        [2, "王书记", "市领导"],
    ]
    top = wb["成绩单"]["E5"]
    assert (top.value, top.number_format) == (25_000, "#,##0.00")
    assert wb["成绩单"]["H5"].number_format == "0.0%"


def test_flags_sheet_names_owners(wb: Any, pack: MeetingPack) -> None:
    ws = wb["红黄牌"]
    rows = _rows(ws)
    assert rows[2] == [
        "牌色",
        "事项",
        "责任单位",
        "责任人",
        "认领领导",
        "产业链",
        "企业",
        "天数",
        "起算日",
        "线索编号",
    ]
    # The days count from 起算日 (ISO text) to the day the flags are taken on; no column
    # repeats another (the owner, enterprise and days are said once).
    since = (pack.flags_as_of - timedelta(days=364)).isoformat()
    assert rows[3] == ["红牌", "开工后资金未到位", "一分局", "王五", None, "集成电路", "企业9", 364,
                       since, 9]  # fmt: skip
    assert rows[4][:4] == ["黄牌", "签约未开工", "一分局", "王五"]
    assert rows[4][6] == EVIL  # kept as plain text
    assert rows[5][:5] == ["黄牌", "认领后无进展", "头格推进组", "赵六", "李市长"]
    assert ws.auto_filter.ref == "A3:J6"
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert sorted(r.formula[0] for r in rules) == ['"红牌"', '"黄牌"']


def test_notes_sheet_defines_the_three_rates(wb: Any) -> None:
    rows = _rows(wb["说明"])
    text = {r[0]: r[1] for r in rows[3:]}
    assert {"合同履约率", "资金到位率", "项目开工率", "统计期间", "红黄牌"} <= set(text)
    assert "2026-09-01 至 2026-10-31" in text["统计期间"]


def test_details_sheet_traces_each_lead(wb: Any) -> None:
    ws = wb["线索明细"]
    assert ws.max_row == 1 + 8  # L6 is not counted
    lead2 = _row(ws, 2)
    assert lead2["期初前一日阶段"].value == "开工" and lead2["期末阶段"].value == "投产"
    assert lead2["本期新进入"].value == "纳统、投产"
    assert (
        lead2["本期阶段变更"].value
        == "2026-10-31 开工→纳统（录入员）；2026-10-31 纳统→投产（录入员）"
    )
    assert lead2["按期履约（履约率分子）"].value == "是"
    assert _row(ws, 3)["企业"].value == EVIL
    # The column of 已开工 adds up to the 开工率 numerator of the 合计 row (3).
    started = [r[15] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert started.count("是") == 3


def test_details_can_be_left_out(pack: MeetingPack) -> None:
    wb = load_workbook(io.BytesIO(pack_xlsx(pack, details=False)))
    assert wb.sheetnames == SHEETS[:-1]
    notes = {r[0]: r[1] for r in _rows(wb["说明"])[3:]}
    assert "detail=true" in notes["线索明细"]


def test_empty_pack_still_has_every_sheet() -> None:
    pack = small_pack(leads=[], changes=[], arrivals=[])
    wb = load_workbook(io.BytesIO(pack_xlsx(pack)))
    assert wb.sheetnames == SHEETS
    assert _rows(wb["红黄牌"])[1][0].startswith("共 0 张")
