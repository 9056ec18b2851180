"""The bimonthly meeting pack (双月调度会材料): 进度表, 成绩单 and 红黄牌 for one period, in
one pure value that the JSON API, the xlsx and the printable HTML all render.

"每两个月曬一曬進度表、比一比成績單，用實績說話、拿結果交賬": every figure comes from the lead
pipeline's definitions (:mod:`chainmap.pipeline.metrics`), computed once for all groupings from
each lead's history, and every row keeps the ids of the leads it counts. :func:`trace` names
the leads behind any single figure of a row, and :func:`changes_in_period` the stage changes
that moved a lead during the period, so each number can be checked lead by lead.

Red and yellow flags are taken as of the period's last day (or ``today``, if earlier), so a
pack for a past period reads the same whenever it is generated, like its figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chainmap.pipeline.digest import HistoryDays, HistoryDigest, digest_history, no_history
from chainmap.pipeline.flags import Flag, FlagKind, FlagLevel, digest_flags
from chainmap.pipeline.metrics import (
    BAND_MILESTONES,
    GroupBy,
    GroupMetrics,
    LeadFigures,
    Period,
    Rate,
    ScoreRow,
    build_timelines,
    digest_figures,
    scoreboard,
)
from chainmap.pipeline.stages import (
    STAGE_ORDER,
    FundsArrival,
    Lead,
    SizeBand,
    Stage,
    StageChange,
    TeamKind,
)

START_RATE_TARGET = 0.5  # "签约项目开工率达到50%以上"
TOTAL_LABEL = "合计"
UNCLAIMED_LABEL = "未认领"
MILESTONE_LABELS: dict[Stage, str] = {
    Stage.negotiation: "洽谈",
    Stage.signed: "签约",
    Stage.construction_started: "开工",
    Stage.in_production: "竣工",
}
RATE_LABELS: dict[str, str] = {
    "contract_fulfilment_rate": "合同履约率",
    "funds_arrival_rate": "资金到位率",
    "start_rate": "项目开工率",
}
KEY_NUMBER_LABELS: dict[str, str] = {
    "leads": "线索数",
    "reached_signed": "新签约项目",
    "reached_construction_started": "新开工项目",
    "reached_in_production": "新竣工（投产）项目",
    "signed_contracted_wan": "新签约合同投资（万元）",
    "funds_arrived_in_period_wan": "本期到位资金（万元）",
    **RATE_LABELS,
}


@dataclass(frozen=True, slots=True)
class FlagThresholds:
    """Days after which a stalled lead gets a yellow flag, and the factor for red (see
    :func:`chainmap.pipeline.flags.flags`); the caller takes them from settings."""

    signed_not_started_days: int = 180
    claimed_idle_days: int = 60
    started_no_funds_days: int = 90
    red_factor: float = 1.5


@dataclass(frozen=True, slots=True)
class Definition:
    """One 口径 (how a figure is counted), printed in the pack and served with the JSON."""

    id: str
    label_zh: str
    text_zh: str


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """One line of the 进度表: a chain, a team or all leads (``group_by`` None, 合计)."""

    group_by: GroupBy | None
    key: str | None
    label: str
    team_kind: TeamKind | None
    metrics: GroupMetrics
    lead_ids: tuple[int, ...]

    @property
    def start_rate_met(self) -> bool | None:
        """Whether 项目开工率 reaches :data:`START_RATE_TARGET`; None with no signed lead."""
        value = self.metrics.start_rate.value
        return None if value is None else value >= START_RATE_TARGET


@dataclass(frozen=True, slots=True)
class ScoreboardRow:
    """One line of the 成绩单: a team or a city leader (the leads it claimed), ranked."""

    score: ScoreRow
    label: str
    team_kind: TeamKind | None
    metrics: GroupMetrics
    lead_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FlagSummary:
    """红黄牌 per team: how many of each colour, so the meeting sees who is behind at once."""

    owner_team: str
    red: int
    yellow: int


@dataclass(frozen=True, slots=True)
class MeetingPack:
    """Everything the 双月调度会 sees for one period. Rows keep their lead ids; ``figures``
    holds what each counted lead contributes, ``leads`` the lead itself and ``moves`` the
    stage changes dated within the period (in date order; leads with none are absent), or
    None when the pack was built without them (only the detail views show them)."""

    period: Period
    previous: Period
    generated_on: date
    flags_as_of: date
    thresholds: FlagThresholds
    overall: ProgressRow
    progress_by_chain: tuple[ProgressRow, ...]
    progress_by_team: tuple[ProgressRow, ...]
    scoreboard_teams: tuple[ScoreboardRow, ...]
    scoreboard_leaders: tuple[ScoreboardRow, ...]
    flags: tuple[Flag, ...]
    flag_summary: tuple[FlagSummary, ...]
    definitions: tuple[Definition, ...]
    chain_names: Mapping[str, str] = field(repr=False)
    figures: Mapping[int, LeadFigures] = field(repr=False)
    leads: Mapping[int, Lead] = field(repr=False)
    moves: Mapping[int, tuple[StageChange, ...]] | None = field(repr=False)

    def chain_label(self, chain_id: str) -> str:
        return self.chain_names.get(chain_id, chain_id)


def build_pack(
    *,
    leads: Iterable[Lead],
    changes: Iterable[StageChange],
    arrivals: Iterable[FundsArrival],
    period: Period,
    today: date,
    chain_names: Mapping[str, str],
    thresholds: FlagThresholds | None = None,
) -> MeetingPack:
    """The meeting pack for ``period`` from all leads, their stage history and arrivals.

    Metrics are computed once per grouping (all, chain, team, leader) for this period and
    the previous one, from one reading of each lead's history; flags as of
    ``min(today, period.end)``. ``chain_names`` maps chain ids to the names printed.

    >>> from chainmap.pipeline import parse_period
    >>> lead = Lead(id=1, enterprise_id=7, enterprise_name="甲公司", chain_id="ev",
    ...     segment_id="cell", owner_team="尖刀班", owner_team_kind=TeamKind.spearhead_team,
    ...     owner_person="张三", created_on=date(2026, 1, 5))
    >>> pack = build_pack(leads=[lead], changes=[], arrivals=[], period=parse_period("2026-09"),
    ...     today=date(2026, 11, 5), chain_names={"ev": "新能源汽车"})
    >>> [(r.label, r.lead_ids) for r in pack.progress_by_chain], pack.overall.metrics.leads
    ([('新能源汽车', (1,))], 1)
    """
    tls = build_timelines(leads, changes, arrivals, created_by=period.end)
    days = pack_days(period=period, today=today)
    return build_pack_from_digests(
        leads=[t.lead for t in tls],
        arrivals={t.lead.id: t.arrivals for t in tls if t.arrivals},
        digests={t.lead.id: digest_history(t, days) for t in tls},
        moves={
            t.lead.id: moved
            for t in tls
            if (moved := tuple(c for c in t.changes if period.contains(c.changed_on)))
        },
        period=period,
        today=today,
        chain_names=chain_names,
        thresholds=thresholds,
    )


def pack_days(*, period: Period, today: date) -> HistoryDays:
    """The days a pack reads each lead's history at (flags as of ``min(today, end)``)."""
    return HistoryDays.of(
        start=period.start,
        end=period.end,
        previous_start=period.previous().start,
        as_of=min(today, period.end),
    )


