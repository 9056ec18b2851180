"""Lead ledger (招商项目台账) rows → records with their implied history, and every bad input as a
row error naming the row and the column, in both languages."""

from __future__ import annotations

import doctest
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

import chainmap.io.lead_rows as lead_rows
from chainmap.credit_code import credit_code_check_char
from chainmap.domain import Chain
from chainmap.io.lead_rows import (
    IMPORT_NOTE,
    LEAD_COLUMNS,
    LeadRecord,
    parse_lead_row,
    parse_lead_rows,
    record_stage_changes,
)
from chainmap.io.tables import RawRow, RowError, read_table
from chainmap.io.units import DEFAULT_CURRENCY_RATES
from chainmap.pipeline import ClaimBand, Lead, Stage, TeamKind, apply_transition

R = DEFAULT_CURRENCY_RATES
S = Stage
D = date
TODAY = D(2026, 11, 23)
CODE = "91320214MA1NXKYU7" + credit_code_check_char("91320214MA1NXKYU7")


def xlsx_bytes(rows: Sequence[Sequence[Any]], merges: Sequence[str] = ()) -> bytes:
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


BASE = {
    "enterprise_name": "苏州甲新能源科技有限公司",
    "chain": "新能源汽车",
    "segment": "正极材料",
    "owner_team": "专业招商一分局",
    "owner_person": "张伟",
    "stage": "洽谈",
    "stage_on": "2026-06-01",
}


def parse(
    library: dict[str, Chain], headers: dict[str, str] | None = None, **values: Any
) -> tuple[LeadRecord | None, list[RowError]]:
    row = RawRow(7, {**BASE, **values})
    return parse_lead_row(row, chains=library, rates=R, source="台账", headers=headers, today=TODAY)


def only_error(library: dict[str, Chain], **values: Any) -> RowError:
    rec, errors = parse(library, **values)
    assert rec is None
    assert len(errors) == 1, errors
    (e,) = errors
    assert e.row_number == 7 and e.full_zh.startswith("第 7 行") and "row 7" in e.full_en
    return e


def test_docstring_examples() -> None:
    result = doctest.testmod(lead_rows, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# --- headers ------------------------------------------------------------------------------

REQUIRED = {
    "enterprise_name": "企业名称",
    "chain": "产业链",
    "owner_team": "责任单位",
    "owner_person": "责任人",
    "stage": "当前阶段",
}


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("项目名称", "enterprise_name"), ("投资主体", "enterprise_name"),
        ("所属产业链", "chain"), ("产业链环节", "segment"), ("环节", "segment"),
        ("招商队伍", "owner_team"), ("牵头单位", "owner_team"), ("队伍类型", "owner_team_kind"),
        ("项目责任人", "owner_person"), ("包联领导", "claimed_by_leader"),
        ("认领领导", "claimed_by_leader"), ("认领档次", "claim_band"), ("认领日期", "claimed_on"),
        ("项目进度", "stage"), ("最近推进日期", "stage_on"), ("阶段日期", "stage_on"),
        ("入库日期", "created_on"), ("签约日期", "signed_on"), ("供地日期", "land_supplied_on"),
        ("开工日期", "construction_started_on"), ("纳统日期", "in_statistics_on"),
        ("投产日期", "in_production_on"), ("约定开工日期", "milestone_due_on"),
        ("计划投资（万元）", "planned_investment"), ("计划总投资", "planned_investment"),
        ("签约金额", "contracted_investment"), ("合同投资", "contracted_investment"),
        ("实际到位资金", "funds_arrived"), ("到位资金(万元)", "funds_arrived"),
        ("终止原因", "dropped_reason"), ("备注", "note"), ("落地载体", "carrier"),
        ("协办单位", "collaborators"), ("统一社会信用代码", "credit_code"),
    ],
)  # fmt: skip
def test_header_aliases(header: str, key: str) -> None:
    names = {**REQUIRED, key: header}
    data = xlsx_bytes([list(names.values()), ["x"] * len(names)])
    table = read_table(data, filename="台账.xlsx", columns=LEAD_COLUMNS)
    assert table.headers[key] == header


