"""The meeting pack on a small fixture whose every figure is worked out by hand below, its
traceability (each figure back to its leads), the JSON view, and a cross-check against
:func:`chainmap.pipeline.metrics` on random pipelines.

Period ``2026-09`` = 1 Sept – 31 Oct 2026 ("end" = 31 Oct, "before" = 31 Aug); the previous
period ``2026-07`` = 1 July – 31 Aug (its "before" = 30 June). The pack is made on 5 Nov, so
flags are taken as of 31 Oct.
"""

from __future__ import annotations

import ast
import json
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from chainmap.pipeline import (
    FlagKind,
    FlagLevel,
    FundsArrival,
    Lead,
    Rate,
    SizeBand,
    Stage,
    StageChange,
    TeamKind,
    metrics,
    parse_period,
)
from chainmap.report import (
    TRACE_FIGURES,
    FlagThresholds,
    MeetingPack,
    ProgressRow,
    ScoreboardRow,
    build_pack,
    changes_in_period,
    pack_to_dict,
    trace,
)

S = Stage
D = date
JD, B1, TG = "尖刀班", "一分局", "头格推进组"
KIND = {JD: TeamKind.spearhead_team, B1: TeamKind.investment_branch, TG: TeamKind.top_push_group}
CHAINS = {"ev": "新能源汽车", "chip": "集成电路"}
EVIL = '<script>alert("x")</script>芯片公司'
P = parse_period("2026-09")
TODAY = D(2026, 11, 5)