def build_pack_from_digests(
    *,
    leads: Sequence[Lead],
    arrivals: Mapping[int, Sequence[FundsArrival]],
    digests: Mapping[int, HistoryDigest],
    moves: Mapping[int, tuple[StageChange, ...]] | None,
    period: Period,
    today: date,
    chain_names: Mapping[str, str],
    thresholds: FlagThresholds | None = None,
) -> MeetingPack:
    """:func:`build_pack` from each lead's :class:`HistoryDigest` read at
    :func:`pack_days` (a lead without one has no history), its arrivals in date order and the
    period's stage changes (None: not read, for a pack no detail view will show), rather than
    from the whole history: what the store hands over when it has digested a million stage
    changes in SQL. Same pack, figure for figure."""
    limits = thresholds or FlagThresholds()
    as_of = min(today, period.end)
    kept = [lead for lead in leads if lead.created_on <= period.end]
    entries = [
        (
            lead,
            arrivals.get(lead.id, ()),
            digests.get(lead.id) or no_history(lead.id, lead.stage),
        )
        for lead in kept
    ]
    got = digest_figures(entries, period=period, group_bys=(None, "chain", "team", "leader"))
    # A team's kind as its first lead records it.
    kinds = {lead.owner_team: lead.owner_team_kind for lead in reversed(kept)}

    def rows(group_by: GroupBy | None) -> list[ProgressRow]:
        out = []
        for m in got.rows[group_by]:
            if group_by == "chain" and m.key is not None:
                label = chain_names.get(m.key, m.key)
            elif group_by is None:
                label = TOTAL_LABEL
            else:
                label = m.key if m.key is not None else UNCLAIMED_LABEL
            kind = kinds.get(m.key) if group_by == "team" and m.key is not None else None
            ids = got.members[(group_by, m.key)]
            out.append(ProgressRow(group_by, m.key, label, kind, m, ids))
        return out

    def ranked(progress: list[ProgressRow]) -> tuple[ScoreboardRow, ...]:
        by_key = {r.key: r for r in progress}
        out = []
        for score in scoreboard(r.metrics for r in progress):
            row = by_key[score.key]
            out.append(ScoreboardRow(score, row.label, row.team_kind, row.metrics, row.lead_ids))
        return tuple(out)

    [overall] = rows(None)
    teams = rows("team")
    found = digest_flags(
        entries,
        today=as_of,
        signed_not_started_days=limits.signed_not_started_days,
        claimed_idle_days=limits.claimed_idle_days,
        started_no_funds_days=limits.started_no_funds_days,
        red_factor=limits.red_factor,
    )
    reds = Counter(f.owner_team for f in found if f.level is FlagLevel.red)
    yellows = Counter(f.owner_team for f in found if f.level is FlagLevel.yellow)
    summary = sorted(
        (FlagSummary(team, reds[team], yellows[team]) for team in {*reds, *yellows}),
        key=lambda s: (-s.red, -s.yellow, s.owner_team),
    )
    return MeetingPack(
        period=period,
        previous=period.previous(),
        generated_on=today,
        flags_as_of=as_of,
        thresholds=limits,
        overall=overall,
        progress_by_chain=tuple(rows("chain")),
        progress_by_team=tuple(teams),
        scoreboard_teams=ranked(teams),
        scoreboard_leaders=ranked(rows("leader")),
        flags=tuple(found),
        flag_summary=tuple(summary),
        definitions=definitions(period=period, as_of=as_of, thresholds=limits),
        chain_names=dict(chain_names),
        figures=got.leads,
        leads={lead.id: lead for lead in kept},
        moves=None if moves is None else dict(moves),
    )