# --- chains, segments, teams, bands --------------------------------------------------------


@pytest.mark.parametrize(
    ("chain", "segment", "expected"),
    [
        ("新能源汽车及动力电池", "正极材料", ("nev-battery", "cathode")),
        ("新能源汽车产业链", "cathode", ("nev-battery", "cathode")),
        ("nev-battery", " 正极材料 ", ("nev-battery", "cathode")),
        ("NEV", None, ("nev-battery", None)),
        ("新材料", None, ("new-materials", None)),
        ("生物医药产业链", "医药研发外包", ("biomedicine", "cro")),
        ("氢能", "电解槽及制氢装备", ("hydrogen", "electrolysers")),
    ],
)
def test_chain_and_segment_resolve_by_id_name_or_alias(
    library: dict[str, Chain], chain: str, segment: str | None, expected: tuple[str, str | None]
) -> None:
    rec, errors = parse(library, chain=chain, segment=segment)
    assert errors == [] and rec is not None
    assert (rec.chain_id, rec.segment_id) == expected


def test_unknown_chain(library: dict[str, Chain]) -> None:
    e = only_error(library, chain="低空经济", segment="无人机")
    assert (e.column, e.value) == ("产业链", "低空经济")
    assert "未知的产业链「低空经济」" in e.message_zh and "新能源汽车及动力电池" in e.message_zh
    assert "unknown chain '低空经济'" in e.message_en and "nev-battery" in e.message_en


def test_unknown_segment_within_the_chain(library: dict[str, Chain]) -> None:
    e = only_error(library, segment="疫苗")  # a biomedicine segment, not a battery one
    assert (e.column, e.value) == ("环节", "疫苗")
    assert "中没有环节「疫苗」" in e.message_zh and "has no segment '疫苗'" in e.message_en


@pytest.mark.parametrize(
    ("team", "kind_cell", "expected"),
    [
        ("头格推进组（新能源汽车链）", None, TeamKind.top_push_group),
        ("尖刀班二组", None, TeamKind.spearhead_team),
        ("专业招商三分局", None, TeamKind.investment_branch),
        ("经开区招商分局", None, TeamKind.investment_branch),
        ("市发改委", None, TeamKind.department),
        ("市发改委", "尖刀班", TeamKind.spearhead_team),
        ("招商一组", "spearhead_team", TeamKind.spearhead_team),
        ("工信局", "部门", TeamKind.department),
        ("工信局", "专业招商分局", TeamKind.investment_branch),
    ],
)
def test_team_kind_from_column_or_inferred_from_the_name(
    library: dict[str, Chain], team: str, kind_cell: str | None, expected: TeamKind
) -> None:
    rec, errors = parse(library, owner_team=team, owner_team_kind=kind_cell)
    assert errors == [] and rec is not None
    assert rec.owner_team_kind is expected


def test_unknown_team_kind(library: dict[str, Chain]) -> None:
    e = only_error(library, owner_team_kind="突击队")
    assert e.column == "队伍类型" and "未知的队伍类型" in e.message_zh
    assert "unknown team kind" in e.message_en


@pytest.mark.parametrize(
    ("cell", "band"),
    [
        ("≥50亿", ClaimBand.ge_50yi), ("50亿", ClaimBand.ge_50yi), ("10亿元以上", ClaimBand.ge_10yi),
        ("＞=5亿", ClaimBand.ge_5yi), ("1亿及以上", ClaimBand.ge_1yi), ("ge_10yi", ClaimBand.ge_10yi),
        (5, ClaimBand.ge_5yi),
    ],
)  # fmt: skip
def test_claim_band(library: dict[str, Chain], cell: Any, band: ClaimBand) -> None:
    rec, errors = parse(library, claimed_by_leader="王市长", claim_band=cell)
    assert errors == [] and rec is not None and rec.claim_band is band