def _lead(
    id: int,
    *,
    chain: str,
    team: str,
    owner: str,
    created: date,
    stage: Stage,
    leader: str | None = None,
    planned: float | None = None,
    contracted: float | None = None,
    due: date | None = None,
    name: str | None = None,
) -> Lead:
    return Lead(
        id=id,
        enterprise_id=100 + id,
        enterprise_name=name or f"企业{id}",
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
    # L1: signed on 15 Sept (in the period); claimed by 李市长; milestone due after the period.
    _lead(1, chain="ev", team=JD, owner="张三", leader="李市长", created=D(2026, 1, 10),
          stage=S.signed, planned=30_000, contracted=25_000, due=D(2026, 12, 31)),
    # L2: 开工 on 20 June, 投产 on the period's last day; milestone (30 June) kept.
    _lead(2, chain="ev", team=B1, owner="李四", created=D(2025, 11, 1),
          stage=S.in_production, planned=8_000, contracted=8_000, due=D(2026, 6, 30)),
    # L3: signed on 1 May, never started: 183 days on 31 Oct → yellow; milestone (31 Aug) missed.
    _lead(3, chain="chip", team=B1, owner="王五", leader="王书记", created=D(2026, 2, 1),
          stage=S.signed, planned=120_000, contracted=150_000, due=D(2026, 8, 31), name=EVIL),
    # L4: claimed, last moved on 31 Aug (into 洽谈): 61 days idle on 31 Oct → yellow.
    _lead(4, chain="chip", team=TG, owner="赵六", leader="李市长", created=D(2026, 3, 1),
          stage=S.negotiation, planned=6_000),
    # L5: created inside the period.
    _lead(5, chain="ev", team=JD, owner="张三", created=D(2026, 9, 20), stage=S.clue,
          planned=500),
    # L6: created after the period: in no figure and no flag.
    _lead(6, chain="chip", team=TG, owner="赵六", created=D(2026, 11, 2), stage=S.clue,
          planned=50_000),
    # L7: started in January, dropped on 10 Oct; its milestone (1 March) was kept.
    _lead(7, chain="ev", team=B1, owner="李四", created=D(2025, 9, 1),
          stage=S.dropped, planned=20_000, contracted=20_000, due=D(2026, 3, 1)),
    # L8: started on 1 July (previous period); funds on 15 July and 1 Sept (60 days: no flag).
    _lead(8, chain="ev", team=JD, owner="孙七", created=D(2025, 12, 1),
          stage=S.construction_started, planned=60_000, contracted=60_000, due=D(2026, 9, 30)),
    # L9: started on 1 Nov 2025 with no funds since: 364 days on 31 Oct → red.
    _lead(9, chain="chip", team=B1, owner="王五", created=D(2025, 6, 1),
          stage=S.construction_started, planned=9_000, contracted=9_000, due=D(2025, 12, 1)),
]
CHANGES = [
    _ch(1, None, S.clue, D(2026, 1, 10)),
    _ch(1, S.clue, S.contact, D(2026, 2, 1)),
    _ch(1, S.contact, S.negotiation, D(2026, 4, 1)),
    _ch(1, S.negotiation, S.signed, D(2026, 9, 15)),
    _ch(2, None, S.clue, D(2025, 11, 1)),
    _ch(2, S.clue, S.negotiation, D(2025, 12, 1), "老客户"),
    _ch(2, S.negotiation, S.signed, D(2026, 3, 1)),
    _ch(2, S.signed, S.construction_started, D(2026, 6, 20), "租用标准厂房"),
    _ch(2, S.construction_started, S.in_statistics, D(2026, 10, 31)),
    _ch(2, S.in_statistics, S.in_production, D(2026, 10, 31)),
    _ch(3, None, S.clue, D(2026, 2, 1)),
    _ch(3, S.clue, S.negotiation, D(2026, 3, 1), "领导带队"),
    _ch(3, S.negotiation, S.signed, D(2026, 5, 1)),
    _ch(4, None, S.clue, D(2026, 3, 1)),
    _ch(4, S.clue, S.contact, D(2026, 4, 1)),
    _ch(4, S.contact, S.negotiation, D(2026, 8, 31)),
    _ch(5, None, S.clue, D(2026, 9, 20)),
    _ch(6, None, S.clue, D(2026, 11, 2)),
    _ch(7, None, S.clue, D(2025, 9, 1)),
    _ch(7, S.clue, S.signed, D(2025, 10, 1), "以商招商"),
    _ch(7, S.signed, S.construction_started, D(2026, 1, 15), "厂房代建"),
    _ch(7, S.construction_started, S.dropped, D(2026, 10, 10), "企业战略调整"),
    _ch(8, None, S.clue, D(2025, 12, 1)),
    _ch(8, S.clue, S.negotiation, D(2026, 1, 5), "熟人介绍"),
    _ch(8, S.negotiation, S.signed, D(2026, 2, 1)),
    _ch(8, S.signed, S.land_supplied, D(2026, 4, 1)),
    _ch(8, S.land_supplied, S.construction_started, D(2026, 7, 1)),
    _ch(9, None, S.clue, D(2025, 6, 1)),
    _ch(9, S.clue, S.signed, D(2025, 7, 1), "快速签约"),
    _ch(9, S.signed, S.construction_started, D(2025, 11, 1)),
]
ARRIVALS = [
    _in(1, 5_000, D(2026, 10, 10)),
    _in(2, 3_000, D(2026, 4, 1)),
    _in(2, 2_000, D(2026, 9, 5)),
    _in(7, 4_000, D(2026, 2, 1)),
    _in(8, 10_000, D(2026, 7, 15)),
    _in(8, 5_000, D(2026, 9, 1)),
]
# fmt: on


def small_pack(**overrides: object) -> MeetingPack:
    args: dict[str, object] = dict(
        leads=LEADS, changes=CHANGES, arrivals=ARRIVALS, period=P, today=TODAY, chain_names=CHAINS
    )
    args.update(overrides)
    return build_pack(**args)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def pack() -> MeetingPack:
    return small_pack()


def _counts(**kw: int) -> dict[Stage, int]:
    return {s: kw.get(s.value, 0) for s in Stage}


def _bands(a: int, b: int, c: int, d: int) -> dict[SizeBand, int]:
    return dict(zip(SizeBand, (a, b, c, d), strict=True))


# --- the figures -------------------------------------------------------------------------


