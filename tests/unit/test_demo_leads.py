"""Demo leads: deterministic, spread over stages, chains and teams, valid histories that never
reach past today, and stalls that make every kind of flag fire."""

from __future__ import annotations

import doctest
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta

import pytest

import chainmap.demo_leads as demo_leads
from chainmap.demo import DEMO_JURISDICTION, PUBLIC_SOURCE, generate_demo_enterprises
from chainmap.demo_leads import MAYOR, VICE_MAYORS, demo_teams, generate_demo_leads
from chainmap.domain import Assignment, Chain, Enterprise
from chainmap.matching.classify import classify_all
from chainmap.pipeline import (
    FlagKind,
    FundsArrival,
    Lead,
    Stage,
    StageChange,
    TeamKind,
    apply_funds_arrival,
    at_or_beyond,
    claim_band_of,
    flags,
    metrics,
    parse_period,
    scoreboard,
    stage_rank,
    validate_transition,
)

TODAY = date(2026, 11, 23)
Demo = tuple[list[Lead], list[StageChange], list[FundsArrival]]


@pytest.fixture(scope="module")
def enterprises(library: dict[str, Chain]) -> list[Enterprise]:
    return generate_demo_enterprises(library)


@pytest.fixture(scope="module")
def assignments(library: dict[str, Chain], enterprises: list[Enterprise]) -> list[Assignment]:
    return classify_all(enterprises, library.values())


@pytest.fixture(scope="module")
def demo(
    library: dict[str, Chain], enterprises: list[Enterprise], assignments: list[Assignment]
) -> Demo:
    return generate_demo_leads(
        enterprises=enterprises, assignments=assignments, chains=library, today=TODAY
    )


