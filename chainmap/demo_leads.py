"""Demo leads: a year of the demo city's investment-promotion pipeline (招商线索), for the meeting
pack, the scoreboard and the flags to have something to show.

Pure and deterministic like :mod:`chainmap.demo`: the same enterprises, assignments, chains,
``today`` and seed give the same leads; randomness comes only from ``random.Random(seed)``.
Targets are non-local generated enterprises assigned (confidence ≥ 0.5) to a chain's segments,
segments with the fewest local firms first (the gaps a city recruits for), one lead per
enterprise. The real listed companies of the demo library are never used: the stalls and
drop reasons below are invented, and must not be read as facts about a real company.

Every team, person and leader is fictional (:func:`demo_teams`). Stages follow a realistic mix
(many 线索/接触/洽谈, fewer 签约 … 投产, about 10% 终止 with a reason); every history is valid
under :func:`chainmap.pipeline.validate_transition` — never dated after ``today``, never going
backwards, skips (供地 for a factory move-in, 接触 for an enterprise that came to the city)
and a few backward moves carry notes. A share of leads is stalled on purpose, so that each
kind of flag fires several times at ``today`` with the default thresholds:
签约 more than 180 days ago and not started, claimed and idle for more than 60 days, started
with no funds for more than 90 days.

Example::

    >>> leads, changes, arrivals = generate_demo_leads(enterprises=ents,  # doctest: +SKIP
    ...     assignments=classify_all(ents, lib.values()), chains=lib, today=date(2026, 11, 23))
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from chainmap.demo import DEMO_JURISDICTION, PUBLIC_SOURCE
from chainmap.domain import Assignment, Chain, Enterprise, Jurisdiction
from chainmap.pipeline import (
    STAGE_ORDER,
    ClaimBand,
    FundsArrival,
    Lead,
    Stage,
    StageChange,
    TeamKind,
    at_or_beyond,
    claim_band_of,
    stage_rank,
)

MIN_CONFIDENCE = 0.5
DAYS_BACK = 365
MAYOR = "王市长"
VICE_MAYORS = ("刘副市长", "陈副市长", "赵副市长")
_PEOPLE = (
    "张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "吴婷", "徐刚", "孙丽",
    "朱琳", "胡斌", "郭强", "何雪", "高峰", "林涛", "梁爽", "宋佳", "郑浩", "韩冰", "冯军",
    "于洋", "董丽", "程亮", "袁野", "傅宇", "蒋睿", "田甜", "谭晓", "邹宁", "魏东", "彭程",
    "吕洁", "苏晴", "卢凯", "丁悦", "沈涵", "叶舟", "任远",
)  # fmt: skip
"""Fictional staff: very common full names, no real person meant."""

# Final stage mix (weights, out of 100): most leads are early, about 10% are dropped.
_STAGE_MIX: tuple[tuple[Stage, int], ...] = (
    (Stage.clue, 22), (Stage.contact, 18), (Stage.negotiation, 20), (Stage.signed, 10),
    (Stage.land_supplied, 5), (Stage.construction_started, 8), (Stage.in_statistics, 4),
    (Stage.in_production, 3), (Stage.dropped, 10),
)  # fmt: skip
# Planned investment (万元) ranges and weights: ≥50亿, ≥10亿, ≥5亿, ≥1亿, below 1亿.
_SIZES = ((500_000, 1_200_000, 4), (100_000, 450_000, 14), (50_000, 95_000, 20),
          (10_000, 48_000, 37), (2_000, 9_500, 25))  # fmt: skip
_GAP_DAYS: dict[Stage, tuple[int, int]] = {
    Stage.contact: (7, 40), Stage.negotiation: (14, 60), Stage.signed: (20, 90),
    Stage.land_supplied: (15, 75), Stage.construction_started: (15, 60),
    Stage.in_statistics: (45, 120), Stage.in_production: (30, 100), Stage.dropped: (10, 60),
}  # fmt: skip
# Early and dropped leads are dated forward from a creation day anywhere in the year; later
# ones back from their last change, this many days ago, so that they stall only on purpose.
_FROM_CREATION = (Stage.clue, Stage.contact, Stage.negotiation, Stage.dropped)
_IDLE_DAYS: dict[Stage, tuple[int, int]] = {
    Stage.signed: (10, 160), Stage.land_supplied: (5, 80), Stage.construction_started: (10, 220),
    Stage.in_statistics: (10, 150), Stage.in_production: (5, 120),
}  # fmt: skip
_NOTES: dict[Stage, tuple[str, ...]] = {
    Stage.clue: ("录入线索：产业链图谱缺环推荐", "录入线索：以商招商，本地配套企业引荐",
                 "录入线索：展会对接", "录入线索：商协会推荐", "录入线索：企业主动来访"),
    Stage.contact: ("首次拜访企业总部", "电话对接企业负责人", "赴企业考察交流"),
    Stage.negotiation: ("企业来示范市实地考察", "企业提交投资意向书", "商谈投资方案及要素保障"),
    Stage.signed: ("签订投资协议", "签订正式投资合同"),
    Stage.land_supplied: ("土地摘牌，完成供地", "签订土地出让合同"),
    Stage.construction_started: ("项目开工", "举行开工仪式"),
    Stage.in_statistics: ("纳入规上工业统计",),
    Stage.in_production: ("竣工投产", "首条产线投产"),
}  # fmt: skip
_DROP_REASONS = (
    "企业投资计划调整，项目暂缓", "企业最终选址外地（竞争城市政策更优）",
    "用地指标与企业需求不匹配", "企业经营困难，取消扩产计划", "能耗指标不满足项目要求",
    "企业被并购，投资决策冻结",
)  # fmt: skip
_DROP_FROM = ((Stage.clue, 20), (Stage.contact, 30), (Stage.negotiation, 40), (Stage.signed, 10))
_PARKS = ("高新区", "经开区", "临港新区")


@dataclass(frozen=True, slots=True)
class DemoTeam:
    """A team on the demo roster; a 头格推进组 works one chain."""

    name: str
    kind: TeamKind
    people: tuple[str, ...]
    chain_id: str | None = None


def _short(chain: Chain) -> str:
    """新能源汽车 for 新能源汽车及动力电池: the name, or the first short Chinese alias."""
    name = re.sub(r"[（(].*?[)）]", "", chain.name)
    if len(name) <= 4:
        return name
    aliases = [a for a in chain.aliases if not a.isascii() and not a.endswith("链")]
    return next((a for a in aliases if len(a) <= 6), name)


def demo_teams(chains: Mapping[str, Chain]) -> tuple[DemoTeam, ...]:
    """The roster: a 头格推进组 per chain, 尖刀班一组/二组, 专业招商一…四分局, 发改委 and 工信局.

    >>> [t.name for t in demo_teams({})]
    ['尖刀班一组', '尖刀班二组', '专业招商一分局', '专业招商二分局', '专业招商三分局', \
'专业招商四分局', '发改委', '工信局']
    """
    k = 0

    def take(n: int) -> tuple[str, ...]:
        nonlocal k
        k += n
        return tuple(_PEOPLE[(k - n + i) % len(_PEOPLE)] for i in range(n))

    spear = [DemoTeam(f"尖刀班{n}组", TeamKind.spearhead_team, take(2)) for n in "一二"]
    branch = [DemoTeam(f"专业招商{n}分局", TeamKind.investment_branch, take(3)) for n in "一二三四"]
    dept = [DemoTeam(d, TeamKind.department, take(2)) for d in ("发改委", "工信局")]
    top = [
        DemoTeam(f"头格推进组（{_short(chains[c])}链）", TeamKind.top_push_group, take(2), c)
        for c in sorted(chains)
    ]
    return (*top, *spear, *branch, *dept)


@dataclass(slots=True)
class _Plan:
    """One lead while it is being made; dates are filled in by :func:`_date_steps`."""

    enterprise: Enterprise
    chain_id: str
    segment_id: str
    final: Stage
    planned: float
    stall: str | None = None  # "signed" / "claim" / "funds"
    back: bool = False  # moves back from 洽谈 to 接触 once, with a note
    steps: list[tuple[Stage, str]] = field(default_factory=list)  # (to stage, note)
    dates: list[date] = field(default_factory=list)  # creation, then one per step


def _quota(weights: Sequence[int], n: int) -> list[int]:
    """n split by weights (largest remainder), deterministic."""
    total = sum(weights)
    raw = [w * n / total for w in weights]
    out = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))[: n - sum(out)]:
        out[i] += 1
    return out


def _targets(
    enterprises: Sequence[Enterprise],
    assignments: Sequence[Assignment],
    chains: Mapping[str, Chain],
    jurisdiction: Jurisdiction,
    rng: random.Random,
    n: int,
) -> list[tuple[Enterprise, str, str]]:
    """(enterprise, chain, segment) for up to n leads, spread over chains and segments."""
    local = {e.id for e in enterprises if jurisdiction.contains(e.province, e.city, e.district)}
    usable = {e.id: e for e in enterprises if e.id not in local and e.source != PUBLIC_SOURCE}
    best: dict[int, Assignment] = {}
    local_count: dict[tuple[str, str], int] = {}
    for a in assignments:
        if a.confidence < MIN_CONFIDENCE or a.chain_id not in chains:
            continue
        if a.enterprise_id in local:
            key = (a.chain_id, a.segment_id)
            local_count[key] = local_count.get(key, 0) + 1
        elif a.enterprise_id in usable:
            old = best.get(a.enterprise_id)
            rank = (-a.confidence, a.chain_id, a.segment_id)
            if old is None or rank < (-old.confidence, old.chain_id, old.segment_id):
                best[a.enterprise_id] = a
    pools: dict[str, dict[str, list[int]]] = {c: {} for c in sorted(chains)}
    for eid in sorted(best):
        a = best[eid]
        pools[a.chain_id].setdefault(a.segment_id, []).append(eid)
    queues: dict[str, list[tuple[int, str]]] = {}
    for cid, segs in pools.items():
        order = sorted(segs, key=lambda s: (local_count.get((cid, s), 0), rng.random()))
        for s in order:
            rng.shuffle(segs[s])
        rounds = max((len(v) for v in segs.values()), default=0)
        queues[cid] = [(segs[s][r], s) for r in range(rounds) for s in order if r < len(segs[s])]
    out: list[tuple[Enterprise, str, str]] = []
    cids = [c for c in sorted(queues) if queues[c]]
    taken = dict.fromkeys(cids, 0)
    while len(out) < n and cids:  # round-robin over chains: even spread, fewest locals first
        for cid in list(cids):
            if len(out) == n:
                break
            eid, sid = queues[cid][taken[cid]]
            out.append((usable[eid], cid, sid))
            taken[cid] += 1
            if taken[cid] == len(queues[cid]):
                cids.remove(cid)
    return out


def _weighted(rng: random.Random, table: Sequence[tuple[Stage, int]]) -> Stage:
    return rng.choices([s for s, _ in table], weights=[w for _, w in table])[0]


def _path(rng: random.Random, p: _Plan) -> None:
    """The steps from 线索 to the final stage, with skips and backward moves noted."""
    end = _weighted(rng, _DROP_FROM) if p.final is Stage.dropped else p.final
    stages = list(STAGE_ORDER[1 : stage_rank(end) + 1])
    notes = {s: rng.choice(_NOTES[s]) for s in stages}
    if Stage.construction_started in stages and rng.random() < 0.3:
        stages.remove(Stage.land_supplied)
        notes[Stage.construction_started] = "入驻标准厂房，无需供地，签约后直接开工"
    if Stage.negotiation in stages and not p.back and rng.random() < 0.08:
        stages.remove(Stage.contact)
        notes[Stage.negotiation] = "企业主动来访对接，直接进入洽谈"
    p.steps = [(s, notes[s]) for s in stages]
    if p.back:
        i = stages.index(Stage.negotiation) + 1
        p.steps[i:i] = [
            (Stage.contact, "企业决策层调整，退回接触阶段重新对接"),
            (Stage.negotiation, "企业新管理层确认投资意向，重新洽谈"),
        ]
    if p.final is Stage.dropped:
        p.steps.append((Stage.dropped, rng.choice(_DROP_REASONS)))


def _shrink(gaps: list[int], room: int) -> list[int]:
    total = sum(gaps)
    return gaps if total <= room else [g * max(room, 0) // total for g in gaps]


def _date_steps(rng: random.Random, p: _Plan, today: date) -> None:
    """Dates for creation and each step, anchored on the step a stall is about (or the last)."""
    gaps = [rng.randint(*_GAP_DAYS[s]) for s, _ in p.steps]
    stages = [s for s, _ in p.steps]
    if p.stall == "signed":
        anchor, on = stages.index(Stage.signed) + 1, today - timedelta(rng.randint(190, 300))
    elif p.stall == "funds":
        i = stages.index(Stage.construction_started) + 1
        anchor, on = i, today - timedelta(rng.randint(100, 260))
    elif p.stall == "claim":
        anchor, on = len(stages), today - timedelta(rng.randint(65, 130))
    elif p.final in _FROM_CREATION:
        anchor, on = 0, today - timedelta(rng.randint(1, DAYS_BACK))
    else:
        anchor, on = len(stages), today - timedelta(rng.randint(*_IDLE_DAYS[p.final]))
    earliest = today - timedelta(rng.randint(DAYS_BACK - 60, DAYS_BACK))
    on = max(on, earliest)
    before = _shrink(gaps[:anchor], (on - earliest).days)
    after = _shrink(gaps[anchor:], (today - on).days)
    start = on - timedelta(sum(before))
    p.dates = [start]
    for g in [*before, *after]:
        p.dates.append(p.dates[-1] + timedelta(g))


def _reached(p: _Plan, stage: Stage) -> date | None:
    return next((d for (s, _), d in zip(p.steps, p.dates[1:], strict=True) if s is stage), None)


def _claim(
    rng: random.Random, p: _Plan, today: date, leader: str
) -> tuple[str | None, ClaimBand | None, date | None]:
    """(leader, band, date) of a claim, or Nones. Big projects are always claimed; a claim on
    a lead before 签约 is kept active (taken on within 50 days, or moved since) unless the
    lead is stalled on purpose, and a small quiet lead is simply left unclaimed."""
    band = claim_band_of(p.planned)
    if band is None:
        return None, None, None
    created, last = p.dates[0], p.dates[-1]
    signed = _reached(p, Stage.signed)
    quiet = signed is None and p.final is not Stage.dropped and (today - last).days > 50
    big = band in (ClaimBand.ge_50yi, ClaimBand.ge_10yi)
    chance = 1.0 if big else 0.0 if quiet else 0.8 if band is ClaimBand.ge_5yi else 0.45
    if p.stall != "claim" and rng.random() >= chance:
        return None, None, None
    latest = signed or (last if p.final is Stage.dropped else today)
    claimed = created + timedelta(rng.randint(0, max(0, min(30, (latest - created).days))))
    if p.stall == "claim":
        claimed = min(claimed, last)
    elif quiet and (today - claimed).days > 50:
        claimed = today - timedelta(rng.randint(3, 45))  # taken on by a leader recently
    mayor = band is ClaimBand.ge_50yi or (band is ClaimBand.ge_10yi and rng.random() < 0.4)
    return MAYOR if mayor else leader, band, claimed


def _team(rng: random.Random, p: _Plan, teams: Sequence[DemoTeam], branch: DemoTeam) -> DemoTeam:
    top = next(t for t in teams if t.chain_id == p.chain_id)
    spear = [t for t in teams if t.kind is TeamKind.spearhead_team]
    dept = [t for t in teams if t.kind is TeamKind.department]
    if p.planned >= 100_000:
        options, weights = [top, *spear, branch], [50, 18, 17, 15]
    elif p.planned >= 10_000:
        options, weights = [branch, *spear, top, *dept], [55, 10, 10, 15, 5, 5]
    else:
        options, weights = [branch, *dept], [70, 15, 15]
    return rng.choices(options, weights=weights)[0]


def _funds(
    rng: random.Random, p: _Plan, lead_id: int, actor: str, today: date, contracted: float
) -> list[FundsArrival]:
    """Arrivals every one to two months from soon after 开工 (none, or stopping early, for a
    stalled lead), adding up to a share of the contract that grows with the stage."""
    started = _reached(p, Stage.construction_started)
    if started is None or p.final is Stage.dropped:
        return []
    days: list[date] = []
    on = started + timedelta(rng.randint(7, 35))
    while on <= today:
        days.append(on)
        on += timedelta(rng.randint(25, 70))
    if p.stall == "funds":
        cutoff = today - timedelta(rng.randint(95, 130))
        days = [d for d in days if d <= cutoff] if rng.random() < 0.5 else []
    if not days:
        return []
    share = {Stage.construction_started: (0.1, 0.45), Stage.in_statistics: (0.35, 0.75)}
    total = contracted * rng.uniform(*share.get(p.final, (0.6, 0.95)))
    weights = [rng.uniform(0.5, 1.5) for _ in days]
    amounts = [max(0.1, round(total * w / sum(weights), 1)) for w in weights]
    return [
        FundsArrival(lead_id, amount, on, actor, f"第 {i} 期资金到位")
        for i, (on, amount) in enumerate(zip(days, amounts, strict=True), start=1)
    ]


def generate_demo_leads(
    *,
    enterprises: Sequence[Enterprise],
    assignments: Sequence[Assignment],
    chains: Mapping[str, Chain],
    today: date,
    seed: int = 20261123,
    n: int = 200,
    jurisdiction: Jurisdiction = DEMO_JURISDICTION,
) -> tuple[list[Lead], list[StageChange], list[FundsArrival]]:
    """About ``n`` leads created over the year up to ``today``, their stage histories (a
    creation entry first, as the store writes it) and funds arrivals; lead ids 1..n in order of
    creation. Fewer leads when fewer non-local candidates are assigned to the chains."""
    rng = random.Random(seed)
    targets = _targets(enterprises, assignments, chains, jurisdiction, rng, n)
    counts = _quota([w for _, w in _STAGE_MIX], len(targets))
    finals = [s for (s, _), k in zip(_STAGE_MIX, counts, strict=True) for _ in range(k)]
    rng.shuffle(finals)
    plans: list[_Plan] = []
    for (ent, cid, sid), final in zip(targets, finals, strict=True):
        low, high, _ = rng.choices(_SIZES, weights=[w for *_, w in _SIZES])[0]
        planned = float(round(rng.uniform(low, high), -3 if low >= 10_000 else -2))
        plans.append(_Plan(ent, cid, sid, final, planned))

    def pick(pool: list[_Plan], share: float, kind: str) -> list[_Plan]:
        chosen = rng.sample(pool, min(len(pool), max(3, round(share * len(pool)))))
        for p in chosen:
            p.stall = kind
        return chosen

    pick([p for p in plans if p.final in (Stage.signed, Stage.land_supplied)], 0.2, "signed")
    early = (Stage.clue, Stage.contact, Stage.negotiation)
    for p in pick([p for p in plans if p.final in early], 0.06, "claim"):
        p.planned = max(p.planned, 10_000.0)  # a claim needs a band: at least 1亿
    later = (Stage.construction_started, Stage.in_statistics, Stage.in_production)
    pick([p for p in plans if p.final in later], 0.2, "funds")
    movable = [p for p in plans if at_or_beyond(p.final, Stage.negotiation) and not p.stall]
    for p in rng.sample(movable, min(4, len(movable))):
        p.back = True
    for p in plans:
        _path(rng, p)
        _date_steps(rng, p, today)
    plans.sort(key=lambda p: (p.dates[0], p.enterprise.id))

    teams = demo_teams(chains)
    branches = [t for t in teams if t.kind is TeamKind.investment_branch]
    order = sorted(chains)
    leads: list[Lead] = []
    changes: list[StageChange] = []
    arrivals: list[FundsArrival] = []
    for lead_id, p in enumerate(plans, start=1):
        i = order.index(p.chain_id)
        team = _team(rng, p, teams, branches[i % len(branches)])
        person = rng.choice(team.people)
        leader, band, claimed_on = _claim(rng, p, today, VICE_MAYORS[i % len(VICE_MAYORS)])
        signed = _reached(p, Stage.signed)
        contracted = round(p.planned * rng.uniform(0.8, 1.05), -2) if signed else None
        started = _reached(p, Stage.construction_started)
        land = _reached(p, Stage.land_supplied)
        park = rng.choice(_PARKS)
        carrier = None
        if land is not None:
            carrier = f"{park}工业用地 {land.year}-{rng.randint(1, 40):02d} 号地块"
        elif started is not None:
            carrier = f"{park}标准厂房 {rng.randint(1, 12)} 号楼"
        others = [t.name for t in teams if t.kind is TeamKind.department and t is not team]
        lead = Lead(
            id=lead_id,
            enterprise_id=p.enterprise.id,
            enterprise_name=p.enterprise.name,
            chain_id=p.chain_id,
            segment_id=p.segment_id,
            owner_team=team.name,
            owner_team_kind=team.kind,
            owner_person=person,
            created_on=p.dates[0],
            stage=p.steps[-1][0] if p.steps else Stage.clue,
            claimed_by_leader=leader,
            claim_band=band,
            claimed_on=claimed_on,
            planned_investment_wan=p.planned,
            contracted_investment_wan=contracted,
            carrier_ref=carrier,
            dropped_reason=p.steps[-1][1] if p.final is Stage.dropped else None,
            milestone_due_on=signed + timedelta(rng.randint(90, 180)) if signed else None,
            collaborators=(rng.choice(others),) if others and rng.random() < 0.12 else (),
        )
        changes.append(
            StageChange(
                lead_id, None, Stage.clue, p.dates[0], person, rng.choice(_NOTES[Stage.clue])
            )
        )
        prev = Stage.clue
        for (to, note), on in zip(p.steps, p.dates[1:], strict=True):
            changes.append(StageChange(lead_id, prev, to, on, person, note))
            prev = to
        money = _funds(rng, p, lead_id, person, today, contracted or 0.0)
        arrivals += money
        leads.append(replace(lead, funds_arrived_wan=round(sum(a.amount_wan for a in money), 1)))
    return leads, changes, arrivals