def test_period_and_dates(pack: MeetingPack) -> None:
    assert (pack.period.label, pack.period.label_zh) == ("2026-09", "2026年9—10月")
    assert pack.previous.label == "2026-07"
    assert pack.generated_on == TODAY
    assert pack.flags_as_of == D(2026, 10, 31)  # the period's end, not the day it is made


def test_overall_stage_and_reached_counts(pack: MeetingPack) -> None:
    m = pack.overall.metrics
    assert pack.overall.label == "合计" and pack.overall.group_by is None
    # L6 is created after 31 Oct: 8 leads.
    assert m.leads == 8
    # End of 31 Oct: L5 线索, L4 洽谈, L1 L3 签约, L8 L9 开工, L2 投产, L7 终止.
    assert m.stage_counts == _counts(
        clue=1, negotiation=1, signed=2, construction_started=2, in_production=1, dropped=1
    )
    # 31 Aug → 31 Oct: L1 洽谈→签约; L2 开工→投产 (crosses 纳统); L5 new; L7 开工→终止.
    assert m.reached_counts == _counts(
        clue=1, signed=1, in_statistics=1, in_production=1, dropped=1
    )
    assert m.signed_contracted_wan == 25_000  # L1 only


def test_overall_size_bands(pack: MeetingPack) -> None:
    b = pack.overall.metrics.band_counts
    # 洽谈: L4, planned 6000 → ≥1000万, ≥5000万.
    assert b[S.negotiation] == _bands(1, 1, 0, 0)
    # 签约 or beyond: L1 25000, L2 8000, L3 150000, L8 60000, L9 9000 (L7 dropped).
    assert b[S.signed] == _bands(5, 5, 3, 1)
    # 开工 or beyond: L2 8000, L8 60000, L9 9000.
    assert b[S.construction_started] == _bands(3, 3, 1, 0)
    # 竣工 = 投产: L2 8000.
    assert b[S.in_production] == _bands(1, 1, 0, 0)


def test_overall_three_rates(pack: MeetingPack) -> None:
    m = pack.overall.metrics
    # Signed at end: L1 L2 L3 L8 L9; started: L2 L8 L9 → 60 %, which meets the 50 % target.
    assert m.start_rate == Rate(3, 5, 0.6)
    assert pack.overall.start_rate_met is True
    # Funds by 31 Oct: L1 5000 + L2 5000 + L8 15000 = 25000 over 25000+8000+150000+60000+9000.
    assert m.funds_arrival_rate == Rate(25_000, 252_000, 0.0992)
    # In the period, for those leads: L1 5000 (10 Oct), L2 2000 (5 Sept), L8 5000 (1 Sept).
    assert m.funds_arrived_in_period_wan == 12_000
    # Due by 31 Oct among ever-signed: L2, L3, L7, L8, L9; on time: all but L3.
    assert m.contract_fulfilment_rate == Rate(4, 5, 0.8)


def test_change_vs_previous(pack: MeetingPack) -> None:
    # Previous period (end 31 Aug, 7 leads): only L8 newly started; funds in it: L8 10000;
    # start 4/5 (L2 L7 L8 L9 of L2 L3 L7 L8 L9); funds 17000/247000 = 0.0688;
    # fulfilment 3/4 (L2 L7 L9 of L2 L3 L7 L9).
    assert pack.overall.metrics.change_vs_previous == {
        "leads": 1,
        "reached_signed": 1,
        "reached_construction_started": -1,
        "reached_in_production": 1,
        "signed_contracted_wan": 25_000,
        "funds_arrived_in_period_wan": 2_000,
        "contract_fulfilment_rate": 0.05,
        "funds_arrival_rate": pytest.approx(0.0304),
        "start_rate": -0.2,
    }


