"""A city's lead ledger (招商项目台账) → :class:`LeadRecord`, with the same error discipline as
the enterprise import: every bad cell is a :class:`RowError` naming the row and the column as
the file wrote it, in Chinese and English, and a row with any error yields no record.

A ledger holds one line per project: where it stands now and, at best, the dates of a few
milestones. The record rebuilds the stage history those dates imply, so that imported leads
feed the same metrics and flags as leads entered by hand:

1. the lead is created as 线索 on 入库日期, or when that column is blank, on the earliest date
   in the row (认领日期, the milestone dates, 阶段日期);
2. each milestone whose date is filled — 签约日期, 供地日期, 开工日期, 纳统日期, 投产日期 —
   follows in pipeline order; a milestone beyond the current stage is an error (a lead at 签约
   has no 开工日期), except for a dropped lead, which may have got anywhere before it ended;
3. the current stage comes last: on its own milestone date when it has one, else on
   阶段日期 (required then: 接触, 洽谈 and 终止 have no column of their own). When both are
   given, 阶段日期 reads as "latest progress" and may not be earlier than the milestone.

The sequence is checked with :func:`chainmap.pipeline.validate_transition` (dates may not go
backwards, nor lie after ``today`` when given; 终止 needs 终止原因) and the amounts with
:func:`chainmap.pipeline.validate_amounts` (no negatives; 到位资金 above 合同投资 only with
备注). Stages skipped by the ledger are explained by the import itself: see
:func:`record_stage_changes`, which turns a record into the history the store appends.

Example::

    >>> from chainmap.domain import Chain, Segment, Stage as Where
    >>> cell = Segment("cell", "电芯", Where.midstream, ())
    >>> chains = {"ev": Chain("ev", "新能源汽车", (cell,), ())}
    >>> row = RawRow(3, {"enterprise_name": "甲公司", "chain": "新能源汽车产业链",
    ...     "segment": "电芯", "owner_team": "尖刀班一组", "owner_person": "张三",
    ...     "stage": "已开工", "signed_on": "2026-03-01", "construction_started_on": "2026-05-10"})
    >>> rec, errors = parse_lead_row(row, chains=chains, rates={}, source="台账")
    >>> [(s.label, d.isoformat()) for s, d in rec.history], rec.owner_team_kind.value
    ([('线索', '2026-03-01'), ('签约', '2026-03-01'), ('开工', '2026-05-10')], 'spearhead_team')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from chainmap.credit_code import credit_code_problem, normalize_credit_code
from chainmap.domain import Chain
from chainmap.io.tables import ColumnSpec, RawRow, RowError
from chainmap.io.units import (
    BLANK_TEXTS,
    CellValue,
    ValueParseError,
    parse_amount_wan,
    parse_date,
    unit_hint,
)
from chainmap.pipeline import (
    CLAIM_BAND_LABELS,
    TEAM_KIND_LABELS,
    ClaimBand,
    InvalidAmount,
    InvalidStage,
    InvalidTransition,
    Stage,
    StageChange,
    TeamKind,
    at_or_beyond,
    claim_band_of,
    parse_stage,
    validate_amounts,
    validate_transition,
)


def _col(key: str, *aliases: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(key, aliases, required=required)


LEAD_COLUMNS: tuple[ColumnSpec, ...] = (
    _col("enterprise_name", "企业名称", "项目名称", "项目企业", "项目单位", "投资主体", "投资方",
         "投资企业", "签约企业", "目标企业", "招商企业", "公司名称", "企业", "enterprise",
         "enterprise name", "company", "company name", "project", "project name",
         required=True),
    _col("credit_code", "统一社会信用代码", "信用代码", "社会信用代码", "统一信用代码",
         "USCC", "credit code"),
    _col("chain", "产业链", "所属产业链", "产业链名称", "重点产业链", "产业链条", "所属链条",
         "链条", "chain", "chain id", "industry chain", required=True),
    _col("segment", "环节", "产业链环节", "所属环节", "链条环节", "细分环节", "产业链节点",
         "节点", "segment", "segment id"),
    _col("owner_team", "责任单位", "招商队伍", "招商团队", "责任队伍", "牵头单位", "责任部门",
         "负责单位", "承办单位", "招商单位", "owner team", "team", required=True),
    _col("owner_team_kind", "队伍类型", "团队类型", "队伍类别", "单位类型", "team kind",
         "team type"),
    _col("owner_person", "责任人", "项目责任人", "招商责任人", "项目负责人", "负责人", "跟踪人",
         "owner", "owner person", required=True),
    _col("claimed_by_leader", "认领领导", "包联领导", "包抓领导", "挂点领导", "联系领导",
         "包保领导", "claimed by", "leader"),
    _col("claim_band", "认领档次", "认领级别", "项目档次", "投资档次", "档次", "claim band"),
    _col("claimed_on", "认领日期", "认领时间", "claimed on"),
    _col("stage", "当前阶段", "项目进度", "项目阶段", "推进阶段", "进展阶段", "当前进度", "阶段",
         "stage", required=True),
    _col("stage_on", "阶段日期", "最近推进日期", "最新推进日期", "最新进展日期", "进展日期",
         "推进日期", "阶段变更日期", "stage date", "stage on"),
    _col("created_on", "入库日期", "录入日期", "建档日期", "线索日期", "登记日期", "created on"),
    _col("signed_on", "签约日期", "签约时间", "signed on"),
    _col("land_supplied_on", "供地日期", "供地时间", "land supplied on"),
    _col("construction_started_on", "开工日期", "开工时间", "实际开工日期", "started on"),
    _col("in_statistics_on", "纳统日期", "纳统时间", "入统日期", "in statistics on"),
    _col("in_production_on", "投产日期", "投产时间", "竣工投产日期", "竣工日期",
         "in production on"),
    _col("milestone_due_on", "约定开工日期", "合同约定开工日期", "约定开工时间", "承诺开工日期",
         "计划开工日期", "计划开工时间", "milestone due on", "due on"),
    _col("planned_investment", "计划投资", "计划总投资", "项目总投资", "总投资", "投资总额",
         "拟投资额", "计划投资额", "planned investment"),
    _col("contracted_investment", "合同投资", "签约金额", "合同金额", "签约投资", "合同投资额",
         "签约投资额", "协议投资", "contracted investment"),
    _col("funds_arrived", "到位资金", "实际到位资金", "累计到位资金", "已到位资金", "资金到位",
         "funds arrived"),
    _col("dropped_reason", "终止原因", "终止理由", "退出原因", "dropped reason"),
    _col("note", "备注", "说明", "情况说明", "note", "remarks"),
    _col("carrier", "落地载体", "拟落地载体", "项目载体", "载体", "落地地点", "项目选址",
         "carrier"),
    _col("collaborators", "协办单位", "配合单位", "协同单位", "collaborators"),
)  # fmt: skip
"""The ledger columns and the header texts (Chinese and English) that mean them."""

LABELS: dict[str, str] = {c.key: c.label for c in LEAD_COLUMNS}

MILESTONE_COLUMNS: tuple[tuple[Stage, str], ...] = (
    (Stage.signed, "signed_on"),
    (Stage.land_supplied, "land_supplied_on"),
    (Stage.construction_started, "construction_started_on"),
    (Stage.in_statistics, "in_statistics_on"),
    (Stage.in_production, "in_production_on"),
)
"""The stages a ledger dates in a column of their own, in pipeline order."""

IMPORT_NOTE = "据招商项目台账导入（中间阶段日期以台账为准）"
"""The note on imported stage changes: it explains the stages a ledger skips."""

MAX_TEXT = 100
"""Longest team, person, leader or carrier text a record may hold."""

_AMOUNTS = (
    ("planned_investment", "planned_investment_wan"),
    ("contracted_investment", "contracted_investment_wan"),
    ("funds_arrived", "funds_arrived_wan"),
)
_SPLIT = re.compile(r"[、,，;；/|\n]+")
_Col = Callable[[str], str]  # column key → header text as written
_Err = Callable[[str, str, str], None]  # (column key, message zh, message en)


@dataclass(frozen=True, slots=True, kw_only=True)
class LeadRecord:
    """One ledger row, ready to become a lead. Amounts in 万元.

    ``history`` is the (stage, date) sequence the row's dates imply, creation first;
    ``stage_on`` is the date the current stage was reached (the last entry). ``segment_id``
    is None when the ledger does not say; the importer decides (classify, or reject).
    """

    row_number: int
    enterprise_name: str
    credit_code: str | None
    chain_id: str
    segment_id: str | None
    owner_team: str
    owner_team_kind: TeamKind
    owner_person: str
    stage: Stage
    created_on: date
    stage_on: date
    history: tuple[tuple[Stage, date], ...]
    claimed_by_leader: str | None = None
    claim_band: ClaimBand | None = None
    claimed_on: date | None = None
    planned_investment_wan: float | None = None
    contracted_investment_wan: float | None = None
    funds_arrived_wan: float | None = None
    dropped_reason: str | None = None
    note: str | None = None
    milestone_due_on: date | None = None
    milestone_stage: Stage = Stage.construction_started
    carrier_ref: str | None = None
    collaborators: tuple[str, ...] = ()
    source: str = ""

    def reached_on(self, stage: Stage) -> date | None:
        """The date the history reaches ``stage`` (None if it does not)."""
        return next((d for s, d in self.history if s is stage), None)


def record_stage_changes(record: LeadRecord, *, lead_id: int, actor: str) -> list[StageChange]:
    """The history as the store appends it: a creation entry (no ``from_stage``), then one
    change per later entry, noted :data:`IMPORT_NOTE` (the reason for 终止)."""
    (first, created), *rest = record.history
    out = [StageChange(lead_id, None, first, created, actor, IMPORT_NOTE)]
    prev = first
    for stage, on in rest:
        note = record.dropped_reason if stage is Stage.dropped else IMPORT_NOTE
        out.append(StageChange(lead_id, prev, stage, on, actor, note))
        prev = stage
    return out


# --- chains and segments -------------------------------------------------------------------

_DROP = str.maketrans("", "", "()[]{}【】〔〕「」<>《》\"'“”‘’_-")
_BRACKETED = re.compile(r"[(\[{【〔「<《][^)\]}】〕」>》]*[)\]}】〕」>》]")


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split()).translate(_DROP)


def _forms(text: str) -> list[str]:
    """The text normalised, without its bracketed note, and without a trailing 产业链 / 链."""
    nfkc = unicodedata.normalize("NFKC", text)
    out = []
    for t in (_norm(nfkc), _norm(_BRACKETED.sub("", nfkc))):
        out += [t, t.removesuffix("产业链"), t.removesuffix("链")]
    return [t for t in out if t]


@dataclass(frozen=True, slots=True)
class _ChainIndex:
    chains: dict[str, str]  # form → chain id
    segments: dict[str, dict[str, str]]  # chain id → form → segment id
    names: dict[str, str]  # chain id → name

    @classmethod
    def of(cls, chains: Mapping[str, Chain]) -> _ChainIndex:
        index: dict[str, str] = {}
        segs: dict[str, dict[str, str]] = {}
        for cid in sorted(chains):
            c = chains[cid]
            for text in (c.id, c.name, c.name_en, *c.aliases):
                for form in _forms(text) if text else ():
                    index.setdefault(form, cid)
            seg_index: dict[str, str] = {}
            for s in c.segments:
                for text in (s.id, s.name, s.name_en):
                    for form in _forms(text) if text else ():
                        seg_index.setdefault(form, s.id)
            segs[cid] = seg_index
        return cls(index, segs, {cid: chains[cid].name for cid in chains})


def _lookup(index: Mapping[str, str], text: str) -> str | None:
    return next((index[f] for f in _forms(text) if f in index), None)


# --- one row -------------------------------------------------------------------------------


def parse_lead_row(
    raw: RawRow,
    *,
    chains: Mapping[str, Chain],
    rates: Mapping[str, float],
    source: str,
    headers: Mapping[str, str] | None = None,
    today: date | None = None,
) -> tuple[LeadRecord | None, list[RowError]]:
    """One ledger row → a record, or None and the reasons (one :class:`RowError` per problem).

    ``chains`` resolves 产业链 (id, name or alias) and 环节 (id or name within that chain);
    ``headers`` (``Table.headers``) names columns as the file wrote them and gives unit hints
    such as 计划投资（亿元）; with ``today``, dates after it are errors.
    """
    return _parse(raw, _ChainIndex.of(chains), rates, source, headers or {}, today)


def _parse(
    raw: RawRow,
    index: _ChainIndex,
    rates: Mapping[str, float],
    source: str,
    heads: Mapping[str, str],
    today: date | None,
) -> tuple[LeadRecord | None, list[RowError]]:
    v = raw.values
    errors: list[RowError] = []
    unreadable: set[str] = set()  # date columns already reported

    def col(key: str) -> str:
        return heads.get(key, LABELS[key])

    def err(key: str, zh: str, en: str) -> None:
        errors.append(RowError(raw.row_number, col(key), _shown(v.get(key)), zh, en))

    def text(key: str, *, required: bool = False, limit: int | None = None) -> str | None:
        value = _text(v.get(key))
        if value is None and required:
            err(key, "必填，不能为空", "is required but empty")
        if value is not None and limit is not None and len(value) > limit:
            err(key, f"不能超过 {limit} 个字", f"must be at most {limit} characters")
            return None
        return value

    def day(key: str) -> date | None:
        try:
            found = parse_date(v.get(key))
        except ValueParseError as exc:
            err(key, exc.message_zh, exc.message_en)
            unreadable.add(key)
            return None
        if found is not None and today is not None and found > today:
            err(key, f"日期 {found} 晚于今天 {today}", f"date {found} is after today ({today})")
            unreadable.add(key)
            return None
        return found

    def amount(key: str) -> float | None:
        hint = unit_hint(col(key))
        unit = hint if hint and _is_amount_unit(hint, rates) else "万元"
        try:
            return parse_amount_wan(v.get(key), rates=rates, default_unit=unit)
        except ValueParseError as exc:
            err(key, exc.message_zh, exc.message_en)
            return None

    name = text("enterprise_name", required=True)
    credit_code = text("credit_code")
    if credit_code is not None:
        credit_code = normalize_credit_code(credit_code)
        problem = credit_code_problem(credit_code)
        if problem is not None:
            err("credit_code", f"统一社会信用代码{problem[0]}", f"credit code {problem[1]}")

    chain_id = segment_id = None
    chain_text, segment_text = text("chain", required=True), text("segment")
    if chain_text is not None:
        chain_id = _lookup(index.chains, chain_text)
        if chain_id is None:
            known = "、".join(index.names[c] for c in sorted(index.names))
            err(
                "chain",
                f"未知的产业链「{chain_text}」，应为：{known}（或其编号、别名）",
                f"unknown chain '{chain_text}'; expected one of: {', '.join(sorted(index.names))}"
                " (or a chain's Chinese name or alias)",
            )
    if chain_id is not None and segment_text is not None:
        segment_id = _lookup(index.segments[chain_id], segment_text)
        if segment_id is None:
            err(
                "segment",
                f"产业链「{index.names[chain_id]}」中没有环节「{segment_text}」",
                f"chain '{chain_id}' has no segment '{segment_text}' (give its id or name)",
            )

    team = text("owner_team", required=True, limit=MAX_TEXT)
    kind = _team_kind(text("owner_team_kind"), err)
    person = text("owner_person", required=True, limit=MAX_TEXT)
    leader = text("claimed_by_leader", limit=MAX_TEXT)
    band = _claim_band(v.get("claim_band"), err)
    claimed_on = day("claimed_on")

    stage: Stage | None = None
    stage_text = text("stage", required=True)
    if stage_text is not None:
        try:
            stage = parse_stage(_stage_words(stage_text))
        except InvalidStage as exc:
            err("stage", exc.message_zh, exc.message_en)

    dates = {key: day(key) for key in ("created_on", "stage_on", "milestone_due_on")}
    dates |= {key: day(key) for _, key in MILESTONE_COLUMNS}
    planned, contracted, funds = (amount(key) for key, _ in _AMOUNTS)
    reason, note = text("dropped_reason"), text("note")
    carrier = text("carrier", limit=MAX_TEXT)

    if stage is Stage.dropped and reason is None:
        err(
            "dropped_reason",
            "项目已终止，须填写终止原因",
            "the lead is dropped (终止): the reason is required",
        )
    try:
        validate_amounts(planned=planned, contracted=contracted, funds_arrived=funds, note=note)
    except InvalidAmount as exc:
        key = next((k for k, f in _AMOUNTS if f == exc.field), "funds_arrived")
        err(key, exc.message_zh, exc.message_en)

    history = None
    if stage is not None:
        history = _history(stage, dates, claimed_on, reason, today, col, err, unreadable)
    if (
        errors
        or name is None
        or chain_id is None
        or team is None
        or person is None
        or stage is None
        or history is None
    ):
        return None, errors
    if band is None and leader is not None:
        band = claim_band_of(contracted or planned)
    return (
        LeadRecord(
            row_number=raw.row_number,
            enterprise_name=name,
            credit_code=credit_code,
            chain_id=chain_id,
            segment_id=segment_id,
            owner_team=team,
            owner_team_kind=kind or _infer_team_kind(team),
            owner_person=person,
            stage=stage,
            created_on=history[0][1],
            stage_on=history[-1][1],
            history=history,
            claimed_by_leader=leader,
            claim_band=band,
            claimed_on=claimed_on,
            planned_investment_wan=planned,
            contracted_investment_wan=contracted,
            funds_arrived_wan=funds,
            dropped_reason=reason if stage is Stage.dropped else None,
            note=note,
            milestone_due_on=dates["milestone_due_on"],
            carrier_ref=carrier,
            collaborators=tuple(
                dict.fromkeys(t.strip() for t in _SPLIT.split(text("collaborators") or "") if t)
            ),
            source=source,
        ),
        [],
    )


def _history(
    stage: Stage,
    dates: Mapping[str, date | None],
    claimed_on: date | None,
    reason: str | None,
    today: date | None,
    col: _Col,
    err: _Err,
    unreadable: set[str],
) -> tuple[tuple[Stage, date], ...] | None:
    """The (stage, date) entries the row's dates imply, checked; None after an error (a
    date already reported as unreadable is not reported again as missing)."""
    ok = True
    entries: list[tuple[Stage, date, str]] = []
    for milestone, key in MILESTONE_COLUMNS:
        on = dates[key]
        if on is None:
            continue
        if stage is not Stage.dropped and not at_or_beyond(stage, milestone):
            err(
                key,
                f"当前阶段为「{stage.label}」，尚未到「{milestone.label}」，不应填写{LABELS[key]}",
                f"the lead is at '{stage}', not yet at '{milestone}': {LABELS[key]} must be blank",
            )
            ok = False
            continue
        entries.append((milestone, on, key))
    stage_on = dates["stage_on"]
    own = next((k for m, k in MILESTONE_COLUMNS if m is stage and dates[k] is not None), None)
    if own is not None:
        own_on = dates[own]
        if stage_on is not None and own_on is not None and stage_on < own_on:
            err(
                "stage_on",
                f"{col('stage_on')}「{stage_on}」早于{col(own)}「{own_on}」",
                f"{col('stage_on')} {stage_on} is before {col(own)} {own_on}",
            )
            ok = False
    elif stage is not Stage.clue:
        if stage_on is None:
            if "stage_on" in unreadable:
                return None
            err(
                "stage_on",
                f"当前阶段为「{stage.label}」，须填写到达该阶段的日期",
                f"the lead is at '{stage}': the date it reached that stage is required",
            )
            return None
        entries.append((stage, stage_on, "stage_on"))
    created_key, created = "created_on", dates["created_on"]
    if created is None:
        known = [(on, k) for on, k in ((claimed_on, "claimed_on"), (stage_on, "stage_on")) if on]
        known += [(on, k) for _, on, k in entries]
        if not known:
            if unreadable:
                return None
            err(
                "stage_on",
                "没有任何日期：请填写入库日期或阶段日期",
                "the row has no date at all: give the created or the stage date",
            )
            return None
        created, created_key = min(known)
    elif stage is Stage.clue and stage_on is not None and stage_on < created:
        err(
            "stage_on",
            f"{col('stage_on')}「{stage_on}」早于{col('created_on')}「{created}」，日期不能倒退",
            f"{col('stage_on')} {stage_on} is before {col('created_on')} {created}: "
            "dates cannot go backwards",
        )
        ok = False
    prev_stage, prev_on, prev_key = Stage.clue, created, created_key
    for to_stage, on, key in entries:
        try:
            validate_transition(
                lead_stage=prev_stage,
                history_last_date=prev_on,
                to_stage=to_stage,
                changed_on=on,
                note=(reason or IMPORT_NOTE) if to_stage is Stage.dropped else IMPORT_NOTE,
                today=today,
            )
        except InvalidTransition as exc:
            err(
                key,
                f"{exc.message_zh}（{col(prev_key)}「{prev_on}」→ {col(key)}「{on}」）",
                f"{exc.message_en} ({col(prev_key)} {prev_on} → {col(key)} {on})"
                + (": dates cannot go backwards" if on < prev_on else ""),
            )
            ok = False
        prev_stage, prev_on, prev_key = to_stage, on, key
    if not ok:
        return None
    return ((Stage.clue, created), *((s, on) for s, on, _ in entries))


# --- whole file ----------------------------------------------------------------------------


def parse_lead_rows(
    rows: Iterable[RawRow],
    *,
    chains: Mapping[str, Chain],
    rates: Mapping[str, float],
    source: str,
    headers: Mapping[str, str] | None = None,
    today: date | None = None,
) -> tuple[list[LeadRecord], list[RowError]]:
    """Every row parsed, plus a file-level check: one enterprise has one owner, so a live
    (not 终止) row for an enterprise already on an earlier live row — same name or same
    credit code — is an error on the later one, naming the first row and its team."""
    index, heads = _ChainIndex.of(chains), headers or {}
    column = heads.get("owner_team", LABELS["owner_team"])
    records: list[LeadRecord] = []
    errors: list[RowError] = []
    seen: dict[str, tuple[int, str]] = {}
    for raw in rows:
        record, row_errors = _parse(raw, index, rates, source, heads, today)
        name, team = _text(raw.values.get("enterprise_name")), _text(raw.values.get("owner_team"))
        if name is not None and team is not None and not _is_dropped(raw.values.get("stage")):
            code = _text(raw.values.get("credit_code"))
            keys = [f"name:{_norm(name)}"] + (
                [f"code:{normalize_credit_code(code)}"] if code else []
            )
            first = next((seen[k] for k in keys if k in seen), None)
            if first is None:
                for k in keys:
                    seen[k] = (raw.row_number, team)
            else:
                row, first_team = first
                if first_team != team:
                    zh = (
                        f"「{name}」已在第 {row} 行由「{first_team}」负责，一家企业只能有一个"
                        "责任单位（其他单位请填在协办单位）"
                    )
                    en = (
                        f"'{name}' is already owned by '{first_team}' on row {row}; an "
                        "enterprise has one owner team (list other teams as collaborators)"
                    )
                else:
                    zh = f"「{name}」与第 {row} 行是同一企业，一家企业只能有一条在跟进的线索"
                    en = f"'{name}' is the same enterprise as on row {row}; it has one live lead"
                row_errors.append(RowError(raw.row_number, column, team, zh, en))
                record = None
        errors.extend(row_errors)
        if record is not None:
            records.append(record)
    return records, errors


# --- field helpers -------------------------------------------------------------------------


def _text(value: CellValue) -> str | None:
    """A cell as text; numbers without a spurious ``.0``; blank markers as None."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return None if text.lower() in BLANK_TEXTS else text


