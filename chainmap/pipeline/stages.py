"""Lead stages, size and claim bands, the lead with its history, and the rules for changing them.

The history of stage changes is the source of truth: a lead's ``stage`` field is only a cache
of its last change, and every figure the scheduling meeting sees (``metrics``, ``flags``) is
read back from the dated history through :class:`LeadTimeline`. That is why the history may
only ever be appended to, and why each change is checked before it is appended:

* a change may not be dated before the previous one (the timeline would be rewritten);
* moving back, or skipping stages, is allowed only with a note saying why — 供地 is skipped
  for a project that moves into a standard factory, and a wrongly recorded 开工 is corrected
  by moving back, but both must be explained;
* 终止 needs the reason as its note; a dropped lead may be reopened to any stage, again only
  with a note; a "change" to the stage the lead is already in is rejected.

Example::

    >>> parse_stage("签约") is Stage.signed, parse_stage("signed").label
    (True, '签约')
    >>> [b.label for b in size_bands_of(20_000)]
    ['≥1000万', '≥5000万', '≥1亿']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from chainmap.errors import ChainmapError


class PipelineError(ChainmapError):
    """Bad input to the lead pipeline; the API answers 4xx and nothing is written."""

    code = "pipeline_invalid"


class InvalidStage(PipelineError):
    code = "invalid_stage"


class InvalidTransition(PipelineError):
    code = "invalid_transition"


class InvalidAmount(PipelineError):
    code = "invalid_amount"


class InvalidPeriod(PipelineError):
    code = "invalid_period"


class HistoryEdited(PipelineError):
    code = "history_append_only"


class Stage(StrEnum):
    """Pipeline stage of a lead, in order, plus ``dropped`` (终止), which sits outside the order.

    Not to be confused with :class:`chainmap.domain.Stage`, where a segment sits in its chain.
    """

    clue = "clue"
    contact = "contact"
    negotiation = "negotiation"
    signed = "signed"
    land_supplied = "land_supplied"
    construction_started = "construction_started"
    in_statistics = "in_statistics"
    in_production = "in_production"
    dropped = "dropped"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS: dict[Stage, str] = {
    Stage.clue: "线索",
    Stage.contact: "接触",
    Stage.negotiation: "洽谈",
    Stage.signed: "签约",
    Stage.land_supplied: "供地",
    Stage.construction_started: "开工",
    Stage.in_statistics: "纳统",
    Stage.in_production: "投产",
    Stage.dropped: "终止",
}
STAGE_ORDER: tuple[Stage, ...] = tuple(s for s in Stage if s is not Stage.dropped)
_RANK: dict[Stage, int] = {s: i for i, s in enumerate(STAGE_ORDER)}
# Words the city also uses: counts "by 竣工" mean 投产, "在谈" projects are in 洽谈.
_STAGE_ALIASES: dict[str, Stage] = {"竣工": Stage.in_production, "在谈": Stage.negotiation}


def parse_stage(text: str) -> Stage:
    """The stage named by its English id (any case) or its Chinese label (also 竣工, 在谈).

    >>> parse_stage(" Construction_Started "), parse_stage("终止")
    (<Stage.construction_started: 'construction_started'>, <Stage.dropped: 'dropped'>)
    """
    key = text.strip()
    for stage in Stage:
        if key.lower() == stage.value or key == STAGE_LABELS[stage]:
            return stage
    if key in _STAGE_ALIASES:
        return _STAGE_ALIASES[key]
    raise InvalidStage(
        f"未知的项目阶段「{text}」，应为：{'、'.join(STAGE_LABELS.values())}",
        f"unknown stage '{text}'; expected one of: {', '.join(s.value for s in Stage)}",
        field="stage",
    )


def stage_rank(stage: Stage | None) -> int:
    """Position in :data:`STAGE_ORDER`; -1 for ``dropped`` and for no stage at all."""
    return -1 if stage is None else _RANK.get(stage, -1)


def at_or_beyond(stage: Stage | None, target: Stage) -> bool:
    """Whether a lead in ``stage`` has reached ``target``: a dropped lead has reached nothing.

    >>> at_or_beyond(Stage.land_supplied, Stage.signed), at_or_beyond(Stage.dropped, Stage.clue)
    (True, False)
    """
    return stage is not None and stage is not Stage.dropped and _RANK[stage] >= _RANK[target]


class TeamKind(StrEnum):
    """Kinds of team that own leads (GLOSSARY)."""

    top_push_group = "top_push_group"
    spearhead_team = "spearhead_team"
    investment_branch = "investment_branch"
    department = "department"

    @property
    def label(self) -> str:
        return TEAM_KIND_LABELS[self]


TEAM_KIND_LABELS: dict[TeamKind, str] = {
    TeamKind.top_push_group: "头格推进组",
    TeamKind.spearhead_team: "尖刀班",
    TeamKind.investment_branch: "专业招商分局",
    TeamKind.department: "部门",
}


class ClaimBand(StrEnum):
    """The size class a leader claims a target in (认领档次), largest first."""

    ge_50yi = "ge_50yi"
    ge_10yi = "ge_10yi"
    ge_5yi = "ge_5yi"
    ge_1yi = "ge_1yi"

    @property
    def label(self) -> str:
        return CLAIM_BAND_LABELS[self]

    @property
    def min_wan(self) -> float:
        return CLAIM_BAND_MIN_WAN[self]


CLAIM_BAND_LABELS: dict[ClaimBand, str] = {
    ClaimBand.ge_50yi: "≥50亿",
    ClaimBand.ge_10yi: "≥10亿",
    ClaimBand.ge_5yi: "≥5亿",
    ClaimBand.ge_1yi: "≥1亿",
}
CLAIM_BAND_MIN_WAN: dict[ClaimBand, float] = {
    ClaimBand.ge_50yi: 500_000,
    ClaimBand.ge_10yi: 100_000,
    ClaimBand.ge_5yi: 50_000,
    ClaimBand.ge_1yi: 10_000,
}


def claim_band_of(amount_wan: float | None) -> ClaimBand | None:
    """The largest claim band an investment (万元) reaches; None below 1亿.

    >>> claim_band_of(120_000), claim_band_of(9_999)
    (<ClaimBand.ge_10yi: 'ge_10yi'>, None)
    """
    for band in ClaimBand:
        if amount_wan is not None and amount_wan >= CLAIM_BAND_MIN_WAN[band]:
            return band
    return None


class SizeBand(StrEnum):
    """Size bands the meeting counts projects by ("1000万、5000万、亿元以上"), smallest first.

    Bands are cumulative thresholds ("≥"), as the city words them: a 2亿 project counts in
    ≥1000万, ≥5000万 and ≥1亿 alike, so each column reads "projects of at least this size".
    """

    ge_1000wan = "ge_1000wan"
    ge_5000wan = "ge_5000wan"
    ge_1yi = "ge_1yi"
    ge_10yi = "ge_10yi"

    @property
    def label(self) -> str:
        return SIZE_BAND_LABELS[self]


SIZE_BAND_LABELS: dict[SizeBand, str] = {
    SizeBand.ge_1000wan: "≥1000万",
    SizeBand.ge_5000wan: "≥5000万",
    SizeBand.ge_1yi: "≥1亿",
    SizeBand.ge_10yi: "≥10亿",
}
SIZE_BAND_MIN_WAN: dict[SizeBand, float] = {
    SizeBand.ge_1000wan: 1_000,
    SizeBand.ge_5000wan: 5_000,
    SizeBand.ge_1yi: 10_000,
    SizeBand.ge_10yi: 100_000,
}


def size_bands_of(amount_wan: float | None) -> tuple[SizeBand, ...]:
    """Every (cumulative) band an amount in 万元 reaches, smallest first."""
    if amount_wan is None:
        return ()
    return tuple(b for b in SizeBand if amount_wan >= SIZE_BAND_MIN_WAN[b])


def size_band_of(amount_wan: float | None) -> SizeBand | None:
    """The largest band an amount reaches, None below 1000万 (a 2亿 project → ≥1亿).

    >>> size_band_of(100_000), size_band_of(999.99)
    (<SizeBand.ge_10yi: 'ge_10yi'>, None)
    """
    bands = size_bands_of(amount_wan)
    return bands[-1] if bands else None


@dataclass(frozen=True, slots=True)
class StageChange:
    """One appended entry of a lead's history. ``from_stage`` is None for the creation entry;
    ``changed_on`` is when it happened, ``recorded_at`` when it was entered."""

    lead_id: int
    from_stage: Stage | None
    to_stage: Stage
    changed_on: date
    actor: str
    note: str | None = None
    recorded_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FundsArrival:
    """Money that arrived for a lead (到位资金, 万元), dated so that rates per period and the
    "no funds for 90 days" flag can be computed."""

    lead_id: int
    amount_wan: float
    arrived_on: date
    actor: str
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Lead:
    """A target enterprise pursued for a chain segment. Amounts are in 万元.

    ``stage`` and ``funds_arrived_wan`` cache the last history entry and the sum of arrivals;
    metrics read the history and the arrivals themselves. ``milestone_due_on`` is the date by
    which the contract says the lead reaches ``milestone_stage`` (开工 unless stated), the
    basis of 合同履约率.
    """

    id: int
    enterprise_id: int
    enterprise_name: str
    chain_id: str
    segment_id: str
    owner_team: str
    owner_team_kind: TeamKind
    owner_person: str
    created_on: date
    stage: Stage = Stage.clue
    claimed_by_leader: str | None = None
    claim_band: ClaimBand | None = None
    claimed_on: date | None = None
    planned_investment_wan: float | None = None
    contracted_investment_wan: float | None = None
    funds_arrived_wan: float = 0.0
    carrier_ref: str | None = None
    dropped_reason: str | None = None
    milestone_due_on: date | None = None
    milestone_stage: Stage = Stage.construction_started
    collaborators: tuple[str, ...] = ()


def lead_amount_wan(lead: Lead) -> float:
    """The size a lead is banded by: contracted investment once there is one, else planned."""
    if lead.contracted_investment_wan:
        return lead.contracted_investment_wan
    return lead.planned_investment_wan or 0.0


def _has_note(note: str | None) -> bool:
    return bool(note and note.strip())


def _wan(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def validate_transition(
    *,
    lead_stage: Stage,
    history_last_date: date | None,
    to_stage: Stage,
    changed_on: date,
    note: str | None,
    today: date | None = None,
) -> None:
    """Reject a stage change that would make the history wrong or unexplained.

    ``history_last_date`` is the date of the last change (or the lead's creation date); a
    change on the same day is allowed. With ``today`` given, a future date is rejected too.

    >>> validate_transition(lead_stage=Stage.negotiation, history_last_date=date(2026, 9, 1),
    ...     to_stage=Stage.construction_started, changed_on=date(2026, 9, 30), note=None)
    Traceback (most recent call last):
    ...
    chainmap.pipeline.stages.InvalidTransition: skipping from 'negotiation' to \
'construction_started' (over signed, land_supplied) requires a note
    """
    if to_stage is lead_stage:
        raise InvalidTransition(
            f"项目已处于「{to_stage.label}」阶段，无需变更",
            f"lead is already at stage '{to_stage}'",
            field="to_stage",
        )
    if history_last_date is not None and changed_on < history_last_date:
        raise InvalidTransition(
            f"变更日期 {changed_on} 早于上一次变更日期 {history_last_date}",
            f"change date {changed_on} is before the previous change on {history_last_date}",
            field="changed_on",
        )
    if today is not None and changed_on > today:
        raise InvalidTransition(
            f"变更日期 {changed_on} 晚于今天 {today}",
            f"change date {changed_on} is in the future (today is {today})",
            field="changed_on",
        )
    if _has_note(note):
        return
    if to_stage is Stage.dropped:
        raise InvalidTransition(
            "终止项目须在说明中填写终止原因",
            "dropping a lead requires the reason in the note",
            field="note",
        )
    if lead_stage is Stage.dropped:
        raise InvalidTransition(
            f"已终止的项目重新启动（至「{to_stage.label}」）须填写说明",
            f"reopening a dropped lead (to '{to_stage}') requires a note",
            field="note",
        )
    step = _RANK[to_stage] - _RANK[lead_stage]
    if step < 0:
        raise InvalidTransition(
            f"阶段由「{lead_stage.label}」退回「{to_stage.label}」须填写说明",
            f"moving back from '{lead_stage}' to '{to_stage}' requires a note",
            field="note",
        )
    if step > 1:
        skipped = STAGE_ORDER[_RANK[lead_stage] + 1 : _RANK[to_stage]]
        raise InvalidTransition(
            f"阶段由「{lead_stage.label}」跳过「{'、'.join(s.label for s in skipped)}」"
            f"直接到「{to_stage.label}」须填写说明",
            f"skipping from '{lead_stage}' to '{to_stage}' "
            f"(over {', '.join(s.value for s in skipped)}) requires a note",
            field="note",
        )


_AMOUNT_FIELDS: dict[str, str] = {
    "planned_investment_wan": "计划投资",
    "contracted_investment_wan": "合同投资",
    "funds_arrived_wan": "到位资金",
}


def validate_amounts(
    *,
    planned: float | None,
    contracted: float | None,
    funds_arrived: float | None,
    note: str | None,
) -> None:
    """Reject negative or non-finite amounts (万元), and funds arrived above the contracted
    investment unless a note explains it (e.g. the contract was enlarged but not yet amended).

    >>> validate_amounts(planned=5000, contracted=4000, funds_arrived=4500, note=None)
    Traceback (most recent call last):
    ...
    chainmap.pipeline.stages.InvalidAmount: funds arrived (4500 万元) exceed contracted \
investment (4000 万元); a note is required
    """
    values = zip(_AMOUNT_FIELDS, (planned, contracted, funds_arrived), strict=True)
    for name, value in values:
        if value is None:
            continue
        label = _AMOUNT_FIELDS[name]
        if not math.isfinite(value):
            raise InvalidAmount(
                f"{label}（万元）必须是有限数值", f"{name} must be a finite number", field=name
            )
        if value < 0:
            raise InvalidAmount(
                f"{label}（万元）不能为负数：{_wan(value)}",
                f"{name} must not be negative (got {_wan(value)})",
                field=name,
            )
    arrived, limit = funds_arrived or 0.0, contracted or 0.0
    if arrived > limit and not _has_note(note):
        raise InvalidAmount(
            f"到位资金 {_wan(arrived)} 万元超过合同投资 {_wan(limit)} 万元，须填写说明",
            f"funds arrived ({_wan(arrived)} 万元) exceed contracted investment "
            f"({_wan(limit)} 万元); a note is required",
            field="funds_arrived_wan",
        )


def ensure_append_only(*, before: Sequence[StageChange], after: Sequence[StageChange]) -> None:
    """Reject a new history that is not the old one with entries added at the end.

    A store calls this before saving, so no entry is ever edited, reordered or removed.
    """
    if len(after) < len(before) or tuple(after[: len(before)]) != tuple(before):
        raise HistoryEdited(
            "阶段变更记录只能追加，不能修改或删除",
            "the stage history can only be appended to, never edited or removed from",
            field="history",
        )


def apply_transition(
    lead: Lead,
    history: Sequence[StageChange],
    *,
    to_stage: Stage,
    changed_on: date,
    actor: str,
    note: str | None = None,
    recorded_at: datetime | None = None,
    today: date | None = None,
) -> tuple[Lead, tuple[StageChange, ...]]:
    """Validate a stage change and return the updated lead and the history with it appended.

    Nothing is mutated: the caller saves both or neither. Dropping stores the note as the
    reason; reopening clears it (the reason stays in the history).

    >>> lead = Lead(id=1, enterprise_id=7, enterprise_name="甲公司", chain_id="ev",
    ...     segment_id="cell", owner_team="尖刀班", owner_team_kind=TeamKind.spearhead_team,
    ...     owner_person="张三", created_on=date(2026, 1, 5))
    >>> lead2, hist = apply_transition(lead, (), to_stage=Stage.contact,
    ...     changed_on=date(2026, 2, 1), actor="张三")
    >>> lead2.stage, len(hist), lead.stage
    (<Stage.contact: 'contact'>, 1, <Stage.clue: 'clue'>)
    """
    if not actor.strip():
        raise InvalidTransition("须填写变更人", "the actor is required", field="actor")
    last = max([lead.created_on, *(c.changed_on for c in history)])
    validate_transition(
        lead_stage=lead.stage,
        history_last_date=last,
        to_stage=to_stage,
        changed_on=changed_on,
        note=note,
        today=today,
    )
    change = StageChange(lead.id, lead.stage, to_stage, changed_on, actor, note, recorded_at)
    reason = note if to_stage is Stage.dropped else None
    return replace(lead, stage=to_stage, dropped_reason=reason), (*history, change)


def apply_funds_arrival(
    lead: Lead, arrivals: Sequence[FundsArrival], arrival: FundsArrival
) -> tuple[Lead, tuple[FundsArrival, ...]]:
    """Validate an arrival (positive amount; total within the contract unless noted) and return
    the lead with its new total and the arrivals with it appended."""
    if not math.isfinite(arrival.amount_wan) or arrival.amount_wan <= 0:
        raise InvalidAmount(
            f"到位资金（万元）必须大于 0：{arrival.amount_wan}",
            f"amount_wan must be greater than 0 (got {arrival.amount_wan})",
            field="amount_wan",
        )
    total = round(sum(a.amount_wan for a in arrivals) + arrival.amount_wan, 6)
    validate_amounts(
        planned=lead.planned_investment_wan,
        contracted=lead.contracted_investment_wan,
        funds_arrived=total,
        note=arrival.note,
    )
    return replace(lead, funds_arrived_wan=total), (*arrivals, arrival)


@dataclass(frozen=True, slots=True)
class LeadTimeline:
    """A lead with its own history and arrivals in date order, answering "as of day d".

    Same-day changes keep the order they were appended in; the last one of a day is the
    stage in force at the end of that day.
    """

    lead: Lead
    changes: tuple[StageChange, ...]
    arrivals: tuple[FundsArrival, ...] = ()

    @classmethod
    def build(
        cls,
        lead: Lead,
        changes: Iterable[StageChange],
        arrivals: Iterable[FundsArrival] = (),
    ) -> LeadTimeline:
        """Pick this lead's entries out of all entries and sort them by date (stable)."""
        own = sorted((c for c in changes if c.lead_id == lead.id), key=lambda c: c.changed_on)
        money = sorted((a for a in arrivals if a.lead_id == lead.id), key=lambda a: a.arrived_on)
        return cls(lead, tuple(own), tuple(money))

    def _initial(self) -> Stage | None:
        if self.changes:
            return self.changes[0].from_stage
        return self.lead.stage

    def stage_at(self, on: date) -> Stage | None:
        """Stage in force at the end of ``on``; None before the lead was created."""
        if on < self.lead.created_on:
            return None
        current: Stage | None = None
        for c in self.changes:
            if c.changed_on > on:
                break
            current = c.to_stage
        return current or self._initial() or Stage.clue

    def ever_reached_by(self, stage: Stage, on: date) -> bool:
        """Whether the lead stood at or beyond ``stage`` on any day up to ``on`` (even if it
        was dropped or moved back since)."""
        if on < self.lead.created_on:
            return False
        held = [self._initial(), *(c.to_stage for c in self.changes if c.changed_on <= on)]
        return any(at_or_beyond(s, stage) for s in held)

    def reached_since(self, stage: Stage, on: date) -> date | None:
        """The day the lead last moved to at-or-beyond ``stage``, if it is still there on
        ``on``; the creation date if it was created there."""
        if not at_or_beyond(self.stage_at(on), stage):
            return None
        since, prev = self.lead.created_on, self._initial()
        for c in self.changes:
            if c.changed_on > on:
                break
            if at_or_beyond(c.to_stage, stage) and not at_or_beyond(prev, stage):
                since = c.changed_on
            prev = c.to_stage
        return since

    def last_change_on(self, on: date) -> date | None:
        """Date of the last stage change up to ``on``."""
        dates = [c.changed_on for c in self.changes if c.changed_on <= on]
        return dates[-1] if dates else None

    def funds_between(self, start: date, end: date) -> float:
        """Funds (万元) that arrived from ``start`` to ``end``, both days included."""
        return sum(a.amount_wan for a in self.arrivals if start <= a.arrived_on <= end)

    def funds_by(self, on: date) -> float:
        """Funds (万元) that arrived up to and including ``on``."""
        return sum(a.amount_wan for a in self.arrivals if a.arrived_on <= on)

    def last_arrival_on(self, on: date) -> date | None:
        """Date of the last funds arrival up to ``on``."""
        dates = [a.arrived_on for a in self.arrivals if a.arrived_on <= on]
        return dates[-1] if dates else None


def stage_at(lead: Lead, changes: Iterable[StageChange], on: date) -> Stage | None:
    """The stage in force at the end of ``on``, read from the history (None before creation).

    >>> lead = Lead(id=1, enterprise_id=7, enterprise_name="甲公司", chain_id="ev",
    ...     segment_id="cell", owner_team="尖刀班", owner_team_kind=TeamKind.spearhead_team,
    ...     owner_person="张三", created_on=date(2026, 1, 5), stage=Stage.signed)
    >>> hist = [StageChange(1, Stage.clue, Stage.negotiation, date(2026, 3, 1), "张三", "快"),
    ...         StageChange(1, Stage.negotiation, Stage.signed, date(2026, 4, 30), "张三")]
    >>> [stage_at(lead, hist, date(2026, m, d)).label for m, d in [(2, 1), (4, 29), (4, 30)]]
    ['线索', '洽谈', '签约']
    """
    return LeadTimeline.build(lead, changes).stage_at(on)