def test_progress_by_chain(pack: MeetingPack) -> None:
    rows = pack.progress_by_chain
    assert [(r.key, r.label) for r in rows] == [("chip", "集成电路"), ("ev", "新能源汽车")]
    chip, ev = rows
    # chip: L3 (签约), L4 (洽谈), L9 (开工); L6 not yet created.
    assert chip.lead_ids == (3, 4, 9)
    assert chip.metrics.start_rate == Rate(1, 2, 0.5)
    assert chip.start_rate_met is True  # exactly 50 % counts
    assert chip.metrics.contract_fulfilment_rate == Rate(1, 2, 0.5)  # L9 kept, L3 not
    assert chip.metrics.funds_arrival_rate == Rate(0, 159_000, 0.0)
    # ev: L1, L2, L5, L7, L8.
    assert ev.lead_ids == (1, 2, 5, 7, 8)
    assert ev.metrics.start_rate == Rate(2, 3, 0.6667)
    assert ev.metrics.contract_fulfilment_rate == Rate(3, 3, 1.0)
    assert ev.metrics.funds_arrival_rate == Rate(25_000, 93_000, 0.2688)
    assert ev.metrics.signed_contracted_wan == 25_000


def test_progress_by_team(pack: MeetingPack) -> None:
    rows = {r.key: r for r in pack.progress_by_team}
    assert [r.key for r in pack.progress_by_team] == sorted([JD, B1, TG])
    assert rows[B1].lead_ids == (2, 3, 7, 9)
    assert rows[B1].team_kind is TeamKind.investment_branch
    # 一分局: signed L2 L3 L9 (L7 dropped), started L2 L9; funds 5000 / 167000.
    assert rows[B1].metrics.start_rate == Rate(2, 3, 0.6667)
    assert rows[B1].metrics.funds_arrival_rate == Rate(5_000, 167_000, 0.0299)
    # 尖刀班: L1 L5 L8; signed L1 L8, started L8 → 50 %.
    assert rows[JD].lead_ids == (1, 5, 8)
    assert rows[JD].metrics.start_rate == Rate(1, 2, 0.5)
    # 头格推进组: L4 only, nothing signed: no rate, so no verdict on the target.
    assert rows[TG].metrics.start_rate == Rate(0, 0, None)
    assert rows[TG].start_rate_met is None


def test_scoreboards(pack: MeetingPack) -> None:
    # 尖刀班 newly signed 25000; 一分局 and 头格推进组 tie at 0 and go by name.
    teams = [(r.score.rank, r.score.key, r.label) for r in pack.scoreboard_teams]
    assert teams == [(1, JD, JD), (2, B1, B1), (3, TG, TG)]
    assert pack.scoreboard_teams[0].score.signed_contracted_wan == 25_000
    assert pack.scoreboard_teams[0].lead_ids == (1, 5, 8)
    # Leaders: 李市长 (L1 signed 25000, L4) ahead of 王书记 (L3); unclaimed leads left out.
    leaders = [(r.score.rank, r.score.key, r.lead_ids) for r in pack.scoreboard_leaders]
    assert leaders == [(1, "李市长", (1, 4)), (2, "王书记", (3,))]
    assert pack.scoreboard_leaders[0].team_kind is None


def test_flags_name_the_owner(pack: MeetingPack) -> None:
    got = [(f.lead_id, f.level, f.kind, f.days, f.owner_team, f.owner_person) for f in pack.flags]
    assert got == [
        (9, FlagLevel.red, FlagKind.started_no_funds, 364, B1, "王五"),
        (3, FlagLevel.yellow, FlagKind.signed_not_started, 183, B1, "王五"),
        (4, FlagLevel.yellow, FlagKind.claim_idle, 61, TG, "赵六"),
    ]
    assert pack.flags[1].message_zh == f"一分局王五：{EVIL}签约已 183 天仍未开工"
    assert (
        pack.flags[2].message_zh
        == "头格推进组赵六：企业4（李市长认领）已 61 天无阶段变化，仍在洽谈"
    )
    assert [(s.owner_team, s.red, s.yellow) for s in pack.flag_summary] == [(B1, 1, 1), (TG, 0, 1)]


