"""What the meeting pack reads from one lead's stage history, as a few numbers per lead.

The pack's figures and flags only ever ask a lead's history a handful of questions about a
handful of days: the stage in force at the end of the period, of the day before it and of
the day before the previous period; the highest stage held by some of those days and by the
contract's milestone day; and, for the flags, when the lead last moved up to 签约 or 开工.
:class:`HistoryDigest` holds those answers, so the store can compute them in SQL over a
million stage changes (:func:`chainmap.store.leads_repo.load_history_digests`) and hand over
100,000 small tuples instead. :func:`digest_history` is the same reading of an in-memory
:class:`LeadTimeline`; the two must agree exactly (tests check it on SQLite and PostgreSQL).
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from operator import attrgetter
from typing import NamedTuple

from chainmap.pipeline.stages import STAGE_ORDER, LeadTimeline, Stage

_ON = attrgetter("changed_on")
HELD_RANK: dict[Stage, int] = {s: i for i, s in enumerate(STAGE_ORDER)} | {Stage.dropped: -1}
"""Rank in 线索 … 投产; 终止 is -1 (it has reached nothing)."""
SIGNED_RANK = HELD_RANK[Stage.signed]
STARTED_RANK = HELD_RANK[Stage.construction_started]


class HistoryDays(NamedTuple):
    """The days a digest reads the history at (each "at the end of that day")."""

    end: date  # the period's last day
    before: date  # the day before the period (the previous period's last day)
    before_previous: date  # the day before the previous period
    as_of: date  # the day the flags are taken on

    @classmethod
    def of(cls, *, start: date, end: date, previous_start: date, as_of: date) -> HistoryDays:
        one = timedelta(days=1)
        return cls(end, start - one, previous_start - one, as_of)


class HistoryDigest(NamedTuple):
    """One lead's history read at :class:`HistoryDays`. Ranks are :data:`HELD_RANK` (-1 for
    none); a stage is the ``to_stage`` of the last change made by that day (None: no change
    by then). ``initial`` is the stage before the first change (``from_stage`` of the first
    one; the lead's own stage when it has no history)."""

    lead_id: int
    initial: Stage | None
    at_end: Stage | None
    at_before: Stage | None
    at_before_previous: Stage | None
    at_as_of: Stage | None
    held_before: int  # highest rank among the changes' stages by ``before``
    held_end: int  # … by ``end``
    held_due: int  # … by the lead's ``milestone_due_on`` (-1 without one)
    signed_since: date | None  # last move up to 签约-or-beyond by ``as_of``
    started_since: date | None  # last move up to 开工-or-beyond by ``as_of``
    last_change_on: date | None  # date of the last change by ``as_of``


def no_history(lead_id: int, stage: Stage) -> HistoryDigest:
    """The digest of a lead with no stage change recorded (it stands at its own stage)."""
    return HistoryDigest(lead_id, stage, None, None, None, None, -1, -1, -1, None, None, None)


def digest_history(t: LeadTimeline, days: HistoryDays) -> HistoryDigest:
    """The digest of a timeline, read by binary search over its dated changes.

    >>> from chainmap.pipeline.stages import Lead, StageChange, TeamKind
    >>> lead = Lead(id=1, enterprise_id=7, enterprise_name="甲公司", chain_id="ev",
    ...     segment_id="cell", owner_team="尖刀班", owner_team_kind=TeamKind.spearhead_team,
    ...     owner_person="张三", created_on=date(2026, 1, 5))
    >>> hist = (StageChange(1, None, Stage.clue, date(2026, 1, 5), "张三"),
    ...         StageChange(1, Stage.clue, Stage.signed, date(2026, 9, 9), "张三"))
    >>> d = digest_history(LeadTimeline(lead, hist), HistoryDays(
    ...     date(2026, 10, 31), date(2026, 8, 31), date(2026, 6, 30), date(2026, 10, 31)))
    >>> d.at_before, d.at_end, d.signed_since
    (<Stage.clue: 'clue'>, <Stage.signed: 'signed'>, datetime.date(2026, 9, 9))
    """
    lead, changes = t.lead, t.changes
    if not changes:
        return no_history(lead.id, lead.stage)

    def upto(day: date | None) -> int:
        return 0 if day is None else bisect_right(changes, day, key=_ON)

    def stage(n: int) -> Stage | None:
        return changes[n - 1].to_stage if n else None

    def held(n: int) -> int:
        return max((HELD_RANK[c.to_stage] for c in changes[:n]), default=-1)

    def since(n: int, target: int) -> date | None:
        prev = changes[0].from_stage
        out = None
        for c in changes[:n]:
            if HELD_RANK[c.to_stage] >= target and (prev is None or HELD_RANK[prev] < target):
                out = c.changed_on
            prev = c.to_stage
        return out

    i_end, i_before, i_prev, i_as_of = (upto(d) for d in days)
    return HistoryDigest(
        lead.id,
        changes[0].from_stage,
        stage(i_end),
        stage(i_before),
        stage(i_prev),
        stage(i_as_of),
        held(i_before),
        held(i_end),
        held(upto(lead.milestone_due_on)),
        since(i_as_of, SIGNED_RANK),
        since(i_as_of, STARTED_RANK),
        changes[i_as_of - 1].changed_on if i_as_of else None,
    )
