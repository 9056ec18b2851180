"""Lead stages: parsing, bands, the transition rules, amounts, and the append-only history."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from chainmap.errors import ChainmapError
from chainmap.pipeline import (
    STAGE_ORDER,
    ClaimBand,
    FundsArrival,
    HistoryEdited,
    InvalidAmount,
    InvalidStage,
    InvalidTransition,
    Lead,
    LeadTimeline,
    SizeBand,
    Stage,
    StageChange,
    TeamKind,
    apply_funds_arrival,
    apply_transition,
    claim_band_of,
    ensure_append_only,
    parse_stage,
    size_band_of,
    size_bands_of,
    stage_at,
    validate_amounts,
    validate_transition,
)

S = Stage
D = date


def _lead(**kw: object) -> Lead:
    base: dict[str, object] = dict(
        id=1,
        enterprise_id=7,
        enterprise_name="甲公司",
        chain_id="ev",
        segment_id="cell",
        owner_team="尖刀班",
        owner_team_kind=TeamKind.spearhead_team,
        owner_person="张三",
        created_on=D(2026, 1, 5),
    )
    base.update(kw)
    return Lead(**base)  # type: ignore[arg-type]


# --- stages ------------------------------------------------------------------------------


def test_stage_order_and_labels() -> None:
    assert [s.label for s in STAGE_ORDER] == [
        "线索", "接触", "洽谈", "签约", "供地", "开工", "纳统", "投产",
    ]  # fmt: skip
    assert S.dropped not in STAGE_ORDER and S.dropped.label == "终止"


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("线索", S.clue),
        ("接触", S.contact),
        ("洽谈", S.negotiation),
        ("签约", S.signed),
        ("供地", S.land_supplied),
        ("开工", S.construction_started),
        ("纳统", S.in_statistics),
        ("投产", S.in_production),
        ("终止", S.dropped),
        ("竣工", S.in_production),
        ("clue", S.clue),
        ("land_supplied", S.land_supplied),
        ("  Construction_Started ", S.construction_started),
        ("DROPPED", S.dropped),
        (" 签约 ", S.signed),
    ],
)
def test_parse_stage(text: str, stage: Stage) -> None:
    assert parse_stage(text) is stage


@pytest.mark.parametrize("text", ["", "signing", "签约了", "开 工", "started", "5"])
def test_unknown_stage(text: str) -> None:
    with pytest.raises(InvalidStage) as info:
        parse_stage(text)
    err = info.value
    assert isinstance(err, ChainmapError)
    assert err.field == "stage"
    assert f"「{text}」" in err.message_zh and "线索" in err.message_zh
    assert f"'{text}'" in err.message_en and "in_production" in err.message_en


# --- bands -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        (None, None),
        (0, None),
        (999.99, None),
        (1_000, SizeBand.ge_1000wan),
        (4_999, SizeBand.ge_1000wan),
        (5_000, SizeBand.ge_5000wan),
        (9_999.9, SizeBand.ge_5000wan),
        (10_000, SizeBand.ge_1yi),
        (99_999, SizeBand.ge_1yi),
        (100_000, SizeBand.ge_10yi),
        (2_000_000, SizeBand.ge_10yi),
    ],
)
def test_size_band_of(amount: float | None, band: SizeBand | None) -> None:
    assert size_band_of(amount) is band


def test_size_bands_are_cumulative() -> None:
    # 2亿 = 20000 万元: counts in ≥1000万, ≥5000万 and ≥1亿, not ≥10亿.
    assert size_bands_of(20_000) == (SizeBand.ge_1000wan, SizeBand.ge_5000wan, SizeBand.ge_1yi)
    assert [b.label for b in SizeBand] == ["≥1000万", "≥5000万", "≥1亿", "≥10亿"]


@pytest.mark.parametrize(
    ("amount", "band"),
    [
        (9_999, None),
        (10_000, ClaimBand.ge_1yi),
        (49_999, ClaimBand.ge_1yi),
        (50_000, ClaimBand.ge_5yi),
        (100_000, ClaimBand.ge_10yi),
        (499_999, ClaimBand.ge_10yi),
        (500_000, ClaimBand.ge_50yi),
    ],
)
def test_claim_band_of(amount: float, band: ClaimBand | None) -> None:
    assert claim_band_of(amount) is band


def test_claim_band_labels() -> None:
    assert [(b.label, b.min_wan) for b in ClaimBand] == [
        ("≥50亿", 500_000), ("≥10亿", 100_000), ("≥5亿", 50_000), ("≥1亿", 10_000),
    ]  # fmt: skip
    assert TeamKind.top_push_group.label == "头格推进组"
    assert TeamKind.investment_branch.label == "专业招商分局"


# --- transitions -------------------------------------------------------------------------


def _check(frm: Stage, to: Stage, note: str | None = None, **kw: object) -> None:
    args: dict[str, object] = dict(
        lead_stage=frm,
        history_last_date=D(2026, 9, 1),
        to_stage=to,
        changed_on=D(2026, 9, 10),
        note=note,
    )
    args.update(kw)
    validate_transition(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("frm", "to"),
    [(S.clue, S.contact), (S.negotiation, S.signed), (S.in_statistics, S.in_production)],
)
def test_next_stage_needs_no_note(frm: Stage, to: Stage) -> None:
    _check(frm, to)


def test_same_day_as_previous_change_is_fine() -> None:
    _check(S.clue, S.contact, changed_on=D(2026, 9, 1))


@pytest.mark.parametrize(
    ("frm", "to", "zh", "en"),
    [
        (S.negotiation, S.construction_started, "跳过「签约、供地」", "over signed, land_supplied"),
        (S.clue, S.negotiation, "跳过「接触」", "skipping from 'clue'"),
        (S.signed, S.negotiation, "退回「洽谈」", "moving back from 'signed'"),
        (S.construction_started, S.clue, "退回「线索」", "moving back"),
        (S.signed, S.dropped, "终止原因", "reason"),
        (S.dropped, S.contact, "重新启动", "reopening"),
    ],
)
def test_backwards_skip_drop_and_reopen_need_a_note(
    frm: Stage, to: Stage, zh: str, en: str
) -> None:
    for blank in (None, "", "   "):
        with pytest.raises(InvalidTransition) as info:
            _check(frm, to, blank)
        err = info.value
        assert err.field == "note"
        assert zh in err.message_zh, err.message_zh
        assert en in err.message_en, err.message_en
    _check(frm, to, "有说明")  # the same change with a note is accepted


def test_same_stage_is_rejected_even_with_a_note() -> None:
    with pytest.raises(InvalidTransition) as info:
        _check(S.signed, S.signed, "重复")
    assert info.value.field == "to_stage"
    assert "已处于「签约」" in info.value.message_zh
    assert "already at stage 'signed'" in info.value.message_en
    with pytest.raises(InvalidTransition):
        _check(S.dropped, S.dropped, "再次终止")


def test_date_before_previous_change_is_rejected_even_with_a_note() -> None:
    with pytest.raises(InvalidTransition) as info:
        _check(S.clue, S.contact, "补录", changed_on=D(2026, 8, 31))
    err = info.value
    assert err.field == "changed_on"
    assert "2026-08-31" in err.message_zh and "2026-09-01" in err.message_zh
    assert "before the previous change" in err.message_en


def test_future_date_rejected_when_today_given() -> None:
    with pytest.raises(InvalidTransition) as info:
        _check(S.clue, S.contact, changed_on=D(2026, 9, 11), today=D(2026, 9, 10))
    assert info.value.field == "changed_on" and "晚于今天" in info.value.message_zh
    _check(S.clue, S.contact, changed_on=D(2026, 9, 10), today=D(2026, 9, 10))


# --- amounts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kw", "field", "zh"),
    [
        (dict(planned=-1), "planned_investment_wan", "计划投资"),
        (dict(contracted=-0.5), "contracted_investment_wan", "合同投资"),
        (dict(funds_arrived=-100), "funds_arrived_wan", "到位资金"),
    ],
)
def test_negative_amounts_name_the_field(kw: dict[str, float], field: str, zh: str) -> None:
    args: dict[str, float | None] = dict(planned=100, contracted=100, funds_arrived=0)
    args.update(kw)
    with pytest.raises(InvalidAmount) as info:
        validate_amounts(**args, note="有说明")  # a note does not excuse a negative
    err = info.value
    assert err.field == field
    assert zh in err.message_zh and "负数" in err.message_zh
    assert field in err.message_en and "negative" in err.message_en


def test_non_finite_amount_rejected() -> None:
    with pytest.raises(InvalidAmount) as info:
        validate_amounts(planned=float("nan"), contracted=None, funds_arrived=None, note=None)
    assert info.value.field == "planned_investment_wan"


def test_funds_over_contract_need_a_note() -> None:
    validate_amounts(planned=None, contracted=5_000, funds_arrived=5_000, note=None)  # equal: ok
    for contracted in (5_000.0, None):
        with pytest.raises(InvalidAmount) as info:
            validate_amounts(planned=None, contracted=contracted, funds_arrived=5_000.5, note="")
        err = info.value
        assert err.field == "funds_arrived_wan"
        assert "5000.5 万元超过合同投资" in err.message_zh and "须填写说明" in err.message_zh
        assert "exceed contracted investment" in err.message_en
    validate_amounts(planned=None, contracted=5_000, funds_arrived=6_000, note="增资，合同待补签")


def test_apply_funds_arrival_sums_and_checks() -> None:
    lead = _lead(stage=S.construction_started, contracted_investment_wan=10_000)
    first = FundsArrival(1, 6_000, D(2026, 9, 1), "财务")
    lead1, arrivals1 = apply_funds_arrival(lead, (), first)
    assert lead1.funds_arrived_wan == 6_000 and arrivals1 == (first,)
    over = FundsArrival(1, 4_001, D(2026, 10, 1), "财务")
    with pytest.raises(InvalidAmount) as info:
        apply_funds_arrival(lead1, arrivals1, over)
    assert info.value.field == "funds_arrived_wan"
    for bad in (0.0, -5.0):
        with pytest.raises(InvalidAmount) as info:
            apply_funds_arrival(lead1, arrivals1, FundsArrival(1, bad, D(2026, 10, 1), "财务"))
        assert info.value.field == "amount_wan"
    noted = dataclasses.replace(over, note="追加投资")
    lead2, arrivals2 = apply_funds_arrival(lead1, arrivals1, noted)
    assert lead2.funds_arrived_wan == 10_001 and arrivals2 == (first, noted)


# --- history -----------------------------------------------------------------------------


def test_apply_transition_appends_and_never_mutates() -> None:
    lead = _lead()
    lead1, h1 = apply_transition(
        lead, (), to_stage=S.contact, changed_on=D(2026, 2, 1), actor="张三"
    )
    lead2, h2 = apply_transition(
        lead1,
        h1,
        to_stage=S.signed,
        changed_on=D(2026, 3, 1),
        actor="张三",
        note="老客户，直接签约",
        recorded_at=datetime(2026, 3, 2, 9, 30),
    )
    assert lead.stage is S.clue and lead1.stage is S.contact and lead2.stage is S.signed
    assert len(h1) == 1 and h2[:1] == h1
    assert h2[1] == StageChange(
        1,
        S.contact,
        S.signed,
        D(2026, 3, 1),
        "张三",
        "老客户，直接签约",
        datetime(2026, 3, 2, 9, 30),
    )
    ensure_append_only(before=h1, after=h2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        h2[0].note = "改写"  # type: ignore[misc]


def test_rejected_transition_leaves_history_alone() -> None:
    lead = _lead()
    lead1, h1 = apply_transition(
        lead, (), to_stage=S.contact, changed_on=D(2026, 2, 1), actor="张三"
    )
    for kwargs in (
        dict(to_stage=S.negotiation, changed_on=D(2026, 1, 31), actor="张三"),  # before previous
        dict(to_stage=S.signed, changed_on=D(2026, 3, 1), actor="张三"),  # skip, no note
        dict(to_stage=S.negotiation, changed_on=D(2026, 3, 1), actor=" "),  # no actor
    ):
        with pytest.raises(InvalidTransition):
            apply_transition(lead1, h1, **kwargs)  # type: ignore[arg-type]
    assert len(h1) == 1 and lead1.stage is S.contact


def test_first_change_cannot_predate_creation() -> None:
    with pytest.raises(InvalidTransition) as info:
        apply_transition(_lead(), (), to_stage=S.contact, changed_on=D(2026, 1, 4), actor="张三")
    assert info.value.field == "changed_on"


def test_drop_records_reason_and_reopen_clears_it() -> None:
    lead = _lead(stage=S.negotiation)
    dropped, h = apply_transition(
        lead, (), to_stage=S.dropped, changed_on=D(2026, 2, 1), actor="张三", note="企业转投他市"
    )
    assert dropped.dropped_reason == "企业转投他市"
    reopened, h2 = apply_transition(
        dropped, h, to_stage=S.negotiation, changed_on=D(2026, 4, 1), actor="张三", note="重启洽谈"
    )
    assert reopened.stage is S.negotiation and reopened.dropped_reason is None
    assert h2[0].note == "企业转投他市"  # the reason stays in the history


def _chg(to: Stage, on: date, frm: Stage | None = None) -> StageChange:
    return StageChange(1, frm, to, on, "张三")


@pytest.mark.parametrize(
    "after",
    [
        lambda h: h[:-1],  # removed
        lambda h: (h[1], h[0], h[2]),  # reordered
        lambda h: (h[0], dataclasses.replace(h[1], note="改"), h[2]),  # edited
        lambda h: (_chg(S.clue, D(2026, 1, 1)), *h),  # inserted at the front
    ],
)
def test_ensure_append_only_rejects_any_edit(after: object) -> None:
    h = (
        _chg(S.contact, D(2026, 2, 1), S.clue),
        _chg(S.negotiation, D(2026, 3, 1), S.contact),
        _chg(S.signed, D(2026, 4, 1), S.negotiation),
    )
    with pytest.raises(HistoryEdited) as info:
        ensure_append_only(before=h, after=after(h))  # type: ignore[operator]
    assert info.value.field == "history" and "只能追加" in info.value.message_zh
    ensure_append_only(before=h, after=(*h, _chg(S.land_supplied, D(2026, 5, 1), S.signed)))


# --- stage_at ----------------------------------------------------------------------------


def test_stage_at_reads_the_history() -> None:
    lead = _lead(stage=S.signed)
    hist = [
        _chg(S.clue, D(2026, 1, 5)),
        _chg(S.contact, D(2026, 3, 1), S.clue),
        _chg(S.negotiation, D(2026, 3, 1), S.contact),  # same day: the later entry wins
        _chg(S.signed, D(2026, 5, 31), S.negotiation),
        StageChange(2, S.clue, S.dropped, D(2026, 4, 1), "x", "other lead"),
    ]
    assert stage_at(lead, hist, D(2026, 1, 4)) is None  # before creation
    assert stage_at(lead, hist, D(2026, 1, 5)) is S.clue
    assert stage_at(lead, hist, D(2026, 2, 28)) is S.clue
    assert stage_at(lead, hist, D(2026, 3, 1)) is S.negotiation
    assert stage_at(lead, hist, D(2026, 5, 30)) is S.negotiation
    assert stage_at(lead, hist, D(2026, 5, 31)) is S.signed  # the change day counts
    assert stage_at(lead, hist, D(2030, 1, 1)) is S.signed


def test_stage_at_without_history_uses_the_lead() -> None:
    lead = _lead(stage=S.signed)
    assert stage_at(lead, [], D(2026, 1, 5)) is S.signed
    assert stage_at(lead, [], D(2026, 1, 4)) is None


def test_timeline_reached_since_and_ever_reached() -> None:
    lead = _lead(stage=S.signed)
    hist = [
        _chg(S.signed, D(2026, 2, 1), S.clue),
        _chg(S.construction_started, D(2026, 3, 1), S.signed),
        _chg(S.negotiation, D(2026, 4, 1), S.construction_started),  # moved back
        _chg(S.land_supplied, D(2026, 6, 1), S.negotiation),
    ]
    t = LeadTimeline.build(lead, hist)
    assert t.reached_since(S.signed, D(2026, 3, 15)) == D(2026, 2, 1)
    assert t.reached_since(S.signed, D(2026, 4, 15)) is None
    assert t.reached_since(S.signed, D(2026, 7, 1)) == D(2026, 6, 1)  # the latest crossing
    assert t.ever_reached_by(S.construction_started, D(2026, 7, 1))
    assert not t.ever_reached_by(S.construction_started, D(2026, 2, 28))