def test_flags_before_the_period_ends_are_as_of_today() -> None:
    early = small_pack(today=D(2026, 10, 1))
    assert early.flags_as_of == D(2026, 10, 1)
    # L9: 1 Nov 2025 → 1 Oct 2026 is 334 days; L7 is not yet dropped (10 Oct): last funds
    # on 1 Feb, 242 days → red too. L3: 1 May → 1 Oct is 153 (no flag); L4 idle 31 days.
    got = [(f.lead_id, f.level, f.days) for f in early.flags]
    assert got == [(9, FlagLevel.red, 334), (7, FlagLevel.red, 242)]


def test_thresholds_are_passed_through() -> None:
    strict = small_pack(thresholds=FlagThresholds(signed_not_started_days=30, red_factor=2.0))
    # L1: signed 15 Sept → 46 days > 30 (yellow); L3: 183 > 60 (red).
    got = {f.lead_id: f.level for f in strict.flags if f.kind is FlagKind.signed_not_started}
    assert got == {1: FlagLevel.yellow, 3: FlagLevel.red}
    assert "超过 30 天" in next(d.text_zh for d in strict.definitions if d.id == "flags")


def test_definitions_cover_the_three_rates(pack: MeetingPack) -> None:
    text = {d.id: d for d in pack.definitions}
    assert {"contract_fulfilment_rate", "funds_arrival_rate", "start_rate"} <= set(text)
    assert text["start_rate"].label_zh == "项目开工率" and "50%" in text["start_rate"].text_zh
    assert "2026-09-01 至 2026-10-31" in text["period"].text_zh


# --- traceability ------------------------------------------------------------------------


def test_trace_names_the_leads_behind_each_figure(pack: MeetingPack) -> None:
    o = pack.overall
    assert o.lead_ids == (1, 2, 3, 4, 5, 7, 8, 9)
    assert trace(pack, o, "start_rate.denominator") == (1, 2, 3, 8, 9)
    assert trace(pack, o, "start_rate.numerator") == (2, 8, 9)
    assert trace(pack, o, "contract_fulfilment_rate.denominator") == (2, 3, 7, 8, 9)
    assert trace(pack, o, "contract_fulfilment_rate.numerator") == (2, 7, 8, 9)
    assert trace(pack, o, "funds_arrival_rate.numerator") == (1, 2, 8)
    assert trace(pack, o, "funds_arrived_in_period_wan") == (1, 2, 8)
    assert trace(pack, o, "signed_contracted_wan") == (1,)
    assert trace(pack, o, "reached_counts.signed") == (1,)
    assert trace(pack, o, "reached_counts.dropped") == (7,)
    assert trace(pack, o, "stage_counts.construction_started") == (8, 9)
    assert trace(pack, o, "band_counts.signed.ge_1yi") == (1, 3, 8)
    chip = pack.progress_by_chain[0]
    assert trace(pack, chip, "contract_fulfilment_rate.numerator") == (9,)
    with pytest.raises(KeyError):
        trace(pack, o, "band_counts.signed.ge_2yi")


def test_stage_changes_behind_a_lead(pack: MeetingPack) -> None:
    moves = [(c.from_stage, c.to_stage, c.changed_on) for c in changes_in_period(pack, 2)]
    assert moves == [
        (S.construction_started, S.in_statistics, D(2026, 10, 31)),
        (S.in_statistics, S.in_production, D(2026, 10, 31)),
    ]
    assert changes_in_period(pack, 3) == ()
    f = pack.figures[2]
    assert (f.stage_before, f.stage_at_end) == (S.construction_started, S.in_production)


