"""Pipeline metrics on a small fixture whose every figure is computed by hand below.

Period under test: ``2026-09`` = 1 Sept – 31 Oct 2026; the previous period is ``2026-07`` =
1 July – 31 Aug 2026. "end" = 31 Oct, "before" = 31 Aug (the day before the period starts).
"""

from __future__ import annotations

from datetime import date

import pytest

from chainmap.pipeline import (
    FundsArrival,
    GroupMetrics,
    InvalidPeriod,
    Lead,
    Rate,
    SizeBand,
    Stage,
    StageChange,
    TeamKind,
    metrics,
    parse_month,
    parse_period,
    scoreboard,
)

S = Stage
D = date
JD, B1, B2, ZS = "尖刀班", "专业招商一分局", "专业招商二分局", "招商局"
KIND = {
    JD: TeamKind.spearhead_team,
    B1: TeamKind.investment_branch,
    B2: TeamKind.investment_branch,
    ZS: TeamKind.department,
}


def _lead(
    id: int,
    *,
    chain: str,
    team: str,
    owner: str,
    leader: str | None,
    created: date,
    stage: Stage,
    planned: float | None = None,
    contracted: float | None = None,
    due: date | None = None,
) -> Lead:
    return Lead(
        id=id,
        enterprise_id=100 + id,
        enterprise_name=f"企业{id}",
        chain_id=chain,
        segment_id="seg",
        owner_team=team,
        owner_team_kind=KIND[team],
        owner_person=owner,
        created_on=created,
        stage=stage,
        claimed_by_leader=leader,
        claimed_on=created if leader else None,
        planned_investment_wan=planned,
        contracted_investment_wan=contracted,
        milestone_due_on=due,
    )


def _ch(lead: int, frm: Stage | None, to: Stage, on: date, note: str | None = None) -> StageChange:
    return StageChange(lead, frm, to, on, "录入员", note)


def _in(lead: int, amount: float, on: date) -> FundsArrival:
    return FundsArrival(lead, amount, on, "财务")