def test_claim_band_is_inferred_from_the_amount_when_a_leader_claims(
    library: dict[str, Chain],
) -> None:
    rec, _ = parse(library, claimed_by_leader="王市长", planned_investment="12亿")
    assert rec is not None and rec.claim_band is ClaimBand.ge_10yi
    rec, _ = parse(library, planned_investment="12亿")
    assert rec is not None and rec.claim_band is None


def test_unknown_claim_band(library: dict[str, Chain]) -> None:
    e = only_error(library, claim_band="3亿")
    assert (
        e.column == "认领档次" and "≥50亿" in e.message_zh and "unknown claim band" in e.message_en
    )


# --- bad input, one kind at a time ------------------------------------------------------------


def test_unknown_stage(library: dict[str, Chain]) -> None:
    e = only_error(library, stage="立项")
    assert (e.column, e.value) == ("当前阶段", "立项")
    assert "未知的项目阶段「立项」" in e.message_zh and "unknown stage '立项'" in e.message_en


@pytest.mark.parametrize("text", ["已签约", "签约阶段", "signed", "Signed"])
def test_stage_words_around_the_name(library: dict[str, Chain], text: str) -> None:
    rec, errors = parse(library, stage=text, signed_on="2026-06-01", stage_on=None)
    assert errors == [] and rec is not None and rec.stage is S.signed


@pytest.mark.parametrize("key", ["planned_investment", "contracted_investment", "funds_arrived"])
@pytest.mark.parametrize("value", ["-500", -500, "-1.2亿"])
def test_negative_amount(library: dict[str, Chain], key: str, value: Any) -> None:
    e = only_error(library, **{key: value, "note": "说明"})
    assert e.column == {"planned_investment": "计划投资", "contracted_investment": "合同投资",
                        "funds_arrived": "到位资金"}[key]  # fmt: skip
    assert "负数" in e.message_zh and "negative" in e.message_en


def test_funds_above_contract_need_a_note(library: dict[str, Chain]) -> None:
    e = only_error(library, contracted_investment="5000", funds_arrived="6000")
    assert (e.column, e.value) == ("到位资金", "6000")
    assert "超过合同投资" in e.message_zh and "须填写说明" in e.message_zh
    assert "exceed contracted investment" in e.message_en
    rec, errors = parse(
        library, contracted_investment="5000", funds_arrived="6000", note="追加投资，合同待变更"
    )
    assert errors == [] and rec is not None and rec.funds_arrived_wan == 6000


def test_dates_going_backwards(library: dict[str, Chain]) -> None:
    e = only_error(
        library, stage="开工", signed_on="2026-05-01", construction_started_on="2026-04-01"
    )
    assert (e.column, e.value) == ("开工日期", "2026-04-01")
    assert "早于" in e.message_zh and "签约日期「2026-05-01」" in e.message_zh
    assert "before the previous change" in e.message_en and "backwards" in e.message_en


def test_created_after_a_milestone_goes_backwards(library: dict[str, Chain]) -> None:
    e = only_error(library, stage="签约", created_on="2026-07-01", signed_on="2026-05-01")
    assert e.column == "签约日期" and "入库日期「2026-07-01」" in e.message_zh


def test_stage_date_before_the_milestone_it_reached(library: dict[str, Chain]) -> None:
    e = only_error(library, stage="签约", signed_on="2026-05-01", stage_on="2026-04-01")
    assert e.column == "阶段日期" and "早于签约日期" in e.message_zh and "before" in e.message_en


def test_dropped_needs_a_reason(library: dict[str, Chain]) -> None:
    e = only_error(library, stage="终止")
    assert e.column == "终止原因" and e.value is None
    assert "终止原因" in e.message_zh and "reason is required" in e.message_en


def test_missing_owner_person(library: dict[str, Chain]) -> None:
    e = only_error(library, owner_person=None)
    assert e.column == "责任人" and "不能为空" in e.message_zh and "required" in e.message_en


