"""Red/yellow flags: each kind, its threshold edge (exactly N days is fine, N+1 is not), the red
level at 1.5 × N, what resets the clock, and the ordering."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chainmap.pipeline import (
    Flag,
    FlagKind,
    FlagLevel,
    FundsArrival,
    Lead,
    Stage,
    StageChange,
    TeamKind,
    flags,
)

S = Stage
D = date


def _lead(id: int = 1, **kw: object) -> Lead:
    base: dict[str, object] = dict(
        id=id,
        enterprise_id=100 + id,
        enterprise_name="甲公司" if id == 1 else f"企业{id}",
        chain_id="ev",
        segment_id="cell",
        owner_team="尖刀班",
        owner_team_kind=TeamKind.spearhead_team,
        owner_person="张三",
        created_on=D(2025, 6, 1),
    )
    base.update(kw)
    return Lead(**base)  # type: ignore[arg-type]


def _ch(lead: int, frm: Stage, to: Stage, on: date) -> StageChange:
    return StageChange(lead, frm, to, on, "录入员", "说明")


def _kinds(found: list[Flag]) -> list[tuple[int, FlagKind, FlagLevel, int]]:
    return [(f.lead_id, f.kind, f.level, f.days) for f in found]


# --- signed, not started -----------------------------------------------------------------

SIGNED_ON = D(2026, 1, 1)
SIGNED = [_lead(stage=S.signed)]
SIGNED_HIST = [_ch(1, S.negotiation, S.signed, SIGNED_ON)]


@pytest.mark.parametrize(
    ("days", "level"),
    [(180, None), (181, FlagLevel.yellow), (270, FlagLevel.yellow), (271, FlagLevel.red)],
)
def test_signed_not_started_threshold(days: int, level: FlagLevel | None) -> None:
    found = flags(SIGNED, SIGNED_HIST, [], today=SIGNED_ON + timedelta(days=days))
    assert _kinds(found) == (
        [] if level is None else [(1, FlagKind.signed_not_started, level, days)]
    )


def test_signed_not_started_names_person_matter_problem() -> None:
    # 1 Jan → 1 Jul 2026 is 181 days.
    [f] = flags(SIGNED, SIGNED_HIST, [], today=D(2026, 7, 1))
    assert f.message_zh == "尖刀班张三：甲公司签约已 181 天仍未开工"
    assert "张三 (尖刀班)" in f.message_en and "181 days" in f.message_en
    assert (f.owner_team, f.owner_person, f.enterprise_name) == ("尖刀班", "张三", "甲公司")
    assert (f.since, f.threshold_days, f.stage) == (SIGNED_ON, 180, S.signed)


def test_land_supplied_still_counts_from_signing_and_start_clears_it() -> None:
    hist = [*SIGNED_HIST, _ch(1, S.signed, S.land_supplied, D(2026, 5, 1))]
    [f] = flags([_lead(stage=S.land_supplied)], hist, [], today=D(2026, 7, 1))
    assert (f.kind, f.days) == (FlagKind.signed_not_started, 181)
    hist.append(_ch(1, S.land_supplied, S.construction_started, D(2026, 6, 30)))
    found = flags([_lead(stage=S.construction_started)], hist, [], today=D(2026, 7, 1))
    assert all(f.kind is not FlagKind.signed_not_started for f in found)


def test_custom_threshold_is_used() -> None:
    found = flags(SIGNED, SIGNED_HIST, [], today=D(2026, 2, 1), signed_not_started_days=30)
    # 31 days > 30 → yellow; red would need > 45.
    assert _kinds(found) == [(1, FlagKind.signed_not_started, FlagLevel.yellow, 31)]


# --- claimed, idle -----------------------------------------------------------------------

CLAIMED_ON = D(2026, 3, 1)


def _claimed(**kw: object) -> Lead:
    base: dict[str, object] = dict(
        stage=S.contact, claimed_by_leader="李市长", claimed_on=CLAIMED_ON
    )
    return _lead(**{**base, **kw})  # type: ignore[arg-type]


CLAIM_HIST = [_ch(1, S.clue, S.contact, D(2026, 2, 1))]  # before the claim


@pytest.mark.parametrize(
    ("days", "level"),
    [(60, None), (61, FlagLevel.yellow), (90, FlagLevel.yellow), (91, FlagLevel.red)],
)
def test_claim_idle_threshold(days: int, level: FlagLevel | None) -> None:
    found = flags([_claimed()], CLAIM_HIST, [], today=CLAIMED_ON + timedelta(days=days))
    assert _kinds(found) == ([] if level is None else [(1, FlagKind.claim_idle, level, days)])


def test_claim_idle_message() -> None:
    # 1 Mar → 1 May is 61 days.
    [f] = flags([_claimed()], CLAIM_HIST, [], today=D(2026, 5, 1))
    assert f.message_zh == "尖刀班张三：甲公司（李市长认领）已 61 天无阶段变化，仍在接触"
    assert f.claimed_by_leader == "李市长" and "claimed by 李市长" in f.message_en


def test_a_stage_change_after_the_claim_restarts_the_clock() -> None:
    hist = [*CLAIM_HIST, _ch(1, S.contact, S.negotiation, D(2026, 4, 1))]
    lead = _claimed(stage=S.negotiation)
    assert flags([lead], hist, [], today=D(2026, 5, 31)) == []  # 60 days after 1 Apr
    [f] = flags([lead], hist, [], today=D(2026, 6, 1))
    assert (f.kind, f.days, f.since) == (FlagKind.claim_idle, 61, D(2026, 4, 1))


def test_unclaimed_or_signed_leads_are_not_claim_idle() -> None:
    today = D(2027, 1, 1)
    assert flags([_lead(stage=S.contact)], CLAIM_HIST, [], today=today) == []
    signed = _claimed(stage=S.signed)
    hist = [*CLAIM_HIST, _ch(1, S.contact, S.signed, D(2026, 12, 1))]
    assert flags([signed], hist, [], today=today) == []  # 31 days signed: nothing yet


# --- started, no funds -------------------------------------------------------------------

STARTED_ON = D(2026, 1, 1)
STARTED = [_lead(stage=S.construction_started, contracted_investment_wan=10_000)]
START_HIST = [_ch(1, S.signed, S.construction_started, STARTED_ON)]


def _money(*items: tuple[float, date]) -> list[FundsArrival]:
    return [FundsArrival(1, amount, on, "财务") for amount, on in items]


@pytest.mark.parametrize(
    ("days", "level"),
    [(90, None), (91, FlagLevel.yellow), (135, FlagLevel.yellow), (136, FlagLevel.red)],
)
def test_started_no_funds_threshold(days: int, level: FlagLevel | None) -> None:
    # An arrival before the start does not restart the clock.
    early = _money((2_000, D(2025, 12, 1)))
    found = flags(STARTED, START_HIST, early, today=STARTED_ON + timedelta(days=days))
    assert _kinds(found) == ([] if level is None else [(1, FlagKind.started_no_funds, level, days)])


def test_started_no_funds_counts_from_the_last_arrival() -> None:
    money = _money((3_000, STARTED_ON + timedelta(days=50)))
    today = STARTED_ON + timedelta(days=141)  # 91 days after the arrival
    [f] = flags(STARTED, START_HIST, money, today=today)
    assert (f.kind, f.level, f.days) == (FlagKind.started_no_funds, FlagLevel.yellow, 91)
    assert f.message_zh == "尖刀班张三：甲公司距上次资金到位已 91 天"
    assert flags(STARTED, START_HIST, money, today=today - timedelta(days=1)) == []


def test_started_no_funds_message_without_any_arrival() -> None:
    [f] = flags(STARTED, START_HIST, [], today=STARTED_ON + timedelta(days=100))
    assert f.message_zh == "尖刀班张三：甲公司开工已 100 天仍无资金到位"


def test_fully_funded_or_in_production_leads() -> None:
    today = STARTED_ON + timedelta(days=200)
    full = _money((6_000, D(2026, 1, 10)), (4_000, D(2026, 1, 20)))
    assert flags(STARTED, START_HIST, full, today=today) == []
    # 投产 is still "started": an unfunded project in production is flagged.
    hist = [*START_HIST, _ch(1, S.construction_started, S.in_production, D(2026, 5, 1))]
    lead = _lead(stage=S.in_production, contracted_investment_wan=10_000)
    [f] = flags([lead], hist, [], today=today)
    assert (f.kind, f.days, f.level) == (FlagKind.started_no_funds, 200, FlagLevel.red)


# --- never flagged, ordering -------------------------------------------------------------


def test_dropped_and_future_leads_are_never_flagged() -> None:
    hist = [*SIGNED_HIST, _ch(1, S.signed, S.dropped, D(2026, 2, 1))]
    dropped = _lead(stage=S.dropped, claimed_on=D(2025, 7, 1))
    assert flags([dropped], hist, [], today=D(2027, 1, 1)) == []
    future = _lead(2, stage=S.signed, created_on=D(2027, 6, 1), claimed_on=D(2027, 6, 1))
    assert flags([future], [], [], today=D(2027, 1, 1)) == []


def test_flags_ignore_changes_dated_after_today() -> None:
    hist = [*SIGNED_HIST, _ch(1, S.signed, S.construction_started, D(2026, 8, 1))]
    [f] = flags(SIGNED, hist, [], today=D(2026, 7, 1))
    assert f.kind is FlagKind.signed_not_started


def test_order_red_first_then_days_then_lead_id() -> None:
    today = D(2026, 12, 31)
    leads = [
        _lead(1, stage=S.signed),  # signed 1 Jul: 183 days, yellow
        _lead(2, stage=S.signed),  # signed 1 Jul: 183 days, yellow (tie → id)
        _lead(3, stage=S.signed),  # signed 1 Mar: 305 days, red
        _lead(4, stage=S.contact, claimed_on=D(2026, 9, 1)),  # 121 days idle, red
        _lead(5, stage=S.construction_started),  # started 1 Sep: 121 days, yellow
    ]
    hist = [
        _ch(1, S.negotiation, S.signed, D(2026, 7, 1)),
        _ch(2, S.negotiation, S.signed, D(2026, 7, 1)),
        _ch(3, S.negotiation, S.signed, D(2026, 3, 1)),
        _ch(5, S.signed, S.construction_started, D(2026, 9, 1)),
    ]
    assert _kinds(flags(leads, hist, [], today=today)) == [
        (3, FlagKind.signed_not_started, FlagLevel.red, 305),
        (4, FlagKind.claim_idle, FlagLevel.red, 121),
        (1, FlagKind.signed_not_started, FlagLevel.yellow, 183),
        (2, FlagKind.signed_not_started, FlagLevel.yellow, 183),
        (5, FlagKind.started_no_funds, FlagLevel.yellow, 121),
    ]


@pytest.mark.parametrize(
    "kw",
    [{"signed_not_started_days": 0}, {"claimed_idle_days": -1}, {"red_factor": 0.9}],
)
def test_bad_thresholds(kw: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        flags([], [], [], today=D(2026, 1, 1), **kw)  # type: ignore[arg-type]