# fmt: off
LEADS = [
    # L1: signed in the previous period, started on the LAST day of this one (counts).
    _lead(1, chain="ev", team=JD, owner="张三", leader="李市长", created=D(2026, 1, 10),
          stage=S.construction_started, planned=25_000, contracted=20_000, due=D(2026, 10, 15)),
    # L2: signed on the FIRST day of this period; 供地 on the first day of the next (not counted).
    _lead(2, chain="ev", team=B1, owner="李四", leader="李市长", created=D(2026, 2, 1),
          stage=S.land_supplied, planned=60_000, contracted=60_000, due=D(2027, 3, 1)),
    # L3: an old project that reaches 投产 in this period.
    _lead(3, chain="ev", team=JD, owner="王五", leader="王书记", created=D(2025, 6, 1),
          stage=S.in_production, planned=8_000, contracted=8_000, due=D(2026, 1, 1)),
    # L4: unclaimed, moves into 洽谈 in this period; no contract, banded by planned.
    _lead(4, chain="chip", team=B2, owner="赵六", leader=None, created=D(2026, 3, 1),
          stage=S.negotiation, planned=3_000),
    # L5: signed in June, dropped in October; its milestone fell due unmet.
    _lead(5, chain="chip", team=B2, owner="赵六", leader="王书记", created=D(2026, 1, 5),
          stage=S.dropped, planned=150_000, contracted=150_000, due=D(2026, 9, 30)),
    # L6: created inside this period.
    _lead(6, chain="ev", team=ZS, owner="孙七", leader=None, created=D(2026, 9, 5),
          stage=S.contact, planned=500),
    # L7: created after the period ends: in no figure at all.
    _lead(7, chain="chip", team=JD, owner="张三", leader="李市长", created=D(2026, 11, 2),
          stage=S.clue, planned=200_000),
    # L8: started on 31 Aug (previous period), moved back to 签约 in September with a note.
    _lead(8, chain="ev", team=B1, owner="李四", leader="李市长", created=D(2026, 4, 1),
          stage=S.signed, planned=12_000, contracted=12_000, due=D(2026, 8, 31)),
]
CHANGES = [
    _ch(1, None, S.clue, D(2026, 1, 10)),
    _ch(1, S.clue, S.contact, D(2026, 3, 1)),
    _ch(1, S.contact, S.negotiation, D(2026, 5, 10)),
    _ch(1, S.negotiation, S.signed, D(2026, 8, 20)),
    _ch(1, S.signed, S.construction_started, D(2026, 10, 31), "厂房代建，无需供地"),
    _ch(2, None, S.clue, D(2026, 2, 1)),
    _ch(2, S.clue, S.negotiation, D(2026, 4, 1), "老客户直接洽谈"),
    _ch(2, S.negotiation, S.signed, D(2026, 9, 1)),
    _ch(2, S.signed, S.land_supplied, D(2026, 11, 1)),
    _ch(3, None, S.clue, D(2025, 6, 1)),
    _ch(3, S.clue, S.signed, D(2025, 9, 1), "以商招商，快速签约"),
    _ch(3, S.signed, S.construction_started, D(2025, 12, 1), "租用标准厂房"),
    _ch(3, S.construction_started, S.in_statistics, D(2026, 7, 15)),
    _ch(3, S.in_statistics, S.in_production, D(2026, 9, 30)),
    _ch(4, None, S.clue, D(2026, 3, 1)),
    _ch(4, S.clue, S.contact, D(2026, 6, 1)),
    _ch(4, S.contact, S.negotiation, D(2026, 9, 10)),
    _ch(5, None, S.clue, D(2026, 1, 5)),
    _ch(5, S.clue, S.negotiation, D(2026, 2, 1), "领导带队拜访"),
    _ch(5, S.negotiation, S.signed, D(2026, 6, 30)),
    _ch(5, S.signed, S.dropped, D(2026, 10, 20), "企业战略调整"),
    _ch(6, None, S.clue, D(2026, 9, 5)),
    _ch(6, S.clue, S.contact, D(2026, 10, 1)),
    _ch(7, None, S.clue, D(2026, 11, 2)),
    _ch(8, None, S.clue, D(2026, 4, 1)),
    _ch(8, S.clue, S.negotiation, D(2026, 5, 1), "熟人介绍"),
    _ch(8, S.negotiation, S.signed, D(2026, 7, 1)),
    _ch(8, S.signed, S.construction_started, D(2026, 8, 31), "厂房代建"),
    _ch(8, S.construction_started, S.signed, D(2026, 9, 20), "开工登记有误，退回签约"),
]
ARRIVALS = [
    _in(1, 5_000, D(2026, 9, 15)),
    _in(1, 3_000, D(2026, 11, 1)),  # after the period
    _in(2, 6_000, D(2026, 10, 1)),
    _in(3, 4_000, D(2025, 12, 20)),
    _in(3, 2_000, D(2026, 8, 10)),
    _in(3, 1_000, D(2026, 10, 10)),
    _in(5, 10_000, D(2026, 7, 5)),
]
# fmt: on
P = parse_period("2026-09")


def _all(period: str = "2026-09") -> GroupMetrics:
    [row] = metrics(LEADS, CHANGES, ARRIVALS, period=parse_period(period))
    return row


def _rows(group_by: str) -> dict[str | None, GroupMetrics]:
    rows = metrics(LEADS, CHANGES, ARRIVALS, period=P, group_by=group_by)  # type: ignore[arg-type]
    return {r.key: r for r in rows}


def _counts(**kw: int) -> dict[Stage, int]:
    return {s: kw.get(s.value, 0) for s in Stage}


def test_stage_counts_at_period_end() -> None:
    row = _all()
    # L7 is created after 31 Oct, so 7 leads. At the end of 31 Oct: L1 开工 (changed that day),
    # L2 签约 (供地 is on 1 Nov), L3 投产, L4 洽谈, L5 终止, L6 接触, L8 签约 (moved back).
    assert row.leads == 7
    assert row.stage_counts == _counts(
        contact=1, negotiation=1, signed=2, construction_started=1, in_production=1, dropped=1
    )