# --- traceability ------------------------------------------------------------------------

_STAGES: dict[str, Stage] = {s.value: s for s in Stage}
_BANDS: dict[str, SizeBand] = {b.value: b for b in SizeBand}
_MILESTONES: dict[str, Stage] = {m.value: m for m in BAND_MILESTONES}
_SIMPLE: dict[str, Callable[[LeadFigures], bool]] = {
    "leads": lambda f: True,
    "signed_contracted_wan": lambda f: f.newly_signed,
    "funds_arrived_in_period_wan": lambda f: f.signed and f.funds_in_period_wan != 0,
    "start_rate.numerator": lambda f: f.started,
    "start_rate.denominator": lambda f: f.signed,
    "funds_arrival_rate.numerator": lambda f: f.signed and f.funds_by_end_wan != 0,
    "funds_arrival_rate.denominator": lambda f: f.signed,
    "contract_fulfilment_rate.numerator": lambda f: f.kept,
    "contract_fulfilment_rate.denominator": lambda f: f.due,
}
TRACE_FIGURES: tuple[str, ...] = (
    *_SIMPLE,
    *(f"stage_counts.{s.value}" for s in Stage),
    *(f"reached_counts.{s.value}" for s in Stage),
    *(f"band_counts.{m.value}.{b.value}" for m in BAND_MILESTONES for b in SizeBand),
)


def _counted_in(figure: str) -> Callable[[LeadFigures], bool]:
    if figure in _SIMPLE:
        return _SIMPLE[figure]
    name, _, rest = figure.partition(".")
    milestone, _, band = rest.partition(".")
    if name == "stage_counts" and rest in _STAGES:
        stage = _STAGES[rest]
        return lambda f: f.stage_at_end is stage
    if name == "reached_counts" and rest in _STAGES:
        stage = _STAGES[rest]
        return lambda f: stage in f.reached
    if name == "band_counts" and milestone in _MILESTONES and band in _BANDS:
        m, b = _MILESTONES[milestone], _BANDS[band]
        return lambda f: m in f.band_milestones and b in f.size_bands
    raise KeyError(figure)


