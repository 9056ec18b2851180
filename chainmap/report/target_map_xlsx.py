"""The 招商地图 as a workbook for the teams (头格推进组、尖刀班、专业招商分局): a summary sheet,
then one sheet per gap with its ranked targets, every component, the reasons, the carrier to
offer and the local referrers. Chinese headers; a blank 承办单位 / 责任人 column to fill in.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from chainmap.domain import STAGE_LABELS, STATUS_LABELS
from chainmap.matching.components import COMPONENT_LABELS, COMPONENT_NAMES
from chainmap.target_map import TargetMap

SUMMARY_SHEET = "总览"
SUMMARY_HEADERS = (
    "序号",
    "环节",
    "环节代码",
    "上中下游",
    "现状",
    "缺环优先级",
    "本地企业数",
    "目标企业数",
    "首选目标企业",
    "典型项目需求",
    "可用载体",
    "工作表",
)
GAP_HEADERS = (
    "名次",
    "企业名称",
    "所在地",
    "综合得分",
    *(COMPONENT_LABELS[n] for n in COMPONENT_NAMES),
    "推荐理由",
    "各项理由",
    "推荐载体",
    "引荐企业（以商招商）",
    "还可补环节",
    "已在跟进",
    "承办单位",
    "责任人",
)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def gap_sheet_name(index: int, segment_name: str) -> str:
    """「1-隔膜」: Excel allows 31 characters and none of []:*?/\\."""
    return f"{index}-{_BAD_SHEET_CHARS.sub('', segment_name)}"[:31]


def _header(ws: Any, headers: tuple[str, ...], row: int) -> None:
    for col, text in enumerate(headers, 1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _widths(ws: Any, widths: dict[int, int]) -> None:
    for col, w in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = w


def target_map_xlsx(tmap: TargetMap) -> bytes:
    """The workbook's bytes."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SUMMARY_SHEET
    chain = tmap.chain
    ws.cell(row=1, column=1, value=f"{chain.name}产业链招商地图").font = Font(bold=True, size=14)
    ws.cell(
        row=2,
        column=1,
        value=f"生成时间 {tmap.generated_at:%Y-%m-%d %H:%M} UTC；环节 {len(chain.segments)} 个，"
        f"缺环、短板 {len(tmap.state.gaps)} 个。得分 = Σ 权重×分项 − 扣分权重×扣分项",
    )
    _header(ws, SUMMARY_HEADERS, 4)
    names: list[str] = []
    for i, g in enumerate(tmap.gaps, 1):
        name = gap_sheet_name(i, g.segment.name)
        names.append(name)
        top = g.targets[0].enterprise.name if g.targets else "暂无"
        carriers = "；".join(c.label for c in g.carriers) or "暂无合适载体"
        ws.append(
            [
                i,
                g.segment.name,
                g.segment.id,
                STAGE_LABELS[g.segment.stage],
                STATUS_LABELS[g.gap.status],
                round(g.gap.priority, 4),
                g.presence.local_count,
                g.total,
                top,
                g.need_text,
                carriers,
                name,
            ]
        )
    _widths(
        ws, {1: 6, 2: 18, 3: 16, 4: 8, 5: 6, 6: 10, 7: 10, 8: 10, 9: 30, 10: 36, 11: 40, 12: 20}
    )
    ws.freeze_panes = "A5"

    for g, name in zip(tmap.gaps, names, strict=True):
        gs = wb.create_sheet(name)
        verb = "补链" if g.gap.status.value == "missing" else "强链"
        gs.cell(
            row=1,
            column=1,
            value=f"{g.segment.name}（{STATUS_LABELS[g.gap.status]}，{verb}）目标企业"
            f" — 共 {g.total} 家，列前 {len(g.targets)} 家；典型项目需求：{g.need_text}",
        ).font = Font(bold=True)
        _header(gs, GAP_HEADERS, 2)
        for rank, t in enumerate(g.targets, 1):
            comps = {c.name: c for c in t.components}
            e = t.enterprise
            gs.append(
                [
                    rank,
                    e.name,
                    f"{e.province or ''}{e.city or ''}",
                    t.score,
                    *(comps[n].value for n in COMPONENT_NAMES),
                    t.reason,
                    "\n".join(f"{COMPONENT_LABELS[n]}：{comps[n].reason}" for n in COMPONENT_NAMES),
                    t.carrier_label or "无合适载体",
                    "；".join(path for _, _, path in t.referrers) or "",
                    "、".join(t.also_fills),
                    tmap.leads.get(e.id, ""),
                    "",
                    "",
                ]
            )
        for row in gs.iter_rows(min_row=3):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        _widths(gs, {1: 6, 2: 30, 3: 14, 4: 9, 12: 50, 13: 70, 14: 28, 15: 36, 16: 18, 17: 22})
        gs.freeze_panes = "C3"
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()