def _assert_traceable(pack: MeetingPack) -> None:
    """Every count is the number of leads traced; every amount their sum."""
    rows: list[ProgressRow | ScoreboardRow] = [pack.overall, *pack.progress_by_chain]
    rows += [*pack.progress_by_team, *pack.scoreboard_teams, *pack.scoreboard_leaders]
    for row in rows:
        m = row.metrics
        for figure in TRACE_FIGURES:
            ids = trace(pack, row, figure)
            name, _, rest = figure.partition(".")
            if name == "stage_counts":
                assert len(ids) == m.stage_counts[Stage(rest)], figure
            elif name == "reached_counts":
                assert len(ids) == m.reached_counts[Stage(rest)], figure
            elif name == "band_counts":
                milestone, _, band = rest.partition(".")
                assert len(ids) == m.band_counts[Stage(milestone)][SizeBand(band)], figure
            elif figure == "leads":
                assert len(ids) == m.leads
        figs = [pack.figures[i] for i in row.lead_ids]
        signed = [f for f in figs if f.signed]
        assert m.signed_contracted_wan == pytest.approx(
            sum(f.contracted_wan for f in figs if f.newly_signed)
        )
        assert m.funds_arrived_in_period_wan == pytest.approx(
            sum(f.funds_in_period_wan for f in signed)
        )
        assert m.funds_arrival_rate.numerator == pytest.approx(
            sum(f.funds_by_end_wan for f in signed)
        )
        assert m.start_rate.numerator == len(trace(pack, row, "start_rate.numerator"))
        assert m.start_rate.denominator == len(trace(pack, row, "start_rate.denominator"))
        fulfil = m.contract_fulfilment_rate
        assert fulfil.numerator == len(trace(pack, row, "contract_fulfilment_rate.numerator"))
    # Chains and teams each split all the leads, once each.
    for rows_ in (pack.progress_by_chain, pack.progress_by_team):
        split = sorted(i for r in rows_ for i in r.lead_ids)
        assert split == sorted(pack.overall.lead_ids)


def test_every_figure_traces_to_its_leads(pack: MeetingPack) -> None:
    _assert_traceable(pack)


def _random_pipeline(seed: int, n: int) -> tuple[list[Lead], list[StageChange], list[FundsArrival]]:
    rng = random.Random(seed)
    order = [s for s in Stage if s is not Stage.dropped]
    leads, changes, arrivals = [], [], []
    for i in range(1, n + 1):
        created = D(2025, 6, 1) + timedelta(days=rng.randrange(520))
        stage, day = Stage.clue, created
        changes.append(_ch(i, None, Stage.clue, created))
        for _ in range(rng.randrange(7)):
            day += timedelta(days=rng.choice([0, 5, 20, 45]))
            to = rng.choice([*order, Stage.dropped])
            if to is not stage:
                changes.append(_ch(i, stage, to, day, "说明"))
                stage = to
        planned = rng.choice([None, 800.0, 3_000.0, 12_345.67, 250_000.0])
        contracted = rng.choice([None, planned, 7_500.5]) if planned else None
        for _ in range(rng.randrange(3)):
            arrivals.append(
                _in(i, rng.choice([100.25, 2_000.0]), created + timedelta(days=rng.randrange(500)))
            )
        team = rng.choice([JD, B1, TG])
        lead = _lead(i, chain=rng.choice(["ev", "chip", "bio"]), team=team, owner=rng.choice("甲乙丙"),
                     leader=rng.choice([None, None, "李市长", "王书记"]), created=created, stage=stage,
                     planned=planned, contracted=contracted,
                     due=rng.choice([None, created + timedelta(days=rng.randrange(400))]))  # fmt: skip
        leads.append(lead)
    rng.shuffle(changes)
    return leads, changes, arrivals


@pytest.mark.parametrize("seed", range(4))
def test_pack_agrees_with_pipeline_metrics(seed: int) -> None:
    leads, changes, arrivals = _random_pipeline(seed, 150)
    pack = build_pack(leads=leads, changes=changes, arrivals=arrivals, period=P, today=TODAY,
                      chain_names={})  # fmt: skip
    assert pack.overall.metrics == metrics(leads, changes, arrivals, period=P)[0]
    for group_by, rows in (("chain", pack.progress_by_chain), ("team", pack.progress_by_team)):
        expected = metrics(leads, changes, arrivals, period=P, group_by=group_by)  # type: ignore[arg-type]
        assert [r.metrics for r in rows] == expected
    _assert_traceable(pack)