def trace(pack: MeetingPack, row: ProgressRow | ScoreboardRow, figure: str) -> tuple[int, ...]:
    """The ids of the leads behind one figure of a row (any of :data:`TRACE_FIGURES`; a
    KeyError for others): for a count, the leads counted; for an amount, the leads whose
    amounts are summed, leaving out those that add 0.

    >>> from chainmap.pipeline import parse_period
    >>> lead = Lead(id=1, enterprise_id=7, enterprise_name="甲公司", chain_id="ev",
    ...     segment_id="cell", owner_team="尖刀班", owner_team_kind=TeamKind.spearhead_team,
    ...     owner_person="张三", created_on=date(2026, 9, 5))
    >>> pack = build_pack(leads=[lead], changes=[], arrivals=[], period=parse_period("2026-09"),
    ...     today=date(2026, 11, 5), chain_names={})
    >>> trace(pack, pack.overall, "reached_counts.clue"), trace(pack, pack.overall, "leads")
    ((1,), (1,))
    """
    counted, figures = _counted_in(figure), pack.figures
    return tuple(i for i in row.lead_ids if counted(figures[i]))


def changes_in_period(pack: MeetingPack, lead_id: int) -> tuple[StageChange, ...]:
    """The stage changes of a lead dated within the period: what moved it in 本期新进入.
    Raises ValueError for a pack built without them (``moves`` None)."""
    if pack.moves is None:
        raise ValueError("this pack was built without the period's stage changes")
    return pack.moves.get(lead_id, ())


# --- definitions (口径说明) ----------------------------------------------------------------


def definitions(
    *, period: Period, as_of: date, thresholds: FlagThresholds
) -> tuple[Definition, ...]:
    """How each figure of the pack is counted, in the words printed with it."""
    prev = period.previous()
    t = thresholds
    red = {
        "签约未开工": t.signed_not_started_days,
        "认领后无进展": t.claimed_idle_days,
        "开工后资金未到位": t.started_no_funds_days,
    }
    red_text = "、".join(f"{k} {round(v * t.red_factor)} 天" for k, v in red.items())
    stages = " → ".join(s.label for s in STAGE_ORDER)
    return (
        Definition(
            "period",
            "统计期间",
            f"本期为 {period.label_zh}（{period.start} 至 {period.end}），上期为 {prev.label_zh}"
            f"（{prev.start} 至 {prev.end}）。「期末」指本期最后一天结束时，「期初前一日」指"
            f" {prev.end}。阶段顺序：{stages}；终止不属于任何阶段。",
        ),
        Definition(
            "stage_counts",
            "期末阶段",
            "期末前已建立的线索，按期末所处阶段计数（含终止）。各数以阶段变更记录为准，"
            "不受之后的变更影响。",
        ),
        Definition(
            "reached_counts",
            "本期新进入",
            "期初前一日尚未达到、期末已达到某阶段（或其后阶段）的线索数；本期新建的线索计入"
            "「线索」。退回的项目不再计为达到原阶段。终止：期末为终止、期初前一日不是。",
        ),
        Definition(
            "band_counts",
            "分档统计",
            "期末处于洽谈阶段，或已达到签约、开工、竣工（投产）的线索，按合同投资（尚无合同的"
            "按计划投资）累计分档：≥1000万、≥5000万、≥1亿、≥10亿，如 2 亿元项目同时计入前三档。",
        ),
        Definition(
            "contract_fulfilment_rate",
            "合同履约率",
            "截至期末曾经签约（其后终止的也计入）且合同约定节点（一般为开工）已到期的线索中，"
            "在到期日当天或之前达到该节点的比例。",
        ),
        Definition(
            "funds_arrival_rate",
            "资金到位率",
            "期末已达到签约（不含终止）的线索，截至期末累计到位资金 ÷ 其合同投资之和；"
            "「本期到位资金」为这些线索在本期内到位的资金（万元）。",
        ),
        Definition(
            "start_rate",
            "项目开工率",
            "期末已达到签约（不含终止）的线索中，期末已达到开工的比例；供地计为已签约、未开工。"
            f"目标：签约项目开工率达到 {START_RATE_TARGET:.0%} 以上，未达到的标「未达标」。",
        ),
        Definition(
            "signed_contracted_wan",
            "新签约合同投资",
            "本期新进入签约阶段的线索的合同投资之和（万元）。",
        ),
        Definition(
            "change_vs_previous",
            "较上期",
            "本期数减上期数，按同一分组的线索计算；比率之差为百分点，任一期比率无分母时不计。",
        ),
        Definition(
            "scoreboard",
            "成绩单排名",
            "按本期新签约合同投资从高到低，其次按本期新开工项目数，再按名称；"
            "市领导按其认领的线索计，未认领的线索不参加排名。",
        ),
        Definition(
            "flags",
            "红黄牌",
            f"以 {as_of} 为准。签约未开工：签约（或供地）后超过 {t.signed_not_started_days} 天"
            f"未开工；认领后无进展：认领或上次阶段变化后超过 {t.claimed_idle_days} 天仍未签约；"
            f"开工后资金未到位：开工或上次资金到位后超过 {t.started_no_funds_days} 天且未足额到位。"
            f"超过天数亮黄牌，超过 {t.red_factor:g} 倍（{red_text}）亮红牌；终止的线索不亮牌。",
        ),
        Definition(
            "trace",
            "数据追溯",
            "每行数字均由所列线索按上述口径逐条相加得出：每行附所计线索编号，"
            "「线索明细」列出每条线索的期初与期末阶段、本期阶段变更、金额及计入的各项指标。",
        ),
    )