def test_reached_during_period() -> None:
    row = _all()
    # At the end of 31 Aug → 31 Oct: L1 签约→开工 (crosses 供地 and 开工), L2 洽谈→签约,
    # L3 纳统→投产, L4 接触→洽谈, L5 签约→终止, L6 (none)→接触 (crosses 线索 and 接触),
    # L8 开工→签约 (moved back: reaches nothing).
    assert row.reached_counts == _counts(
        clue=1,
        contact=1,
        negotiation=1,
        signed=1,
        land_supplied=1,
        construction_started=1,
        in_statistics=0,
        in_production=1,
        dropped=1,
    )
    # Only L2 newly signed: its contracted 60000 万元.
    assert row.signed_contracted_wan == 60_000


def test_size_band_counts_are_cumulative() -> None:
    row = _all()
    b = row.band_counts
    # 洽谈 = leads in 洽谈 at end: L4 (planned 3000) → only ≥1000万.
    assert b[S.negotiation] == {
        SizeBand.ge_1000wan: 1,
        SizeBand.ge_5000wan: 0,
        SizeBand.ge_1yi: 0,
        SizeBand.ge_10yi: 0,
    }
    # 签约 or beyond at end: L1 20000, L2 60000, L3 8000, L8 12000 (L5 is dropped).
    assert b[S.signed] == {
        SizeBand.ge_1000wan: 4,
        SizeBand.ge_5000wan: 4,
        SizeBand.ge_1yi: 3,
        SizeBand.ge_10yi: 0,
    }
    # 开工 or beyond: L1 20000, L3 8000.
    assert b[S.construction_started] == {
        SizeBand.ge_1000wan: 2,
        SizeBand.ge_5000wan: 2,
        SizeBand.ge_1yi: 1,
        SizeBand.ge_10yi: 0,
    }
    # 竣工 = 投产: L3 8000.
    assert b[S.in_production] == {
        SizeBand.ge_1000wan: 1,
        SizeBand.ge_5000wan: 1,
        SizeBand.ge_1yi: 0,
        SizeBand.ge_10yi: 0,
    }


def test_three_rates() -> None:
    row = _all()
    # Signed (at or beyond 签约) at end: L1, L2, L3, L8; started among them: L1, L3.
    assert row.start_rate == Rate(2, 4, 0.5)
    # Funds up to 31 Oct: L1 5000 + L2 6000 + L3 7000 + L8 0 = 18000;
    # contracted 20000 + 60000 + 8000 + 12000 = 100000.
    assert row.funds_arrival_rate == Rate(18_000, 100_000, 0.18)
    # In the period: L1 5000 (15 Sep), L2 6000 (1 Oct), L3 1000 (10 Oct).
    assert row.funds_arrived_in_period_wan == 12_000
    # Due by 31 Oct among ever-signed: L1 (15 Oct), L3 (1 Jan), L5 (30 Sep), L8 (31 Aug).
    # On time: L3 (started 1 Dec 2025), L8 (started 31 Aug, the due day). L1 started
    # late (31 Oct), L5 never did.
    assert row.contract_fulfilment_rate == Rate(2, 4, 0.5)


def test_previous_period_and_change() -> None:
    prev = _all("2026-07")
    # 1 Jul – 31 Aug; the day before is 30 Jun. 6 leads (L6 not yet created).
    # Newly signed: L1 (20000) and L8 (12000, straight on to 开工); L5 signed on 30 Jun.
    assert prev.leads == 6
    assert prev.reached_counts[S.signed] == 2
    assert prev.reached_counts[S.construction_started] == 1
    assert prev.signed_contracted_wan == 32_000
    # Signed at 31 Aug: L1, L3, L5, L8; started: L3, L8.
    assert prev.start_rate == Rate(2, 4, 0.5)
    # Funds by 31 Aug: L3 6000 + L5 10000 = 16000 over 20000+8000+150000+12000 = 190000.
    assert prev.funds_arrival_rate == Rate(16_000, 190_000, 0.0842)
    assert prev.funds_arrived_in_period_wan == 12_000  # L3 2000 + L5 10000
    # Due by 31 Aug among ever-signed: L3, L8 — both on time.
    assert prev.contract_fulfilment_rate == Rate(2, 2, 1.0)

    assert _all().change_vs_previous == {
        "leads": 1,
        "reached_signed": -1,
        "reached_construction_started": 0,
        "reached_in_production": 1,
        "signed_contracted_wan": 28_000,
        "funds_arrived_in_period_wan": 0,
        "contract_fulfilment_rate": -0.5,
        "funds_arrival_rate": pytest.approx(0.0958),
        "start_rate": 0.0,
    }