# --- JSON --------------------------------------------------------------------------------


def test_json_view(pack: MeetingPack) -> None:
    data = json.loads(json.dumps(pack_to_dict(pack), ensure_ascii=False))
    assert data["period"] == {
        "label": "2026-09",
        "label_zh": "2026年9—10月",
        "start": "2026-09-01",
        "end": "2026-10-31",
    }
    assert data["labels"]["stages"]["signed"] == "签约"
    assert data["labels"]["milestones"]["in_production"] == "竣工"
    overall = data["overall"]
    assert overall["label"] == "合计" and overall["leads"] == 8
    assert overall["stage_counts"]["construction_started"] == 2
    assert overall["band_counts"]["signed"]["ge_10yi"] == 1
    assert overall["start_rate"] == {
        "label": "项目开工率",
        "numerator": 3,
        "denominator": 5,
        "value": 0.6,
    }
    assert overall["start_rate_met"] is True
    assert overall["lead_ids"] == [1, 2, 3, 4, 5, 7, 8, 9]
    team = data["progress_by_team"][0]
    assert (team["key"], team["team_kind"], team["team_kind_label"]) == (
        B1,
        "investment_branch",
        "专业招商分局",
    )
    assert [r["key"] for r in data["scoreboard"]["leaders"]] == ["李市长", "王书记"]
    red = data["flags"][0]
    assert (red["level"], red["level_label"], red["kind_label"]) == (
        "red",
        "红牌",
        "开工后资金未到位",
    )
    assert (red["owner_team"], red["owner_person"], red["chain_label"]) == (B1, "王五", "集成电路")
    assert data["leads"] is None
    assert [d["id"] for d in data["definitions"]][:2] == ["period", "stage_counts"]


def test_json_detail_recounts_any_figure(pack: MeetingPack) -> None:
    data = pack_to_dict(pack, detail=True)
    leads = {d["lead_id"]: d for d in data["leads"]}
    assert sorted(leads) == [1, 2, 3, 4, 5, 7, 8, 9]
    assert leads[2]["changes_in_period"][-1] == {
        "from_stage": "in_statistics",
        "to_stage": "in_production",
        "changed_on": "2026-10-31",
        "actor": "录入员",
        "note": None,
    }
    ev = data["progress_by_chain"][1]
    started = [i for i in ev["lead_ids"] if leads[i]["started"]]
    assert len(started) == ev["start_rate"]["numerator"] == 2


# --- purity ------------------------------------------------------------------------------


def test_pack_module_is_pure() -> None:
    path = Path(__file__).resolve().parents[2] / "chainmap" / "report" / "pack.py"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    banned = ("openpyxl", "jinja2", "sqlalchemy", "chainmap.store", "chainmap.settings", "api")
    assert not [n for n in names for b in banned if n == b or n.startswith(b + ".")]


def test_a_pack_built_without_the_periods_changes_refuses_the_detail_views() -> None:
    """moves=None (the pack nobody asked details of) must not pass for "nothing moved"."""
    from chainmap.pipeline import parse_period
    from chainmap.pipeline.digest import no_history
    from chainmap.report.pack import build_pack_from_digests, changes_in_period, pack_to_dict

    team = next(iter(KIND))
    lead = _lead(1, chain="ev", team=team, owner="张三", created=date(2026, 1, 5), stage=Stage.clue)
    pack = build_pack_from_digests(
        leads=[lead],
        arrivals={},
        digests={1: no_history(1, Stage.clue)},
        moves=None,
        period=parse_period("2026-09"),
        today=date(2026, 11, 5),
        chain_names={},
    )
    assert pack_to_dict(pack)["overall"]["lead_ids"] == [1]
    with pytest.raises(ValueError, match="without the period's stage changes"):
        changes_in_period(pack, 1)
    with pytest.raises(ValueError):
        pack_to_dict(pack, detail=True)