def test_milestone_beyond_the_current_stage(library: dict[str, Chain]) -> None:
    e = only_error(library, construction_started_on="2026-05-01")
    assert e.column == "开工日期"
    assert "尚未到「开工」" in e.message_zh and "must be blank" in e.message_en


def test_a_stage_past_clue_needs_its_date(library: dict[str, Chain]) -> None:
    e = only_error(library, stage_on=None)
    assert e.column == "阶段日期" and "须填写" in e.message_zh and "required" in e.message_en


def test_future_dates_are_rejected_given_today(library: dict[str, Chain]) -> None:
    e = only_error(library, stage_on="2027-01-01")
    assert e.column == "阶段日期" and "晚于今天" in e.message_zh and "after today" in e.message_en


def test_unreadable_cells_and_bad_credit_code(library: dict[str, Chain]) -> None:
    rec, errors = parse(
        library, credit_code=CODE[:17] + "0", claimed_on="2026-02-30", planned_investment="很多"
    )
    assert rec is None
    assert [e.column for e in errors] == ["统一社会信用代码", "认领日期", "计划投资"]


def test_every_bad_cell_of_a_row_is_reported(library: dict[str, Chain]) -> None:
    rec, errors = parse(
        library,
        stage="开工",
        claimed_on="去年",
        signed_on="2026-05-01",
        construction_started_on="2026-04-01",
        funds_arrived="100",
        owner_person=None,
    )
    assert rec is None
    assert [e.column for e in errors] == ["责任人", "认领日期", "到位资金", "开工日期"]


def test_headers_name_columns_as_written(library: dict[str, Chain]) -> None:
    rec, errors = parse(library, {"stage": "项目进度"}, stage="立项")
    assert rec is None and errors[0].column == "项目进度"


def test_amount_unit_from_the_header(library: dict[str, Chain]) -> None:
    rec, errors = parse(
        library, {"planned_investment": "计划总投资（亿元）"}, planned_investment=12.5
    )
    assert errors == [] and rec is not None and rec.planned_investment_wan == 125_000


# --- one owner per enterprise ------------------------------------------------------------------


def rows(*overrides: dict[str, Any]) -> list[RawRow]:
    return [RawRow(3 + i, {**BASE, **o}) for i, o in enumerate(overrides)]


def test_same_enterprise_with_another_team_is_an_error_on_the_later_row(
    library: dict[str, Chain],
) -> None:
    records, errors = parse_lead_rows(
        rows({}, {"enterprise_name": "乙公司"}, {"owner_team": "尖刀班一组"}),
        chains=library,
        rates=R,
        source="台账",
        headers={"owner_team": "招商队伍"},
    )
    assert [r.row_number for r in records] == [3, 4]
    (e,) = errors
    assert (e.row_number, e.column, e.value) == (5, "招商队伍", "尖刀班一组")
    assert "已在第 3 行由「专业招商一分局」负责" in e.message_zh
    assert "on row 3" in e.message_en and "one owner team" in e.message_en


def test_same_credit_code_under_another_name_is_the_same_enterprise(
    library: dict[str, Chain],
) -> None:
    _, errors = parse_lead_rows(
        rows({"credit_code": CODE}, {"enterprise_name": "甲公司", "credit_code": CODE}),
        chains=library,
        rates=R,
        source="台账",
    )
    assert [(e.row_number, e.column) for e in errors] == [(4, "责任单位")]
    assert "第 3 行" in errors[0].message_zh and "row 3" in errors[0].message_en


def test_same_enterprise_twice_for_the_same_team_is_a_duplicate(
    library: dict[str, Chain],
) -> None:
    _, errors = parse_lead_rows(rows({}, {}), chains=library, rates=R, source="台账")
    assert [e.row_number for e in errors] == [4]
    assert "与第 3 行是同一企业" in errors[0].message_zh


