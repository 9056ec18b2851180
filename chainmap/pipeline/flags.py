"""Red and yellow flags (红黄牌): stalled leads, each naming the person, the matter and the problem.

The meeting asks "who is behind?", so every flag carries the owner team and person and a
ready sentence such as "尖刀班张三：甲公司签约已 213 天仍未开工". Three kinds, all read "as of
``today``" (passed in, never the clock) from the stage history and funds arrivals:

* ``signed_not_started`` — at 签约 or 供地 (not yet 开工); days since it last moved to 签约 or
  beyond (its creation date when it was entered already signed).
* ``claim_idle`` — claimed (``claimed_on`` set) and still before 签约 (线索/接触/洽谈); days since
  the later of the claim and the last stage change. After signing the other two flags watch it.
* ``started_no_funds`` — at 开工 or beyond and not yet fully funded (arrivals below the contracted
  investment, or no contract amount); days since the later of the start and the last arrival.

A flag is raised when days exceed the threshold ("more than 180 days": 180 is fine, 181 is
not). Level: **yellow** when days > threshold, **red** when days > ``red_factor`` × threshold
(1.5 by default: red after 270 / 90 / 135 days with the default thresholds). Dropped leads and
leads created after ``today`` are never flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from chainmap.pipeline.stages import (
    FundsArrival,
    Lead,
    LeadTimeline,
    Stage,
    StageChange,
    at_or_beyond,
)


class FlagKind(StrEnum):
    signed_not_started = "signed_not_started"
    claim_idle = "claim_idle"
    started_no_funds = "started_no_funds"

    @property
    def label(self) -> str:
        return FLAG_KIND_LABELS[self]


FLAG_KIND_LABELS: dict[FlagKind, str] = {
    FlagKind.signed_not_started: "签约未开工",
    FlagKind.claim_idle: "认领后无进展",
    FlagKind.started_no_funds: "开工后资金未到位",
}


class FlagLevel(StrEnum):
    red = "red"
    yellow = "yellow"

    @property
    def label(self) -> str:
        return "红牌" if self is FlagLevel.red else "黄牌"


@dataclass(frozen=True, slots=True)
class Flag:
    """One stalled lead: what is wrong, for how many days (since ``since``), and whose it is."""

    lead_id: int
    kind: FlagKind
    level: FlagLevel
    days: int
    since: date
    threshold_days: int
    stage: Stage
    owner_team: str
    owner_person: str
    enterprise_name: str
    claimed_by_leader: str | None
    message_zh: str
    message_en: str


def _level(days: int, threshold: int, red_factor: float) -> FlagLevel | None:
    if days > threshold * red_factor:
        return FlagLevel.red
    if days > threshold:
        return FlagLevel.yellow
    return None


def _lead_flags(
    t: LeadTimeline, today: date, limits: dict[FlagKind, int], red_factor: float
) -> list[Flag]:
    lead, stage = t.lead, t.stage_at(today)
    if stage is None or stage is Stage.dropped:
        return []
    who, ent = f"{lead.owner_team}{lead.owner_person}", lead.enterprise_name
    who_en = f"{lead.owner_person} ({lead.owner_team})"
    found: list[tuple[FlagKind, date, str, str]] = []

    if at_or_beyond(stage, Stage.signed) and not at_or_beyond(stage, Stage.construction_started):
        since = t.reached_since(Stage.signed, today) or lead.created_on
        days = (today - since).days
        found.append(
            (
                FlagKind.signed_not_started,
                since,
                f"{who}：{ent}签约已 {days} 天仍未开工",
                f"{who_en}: {ent} signed {days} days ago and has not started construction",
            )
        )
    if lead.claimed_on is not None and not at_or_beyond(stage, Stage.signed):
        last = t.last_change_on(today)
        since = max(lead.claimed_on, last) if last else lead.claimed_on
        days = (today - since).days
        by = f"{lead.claimed_by_leader}认领" if lead.claimed_by_leader else "已认领"
        by_en = f" by {lead.claimed_by_leader}" if lead.claimed_by_leader else ""
        found.append(
            (
                FlagKind.claim_idle,
                since,
                f"{who}：{ent}（{by}）已 {days} 天无阶段变化，仍在{stage.label}",
                f"{who_en}: {ent} (claimed{by_en}) has had no stage change for {days} days, "
                f"still at {stage}",
            )
        )
    contracted = lead.contracted_investment_wan or 0.0
    funded = t.funds_by(today)
    if at_or_beyond(stage, Stage.construction_started) and not (
        contracted > 0 and funded >= contracted
    ):
        started = t.reached_since(Stage.construction_started, today) or lead.created_on
        arrived = t.last_arrival_on(today)
        if arrived is not None and arrived > started:
            days = (today - arrived).days
            zh, en = f"距上次资金到位已 {days} 天", f"no funds have arrived for {days} days"
            since = arrived
        else:
            days = (today - started).days
            zh, en = f"开工已 {days} 天仍无资金到位", f"started {days} days ago, no funds since"
            since = started
        found.append(
            (FlagKind.started_no_funds, since, f"{who}：{ent}{zh}", f"{who_en}: {ent} {en}")
        )

    out: list[Flag] = []
    for kind, since, zh, en in found:
        days = (today - since).days
        level = _level(days, limits[kind], red_factor)
        if level is None:
            continue
        out.append(
            Flag(
                lead_id=lead.id,
                kind=kind,
                level=level,
                days=days,
                since=since,
                threshold_days=limits[kind],
                stage=stage,
                owner_team=lead.owner_team,
                owner_person=lead.owner_person,
                enterprise_name=ent,
                claimed_by_leader=lead.claimed_by_leader,
                message_zh=zh,
                message_en=en,
            )
        )
    return out


def flags(
    leads: Iterable[Lead],
    changes: Iterable[StageChange],
    arrivals: Iterable[FundsArrival],
    *,
    today: date,
    signed_not_started_days: int = 180,
    claimed_idle_days: int = 60,
    started_no_funds_days: int = 90,
    red_factor: float = 1.5,
) -> list[Flag]:
    """Every flag as of ``today``: red before yellow, then most days first, then lead id.

    Thresholds come from settings through the caller; the core reads none itself.

    >>> from chainmap.pipeline.stages import TeamKind
    >>> lead = Lead(id=1, enterprise_id=7, enterprise_name="甲公司", chain_id="ev",
    ...     segment_id="cell", owner_team="尖刀班", owner_team_kind=TeamKind.spearhead_team,
    ...     owner_person="张三", created_on=date(2025, 1, 5), stage=Stage.signed)
    >>> hist = [StageChange(1, Stage.negotiation, Stage.signed, date(2025, 3, 1), "张三")]
    >>> [f.message_zh for f in flags([lead], hist, [], today=date(2025, 9, 30))]
    ['尖刀班张三：甲公司签约已 213 天仍未开工']
    """
    limits = {
        FlagKind.signed_not_started: signed_not_started_days,
        FlagKind.claim_idle: claimed_idle_days,
        FlagKind.started_no_funds: started_no_funds_days,
    }
    if any(v <= 0 for v in limits.values()) or red_factor < 1:
        raise ValueError("flag thresholds must be positive and red_factor at least 1")
    by_lead: dict[int, list[StageChange]] = {}
    for c in changes:
        by_lead.setdefault(c.lead_id, []).append(c)
    money: dict[int, list[FundsArrival]] = {}
    for a in arrivals:
        money.setdefault(a.lead_id, []).append(a)
    out: list[Flag] = []
    for lead in leads:
        tl = LeadTimeline.build(lead, by_lead.get(lead.id, ()), money.get(lead.id, ()))
        out.extend(_lead_flags(tl, today, limits, red_factor))
    out.sort(key=lambda f: (f.level is not FlagLevel.red, -f.days, f.lead_id, f.kind.value))
    return out