def test_group_by_chain() -> None:
    rows = metrics(LEADS, CHANGES, ARRIVALS, period=P, group_by="chain")
    assert [r.key for r in rows] == ["chip", "ev"]
    chip, ev = rows
    # chip: L4 (洽谈), L5 (终止); L7 not yet created. Nobody signed at end → no rates.
    assert chip.leads == 2
    assert chip.start_rate == Rate(0, 0, None)
    assert chip.funds_arrival_rate.value is None
    assert chip.contract_fulfilment_rate == Rate(0, 1, 0.0)  # L5 due, unmet
    assert chip.change_vs_previous["start_rate"] is None  # previous had L5 signed: 0/1
    # ev: L1, L2, L3, L6, L8.
    assert ev.leads == 5
    assert ev.start_rate == Rate(2, 4, 0.5)
    assert ev.contract_fulfilment_rate == Rate(2, 3, 0.6667)  # L1 late; L3, L8 on time


def test_group_by_team() -> None:
    rows = _rows("team")
    assert list(rows) == sorted([JD, B1, B2, ZS])
    # 尖刀班: L1, L3 — both started; funds (5000+7000)/(20000+8000).
    assert rows[JD].leads == 2
    assert rows[JD].start_rate == Rate(2, 2, 1.0)
    assert rows[JD].funds_arrival_rate == Rate(12_000, 28_000, 0.4286)
    assert rows[JD].reached_counts[S.construction_started] == 1
    # 一分局: L2, L8 — signed, none started; L2 newly signed 60000.
    assert rows[B1].start_rate == Rate(0, 2, 0.0)
    assert rows[B1].signed_contracted_wan == 60_000
    assert rows[B1].funds_arrival_rate == Rate(6_000, 72_000, 0.0833)
    assert rows[B2].leads == 2 and rows[ZS].leads == 1


def test_group_by_owner() -> None:
    rows = _rows("owner")
    assert set(rows) == {"张三", "王五", "李四", "赵六", "孙七"}
    assert rows["张三"].leads == 1  # L1 only: L7 is not yet created
    assert rows["王五"].reached_counts[S.in_production] == 1
    assert rows["李四"].stage_counts[S.signed] == 2


def test_group_by_leader_keeps_unclaimed_last() -> None:
    rows = metrics(LEADS, CHANGES, ARRIVALS, period=P, group_by="leader")
    assert [r.key for r in rows] == [*sorted(["李市长", "王书记"]), None]
    by = {r.key: r for r in rows}
    # 李市长: L1, L2, L8 signed; L1 started; funds (5000+6000+0)/(20000+60000+12000).
    assert by["李市长"].start_rate == Rate(1, 3, 0.3333)
    assert by["李市长"].funds_arrival_rate == Rate(11_000, 92_000, 0.1196)
    # 王书记: L3 and L5; fulfilment L3 on time, L5 not.
    assert by["王书记"].contract_fulfilment_rate == Rate(1, 2, 0.5)
    assert by[None].leads == 2  # L4, L6


def test_scoreboard_by_team() -> None:
    board = scoreboard(metrics(LEADS, CHANGES, ARRIVALS, period=P, group_by="team"))
    # 一分局 signed 60000 this period; 尖刀班 signed nothing new but started one (L1);
    # 二分局 and 招商局 tie at zero and go by name.
    assert [(r.rank, r.key) for r in board] == [(1, B1), (2, JD), (3, B2), (4, ZS)]
    assert board[0].signed == 1 and board[0].signed_contracted_wan == 60_000
    assert board[1].started == 1


def test_scoreboard_by_leader_leaves_out_unclaimed() -> None:
    board = scoreboard(metrics(LEADS, CHANGES, ARRIVALS, period=P, group_by="leader"))
    assert [(r.rank, r.key) for r in board] == [(1, "李市长"), (2, "王书记")]


def test_scoreboard_rejects_mixed_groupings() -> None:
    rows = metrics(LEADS, CHANGES, ARRIVALS, period=P, group_by="team")
    rows += metrics(LEADS, CHANGES, ARRIVALS, period=P, group_by="chain")
    with pytest.raises(ValueError):
        scoreboard(rows)