def test_docstring_examples() -> None:
    result = doctest.testmod(demo_leads, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_deterministic_for_a_seed(
    library: dict[str, Chain],
    enterprises: list[Enterprise],
    assignments: list[Assignment],
    demo: Demo,
) -> None:
    def run(seed: int) -> Demo:
        return generate_demo_leads(
            enterprises=enterprises, assignments=assignments, chains=library, today=TODAY, seed=seed
        )

    assert run(20261123) == demo
    assert run(7)[0] != demo[0]


def test_about_two_hundred_leads_with_ids_in_creation_order(demo: Demo) -> None:
    leads, _, _ = demo
    assert len(leads) == 200
    assert [lead.id for lead in leads] == list(range(1, 201))
    assert [lead.created_on for lead in leads] == sorted(lead.created_on for lead in leads)
    assert min(lead.created_on for lead in leads) >= TODAY - timedelta(days=365)


def test_n_is_respected(
    library: dict[str, Chain], enterprises: list[Enterprise], assignments: list[Assignment]
) -> None:
    leads, _, _ = generate_demo_leads(
        enterprises=enterprises, assignments=assignments, chains=library, today=TODAY, n=60
    )
    assert len(leads) == 60 and {lead.chain_id for lead in leads} == set(library)


def test_spread_over_stages_chains_segments_and_teams(
    demo: Demo, library: dict[str, Chain]
) -> None:
    leads, _, _ = demo
    stages = Counter(lead.stage for lead in leads)
    assert set(stages) == set(Stage)
    early = stages[Stage.clue] + stages[Stage.contact] + stages[Stage.negotiation]
    assert early > 100 and stages[Stage.in_production] < stages[Stage.signed]
    assert 15 <= stages[Stage.dropped] <= 25
    per_chain = Counter(lead.chain_id for lead in leads)
    assert set(per_chain) == set(library) and min(per_chain.values()) >= 25
    assert len({(lead.chain_id, lead.segment_id) for lead in leads}) > 80
    assert {lead.owner_team_kind for lead in leads} == set(TeamKind)
    for lead in leads:
        library[lead.chain_id].segment(lead.segment_id)


def test_one_lead_per_non_local_generated_enterprise(
    demo: Demo, enterprises: list[Enterprise], assignments: list[Assignment]
) -> None:
    leads, _, _ = demo
    assert len({lead.enterprise_id for lead in leads}) == len(leads)
    by_id = {e.id: e for e in enterprises}
    placed = {
        (a.enterprise_id, a.chain_id, a.segment_id) for a in assignments if a.confidence >= 0.5
    }
    for lead in leads:
        ent = by_id[lead.enterprise_id]
        assert lead.enterprise_name == ent.name and ent.source != PUBLIC_SOURCE
        assert not DEMO_JURISDICTION.contains(ent.province, ent.city, ent.district)
        assert (lead.enterprise_id, lead.chain_id, lead.segment_id) in placed


def test_roster_people_and_leaders_are_the_fictional_ones(
    demo: Demo, library: dict[str, Chain]
) -> None:
    leads, changes, _ = demo
    teams = {t.name: t for t in demo_teams(library)}
    assert "头格推进组（新能源汽车链）" in teams
    for lead in leads:
        team = teams[lead.owner_team]
        assert (lead.owner_team_kind, lead.owner_person in team.people) == (team.kind, True)
        assert lead.claimed_by_leader in (None, MAYOR, *VICE_MAYORS)
    people = {p for t in teams.values() for p in t.people}
    assert {c.actor for c in changes} <= people


def test_histories_replay_under_the_pipeline_rules(demo: Demo) -> None:
    leads, changes, _ = demo
    by_lead: dict[int, list[StageChange]] = {}
    for c in changes:
        by_lead.setdefault(c.lead_id, []).append(c)
    assert set(by_lead) == {lead.id for lead in leads}
    for lead in leads:
        first, *rest = by_lead[lead.id]
        assert (first.from_stage, first.to_stage, first.changed_on) == (
            None,
            Stage.clue,
            lead.created_on,
        )
        stage, last = Stage.clue, lead.created_on
        for c in rest:
            assert c.from_stage is stage and c.actor and c.note
            validate_transition(
                lead_stage=stage,
                history_last_date=last,
                to_stage=c.to_stage,
                changed_on=c.changed_on,
                note=c.note,
                today=TODAY,
            )
            stage, last = c.to_stage, c.changed_on
        assert stage is lead.stage
        if stage is Stage.dropped:
            assert lead.dropped_reason == rest[-1].note


def test_backward_moves_and_skips_carry_notes(demo: Demo) -> None:
    _, changes, _ = demo
    steps = [
        stage_rank(c.to_stage) - stage_rank(c.from_stage)
        for c in changes
        if c.from_stage is not None and c.to_stage is not Stage.dropped
    ]
    back = [s for s in steps if s < 0]
    skips = [s for s in steps if s > 1]
    assert len(back) >= 3 and len(skips) >= 3


def test_nothing_is_dated_after_today(demo: Demo) -> None:
    leads, changes, arrivals = demo
    days = [c.changed_on for c in changes] + [a.arrived_on for a in arrivals]
    days += [d for lead in leads for d in (lead.created_on, lead.claimed_on) if d is not None]
    assert max(days) <= TODAY


def test_amounts_claims_and_funds_are_consistent(demo: Demo) -> None:
    leads, changes, arrivals = demo
    reached = {c.lead_id for c in changes if c.to_stage is Stage.construction_started}
    for lead in leads:
        assert lead.planned_investment_wan and lead.planned_investment_wan > 0
        if lead.claimed_by_leader is not None:
            assert lead.claim_band is claim_band_of(lead.planned_investment_wan)
            assert lead.claimed_on is not None and lead.claimed_on >= lead.created_on
        if at_or_beyond(lead.stage, Stage.signed):
            assert lead.contracted_investment_wan and lead.milestone_due_on
        money = [a for a in arrivals if a.lead_id == lead.id]
        assert not money or lead.id in reached
        replayed, _ = replace(lead, funds_arrived_wan=0.0), ()
        for a in money:
            replayed, _ = apply_funds_arrival(replayed, _, a)
        assert replayed.funds_arrived_wan == pytest.approx(lead.funds_arrived_wan)
    assert sum(lead.claimed_by_leader == MAYOR for lead in leads) >= 5
    assert len(arrivals) > 30


def test_every_flag_kind_fires_at_today(demo: Demo) -> None:
    found = flags(*demo, today=TODAY)
    kinds = Counter(f.kind for f in found)
    assert all(kinds[k] >= 3 for k in FlagKind), kinds
    assert len(found) < 40  # stalled on purpose, not across the board


def test_metrics_for_the_last_two_periods(demo: Demo) -> None:
    current = parse_period(f"{TODAY.year}-{TODAY.month - (TODAY.month + 1) % 2:02d}")
    assert current.contains(TODAY)
    for period in (current, current.previous()):
        (row,) = metrics(*demo, period=period)
        assert row.leads > 150 and row.start_rate.value is not None
        assert row.funds_arrival_rate.value is not None
        assert row.contract_fulfilment_rate.value is not None
        assert sum(row.reached_counts.values()) > 0
        board = scoreboard(metrics(*demo, period=period, group_by="team"))
        assert len(board) >= 10
