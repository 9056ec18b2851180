"""Periods, the 三率 and stage counts for any period and grouping, and the scoreboard (成绩单).

Every number is read from the dated stage history and funds arrivals "as of" a day, so the
same leads give the same figures for a past period however much they have moved since.
Amounts (planned, contracted) are the leads' current values: they carry no history.

Definitions (these texts are the API documentation; ``end`` is the period's last day, and
"at end" means the stage in force at the end of that day, from the history):

* **reached X by a day** — the stage in force at the end of that day is X or a later stage
  in 线索 → 接触 → 洽谈 → 签约 → 供地 → 开工 → 纳统 → 投产. A dropped (终止) lead has reached
  nothing; a lead moved back with a note no longer counts as having reached the later stage.
* **stage_counts** — leads created by ``end``, by their stage at end (终止 included).
* **reached_counts** — leads that reached X *during* the period: not at-or-beyond X at the
  end of the day before the period starts, at-or-beyond X at end. A change on the period's
  last day counts in it; one on the next period's first day does not. For 终止: dropped at
  end, not dropped the day before the period.
* **band_counts** — at end, for 洽谈 (leads *in* 洽谈, i.e. still under negotiation), 签约,
  开工 and 竣工 = 投产 (leads that have reached it), the number of leads in each cumulative
  size band (see :class:`SizeBand`) of their contracted investment, or planned when there is
  no contract yet.
* **signed_contracted_wan** — contracted investment of the leads that reached 签约 during the
  period (新签约合同投资).
* **start_rate (项目开工率)** — among leads that reached 签约 by ``end`` (and so are not
  dropped), the share that reached 开工 by ``end``. 供地 counts as signed, not started.
* **funds_arrival_rate (资金到位率)** — over the same signed leads, funds arrived up to
  ``end`` ÷ their contracted investment.
* **funds_arrived_in_period_wan** — funds that arrived within the period for those leads.
* **contract_fulfilment_rate (合同履约率)** — among leads that had been signed on some day up
  to ``end`` (a signed lead dropped later still counts: its contract went unfulfilled) and
  whose ``milestone_due_on`` ≤ ``end``, the share that had reached their ``milestone_stage``
  (开工 unless stated) on or before ``milestone_due_on``.
* **change_vs_previous** — for each of :data:`KEY_NUMBERS`, this period's value minus the
  previous period's (the two months, or month, just before), over the same group's leads;
  None for a rate when either value is None.

Each rate carries numerator, denominator and value (rounded to 4 places; None when the
denominator is 0).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from chainmap.pipeline.stages import (
    STAGE_ORDER,
    FundsArrival,
    InvalidPeriod,
    Lead,
    LeadTimeline,
    SizeBand,
    Stage,
    StageChange,
    at_or_beyond,
    lead_amount_wan,
    size_bands_of,
)

GroupBy = Literal["chain", "team", "owner", "leader"]
PeriodKind = Literal["bimonthly", "month"]
BAND_MILESTONES: tuple[Stage, ...] = (
    Stage.negotiation,
    Stage.signed,
    Stage.construction_started,
    Stage.in_production,
)
KEY_NUMBERS: tuple[str, ...] = (
    "leads",
    "reached_signed",
    "reached_construction_started",
    "reached_in_production",
    "signed_contracted_wan",
    "funds_arrived_in_period_wan",
    "contract_fulfilment_rate",
    "funds_arrival_rate",
    "start_rate",
)
_PERIOD_RE = re.compile(r"([0-9]{4})-([0-9]{2})")
_MIN_YEAR, _MAX_YEAR = 1900, 2999


@dataclass(frozen=True, slots=True)
class Period:
    """A span of whole months, both ends included, named by its first month (YYYY-MM).

    A bimonthly period (双月调度会) covers the named month and the next one, so ``2026-09``
    is 1 Sept – 31 Oct 2026 and ``2026-12`` runs into January 2027. Any month may start one;
    :meth:`previous` is the two months just before.
    """

    start: date
    end: date
    label: str
    kind: PeriodKind = "bimonthly"

    @property
    def months(self) -> int:
        return 2 if self.kind == "bimonthly" else 1

    @property
    def label_zh(self) -> str:
        """E.g. 2026年9—10月, 2026年12月—2027年1月, 2026年9月."""
        s, e = self.start, self.end
        if self.kind == "month":
            return f"{s.year}年{s.month}月"
        if s.year == e.year:
            return f"{s.year}年{s.month}—{e.month}月"
        return f"{s.year}年{s.month}月—{e.year}年{e.month}月"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def previous(self) -> Period:
        """The period of the same kind that ends the day before this one starts.

        >>> parse_period("2026-01").previous().label
        '2025-11'
        """
        y, m = _add_months(self.start.year, self.start.month, -self.months)
        return _period(y, m, self.kind)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + n
    return k // 12, k % 12 + 1


def _period(year: int, month: int, kind: PeriodKind) -> Period:
    months = 2 if kind == "bimonthly" else 1
    ey, em = _add_months(year, month, months - 1)
    end = date(ey, em, calendar.monthrange(ey, em)[1])
    return Period(date(year, month, 1), end, f"{year:04d}-{month:02d}", kind)


def _parse(text: str, kind: PeriodKind) -> Period:
    match = _PERIOD_RE.fullmatch(text.strip())
    if match is None:
        raise InvalidPeriod(
            f"期间「{text}」格式不对，应为 YYYY-MM（四位年份-两位月份，如 2026-09）",
            f"period '{text}' must be YYYY-MM (four-digit year, two-digit month, e.g. 2026-09)",
            field="period",
        )
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise InvalidPeriod(
            f"期间「{text}」的月份须在 01—12 之间",
            f"period '{text}': month must be between 01 and 12",
            field="period",
        )
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise InvalidPeriod(
            f"期间「{text}」的年份须在 {_MIN_YEAR}—{_MAX_YEAR} 之间",
            f"period '{text}': year must be between {_MIN_YEAR} and {_MAX_YEAR}",
            field="period",
        )
    return _period(year, month, kind)


def parse_period(text: str) -> Period:
    """The bimonthly period named by its first month: ``YYYY-MM`` → that month and the next.

    >>> p = parse_period("2026-09")
    >>> p.start, p.end, p.label_zh
    (datetime.date(2026, 9, 1), datetime.date(2026, 10, 31), '2026年9—10月')
    """
    return _parse(text, "bimonthly")


def parse_month(text: str) -> Period:
    """A single calendar month ``YYYY-MM``.

    >>> parse_month("2028-02").end
    datetime.date(2028, 2, 29)
    """
    return _parse(text, "month")


@dataclass(frozen=True, slots=True)
class Rate:
    """numerator ÷ denominator; ``value`` is None when the denominator is 0."""

    numerator: float
    denominator: float
    value: float | None

    @classmethod
    def of(cls, numerator: float, denominator: float) -> Rate:
        num, den = round(numerator, 4), round(denominator, 4)
        return cls(num, den, round(num / den, 4) if den else None)


@dataclass(frozen=True, slots=True)
class GroupMetrics:
    """The figures of one group (or of all leads when ``group_by`` is None) for a period.

    ``key`` is the chain id, team, owner person or leader; None for all leads, or for leads
    no leader has claimed when grouping by leader. See the module docstring for definitions.
    """

    group_by: GroupBy | None
    key: str | None
    period: Period
    leads: int
    stage_counts: dict[Stage, int]
    reached_counts: dict[Stage, int]
    band_counts: dict[Stage, dict[SizeBand, int]]
    signed_contracted_wan: float
    funds_arrived_in_period_wan: float
    contract_fulfilment_rate: Rate
    funds_arrival_rate: Rate
    start_rate: Rate
    change_vs_previous: dict[str, float | None]

    def key_numbers(self) -> dict[str, float | None]:
        """The numbers compared with the previous period (:data:`KEY_NUMBERS`)."""
        return {
            "leads": self.leads,
            "reached_signed": self.reached_counts[Stage.signed],
            "reached_construction_started": self.reached_counts[Stage.construction_started],
            "reached_in_production": self.reached_counts[Stage.in_production],
            "signed_contracted_wan": self.signed_contracted_wan,
            "funds_arrived_in_period_wan": self.funds_arrived_in_period_wan,
            "contract_fulfilment_rate": self.contract_fulfilment_rate.value,
            "funds_arrival_rate": self.funds_arrival_rate.value,
            "start_rate": self.start_rate.value,
        }


def _group_key(lead: Lead, group_by: GroupBy) -> str | None:
    if group_by == "chain":
        return lead.chain_id
    if group_by == "team":
        return lead.owner_team
    if group_by == "owner":
        return lead.owner_person
    return lead.claimed_by_leader


def _measure(
    timelines: Sequence[LeadTimeline],
    period: Period,
    *,
    group_by: GroupBy | None,
    key: str | None,
    previous: Mapping[str, float | None] | None,
) -> GroupMetrics:
    end, before = period.end, period.start - timedelta(days=1)
    tls = [t for t in timelines if t.lead.created_on <= end]
    at_end = {t.lead.id: t.stage_at(end) for t in tls}
    at_before = {t.lead.id: t.stage_at(before) for t in tls}

    stage_counts = {s: 0 for s in Stage}
    reached = {s: 0 for s in Stage}
    bands = {m: {b: 0 for b in SizeBand} for m in BAND_MILESTONES}
    signed_wan = 0.0
    for t in tls:
        now, then = at_end[t.lead.id], at_before[t.lead.id]
        if now is not None:
            stage_counts[now] += 1
        for s in STAGE_ORDER:
            reached[s] += int(at_or_beyond(now, s) and not at_or_beyond(then, s))
        reached[Stage.dropped] += int(now is Stage.dropped and then is not Stage.dropped)
        if at_or_beyond(now, Stage.signed) and not at_or_beyond(then, Stage.signed):
            signed_wan += t.lead.contracted_investment_wan or 0.0
        for m in BAND_MILESTONES:
            inside = now is m if m is Stage.negotiation else at_or_beyond(now, m)
            for b in size_bands_of(lead_amount_wan(t.lead)) if inside else ():
                bands[m][b] += 1

    signed = [t for t in tls if at_or_beyond(at_end[t.lead.id], Stage.signed)]
    started = [t for t in signed if at_or_beyond(at_end[t.lead.id], Stage.construction_started)]
    due = [
        t
        for t in tls
        if t.lead.milestone_due_on is not None
        and t.lead.milestone_due_on <= end
        and t.ever_reached_by(Stage.signed, end)
    ]
    kept = [
        t
        for t in due
        if t.lead.milestone_due_on is not None
        and t.ever_reached_by(t.lead.milestone_stage, t.lead.milestone_due_on)
    ]
    out = GroupMetrics(
        group_by=group_by,
        key=key,
        period=period,
        leads=len(tls),
        stage_counts=stage_counts,
        reached_counts=reached,
        band_counts=bands,
        signed_contracted_wan=round(signed_wan, 4),
        funds_arrived_in_period_wan=round(
            sum(t.funds_between(period.start, end) for t in signed), 4
        ),
        contract_fulfilment_rate=Rate.of(len(kept), len(due)),
        funds_arrival_rate=Rate.of(
            sum(t.funds_by(end) for t in signed),
            sum(t.lead.contracted_investment_wan or 0.0 for t in signed),
        ),
        start_rate=Rate.of(len(started), len(signed)),
        change_vs_previous={},
    )
    if previous is not None:
        out.change_vs_previous.update(_diff(out.key_numbers(), previous))
    return out


def _diff(
    current: Mapping[str, float | None], previous: Mapping[str, float | None]
) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for name in KEY_NUMBERS:
        now, then = current[name], previous[name]
        out[name] = None if now is None or then is None else round(now - then, 4)
    return out


def metrics(
    leads: Iterable[Lead],
    changes: Iterable[StageChange],
    arrivals: Iterable[FundsArrival],
    *,
    period: Period,
    group_by: GroupBy | None = None,
) -> list[GroupMetrics]:
    """The figures for ``period``, one row per group, with the change vs the previous period.

    Groups are the distinct chain ids, owner teams, owner persons or claiming leaders among
    leads created by the period's end (collaborating teams are not credited); rows are sorted
    by key, the unclaimed (None) row last. Without ``group_by`` there is one row for all
    leads. Filter ``leads`` first to restrict (e.g. only 专业招商分局 teams, or one chain).

    >>> from chainmap.pipeline.stages import TeamKind
    >>> lead = Lead(id=1, enterprise_id=7, enterprise_name="甲公司", chain_id="ev",
    ...     segment_id="cell", owner_team="尖刀班", owner_team_kind=TeamKind.spearhead_team,
    ...     owner_person="张三", created_on=date(2026, 1, 5), stage=Stage.signed,
    ...     contracted_investment_wan=20_000)
    >>> hist = [StageChange(1, Stage.clue, Stage.signed, date(2026, 10, 31), "张三", "快")]
    >>> [row] = metrics([lead], hist, [], period=parse_period("2026-09"))
    >>> row.reached_counts[Stage.signed], row.start_rate, row.change_vs_previous["leads"]
    (1, Rate(numerator=0, denominator=1, value=0.0), 0)
    """
    all_changes, all_arrivals = list(changes), list(arrivals)
    by_lead: dict[int, list[StageChange]] = {}
    for c in all_changes:
        by_lead.setdefault(c.lead_id, []).append(c)
    money: dict[int, list[FundsArrival]] = {}
    for a in all_arrivals:
        money.setdefault(a.lead_id, []).append(a)
    groups: dict[str | None, list[LeadTimeline]] = {}
    for lead in leads:
        if lead.created_on > period.end:
            continue
        key = _group_key(lead, group_by) if group_by else None
        tl = LeadTimeline.build(lead, by_lead.get(lead.id, ()), money.get(lead.id, ()))
        groups.setdefault(key, []).append(tl)
    if group_by is None:
        groups.setdefault(None, [])
    prev = period.previous()
    rows = []
    for key in sorted(groups, key=lambda k: (k is None, k or "")):
        tls = groups[key]
        before = _measure(tls, prev, group_by=group_by, key=key, previous=None)
        rows.append(
            _measure(tls, period, group_by=group_by, key=key, previous=before.key_numbers())
        )
    return rows


@dataclass(frozen=True, slots=True)
class ScoreRow:
    """One line of the 成绩单: a team or leader, its rank and the numbers it is ranked by."""

    rank: int
    group_by: GroupBy
    key: str
    signed: int
    signed_contracted_wan: float
    started: int
    funds_arrived_in_period_wan: float
    start_rate: Rate
    funds_arrival_rate: Rate
    contract_fulfilment_rate: Rate
    change_vs_previous: dict[str, float | None]


def scoreboard(rows: Iterable[GroupMetrics]) -> list[ScoreRow]:
    """Rank teams or leaders: by contracted investment newly signed in the period, then by
    projects that started construction in the period, then by key — results first, so the
    meeting "用实绩说话". Ranks are 1..n with no ties; the unclaimed row (key None) is left out.

    >>> scoreboard([])
    []
    """
    usable = [r for r in rows if r.key is not None and r.group_by is not None]
    kinds = {(r.group_by, r.period) for r in usable}
    if len(kinds) > 1:
        raise ValueError("scoreboard rows must share one grouping and one period")
    usable.sort(
        key=lambda r: (
            -r.signed_contracted_wan,
            -r.reached_counts[Stage.construction_started],
            r.key or "",
        )
    )
    out: list[ScoreRow] = []
    for i, r in enumerate(usable, start=1):
        assert r.key is not None and r.group_by is not None
        out.append(
            ScoreRow(
                rank=i,
                group_by=r.group_by,
                key=r.key,
                signed=r.reached_counts[Stage.signed],
                signed_contracted_wan=r.signed_contracted_wan,
                started=r.reached_counts[Stage.construction_started],
                funds_arrived_in_period_wan=r.funds_arrived_in_period_wan,
                start_rate=r.start_rate,
                funds_arrival_rate=r.funds_arrival_rate,
                contract_fulfilment_rate=r.contract_fulfilment_rate,
                change_vs_previous=r.change_vs_previous,
            )
        )
    return out