def test_no_leads_gives_one_empty_row() -> None:
    [row] = metrics([], [], [], period=P)
    assert row.leads == 0
    assert row.start_rate == Rate(0, 0, None)
    assert row.change_vs_previous["leads"] == 0
    assert row.change_vs_previous["start_rate"] is None


# --- period boundaries -------------------------------------------------------------------


def _one(changed_on: date) -> tuple[list[Lead], list[StageChange]]:
    lead = _lead(
        1, chain="ev", team=JD, owner="张三", leader=None, created=D(2026, 1, 1),
        stage=S.signed, contracted=10_000,
    )  # fmt: skip
    return [lead], [_ch(1, S.negotiation, S.signed, changed_on)]


@pytest.mark.parametrize(
    ("changed_on", "period", "counted"),
    [
        (D(2026, 10, 31), "2026-09", True),  # last day of the period
        (D(2026, 11, 1), "2026-09", False),  # first day of the next
        (D(2026, 11, 1), "2026-11", True),
        (D(2026, 9, 1), "2026-09", True),  # first day
        (D(2026, 8, 31), "2026-09", False),  # last day of the previous
        (D(2026, 8, 31), "2026-07", True),
        (D(2027, 1, 31), "2026-12", True),  # period across the year end
    ],
)
def test_period_boundaries(changed_on: date, period: str, counted: bool) -> None:
    leads, changes = _one(changed_on)
    [row] = metrics(leads, changes, [], period=parse_period(period))
    assert row.reached_counts[S.signed] == int(counted)
    assert row.signed_contracted_wan == (10_000 if counted else 0)


def test_month_periods_work_too() -> None:
    leads, changes = _one(D(2026, 10, 31))
    [sept] = metrics(leads, changes, [], period=parse_month("2026-09"))
    [octo] = metrics(leads, changes, [], period=parse_month("2026-10"))
    assert (sept.reached_counts[S.signed], octo.reached_counts[S.signed]) == (0, 1)
    assert octo.change_vs_previous["reached_signed"] == 1


# --- period parsing ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "start", "end", "label_zh"),
    [
        ("2026-09", D(2026, 9, 1), D(2026, 10, 31), "2026年9—10月"),
        ("2026-11", D(2026, 11, 1), D(2026, 12, 31), "2026年11—12月"),
        ("2026-12", D(2026, 12, 1), D(2027, 1, 31), "2026年12月—2027年1月"),
        ("2028-01", D(2028, 1, 1), D(2028, 2, 29), "2028年1—2月"),
        (" 2026-09 ", D(2026, 9, 1), D(2026, 10, 31), "2026年9—10月"),
    ],
)
def test_parse_period(text: str, start: date, end: date, label_zh: str) -> None:
    p = parse_period(text)
    assert (p.start, p.end, p.label_zh, p.label) == (start, end, label_zh, text.strip())


def test_previous_period() -> None:
    assert parse_period("2026-09").previous() == parse_period("2026-07")
    jan = parse_period("2026-01").previous()
    assert (jan.label, jan.start, jan.end) == ("2025-11", D(2025, 11, 1), D(2025, 12, 31))
    feb = parse_period("2026-02").previous()
    assert (feb.start, feb.end) == (D(2025, 12, 1), D(2026, 1, 31))
    assert parse_month("2026-01").previous().end == D(2025, 12, 31)


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026-00", "2026-9", "202609", "2026/09", "26-09", "", "2026-09-01",
     "２０２６-09", "abcd-ef", "0999-01", "2026年9月"],
)  # fmt: skip
def test_bad_periods_are_rejected_with_a_bilingual_message(text: str) -> None:
    with pytest.raises(InvalidPeriod) as info:
        parse_period(text)
    err = info.value
    assert err.field == "period"
    assert err.code == "invalid_period"
    assert f"「{text}」" in err.message_zh and f"'{text}'" in err.message_en
    with pytest.raises(InvalidPeriod):
        parse_month(text)


def test_bad_month_is_named() -> None:
    with pytest.raises(InvalidPeriod) as info:
        parse_period("2026-13")
    assert "01—12" in info.value.message_zh and "between 01 and 12" in info.value.message_en
