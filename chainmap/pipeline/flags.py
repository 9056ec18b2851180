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

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from operator import attrgetter

from chainmap.pipeline.digest import HistoryDays, HistoryDigest, digest_history
from chainmap.pipeline.metrics import build_timelines
from chainmap.pipeline.stages import (
    FundsArrival,
    Lead,
    LeadTimeline,
    Stage,
    StageChange,
    stage_rank,
)

_ON = attrgetter("changed_on")
_ARRIVED_ON = attrgetter("arrived_on")
_AMOUNT = attrgetter("amount_wan")
# Rank in 线索 … 投产; 终止 is -1 (it has reached nothing).
_RANK: dict[Stage, int] = {s: stage_rank(s) for s in Stage}


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
    lead: Lead,
    paid: Sequence[FundsArrival],
    d: HistoryDigest,
    today: date,
    limits: dict[FlagKind, int],
    red_factor: float,
) -> list[Flag]:
    # The digest was read as of ``today``; arrivals are in date order, so those made by
    # ``today`` are a prefix, found by binary search.
    if today < lead.created_on:
        return []
    stage = d.at_as_of or d.initial or Stage.clue
    rank = _RANK[stage]  # -1 for 终止
    if rank < 0:
        return []
    signed, started = rank >= _RANK[Stage.signed], rank >= _RANK[Stage.construction_started]
    if not signed and lead.claimed_on is None:  # nothing to watch: most leads
        return []
    who, ent = f"{lead.owner_team}{lead.owner_person}", lead.enterprise_name
    who_en = f"{lead.owner_person} ({lead.owner_team})"
    # (kind, since, level, message_zh, message_en); messages are only written for a flag.
    found: list[tuple[FlagKind, date, FlagLevel, str, str]] = []

    if signed and not started:
        since = d.signed_since or lead.created_on
        days = (today - since).days
        level = _level(days, limits[FlagKind.signed_not_started], red_factor)
        if level is not None:
            found.append(
                (
                    FlagKind.signed_not_started,
                    since,
                    level,
                    f"{who}：{ent}签约已 {days} 天仍未开工",
                    f"{who_en}: {ent} signed {days} days ago and has not started construction",
                )
            )
    if lead.claimed_on is not None and not signed:
        last = d.last_change_on
        since = max(lead.claimed_on, last) if last else lead.claimed_on
        days = (today - since).days
        level = _level(days, limits[FlagKind.claim_idle], red_factor)
        if level is not None:
            by = f"{lead.claimed_by_leader}认领" if lead.claimed_by_leader else "已认领"
            by_en = f" by {lead.claimed_by_leader}" if lead.claimed_by_leader else ""
            found.append(
                (
                    FlagKind.claim_idle,
                    since,
                    level,
                    f"{who}：{ent}（{by}）已 {days} 天无阶段变化，仍在{stage.label}",
                    f"{who_en}: {ent} (claimed{by_en}) has had no stage change for {days} "
                    f"days, still at {stage}",
                )
            )
    contracted = lead.contracted_investment_wan or 0.0
    paid_by = bisect_right(paid, today, key=_ARRIVED_ON) if paid else 0
    funded = sum(map(_AMOUNT, paid[:paid_by])) if paid_by else 0
    if started and not (contracted > 0 and funded >= contracted):
        began = d.started_since or lead.created_on
        arrived = paid[paid_by - 1].arrived_on if paid_by else None
        if arrived is not None and arrived > began:
            days = (today - arrived).days
            zh, en = f"距上次资金到位已 {days} 天", f"no funds have arrived for {days} days"
            since = arrived
        else:
            days = (today - began).days
            zh, en = f"开工已 {days} 天仍无资金到位", f"started {days} days ago, no funds since"
            since = began
        level = _level(days, limits[FlagKind.started_no_funds], red_factor)
        if level is not None:
            found.append(
                (
                    FlagKind.started_no_funds,
                    since,
                    level,
                    f"{who}：{ent}{zh}",
                    f"{who_en}: {ent} {en}",
                )
            )

    return [
        Flag(
            lead_id=lead.id,
            kind=kind,
            level=level,
            days=(today - since).days,
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
        for kind, since, level, zh, en in found
    ]


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
    return timeline_flags(
        build_timelines(leads, changes, arrivals),
        today=today,
        signed_not_started_days=signed_not_started_days,
        claimed_idle_days=claimed_idle_days,
        started_no_funds_days=started_no_funds_days,
        red_factor=red_factor,
    )


def timeline_flags(
    timelines: Iterable[LeadTimeline],
    *,
    today: date,
    signed_not_started_days: int = 180,
    claimed_idle_days: int = 60,
    started_no_funds_days: int = 90,
    red_factor: float = 1.5,
) -> list[Flag]:
    """:func:`flags` over prebuilt timelines (:func:`~chainmap.pipeline.metrics.build_timelines`),
    for a report that also computes metrics from them."""
    limits = {
        FlagKind.signed_not_started: signed_not_started_days,
        FlagKind.claim_idle: claimed_idle_days,
        FlagKind.started_no_funds: started_no_funds_days,
    }
    if any(v <= 0 for v in limits.values()) or red_factor < 1:
        raise ValueError("flag thresholds must be positive and red_factor at least 1")
    days = HistoryDays(today, today, today, today)
    return digest_flags(
        ((t.lead, t.arrivals, digest_history(t, days)) for t in timelines),
        today=today,
        signed_not_started_days=signed_not_started_days,
        claimed_idle_days=claimed_idle_days,
        started_no_funds_days=started_no_funds_days,
        red_factor=red_factor,
    )


def digest_flags(
    entries: Iterable[tuple[Lead, Sequence[FundsArrival], HistoryDigest]],
    *,
    today: date,
    signed_not_started_days: int = 180,
    claimed_idle_days: int = 60,
    started_no_funds_days: int = 90,
    red_factor: float = 1.5,
) -> list[Flag]:
    """:func:`flags` from each lead's arrivals (in date order) and :class:`HistoryDigest`
    read with ``as_of`` = ``today``: what the meeting pack uses when the store has digested
    the history in SQL."""
    limits = {
        FlagKind.signed_not_started: signed_not_started_days,
        FlagKind.claim_idle: claimed_idle_days,
        FlagKind.started_no_funds: started_no_funds_days,
    }
    if any(v <= 0 for v in limits.values()) or red_factor < 1:
        raise ValueError("flag thresholds must be positive and red_factor at least 1")
    out: list[Flag] = []
    for lead, paid, d in entries:
        out.extend(_lead_flags(lead, paid, d, today, limits, red_factor))
    out.sort(key=lambda f: (f.level is not FlagLevel.red, -f.days, f.lead_id, f.kind.value))
    return out