def test_a_dropped_row_does_not_own_the_enterprise(library: dict[str, Chain]) -> None:
    records, errors = parse_lead_rows(
        rows({"stage": "终止", "dropped_reason": "企业选址外地"}, {"owner_team": "尖刀班一组"}),
        chains=library,
        rates=R,
        source="台账",
    )
    assert errors == [] and len(records) == 2


# --- a good ledger ------------------------------------------------------------------------------

HEADER = [
    "序号", "项目名称", "统一社会信用代码", "所属产业链", "产业链环节", "招商队伍", "项目责任人",
    "包联领导", "认领档次", "认领日期", "项目进度", "最近推进日期", "入库日期", "签约日期",
    "供地日期", "开工日期", "纳统日期", "投产日期", "约定开工日期", "计划总投资（亿元）",
    "合同投资（万元）", "实际到位资金（万元）", "终止原因", "备注", "落地载体", "协办单位",
]  # fmt: skip
LEDGER: list[list[Any]] = [
    ["示范市重点招商项目台账（2026年11月）"],
    HEADER,
    [1, "江苏甲锂能科技有限公司", CODE, "新能源汽车", "正极材料", "专业招商一分局", "张伟",
     None, None, None, "线索", None, "2026-09-10", None, None, None, None, None, None, 3, None,
     None, None, None, None, None],
    [2, "深圳乙半导体有限公司", None, "集成电路", "封装测试", "尖刀班二组", "李娜", "王市长",
     "≥10亿", "2026-03-15", "洽谈", "2026-08-20", "2026-03-01", None, None, None, None, None,
     None, 15, None, None, None, None, None, "工信局、发改委"],
    [3, "浙江丙氢能科技有限公司", None, "氢能产业链", "电解槽及制氢装备",
     "头格推进组（氢能链）", "王芳", "刘副市长", "5亿", "2026-01-05", "开工", None,
     "2025-12-20", "2026-02-10", None, "2026-05-18", None, None, "2026-06-30", 6, 55000, 12000,
     None, "租用标准厂房，未单独供地", "高新区标准厂房 3 号楼", None],
    [4, "上海丁生物科技有限公司", None, "生物医药", "细胞与基因治疗", "市发改委", "刘洋", None,
     None, None, "终止", "2026-07-01", None, "2026-04-01", None, None, None, None, None, 2,
     18000, None, "企业最终选址外地", None, None, None],
    [5, "广州戊材料有限公司", None, "新材料", None, "专业招商四分局", "陈静", None, None, None,
     "投产", None, "2025-12-01", "2026-01-10", "2026-02-01", "2026-03-01", "2026-08-01",
     "2026-07-15", None, 1.2, 12000, 9000, None, None, "经开区工业用地 2026-07 号地块", None],
]  # fmt: skip


