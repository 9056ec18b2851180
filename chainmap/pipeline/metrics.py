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

Every figure is a count or a sum over leads of what each lead contributes
(:class:`LeadFigures`), so each can be traced back to its leads. :func:`metrics` gives one
grouping; a report that needs several (the meeting pack) builds the timelines once with
:func:`build_timelines` and takes them all from :func:`period_figures`, which reads each
lead's history once for the period and the previous one.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from typing import Literal, NamedTuple

import numpy as np
from numpy.typing import NDArray

from chainmap.pipeline.digest import HistoryDays, HistoryDigest, digest_history
from chainmap.pipeline.stages import (
    SIZE_BAND_MIN_WAN,
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


_GROUP_KEY: dict[GroupBy, Callable[[Lead], str | None]] = {
    "chain": attrgetter("chain_id"),
    "team": attrgetter("owner_team"),
    "owner": attrgetter("owner_person"),
    "leader": attrgetter("claimed_by_leader"),
}


_RANK: dict[Stage, int] = {s: i for i, s in enumerate(STAGE_ORDER)}  # 终止 is absent: -1
_SIGNED, _STARTED = _RANK[Stage.signed], _RANK[Stage.construction_started]
_BANDS: tuple[SizeBand, ...] = tuple(SizeBand)
_BAND_MINS: tuple[float, ...] = tuple(SIZE_BAND_MIN_WAN[b] for b in _BANDS)  # ascending
_BAND_PREFIXES = tuple(_BANDS[:k] for k in range(len(_BANDS) + 1))
_ON = attrgetter("changed_on")
_TO = attrgetter("to_stage")
_AMOUNT = attrgetter("amount_wan")
_HELD_RANK: dict[Stage, int] = {s: _RANK.get(s, -1) for s in Stage}  # 终止: -1
_FUNDS_IN = attrgetter("funds_in_period_wan")
_FUNDS_BY = attrgetter("funds_by_end_wan")
_CONTRACTED = attrgetter("contracted_wan")
_ARRIVED_ON = attrgetter("arrived_on")


class LeadFigures(NamedTuple):
    """What one lead contributes to one period's figures: every figure of a group is a count
    or a sum of these over the group's leads, so each number traces back to its leads.

    Only leads created by the period's end have figures. ``stage_before`` is the stage at the
    end of the day before the period (None: not yet created); ``reached`` the stages reached
    during the period (终止 included); ``band_milestones`` the :data:`BAND_MILESTONES` the lead
    is counted in at end, each in every band of ``size_bands``. ``signed`` (at or beyond 签约 at
    end) is the base of 开工率 and 资金到位率, ``started`` their numerator; ``due`` / ``kept``
    those of 合同履约率. ``contracted_wan`` is 0 without a contract; the funds are those of
    the lead whether or not it counts in 资金到位率.
    """

    lead_id: int
    stage_at_end: Stage
    stage_before: Stage | None
    reached: tuple[Stage, ...]
    band_milestones: tuple[Stage, ...]
    size_bands: tuple[SizeBand, ...]
    newly_signed: bool
    signed: bool
    started: bool
    due: bool
    kept: bool
    contracted_wan: float
    funds_by_end_wan: float
    funds_in_period_wan: float


def build_timelines(
    leads: Iterable[Lead],
    changes: Iterable[StageChange],
    arrivals: Iterable[FundsArrival],
    *,
    created_by: date | None = None,
) -> list[LeadTimeline]:
    """One :class:`LeadTimeline` per lead (created by ``created_by`` when given), in input
    order, indexing the changes and arrivals by lead once — the same timelines
    ``LeadTimeline.build`` gives, without rescanning every entry for every lead."""
    by_lead: dict[int, list[StageChange]] = {}
    for c in changes:
        own = by_lead.get(c.lead_id)
        if own is None:
            by_lead[c.lead_id] = [c]
        else:
            own.append(c)
    money: dict[int, list[FundsArrival]] = {}
    for a in arrivals:
        money.setdefault(a.lead_id, []).append(a)
    out: list[LeadTimeline] = []
    for lead in leads:
        if created_by is not None and lead.created_on > created_by:
            continue
        own = by_lead.get(lead.id)
        paid = money.get(lead.id)
        out.append(
            LeadTimeline(
                lead,
                tuple(sorted(own, key=_ON)) if own else (),
                tuple(sorted(paid, key=_ARRIVED_ON)) if paid else (),
            )
        )
    return out


def arrivals_by_lead(arrivals: Iterable[FundsArrival]) -> dict[int, tuple[FundsArrival, ...]]:
    """Each lead's arrivals in date order (same-day ones as given), as timelines hold them."""
    money: dict[int, list[FundsArrival]] = {}
    for a in arrivals:
        money.setdefault(a.lead_id, []).append(a)
    return {k: tuple(sorted(v, key=_ARRIVED_ON)) for k, v in money.items()}


def _kept(lead: Lead, d: HistoryDigest, base: int) -> bool:
    """``t.ever_reached_by(milestone_stage, milestone_due_on)`` from the digest (``base`` is
    the rank of the stage before the first change). A 终止 milestone is never kept."""
    due_on, target = lead.milestone_due_on, _RANK.get(lead.milestone_stage)
    if due_on is None or target is None or due_on < lead.created_on:
        return False
    return max(base, d.held_due) >= target


def _size_bands(amount: float) -> tuple[SizeBand, ...]:
    """``size_bands_of(amount)``: the bands are cumulative, so a prefix of all of them (none
    for NaN, which compares false with every threshold)."""
    return _BAND_PREFIXES[bisect_right(_BAND_MINS, amount) if amount == amount else 0]


def _derive(now: Stage, then: Stage | None) -> _Derived:
    """What the stages at the end of a period (``now``) and of the day before it (``then``)
    say, straight from the definitions in the module docstring."""
    reached = [s for s in STAGE_ORDER if at_or_beyond(now, s) and not at_or_beyond(then, s)]
    if now is Stage.dropped and then is not Stage.dropped:
        reached.append(Stage.dropped)
    signed = at_or_beyond(now, Stage.signed)
    return _Derived(
        reached=tuple(reached),
        band_milestones=tuple(
            m
            for m in BAND_MILESTONES
            if (now is m if m is Stage.negotiation else at_or_beyond(now, m))
        ),
        newly_signed=signed and not at_or_beyond(then, Stage.signed),
        signed=signed,
        started=at_or_beyond(now, Stage.construction_started),
    )


class _Derived(NamedTuple):
    reached: tuple[Stage, ...]
    band_milestones: tuple[Stage, ...]
    newly_signed: bool
    signed: bool
    started: bool


# Every (stage at end, stage the day before) pair, worked out once.
_DERIVED: dict[tuple[Stage, Stage | None], _Derived] = {
    (now, then): _derive(now, then) for now in Stage for then in (None, *Stage)
}

# A group's counts as one flat list: stage at end, reached, bands per milestone, and the
# numerators and denominators of 开工率 and 合同履约率.
_AT = {s: i for i, s in enumerate(Stage)}
_AT_OR_NONE: dict[Stage | None, int] = {s: i for i, s in enumerate((*Stage, None))}
_REACHED = {s: len(_AT) + i for i, s in enumerate(Stage)}
_IN_BAND = {
    (m, b): 2 * len(_AT) + i * len(_BANDS) + j
    for i, m in enumerate(BAND_MILESTONES)
    for j, b in enumerate(_BANDS)
}
_N_SIGNED, _N_STARTED, _N_DUE, _N_KEPT = range(
    2 * len(_AT) + len(_IN_BAND), 2 * len(_AT) + len(_IN_BAND) + 4
)
_N_SLOTS = _N_KEPT + 1


def _slots(
    now: Stage,
    reached: tuple[Stage, ...],
    milestones: tuple[Stage, ...],
    bands: tuple[SizeBand, ...],
    signed: bool,
    started: bool,
    due: bool,
    kept: bool,
) -> tuple[int, ...]:
    """The counts a lead with these figures adds 1 to."""
    flags = ((_N_SIGNED, signed), (_N_STARTED, started), (_N_DUE, due), (_N_KEPT, kept))
    return (
        _AT[now],
        *(_REACHED[s] for s in reached),
        *(_IN_BAND[(m, b)] for m in milestones for b in bands),
        *(slot for slot, on in flags if on),
    )


@dataclass(slots=True)
class _Figured:
    """Each lead's figures for one period, and the code of its profile: leads with the same
    profile count alike, so a group's counts are taken per distinct profile (the codes
    counted per group by numpy, :class:`_Tally`) rather than lead by lead. With ``keep``
    False only signed leads keep their :class:`LeadFigures` (the amounts are summed over
    them)."""

    period: Period
    keep: bool
    figures: dict[int, LeadFigures] = field(default_factory=dict)
    signed: dict[int, LeadFigures] = field(default_factory=dict)
    profile_of: dict[int, int] = field(default_factory=dict)
    profiles: dict[int, tuple[int, ...]] = field(default_factory=dict)  # code → its slots

    def add(
        self,
        lead: Lead,
        paid: Sequence[FundsArrival],
        now: Stage,
        then: Stage | None,
        best_by_end: int,
        bands: tuple[SizeBand, ...],
        on_time: bool,
    ) -> None:
        """The lead's figures, given its stages at the end of the period and of the day
        before, the highest rank it held by the end, its size bands, and whether it reached
        its milestone by the due day."""
        end = self.period.end
        reached, milestones, newly_signed, signed, started = _DERIVED[(now, then)]
        due_on = lead.milestone_due_on
        due = due_on is not None and due_on <= end and best_by_end >= _SIGNED
        kept = due and on_time
        if self.keep or signed:
            # Arrivals are in date order: those by the end are a prefix, those within the
            # period a slice of it, summed in the same order as the timeline's own sums.
            j = bisect_right(paid, end, key=_ARRIVED_ON) if paid else 0
            i = bisect_left(paid, self.period.start, 0, j, key=_ARRIVED_ON) if j else 0
            f = LeadFigures(
                lead.id,
                now,
                then,
                reached,
                milestones,
                bands,
                newly_signed,
                signed,
                started,
                due,
                kept,
                lead.contracted_investment_wan or 0.0,
                sum(map(_AMOUNT, paid[:j])) if j else 0,
                sum(map(_AMOUNT, paid[i:j])) if j > i else 0,
            )
            if self.keep:
                self.figures[lead.id] = f
            if signed:
                self.signed[lead.id] = f
        # An int, not a tuple: no allocation per lead for the garbage collector to track.
        k = len(bands) if milestones else 0
        code = (((_AT[now] * 10 + _AT_OR_NONE[then]) * 5 + k) * 2 + due) * 2 + kept
        if code not in self.profiles:
            self.profiles[code] = _slots(
                now, reached, milestones, bands, signed, started, due, kept
            )
        self.profile_of[lead.id] = code


class _Tally:
    """One period's :class:`_Figured` laid out as arrays over the leads in input order, so
    each grouping's rows are a few numpy reductions rather than a pass over every lead per
    group: ``code`` is the lead's profile (index into ``slots``, -1 for a lead not counted in
    this period), ``slots`` how many times each profile adds 1 to each count, and the amounts
    are those of signed leads (0 for the others)."""

    def __init__(self, figured: _Figured, ids: Sequence[int]) -> None:
        codes = list(figured.profiles)
        index = {code: j for j, code in enumerate(codes)}
        self.n_codes = len(codes)
        self.slots = np.zeros((self.n_codes, _N_SLOTS), dtype=np.int64)
        for j, code in enumerate(codes):
            for slot in figured.profiles[code]:
                self.slots[j, slot] += 1
        profile_of = figured.profile_of
        self.code = np.fromiter(
            (index.get(profile_of.get(i), -1) for i in ids),  # type: ignore[arg-type]
            dtype=np.int64,
            count=len(ids),
        )
        self.counted = self.code >= 0
        # Amounts only where a lead is signed: a few arrays filled at the signed leads' places.
        place = {lead_id: k for k, lead_id in enumerate(ids)}
        signed = [f for f in figured.signed.values() if f.lead_id in place]
        at = np.fromiter((place[f.lead_id] for f in signed), dtype=np.int64, count=len(signed))

        def amounts(of: Callable[[LeadFigures], float]) -> NDArray[np.float64]:
            out = np.zeros(len(ids), dtype=np.float64)
            out[at] = np.fromiter(map(of, signed), dtype=np.float64, count=len(signed))
            return out

        self.newly_signed_wan = amounts(lambda f: f.contracted_wan if f.newly_signed else 0.0)
        self.funds_in = amounts(_FUNDS_IN)
        self.funds_by = amounts(_FUNDS_BY)
        self.contracted = amounts(_CONTRACTED)

    def rows(self, group: NDArray[np.int64], n_groups: int) -> _GroupSums:
        """The sums for each of ``n_groups`` groups (``group[k]`` is lead k's group). Amounts
        are summed over the leads in input order, as :class:`LeadTimeline` sums would be."""
        g, c = group[self.counted], self.code[self.counted]
        by_code = np.bincount(g * self.n_codes + c, minlength=n_groups * self.n_codes)
        by_code = by_code.reshape(n_groups, self.n_codes)

        def total(weights: NDArray[np.float64]) -> list[float]:
            summed: list[float] = np.bincount(group, weights=weights, minlength=n_groups).tolist()
            return summed

        return _GroupSums(
            leads=by_code.sum(axis=1).tolist(),
            counts=(by_code @ self.slots).tolist(),
            newly_signed_wan=total(self.newly_signed_wan),
            funds_in=total(self.funds_in),
            funds_by=total(self.funds_by),
            contracted=total(self.contracted),
        )


class _GroupSums(NamedTuple):
    leads: list[int]
    counts: list[list[int]]
    newly_signed_wan: list[float]
    funds_in: list[float]
    funds_by: list[float]
    contracted: list[float]


def _group_row(
    sums: _GroupSums,
    k: int,
    period: Period,
    *,
    group_by: GroupBy | None,
    key: str | None,
    previous: Mapping[str, float | None] | None,
) -> GroupMetrics:
    """Group ``k``'s row from :meth:`_Tally.rows`."""
    counts = sums.counts[k]
    n_signed, n_started, n_due, n_kept = counts[_N_SIGNED : _N_KEPT + 1]
    out = GroupMetrics(
        group_by=group_by,
        key=key,
        period=period,
        leads=sums.leads[k],
        stage_counts={s: counts[i] for s, i in _AT.items()},
        reached_counts={s: counts[i] for s, i in _REACHED.items()},
        band_counts={m: {b: counts[_IN_BAND[(m, b)]] for b in _BANDS} for m in BAND_MILESTONES},
        signed_contracted_wan=round(sums.newly_signed_wan[k], 4),
        funds_arrived_in_period_wan=round(sums.funds_in[k], 4),
        contract_fulfilment_rate=Rate.of(n_kept, n_due),
        funds_arrival_rate=Rate.of(sums.funds_by[k], sums.contracted[k]),
        start_rate=Rate.of(n_started, n_signed),
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


@dataclass(frozen=True, slots=True)
class PeriodFigures:
    """The figures of a period for several groupings at once, and the per-lead figures they
    sum, computed once: ``rows[group_by]`` is what ``metrics(…, group_by=group_by)`` returns,
    ``members[(group_by, key)]`` the ids of the leads in that row, ``leads`` each lead's
    :class:`LeadFigures` for the period (leads created by its end, in input order)."""

    period: Period
    rows: dict[GroupBy | None, list[GroupMetrics]]
    members: dict[tuple[GroupBy | None, str | None], tuple[int, ...]]
    leads: dict[int, LeadFigures]


def period_figures(
    timelines: Iterable[LeadTimeline],
    *,
    period: Period,
    group_bys: Sequence[GroupBy | None] = (None,),
) -> PeriodFigures:
    """:func:`metrics` for each of ``group_bys`` over prebuilt timelines (see
    :func:`build_timelines`), reading each lead's history once for both this period and the
    previous one. Use it when one report needs several groupings.

    >>> from chainmap.pipeline.stages import TeamKind
    >>> lead = Lead(id=1, enterprise_id=7, enterprise_name="甲公司", chain_id="ev",
    ...     segment_id="cell", owner_team="尖刀班", owner_team_kind=TeamKind.spearhead_team,
    ...     owner_person="张三", created_on=date(2026, 1, 5))
    >>> got = period_figures(build_timelines([lead], [], []), period=parse_period("2026-09"),
    ...     group_bys=[None, "team"])
    >>> [r.key for r in got.rows["team"]], got.members[("team", "尖刀班")]
    (['尖刀班'], (1,))
    """
    prev = period.previous()
    days = HistoryDays.of(
        start=period.start, end=period.end, previous_start=prev.start, as_of=period.end
    )
    return digest_figures(
        ((t.lead, t.arrivals, digest_history(t, days)) for t in timelines),
        period=period,
        group_bys=group_bys,
    )


def digest_figures(
    entries: Iterable[tuple[Lead, Sequence[FundsArrival], HistoryDigest]],
    *,
    period: Period,
    group_bys: Sequence[GroupBy | None] = (None,),
) -> PeriodFigures:
    """:func:`period_figures` from each lead's arrivals (in date order) and
    :class:`HistoryDigest` read at this period's days (``as_of`` is not read): what the
    meeting pack uses when the store has digested the history in SQL."""
    prev = period.previous()
    end, d1, d0 = period.end, prev.end, prev.start - timedelta(days=1)
    now, before = _Figured(period, keep=True), _Figured(prev, keep=False)
    leads: list[Lead] = []
    for lead, paid, d in entries:
        created = lead.created_on
        if created > end:
            continue
        leads.append(lead)
        # The stage in force at the end of each day, as t.stage_at reads it: the last change
        # made by then, else the stage before the first change, else 线索.
        fallback = d.initial or Stage.clue
        s2 = d.at_end or fallback
        s1 = None if d1 < created else d.at_before or fallback
        s0 = None if d0 < created else d.at_before_previous or fallback
        bands = _size_bands(lead_amount_wan(lead))
        # Only a lead whose milestone falls due by the end can count in 合同履约率; whether
        # it was on time does not depend on the period.
        due_on = lead.milestone_due_on
        best2 = best1 = -1
        on_time = False
        if due_on is not None and due_on <= end:
            base = -1 if d.initial is None else _HELD_RANK[d.initial]
            best1 = max(base, d.held_before)
            best2 = max(best1, d.held_end)
            on_time = best2 >= _SIGNED and _kept(lead, d, base)
        now.add(lead, paid, s2, s1, best2, bands, on_time)
        if s1 is not None:
            before.add(lead, paid, s1, s0, best1, bands, on_time)

    ids_in_order = [lead.id for lead in leads]
    this, last = _Tally(now, ids_in_order), _Tally(before, ids_in_order)
    rows: dict[GroupBy | None, list[GroupMetrics]] = {}
    members: dict[tuple[GroupBy | None, str | None], tuple[int, ...]] = {}
    for group_by in group_bys:
        groups: dict[str | None, list[int]] = {}
        keys = list(map(_GROUP_KEY[group_by], leads)) if group_by else [None] * len(leads)
        for lead_id, key in zip(ids_in_order, keys, strict=True):
            group = groups.get(key)
            if group is None:
                groups[key] = [lead_id]
            else:
                group.append(lead_id)
        if group_by is None:
            groups.setdefault(None, [])
        ordered = sorted(groups, key=lambda k: (k is None, k or ""))
        number = {key: k for k, key in enumerate(ordered)}
        group_of = np.fromiter(map(number.__getitem__, keys), dtype=np.int64, count=len(keys))
        sums_now = this.rows(group_of, len(ordered))
        sums_then = last.rows(group_of, len(ordered))
        out = rows[group_by] = []
        for k, key in enumerate(ordered):
            members[(group_by, key)] = tuple(groups[key])
            then = _group_row(sums_then, k, prev, group_by=group_by, key=key, previous=None)
            out.append(
                _group_row(
                    sums_now, k, period, group_by=group_by, key=key, previous=then.key_numbers()
                )
            )
    return PeriodFigures(period=period, rows=rows, members=members, leads=now.figures)


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
    For several groupings of the same leads, :func:`period_figures` reads the history once.

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
    timelines = build_timelines(leads, changes, arrivals, created_by=period.end)
    return period_figures(timelines, period=period, group_bys=(group_by,)).rows[group_by]


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