# --- JSON --------------------------------------------------------------------------------


def pack_to_dict(pack: MeetingPack, *, detail: bool = False) -> dict[str, Any]:
    """The pack as JSON-ready data for ``GET /meetings/bimonthly``: stable English keys, ids
    for stages, bands and kinds, with their Chinese names under ``labels`` and a Chinese
    ``label`` on every group, rate and flag. Every row lists its ``lead_ids``; with
    ``detail`` the ``leads`` list gives each counted lead's figures and the stage changes
    that moved it in the period, from which any figure of any row can be recounted."""
    out: dict[str, Any] = {
        "period": _period(pack.period),
        "previous_period": _period(pack.previous),
        "generated_on": pack.generated_on.isoformat(),
        "flags_as_of": pack.flags_as_of.isoformat(),
        "start_rate_target": START_RATE_TARGET,
        "flag_thresholds": {
            "signed_not_started_days": pack.thresholds.signed_not_started_days,
            "claimed_idle_days": pack.thresholds.claimed_idle_days,
            "started_no_funds_days": pack.thresholds.started_no_funds_days,
            "red_factor": pack.thresholds.red_factor,
        },
        "labels": _LABELS,
        "overall": _progress(pack.overall),
        "progress_by_chain": [_progress(r) for r in pack.progress_by_chain],
        "progress_by_team": [_progress(r) for r in pack.progress_by_team],
        "scoreboard": {
            "teams": [_score(r) for r in pack.scoreboard_teams],
            "leaders": [_score(r) for r in pack.scoreboard_leaders],
        },
        "flags": [_flag(pack, f) for f in pack.flags],
        "flag_summary": [
            {"owner_team": s.owner_team, "red": s.red, "yellow": s.yellow}
            for s in pack.flag_summary
        ],
        "definitions": [
            {"id": d.id, "label_zh": d.label_zh, "text_zh": d.text_zh} for d in pack.definitions
        ],
        "leads": None,
    }
    if detail:
        out["leads"] = [_lead(pack, f) for f in pack.figures.values()]
    return out


_LABELS: dict[str, dict[str, str]] = {
    "stages": {s.value: s.label for s in Stage},
    "milestones": {m.value: MILESTONE_LABELS[m] for m in BAND_MILESTONES},
    "size_bands": {b.value: b.label for b in SizeBand},
    "rates": RATE_LABELS,
    "key_numbers": KEY_NUMBER_LABELS,
    "flag_kinds": {k.value: k.label for k in FlagKind},
    "flag_levels": {v.value: v.label for v in FlagLevel},
    "team_kinds": {k.value: k.label for k in TeamKind},
    "group_by": {"chain": "产业链", "team": "招商队伍", "leader": "市领导"},
}


def _period(p: Period) -> dict[str, Any]:
    return {
        "label": p.label,
        "label_zh": p.label_zh,
        "start": p.start.isoformat(),
        "end": p.end.isoformat(),
    }


def _rate(name: str, r: Rate) -> dict[str, Any]:
    return {
        "label": RATE_LABELS[name],
        "numerator": r.numerator,
        "denominator": r.denominator,
        "value": r.value,
    }