def test_good_ledger_gives_records_and_histories(library: dict[str, Chain], tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(xlsx_bytes(LEDGER, merges=["A1:Z1"]))
    table = read_table(path, columns=LEAD_COLUMNS)
    assert table.unknown_columns == ("序号",)
    records, errors = parse_lead_rows(
        table.rows, chains=library, rates=R, source="台账.xlsx", headers=table.headers, today=TODAY
    )
    assert [e.full_zh for e in errors] == [
        "第 7 行「投产日期」：变更日期 2026-07-15 早于上一次变更日期 2026-08-01"
        "（纳统日期「2026-08-01」→ 投产日期「2026-07-15」）"
    ]
    a, b, c, d = records
    assert a == LeadRecord(
        row_number=3,
        enterprise_name="江苏甲锂能科技有限公司",
        credit_code=CODE,
        chain_id="nev-battery",
        segment_id="cathode",
        owner_team="专业招商一分局",
        owner_team_kind=TeamKind.investment_branch,
        owner_person="张伟",
        stage=S.clue,
        created_on=D(2026, 9, 10),
        stage_on=D(2026, 9, 10),
        history=((S.clue, D(2026, 9, 10)),),
        planned_investment_wan=30_000,
        source="台账.xlsx",
    )
    assert (b.chain_id, b.segment_id, b.owner_team_kind) == (
        "ic-electronics",
        "packaging-testing",
        TeamKind.spearhead_team,
    )
    assert (b.claimed_by_leader, b.claim_band, b.claimed_on) == (
        "王市长",
        ClaimBand.ge_10yi,
        D(2026, 3, 15),
    )
    assert b.history == ((S.clue, D(2026, 3, 1)), (S.negotiation, D(2026, 8, 20)))
    assert b.collaborators == ("工信局", "发改委")
    assert c.history == (
        (S.clue, D(2025, 12, 20)),
        (S.signed, D(2026, 2, 10)),
        (S.construction_started, D(2026, 5, 18)),
    )
    assert (c.planned_investment_wan, c.contracted_investment_wan, c.funds_arrived_wan) == (
        60_000,
        55_000,
        12_000,
    )
    assert (c.milestone_due_on, c.carrier_ref, c.owner_team_kind) == (
        D(2026, 6, 30),
        "高新区标准厂房 3 号楼",
        TeamKind.top_push_group,
    )
    assert c.reached_on(S.signed) == D(2026, 2, 10) and c.reached_on(S.land_supplied) is None
    assert d.history == (
        (S.clue, D(2026, 4, 1)),  # no 入库日期: created on the earliest date of the row
        (S.signed, D(2026, 4, 1)),
        (S.dropped, D(2026, 7, 1)),
    )
    assert (d.stage, d.dropped_reason, d.owner_team_kind) == (
        S.dropped,
        "企业最终选址外地",
        TeamKind.department,
    )

    # Fixed, the fifth row carries every milestone in order.
    fixed = [list(r) for r in LEDGER]
    fixed[-1][17] = "2026-09-15"
    table = read_table(
        xlsx_bytes(fixed, merges=["A1:Z1"]), filename="台账.xlsx", columns=LEAD_COLUMNS
    )
    records, errors = parse_lead_rows(
        table.rows, chains=library, rates=R, source="台账.xlsx", headers=table.headers, today=TODAY
    )
    assert errors == [] and len(records) == 5
    e = records[-1]
    assert e.segment_id is None and e.stage is S.in_production
    assert [s for s, _ in e.history] == [
        S.clue, S.signed, S.land_supplied, S.construction_started, S.in_statistics,
        S.in_production,
    ]  # fmt: skip
    assert (e.created_on, e.stage_on) == (D(2025, 12, 1), D(2026, 9, 15))


def test_record_history_replays_through_the_pipeline(library: dict[str, Chain]) -> None:
    rec, errors = parse(
        library,
        stage="终止",
        stage_on="2026-09-01",
        signed_on="2026-03-01",
        construction_started_on="2026-05-01",
        dropped_reason="企业经营困难",
    )
    assert errors == [] and rec is not None
    changes = record_stage_changes(rec, lead_id=9, actor="导入")
    assert changes[0].from_stage is None and changes[0].note == IMPORT_NOTE
    assert [(c.from_stage, c.to_stage) for c in changes[1:]] == [
        (S.clue, S.signed),
        (S.signed, S.construction_started),
        (S.construction_started, S.dropped),
    ]
    lead = Lead(
        id=9,
        enterprise_id=1,
        enterprise_name=rec.enterprise_name,
        chain_id=rec.chain_id,
        segment_id=rec.segment_id or "",
        owner_team=rec.owner_team,
        owner_team_kind=rec.owner_team_kind,
        owner_person=rec.owner_person,
        created_on=rec.created_on,
    )
    history: tuple[Any, ...] = ()
    for c in changes[1:]:
        lead, history = apply_transition(
            lead, history, to_stage=c.to_stage, changed_on=c.changed_on, actor=c.actor,
            note=c.note, today=TODAY,
        )  # fmt: skip
    assert lead.stage is S.dropped and lead.dropped_reason == "企业经营困难"