def _shown(value: CellValue) -> str | None:
    return None if value is None else _text(value) or str(value)


def _is_amount_unit(unit: str, rates: Mapping[str, float]) -> bool:
    try:
        return parse_amount_wan("1" + unit, rates=rates) is not None
    except ValueParseError:
        return False


def _stage_words(text: str) -> str:
    """已签约 → 签约, 洽谈阶段 → 洽谈: the words ledgers put around a stage name."""
    t = "".join(unicodedata.normalize("NFKC", text).split())
    t = t.removesuffix("阶段")
    return t.removeprefix("已") if len(t) > 2 else t


def _is_dropped(value: CellValue) -> bool:
    text = _text(value)
    if text is None:
        return False
    try:
        return parse_stage(_stage_words(text)) is Stage.dropped
    except InvalidStage:
        return False


def _infer_team_kind(team: str) -> TeamKind:
    """头格 → 头格推进组, 尖刀 → 尖刀班, 分局 → 专业招商分局; any other unit is a department."""
    if "头格" in team:
        return TeamKind.top_push_group
    if "尖刀" in team:
        return TeamKind.spearhead_team
    if "分局" in team:
        return TeamKind.investment_branch
    return TeamKind.department


def _team_kind(text: str | None, err: _Err) -> TeamKind | None:
    if text is None:
        return None
    key = _norm(text)
    for kind in TeamKind:
        if key in (_norm(kind.value), _norm(kind.label)):
            return kind
    if key in ("部门", "职能部门", "委办局", "department"):
        return TeamKind.department
    if any(w in key for w in ("头格", "尖刀", "分局")):
        return _infer_team_kind(key)
    labels = "、".join(TEAM_KIND_LABELS.values())
    err(
        "owner_team_kind",
        f"未知的队伍类型「{text}」，应为：{labels}",
        f"unknown team kind '{text}'; expected one of: {', '.join(k.value for k in TeamKind)}",
    )
    return None


_BAND_NOISE = re.compile(r"≥|>|=|及?以上|元|级|档|含")  # after _norm: brackets are gone
_BAND_BY_YI = {
    50: ClaimBand.ge_50yi,
    10: ClaimBand.ge_10yi,
    5: ClaimBand.ge_5yi,
    1: ClaimBand.ge_1yi,
}


def _claim_band(value: CellValue, err: _Err) -> ClaimBand | None:
    """≥50亿, 50亿, 50亿元以上, 50 (亿) or ge_50yi → :class:`ClaimBand`."""
    text = _text(value)
    if text is None:
        return None
    if text.strip().lower() in ClaimBand.__members__:
        return ClaimBand(text.strip().lower())
    key = _BAND_NOISE.sub("", _norm(text))
    m = re.fullmatch(r"(\d+)(?:\.0+)?(亿)?", key)
    if m is not None and int(m[1]) in _BAND_BY_YI:
        return _BAND_BY_YI[int(m[1])]
    labels = "、".join(CLAIM_BAND_LABELS.values())
    err(
        "claim_band",
        f"无法识别的认领档次「{text}」，应为：{labels}",
        f"unknown claim band '{text}'; expected one of: {labels} (元)",
    )
    return None