def _metrics(m: GroupMetrics) -> dict[str, Any]:
    return {
        "leads": m.leads,
        "stage_counts": {s.value: n for s, n in m.stage_counts.items()},
        "reached_counts": {s.value: n for s, n in m.reached_counts.items()},
        "band_counts": {
            s.value: {b.value: n for b, n in bands.items()} for s, bands in m.band_counts.items()
        },
        "signed_contracted_wan": m.signed_contracted_wan,
        "funds_arrived_in_period_wan": m.funds_arrived_in_period_wan,
        "contract_fulfilment_rate": _rate("contract_fulfilment_rate", m.contract_fulfilment_rate),
        "funds_arrival_rate": _rate("funds_arrival_rate", m.funds_arrival_rate),
        "start_rate": _rate("start_rate", m.start_rate),
        "change_vs_previous": dict(m.change_vs_previous),
    }


def _group(
    group_by: GroupBy | None, key: str | None, label: str, kind: TeamKind | None
) -> dict[str, Any]:
    return {
        "group_by": group_by,
        "key": key,
        "label": label,
        "team_kind": kind.value if kind else None,
        "team_kind_label": kind.label if kind else None,
    }


def _progress(r: ProgressRow) -> dict[str, Any]:
    return {
        **_group(r.group_by, r.key, r.label, r.team_kind),
        **_metrics(r.metrics),
        "start_rate_met": r.start_rate_met,
        "lead_ids": list(r.lead_ids),
    }


def _score(r: ScoreboardRow) -> dict[str, Any]:
    s = r.score
    return {
        "rank": s.rank,
        **_group(s.group_by, s.key, r.label, r.team_kind),
        "signed": s.signed,
        "signed_contracted_wan": s.signed_contracted_wan,
        "started": s.started,
        "funds_arrived_in_period_wan": s.funds_arrived_in_period_wan,
        "start_rate": _rate("start_rate", s.start_rate),
        "funds_arrival_rate": _rate("funds_arrival_rate", s.funds_arrival_rate),
        "contract_fulfilment_rate": _rate("contract_fulfilment_rate", s.contract_fulfilment_rate),
        "change_vs_previous": dict(s.change_vs_previous),
        "lead_ids": list(r.lead_ids),
    }


def _flag(pack: MeetingPack, f: Flag) -> dict[str, Any]:
    chain_id = pack.leads[f.lead_id].chain_id
    return {
        "lead_id": f.lead_id,
        "level": f.level.value,
        "level_label": f.level.label,
        "kind": f.kind.value,
        "kind_label": f.kind.label,
        "days": f.days,
        "since": f.since.isoformat(),
        "threshold_days": f.threshold_days,
        "stage": f.stage.value,
        "stage_label": f.stage.label,
        "owner_team": f.owner_team,
        "owner_person": f.owner_person,
        "claimed_by_leader": f.claimed_by_leader,
        "enterprise_name": f.enterprise_name,
        "chain_id": chain_id,
        "chain_label": pack.chain_label(chain_id),
        "message_zh": f.message_zh,
        "message_en": f.message_en,
    }


def _lead(pack: MeetingPack, f: LeadFigures) -> dict[str, Any]:
    lead = pack.leads[f.lead_id]
    return {
        "lead_id": f.lead_id,
        "enterprise_name": lead.enterprise_name,
        "chain_id": lead.chain_id,
        "owner_team": lead.owner_team,
        "owner_person": lead.owner_person,
        "claimed_by_leader": lead.claimed_by_leader,
        "stage_before": f.stage_before.value if f.stage_before else None,
        "stage_at_end": f.stage_at_end.value,
        "reached": [s.value for s in f.reached],
        "band_milestones": [s.value for s in f.band_milestones],
        "size_bands": [b.value for b in f.size_bands],
        "newly_signed": f.newly_signed,
        "signed": f.signed,
        "started": f.started,
        "due": f.due,
        "kept": f.kept,
        "contracted_wan": f.contracted_wan,
        "funds_by_end_wan": f.funds_by_end_wan,
        "funds_in_period_wan": f.funds_in_period_wan,
        "changes_in_period": [
            {
                "from_stage": c.from_stage.value if c.from_stage else None,
                "to_stage": c.to_stage.value,
                "changed_on": c.changed_on.isoformat(),
                "actor": c.actor,
                "note": c.note,
            }
            for c in changes_in_period(pack, f.lead_id)
        ],
    }
