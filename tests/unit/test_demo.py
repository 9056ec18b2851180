"""Demo data generator: determinism, realism checks, and the statuses it promises per chain."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from chainmap.chains import load_chain_library
from chainmap.credit_code import is_valid_credit_code
from chainmap.demo import (
    DEMO_JURISDICTION,
    GENERATED_SOURCE,
    MIN_CANDIDATES_PER_SEGMENT,
    PUBLIC_SOURCE,
    demo_plan,
    generate_demo_enterprises,
)
from chainmap.domain import Assignment, Chain, Enterprise, Jurisdiction, Status, Tag
from chainmap.gaps import StatusThresholds, local_presence
from chainmap.matching.classify import classify_all

CHAINS_DIR = Path(__file__).parents[2] / "data" / "industry_chains"
BIG_PROVINCES = (
    "广东省",
    "江苏省",
    "浙江省",
    "上海市",
    "北京市",
    "山东省",
    "福建省",
    "湖北省",
    "四川省",
    "安徽省",
)


@pytest.fixture(scope="module")
def library() -> dict[str, Chain]:
    return load_chain_library(CHAINS_DIR)


@pytest.fixture(scope="module")
def enterprises(library: dict[str, Chain]) -> list[Enterprise]:
    return generate_demo_enterprises(library)


@pytest.fixture(scope="module")
def local(enterprises: list[Enterprise]) -> dict[int, Enterprise]:
    return {
        e.id: e for e in enterprises if DEMO_JURISDICTION.contains(e.province, e.city, e.district)
    }


@pytest.fixture(scope="module")
def outside(enterprises: list[Enterprise], local: dict[int, Enterprise]) -> list[Enterprise]:
    return [e for e in enterprises if e.id not in local]


@pytest.fixture(scope="module")
def local_assignments(library: dict[str, Chain], local: dict[int, Enterprise]) -> list[Assignment]:
    return classify_all(local.values(), library.values())


@pytest.fixture(scope="module")
def presence(
    library: dict[str, Chain], local: dict[int, Enterprise], local_assignments: list[Assignment]
) -> dict[str, dict[str, Status]]:
    return {
        cid: {
            sid: p.status
            for sid, p in local_presence(
                chain, local_assignments, local, thresholds=StatusThresholds()
            ).items()
        }
        for cid, chain in library.items()
    }


# --- determinism and ids ----------------------------------------------------------------------


def test_same_seed_gives_identical_output(
    library: dict[str, Chain], enterprises: list[Enterprise]
) -> None:
    assert generate_demo_enterprises(library) == enterprises


def test_different_seed_gives_different_output(
    library: dict[str, Chain], enterprises: list[Enterprise]
) -> None:
    other = generate_demo_enterprises(library, seed=7)
    assert other != enterprises
    generated = {e.name for e in enterprises if e.source == GENERATED_SOURCE}
    other_generated = {e.name for e in other if e.source == GENERATED_SOURCE}
    assert len(generated & other_generated) < len(generated) // 10


def test_ids_are_sequential_from_one(enterprises: list[Enterprise]) -> None:
    assert [e.id for e in enterprises] == list(range(1, len(enterprises) + 1))


# --- counts and realism -----------------------------------------------------------------------


def test_counts_roughly_as_asked(local: dict[int, Enterprise], outside: list[Enterprise]) -> None:
    assert 240 <= len(local) <= 375
    assert len(outside) == 2000
    assert sum(e.source == GENERATED_SOURCE for e in outside) >= 1900


def test_smaller_request_gives_smaller_output(library: dict[str, Chain]) -> None:
    ents = generate_demo_enterprises(library, seed=3, n_local=0, n_candidates=900)
    n_local = sum(DEMO_JURISDICTION.contains(e.province, e.city, e.district) for e in ents)
    # The planned chain firms are always made; no off-chain filler is added.
    assert 0 < n_local < 300
    assert len(ents) - n_local == 900


def test_names_unique(enterprises: list[Enterprise]) -> None:
    names = [e.name for e in enterprises]
    assert len(set(names)) == len(names)


def test_generated_names_look_like_company_names(enterprises: list[Enterprise]) -> None:
    for e in enterprises:
        assert e.name.endswith(("有限公司", "有限责任公司")), e.name
        if e.listed:
            assert e.name.endswith("股份有限公司"), e.name


def test_sources_label_every_enterprise(enterprises: list[Enterprise]) -> None:
    assert {e.source for e in enterprises} == {GENERATED_SOURCE, PUBLIC_SOURCE}


def test_locals_sit_in_districts_of_the_demo_city(local: dict[int, Enterprise]) -> None:
    assert all(e.source == GENERATED_SOURCE for e in local.values())
    districts = Counter(e.district for e in local.values())
    assert None not in districts
    assert len(districts) >= 3


def test_candidates_spread_over_china(outside: list[Enterprise]) -> None:
    generated = [e for e in outside if e.source == GENERATED_SOURCE]
    provinces = Counter(e.province for e in generated)
    assert len(provinces) >= 25
    assert sum(provinces[p] for p in BIG_PROVINCES) / len(generated) > 0.6
    assert all(e.city and e.city.endswith("市") for e in generated)


def test_candidate_attributes_are_plausible(
    library: dict[str, Chain], outside: list[Enterprise]
) -> None:
    generated = [e for e in outside if e.source == GENERATED_SOURCE]
    codes = {c for chain in library.values() for s in chain.segments for c in s.industry_codes}
    for e in generated:
        assert 2 <= len(e.main_products) <= 4, e
        assert e.industry_code is None or e.industry_code in codes
        assert e.business_scope.startswith("一般项目：")
        assert e.main_products[0] in e.business_scope
        assert e.revenue_wan is not None and 500 <= e.revenue_wan <= 5_000_000
        assert e.registered_capital_wan is not None and e.registered_capital_wan > 0
        assert e.employees is not None and e.employees > 0
        assert set(e.tags) <= {t.value for t in Tag}
    n = len(generated)
    assert 0.06 < sum(e.listed for e in generated) / n < 0.14
    rates = {t: sum(t.value in e.tags for e in generated) / n for t in Tag}
    assert 0.02 < rates[Tag.leading] < 0.07
    assert 0.015 < rates[Tag.single_champion] < 0.05
    assert 0.05 < rates[Tag.little_giant] < 0.12
    assert 0.15 < rates[Tag.specialised] < 0.27
    assert 0.33 < rates[Tag.high_tech] < 0.48
    revenues = sorted(e.revenue_wan or 0.0 for e in generated)
    assert revenues[n // 10] < 10_000 < revenues[n // 2] < 100_000 < revenues[-n // 50]


# --- credit codes -----------------------------------------------------------------------------


def test_generated_credit_codes_pass_the_checksum(enterprises: list[Enterprise]) -> None:
    codes = [e.credit_code for e in enterprises if e.source == GENERATED_SOURCE]
    assert all(c is not None and is_valid_credit_code(c) for c in codes)
    assert len(set(codes)) == len(codes)


# --- the plan: strong / weak / missing per chain ----------------------------------------------


def test_every_chain_has_strong_weak_and_missing_segments(
    library: dict[str, Chain], presence: dict[str, dict[str, Status]]
) -> None:
    assert set(presence) == set(library)
    for cid, statuses in presence.items():
        counts = Counter(statuses.values())
        assert counts[Status.strong] >= 1, (cid, counts)
        assert counts[Status.weak] >= 2, (cid, counts)
        assert counts[Status.missing] >= 2, (cid, counts)


def test_locals_realise_the_plan_exactly(
    library: dict[str, Chain], presence: dict[str, dict[str, Status]]
) -> None:
    assert demo_plan(library) == presence


def test_chain_locals_mostly_carry_an_industry_code_of_their_segment(
    library: dict[str, Chain], local: dict[int, Enterprise], local_assignments: list[Assignment]
) -> None:
    codes: dict[int, set[str]] = {}
    for a in local_assignments:
        if a.confidence >= 0.5:
            seg = library[a.chain_id].segment(a.segment_id)
            codes.setdefault(a.enterprise_id, set()).update(seg.industry_codes)
    assert len(codes) >= 200
    with_code = [i for i in codes if local[i].industry_code in codes[i]]
    assert len(with_code) / len(codes) >= 0.7


def test_plan_depends_on_seed(library: dict[str, Chain]) -> None:
    assert demo_plan(library, seed=1) != demo_plan(library, seed=2)


def test_gap_segments_have_candidates(
    library: dict[str, Chain],
    outside: list[Enterprise],
    presence: dict[str, dict[str, Status]],
) -> None:
    found = Counter(
        (a.chain_id, a.segment_id)
        for a in classify_all(outside, library.values())
        if a.confidence >= 0.5
    )
    gaps = [
        (cid, sid)
        for cid, statuses in presence.items()
        for sid, status in statuses.items()
        if status is not Status.strong
    ]
    assert gaps
    thin = {g: found[g] for g in gaps if found[g] < 5}
    assert not thin
    # and the floor the generator promises holds for every segment, gap or not
    every = [(cid, s.id) for cid, chain in library.items() for s in chain.segments]
    assert min(found[k] for k in every) >= MIN_CANDIDATES_PER_SEGMENT


def test_other_jurisdiction_keeps_candidates_outside(library: dict[str, Chain]) -> None:
    jur = Jurisdiction(province="湖北省", city="武汉市")
    ents = generate_demo_enterprises(library, jur, seed=11, n_local=100, n_candidates=600)
    generated = [e for e in ents if e.source == GENERATED_SOURCE]
    inside = [e for e in generated if jur.contains(e.province, e.city, e.district)]
    assert inside and all(e.district for e in inside)
    assert all(e.district is None for e in generated if e not in inside)


# --- real companies ---------------------------------------------------------------------------


def test_real_companies_carry_public_facts_only(
    library: dict[str, Chain], enterprises: list[Enterprise]
) -> None:
    real = [e for e in enterprises if e.source == PUBLIC_SOURCE]
    assert 20 <= len(real) <= 60
    for e in real:
        assert e.listed and e.stock_code and len(e.stock_code) == 6 and e.stock_code.isdigit()
        assert e.revenue_wan is None and e.registered_capital_wan is None and e.employees is None
        assert e.tags == () and e.credit_code is None and e.business_scope == ""
        assert e.province and e.city and e.main_products
        assert not DEMO_JURISDICTION.contains(e.province, e.city, e.district)
    assert len({e.stock_code for e in real}) == len(real)
    # each is relevant: it lands in at least one segment of the library
    placed = {a.enterprise_id for a in classify_all(real, library.values()) if a.confidence >= 0.5}
    assert placed == {e.id for e in real}
