"""The meeting pack as an xlsx workbook for the secretariat: 进度表, 成绩单, 红黄牌, 说明 and, for
tracing every number back to its leads, 线索明细.

Streams through openpyxl's write-only mode. Every sheet prints A4 landscape, fitted to the
page width, with its header rows repeated on each page and frozen on screen. Rates are real
numbers with a percent format, so the cells can be recomputed and summed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.formatting.rule import CellIsRule  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet.pagebreak import Break  # type: ignore[import-untyped]
from openpyxl.worksheet.worksheet import Worksheet  # type: ignore[import-untyped]

from chainmap.pipeline.flags import FlagLevel
from chainmap.pipeline.metrics import BAND_MILESTONES, KEY_NUMBERS, GroupMetrics, Rate
from chainmap.pipeline.stages import STAGE_ORDER, SizeBand, Stage
from chainmap.report.pack import (
    KEY_NUMBER_LABELS,
    MILESTONE_LABELS,
    RATE_LABELS,
    START_RATE_TARGET,
    MeetingPack,
    ProgressRow,
    ScoreboardRow,
    changes_in_period,
)

DETAILS_MAX_LEADS = 20_000  # 线索明细 is written by default up to this many leads
_STAGES: tuple[Stage, ...] = (*STAGE_ORDER, Stage.dropped)
_RATES = ("contract_fulfilment_rate", "funds_arrival_rate", "start_rate")
_RATE_PARTS = {
    "contract_fulfilment_rate": ("已履约", "应履约"),
    "funds_arrival_rate": ("到位资金", "合同投资"),
    "start_rate": ("已开工", "已签约"),
}
_PCT, _PP = "0.0%", "+0.0%;-0.0%;0.0%"
_INT, _WAN = "#,##0", "#,##0.00"
_DINT, _DWAN = "+#,##0;-#,##0;0", "+#,##0.00;-#,##0.00;0"
_TITLE = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_RED = Font(bold=True, color="C00000")


def pack_xlsx(pack: MeetingPack, *, details: bool | None = None) -> bytes:
    """The workbook as bytes. ``details`` writes the 线索明细 sheet (one row per counted lead);
    by default only up to :data:`DETAILS_MAX_LEADS` leads, since openpyxl writes about
    100,000 cells a second — the JSON ``detail`` view carries the same for any size."""
    with_details = len(pack.figures) <= DETAILS_MAX_LEADS if details is None else details
    wb = Workbook(write_only=True)
    _progress_sheet(wb, pack)
    _scoreboard_sheet(wb, pack)
    _flags_sheet(wb, pack)
    _notes_sheet(wb, pack, with_details)
    if with_details:
        _details_sheet(wb, pack)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- helpers -----------------------------------------------------------------------------


def _text(value: str) -> str:
    """Without the control characters an xlsx cannot hold."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def _cell(
    ws: Any,
    value: Any,
    *,
    font: Any = None,
    fill: Any = None,
    fmt: str | None = None,
    align: Any = None,
    border: Any = None,
) -> Any:
    cell = WriteOnlyCell(ws, value=_text(value) if isinstance(value, str) else value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if fmt is not None:
        cell.number_format = fmt
    if align is not None:
        cell.alignment = align
    if border is not None:
        cell.border = border
    return cell


def _setup(ws: Any, widths: Sequence[float], *, title_rows: str, freeze: str) -> None:
    """Column widths, frozen panes, and A4 landscape fitted to one page wide."""
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = freeze
    ws.print_title_rows = title_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def _title(ws: Any, text: str, width: int, row: int) -> None:
    ws.append([_cell(ws, text, font=_TITLE)])
    ws.merged_cells.add(f"A{row}:{get_column_letter(width)}{row}")


def _headers(ws: Any, values: Iterable[str | None]) -> None:
    ws.append(
        [_cell(ws, v, font=_BOLD, fill=_HEAD_FILL, align=_CENTER, border=_BOX) for v in values]
    )


def _groups(ws: Any, row: int, spans: Sequence[tuple[str, int]]) -> None:
    """A header row of labels over column spans, merged."""
    values: list[str | None] = []
    for label, n in spans:
        values += [label] + [None] * (n - 1)
    _headers(ws, values)
    col = 1
    for _, n in spans:
        if n > 1:
            ws.merged_cells.add(
                f"{get_column_letter(col)}{row}:{get_column_letter(col + n - 1)}{row}"
            )
        col += n


def _rate_cells(ws: Any, r: Rate, fill: Any, wan: bool) -> list[Any]:
    fmt = _WAN if wan else _INT
    return [
        _cell(ws, r.value, fmt=_PCT, fill=fill, border=_BOX),
        _cell(ws, r.numerator, fmt=fmt, fill=fill, border=_BOX),
        _cell(ws, r.denominator, fmt=fmt, fill=fill, border=_BOX),
    ]


def _change_fmt(name: str) -> str:
    if name in RATE_LABELS:
        return _PP
    return _DWAN if name.endswith("_wan") else _DINT


# --- 进度表 ------------------------------------------------------------------------------

_BANDS = tuple(SizeBand)
_PROGRESS_SPANS: tuple[tuple[str, int], ...] = (
    ("名称", 2),
    ("线索", 1),
    ("期末阶段（个）", len(_STAGES)),
    ("本期新进入（个）", len(_STAGES)),
    *((f"分档·{MILESTONE_LABELS[m]}（个，期末）", len(_BANDS)) for m in BAND_MILESTONES),
    ("金额（万元）", 2),
    *((RATE_LABELS[r], 3) for r in _RATES),
    ("开工率", 1),
    ("较上期", len(KEY_NUMBERS)),
)
_PROGRESS_HEADERS: tuple[str, ...] = (
    "名称",
    "编号 / 类型",
    "线索数",
    *(s.label for s in _STAGES),
    *("新增线索" if s is Stage.clue else s.label for s in _STAGES),
    *(b.label for _ in BAND_MILESTONES for b in _BANDS),
    "新签约合同投资",
    "本期到位资金",
    *(h for r in _RATES for h in ("比率", *_RATE_PARTS[r])),
    f"达到{START_RATE_TARGET:.0%}",
    *(KEY_NUMBER_LABELS[k] for k in KEY_NUMBERS),
)


def _progress_cells(ws: Any, r: ProgressRow, second: str | None) -> list[Any]:
    m: GroupMetrics = r.metrics
    fill = _TOTAL_FILL if r.group_by is None else None
    font = _BOLD if r.group_by is None else None

    def n(value: Any, fmt: str = _INT) -> Any:
        return _cell(ws, value, fmt=fmt, fill=fill, font=font, border=_BOX)

    met = r.start_rate_met
    cells = [
        n(r.label, "@"),
        n(second, "@"),
        n(m.leads),
        *(n(m.stage_counts[s]) for s in _STAGES),
        *(n(m.reached_counts[s]) for s in _STAGES),
        *(n(m.band_counts[ms][b]) for ms in BAND_MILESTONES for b in _BANDS),
        n(m.signed_contracted_wan, _WAN),
        n(m.funds_arrived_in_period_wan, _WAN),
    ]
    for name in _RATES:
        cells += _rate_cells(ws, getattr(m, name), fill, wan=name == "funds_arrival_rate")
    verdict = "—" if met is None else "是" if met else "未达标"
    font_met = _RED if met is False else font
    cells.append(_cell(ws, verdict, fill=fill, border=_BOX, font=font_met, align=_CENTER))
    cells += [n(m.change_vs_previous.get(k), _change_fmt(k)) for k in KEY_NUMBERS]
    return cells


def _chain_id(r: ProgressRow) -> str | None:
    return r.key


def _team_kind(r: ProgressRow) -> str | None:
    return r.team_kind.label if r.team_kind else None


def _progress_sheet(wb: Any, pack: MeetingPack) -> None:
    ws = wb.create_sheet("进度表")
    width = len(_PROGRESS_HEADERS)
    widths = [16, 12, 8, *([6] * (2 * len(_STAGES))), *([7] * (len(BAND_MILESTONES) * len(_BANDS)))]
    widths += [12, 12, *([8, 9, 10] * len(_RATES)), 8, *([10] * len(KEY_NUMBERS))]
    _setup(ws, widths, title_rows="3:4", freeze="C5")
    p = pack.period
    _title(ws, f"双月调度会进度表　{p.label_zh}", width, 1)
    note = (
        f"统计期间 {p.start} 至 {p.end}；较上期为与 {pack.previous.label_zh} 相比；"
        f"金额单位：万元；生成日期 {pack.generated_on}。口径见「说明」。"
    )
    ws.append([note])
    blocks: tuple[tuple[str, tuple[ProgressRow, ...], Callable[[ProgressRow], str | None]], ...]
    blocks = (
        ("一、按产业链", pack.progress_by_chain, _chain_id),
        ("二、按招商队伍", pack.progress_by_team, _team_kind),
    )
    # Both blocks share the columns, so the header rows (frozen on screen, repeated on each
    # printed page) serve both; the team block starts on a new page.
    _groups(ws, 3, _PROGRESS_SPANS)
    _headers(ws, _PROGRESS_HEADERS)
    row = 5
    for i, (heading, rows, second) in enumerate(blocks):
        if i:
            ws.row_breaks.append(Break(id=row - 1))  # a page break above row `row`
        ws.append([_cell(ws, heading, font=_BOLD)])
        row += 1
        for r in (*rows, pack.overall):
            ws.append(_progress_cells(ws, r, second(r) if r.group_by else None))
            row += 1


# --- 成绩单 ------------------------------------------------------------------------------

_SCORE_HEADERS = (
    "名次",
    "名称",
    "类型",
    "新签约项目（个）",
    "新签约合同投资（万元）",
    "本期新开工（个）",
    "本期到位资金（万元）",
    "项目开工率",
    "资金到位率",
    "合同履约率",
    "较上期·新签约合同投资",
    "较上期·新开工",
    "较上期·项目开工率",
    "线索数",
)


def _score_cells(ws: Any, r: ScoreboardRow) -> list[Any]:
    s, change = r.score, r.score.change_vs_previous

    def n(value: Any, fmt: str = _INT) -> Any:
        return _cell(ws, value, fmt=fmt, border=_BOX)

    return [
        n(s.rank),
        n(r.label, "@"),
        n(r.team_kind.label if r.team_kind else "市领导", "@"),
        n(s.signed),
        n(s.signed_contracted_wan, _WAN),
        n(s.started),
        n(s.funds_arrived_in_period_wan, _WAN),
        n(s.start_rate.value, _PCT),
        n(s.funds_arrival_rate.value, _PCT),
        n(s.contract_fulfilment_rate.value, _PCT),
        n(change.get("signed_contracted_wan"), _DWAN),
        n(change.get("reached_construction_started"), _DINT),
        n(change.get("start_rate"), _PP),
        n(len(r.lead_ids)),
    ]


def _scoreboard_sheet(wb: Any, pack: MeetingPack) -> None:
    ws = wb.create_sheet("成绩单")
    _setup(
        ws, [6, 18, 12, 10, 14, 10, 14, 10, 10, 10, 14, 10, 12, 8], title_rows="3:3", freeze="C4"
    )
    _title(ws, f"双月调度会成绩单　{pack.period.label_zh}", len(_SCORE_HEADERS), 1)
    ws.append(["排名：本期新签约合同投资从高到低，其次本期新开工项目数；市领导按认领的线索计。"])
    _headers(ws, _SCORE_HEADERS)
    ws.append([_cell(ws, "一、招商队伍", font=_BOLD)])
    for r in pack.scoreboard_teams:
        ws.append(_score_cells(ws, r))
    ws.append([])
    ws.append([_cell(ws, "二、市领导（认领项目）", font=_BOLD)])
    for r in pack.scoreboard_leaders:
        ws.append(_score_cells(ws, r))


# --- 红黄牌 ------------------------------------------------------------------------------

_FLAG_HEADERS = (
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
)


def _flags_sheet(wb: Any, pack: MeetingPack) -> None:
    ws = wb.create_sheet("红黄牌")
    _setup(ws, [7, 16, 16, 10, 14, 14, 28, 7, 11, 10], title_rows="3:3", freeze="A4")
    n = len(pack.flags)
    reds = sum(f.level is FlagLevel.red for f in pack.flags)
    _title(ws, f"红黄牌　{pack.period.label_zh}（截至 {pack.flags_as_of}）", len(_FLAG_HEADERS), 1)
    ws.append([f"共 {n} 张：红牌 {reds} 张，黄牌 {n - reds} 张。点名到人、到事、到问题。"])
    _headers(ws, _FLAG_HEADERS)
    leads = pack.leads
    for f in pack.flags:
        chain_id = leads[f.lead_id].chain_id
        ws.append(
            [
                f.level.label,
                f.kind.label,
                _text(f.owner_team),
                _text(f.owner_person),
                _text(f.claimed_by_leader) if f.claimed_by_leader else None,
                _text(pack.chain_label(chain_id)),
                _text(f.enterprise_name),
                f.days,
                # ISO text, which sorts and filters as dates: a date cell costs a style look-up
                # each (0.3 s over the benchmark's 25,495 flags).
                f.since.isoformat(),
                f.lead_id,
            ]
        )
    if n:
        # Colour by rule rather than per cell; the 牌色 text says it in black and white too.
        area = f"A4:A{n + 3}"
        for label, colour, font in (
            (FlagLevel.red.label, "C00000", Font(bold=True, color="FFFFFF")),
            (FlagLevel.yellow.label, "FFD966", Font(bold=True)),
        ):
            fill = PatternFill("solid", bgColor=colour)
            rule = CellIsRule(operator="equal", formula=[f'"{label}"'], fill=fill, font=font)
            ws.conditional_formatting.add(area, rule)
        ws.auto_filter.ref = f"A3:{get_column_letter(len(_FLAG_HEADERS))}{n + 3}"


# --- 说明 --------------------------------------------------------------------------------


def _notes_sheet(wb: Any, pack: MeetingPack, with_details: bool) -> None:
    ws = wb.create_sheet("说明")
    _setup(ws, [18, 100], title_rows="3:3", freeze="A4")
    p, prev = pack.period, pack.previous
    _title(ws, f"口径说明　{p.label_zh}", 2, 1)
    ws.append(
        [f"本期 {p.label}：{p.start} 至 {p.end}；上期 {prev.label}：{prev.start} 至 {prev.end}。"]
    )
    _headers(ws, ("指标", "说明"))
    notes = [(d.label_zh, d.text_zh) for d in pack.definitions]
    if not with_details:
        notes.append(
            (
                "线索明细",
                f"本期计入的线索共 {len(pack.figures)} 条，超过 {DETAILS_MAX_LEADS} 条，"
                "本工作簿未附「线索明细」；逐条明细请通过接口 detail=true 取得。",
            )
        )
    for label, text in notes:
        ws.append(
            [
                _cell(ws, label, font=_BOLD, align=_WRAP, border=_BOX),
                _cell(ws, text, align=_WRAP, border=_BOX),
            ]
        )


# --- 线索明细 ----------------------------------------------------------------------------

_DETAIL_HEADERS = (
    "线索编号",
    "企业",
    "产业链",
    "招商队伍",
    "责任人",
    "认领领导",
    "期初前一日阶段",
    "期末阶段",
    "本期新进入",
    "本期阶段变更",
    "计划投资（万元）",
    "合同投资（万元）",
    "分档",
    "新签约",
    "已签约（开工率分母）",
    "已开工（开工率分子）",
    "节点到期（履约率分母）",
    "按期履约（履约率分子）",
    "期末累计到位（万元）",
    "本期到位（万元）",
)


def _yes(value: bool) -> str:
    return "是" if value else ""


def _details_sheet(wb: Any, pack: MeetingPack) -> None:
    ws = wb.create_sheet("线索明细")
    widths = [9, 28, 14, 16, 10, 14, 10, 10, 16, 40, 12, 12, 10, 7, 10, 10, 10, 10, 12, 12]
    _setup(ws, widths, title_rows="1:1", freeze="C2")
    _headers(ws, _DETAIL_HEADERS)
    for f in pack.figures.values():
        lead = pack.leads[f.lead_id]
        moves = "；".join(
            f"{c.changed_on} {c.from_stage.label if c.from_stage else '新建'}→"
            f"{c.to_stage.label}（{c.actor}）"
            for c in changes_in_period(pack, f.lead_id)
        )
        ws.append(
            [
                f.lead_id,
                _text(lead.enterprise_name),
                _text(pack.chain_label(lead.chain_id)),
                _text(lead.owner_team),
                _text(lead.owner_person),
                _text(lead.claimed_by_leader or ""),
                f.stage_before.label if f.stage_before else "未建立",
                f.stage_at_end.label,
                "、".join(s.label for s in f.reached),
                _text(moves),
                lead.planned_investment_wan,
                lead.contracted_investment_wan,
                f.size_bands[-1].label if f.size_bands else "",
                _yes(f.newly_signed),
                _yes(f.signed),
                _yes(f.started),
                _yes(f.due),
                _yes(f.kept),
                f.funds_by_end_wan,
                f.funds_in_period_wan,
            ]
        )
    ws.auto_filter.ref = f"A1:{get_column_letter(len(_DETAIL_HEADERS))}{len(pack.figures) + 1}"
