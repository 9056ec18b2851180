"""Entity resolution: every variant kind, the labelled pairs, calibration and clustering.

Accuracy is measured through :meth:`NameIndex.resolve`, blocking included: one index holds
every distinct ``name_a`` of ``tests/data/name_pairs.csv`` with its registered aliases, and a
pair counts as predicted-same when ``name_b`` resolves to ``name_a``'s record at
``MATCH_THRESHOLD`` or above (see ``tests/data/make_name_pairs.evaluate``).
"""

from __future__ import annotations

import random

import pytest

from chainmap.matching.resolve import (
    MATCH_THRESHOLD,
    TIER_SCORES,
    NameIndex,
    find_duplicate_clusters,
    pair_score,
)
from tests.data.make_name_pairs import (
    CSV_PATH,
    HAND_PAIRS,
    calibrate,
    evaluate,
    generate,
    load,
    render,
)

REGISTRY = [
    (1, "宁德时代新能源科技股份有限公司", ["Contemporary Amperex Technology Co., Limited", "CATL"]),
    (2, "比亚迪股份有限公司", ["BYD Company Limited"]),
    (3, "常州星源新材料有限公司", []),
    (4, "常州华源新材料有限公司", []),
    (5, "深圳市星源新材料有限公司", []),
    (6, "上海汽车集团股份有限公司", []),
    (7, "中国工商银行股份有限公司", []),
    (8, "株洲时代新材料科技股份有限公司", []),
    (9, "格力地产股份有限公司", []),
    (10, "珠海格力电器股份有限公司", []),
    (11, "中国石油化工股份有限公司", ["中国石化"]),
]


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(REGISTRY)


@pytest.fixture(scope="module")
def labelled() -> tuple[list[tuple[str, str, int]], dict[str, list[str]]]:
    return load(), generate()[1]


@pytest.mark.parametrize(
    ("query", "record_id", "reason"),
    [
        ("宁德时代新能源科技股份有限公司", 1, "名称一致"),
        ("寧德時代新能源科技股份有限公司", 1, "繁简/全半角变体"),
        ("宁德时代新能源科技有限公司", 1, "后缀/地区变体"),
        ("寧德時代", 1, "简称匹配"),
        ("宁德时代新能源", 1, "简称匹配"),
        ("CATL", 1, "英文别名"),
        ("contemporary amperex technology co ltd", 1, "英文别名"),
        ("ＢＹＤ Company Limited", 2, "英文别名"),
        ("比亞迪", 2, "繁简/全半角变体，后缀/地区变体"),
        ("江苏省常州市星源新材料股份有限公司", 3, "后缀/地区变体"),
        ("星源新材料（常州）有限公司", 3, "繁简/全半角变体，后缀/地区变体"),
        ("上汽", 6, "简称匹配（首字缩写）"),
        ("工行", 7, "简称匹配（首字缩写）"),
        ("中石化", 11, "简称匹配（首字缩写）"),
        ("中国石化", 11, "别名匹配"),
        ("格力电器", 10, "后缀/地区变体"),  # 珠海 is a region
        ("珠海格力", 10, "简称匹配"),
    ],
)
def test_resolves_each_variant_kind(
    index: NameIndex, query: str, record_id: int, reason: str
) -> None:
    best = index.resolve(query)[0]
    assert (best.id, best.reason) == (record_id, reason)
    assert best.score >= MATCH_THRESHOLD
    assert best.name == dict((r, n) for r, n, _ in REGISTRY)[record_id]


def test_hard_negatives_stay_below_the_threshold(index: NameIndex) -> None:
    assert [m.id for m in index.resolve("常州星源新材料有限公司")] == [3]
    assert [m.id for m in index.resolve("宁德时代")] == [1]  # not 株洲时代新材料
    assert index.resolve("格力置业") == []  # same brand, other industry
    everything = {m.id: m for m in index.resolve("常州星源新材料有限公司", min_score=0.0)}
    assert everything[5].reason == "地区不同"  # same name, another city
    assert everything[4].reason.startswith("近似名称")  # one brand character differs
    assert everything[5].score < MATCH_THRESHOLD and everything[4].score < MATCH_THRESHOLD


def test_a_name_without_region_matches_every_namesake_in_a_stable_order(index: NameIndex) -> None:
    found = index.resolve("星源新材料")
    assert [m.id for m in found] == [3, 5]
    assert found == index.resolve("星源新材料")


def test_results_are_sorted_and_limited(index: NameIndex) -> None:
    found = index.resolve("星源新材料有限公司", min_score=0.0, limit=3)
    assert len(found) == 3
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert index.resolve("") == [] and index.resolve("   ") == []


def test_over_common_brand_blocks_are_capped_but_exact_keys_still_resolve() -> None:
    industries = ["新材料", "食品", "化工", "电气", "纺织", "建材"]
    records = [(i, f"星源{w}有限公司", ()) for i, w in enumerate(industries)]
    capped = NameIndex(records, block_cap=3)
    assert [m.id for m in capped.resolve("星源食品股份有限公司")] == [1]
    assert capped.resolve("星源") == []  # the brand block (6 names) is skipped
    assert {m.id for m in NameIndex(records).resolve("星源", limit=10)} == set(range(6))


def test_precision_and_recall_on_the_labelled_pairs(
    labelled: tuple[list[tuple[str, str, int]], dict[str, list[str]]],
) -> None:
    pairs, aliases = labelled
    scores = evaluate(pairs, aliases, min_score=MATCH_THRESHOLD)
    assert scores.precision >= 0.98, scores.errors
    assert scores.recall >= 0.95, scores.errors


def test_tier_scores_are_the_calibration_on_the_labelled_pairs(
    labelled: tuple[list[tuple[str, str, int]], dict[str, list[str]]],
) -> None:
    pairs, aliases = labelled
    tiers, threshold, precision = calibrate(pairs, aliases)
    assert {t: c.score for t, c in tiers.items()} == TIER_SCORES
    assert threshold == MATCH_THRESHOLD
    assert precision >= 0.98
    # clustering only scores pairs that can link: every non-linking tier is below the threshold
    linking = {t for t, s in TIER_SCORES.items() if s >= MATCH_THRESHOLD}
    assert linking == {"exact", "abbr", "initials"}


def test_labelled_pairs_file_is_current_and_covers_every_kind() -> None:
    pairs, aliases = generate()
    assert CSV_PATH.read_text(encoding="utf-8") == render(pairs)
    assert len(pairs) >= 500
    assert len(HAND_PAIRS) >= 40
    assert 0.3 < sum(p[2] for p in pairs) / len(pairs) < 0.7
    names_b = [b for _, b, _ in pairs]
    assert any("（" in b for b in names_b)  # full-width brackets
    assert any(any("\uff10" <= ch <= "\uff5a" for ch in b) for b in names_b)  # full-width
    assert any("華" in b or "騰" in b for b in names_b)  # traditional characters
    assert any(b.isascii() for b in names_b)  # English names
    assert all(a in {p[0] for p in pairs} for a in aliases)


@pytest.mark.parametrize(("a", "b", "same"), HAND_PAIRS[:: len(HAND_PAIRS) // 20])
def test_pair_score_is_symmetric(a: str, b: str, same: int) -> None:
    assert pair_score(a, b) == pair_score(b, a)


def test_pair_score_tiers() -> None:
    assert pair_score("比亞迪", "深圳市比亚迪股份有限公司") == (TIER_SCORES["exact"], "exact")
    assert pair_score("常州星源新材料", "深圳星源新材料")[1] == "conflict"
    assert pair_score("长城汽车", "长城证券")[1] == "core_other"


SMALL_REGISTRY = [
    (10, "常州星源新材料有限公司", ()),
    (11, "常州市星源新材料股份有限公司", ()),
    (12, "星源新材料（常州）有限公司", ()),
    (13, "深圳市星源新材料有限公司", ()),  # namesake in another city
    (14, "常州华源新材料有限公司", ()),  # one character differs
    (20, "比亚迪股份有限公司", ("BYD",)),
    (21, "比亞迪", ()),
    (22, "BYD Company Limited", ()),
    (30, "上海汽车集团股份有限公司", ()),
    (31, "上汽", ()),
    (40, "长城汽车股份有限公司", ()),
    (41, "长城证券股份有限公司", ()),
]


def test_duplicate_clusters_on_a_small_registry() -> None:
    assert find_duplicate_clusters(SMALL_REGISTRY) == [[10, 11, 12], [20, 21, 22], [30, 31]]


def test_a_name_without_region_never_bridges_namesakes_of_two_cities() -> None:
    ambiguous = [*SMALL_REGISTRY, (15, "星源新材料有限公司", ())]
    assert find_duplicate_clusters(ambiguous) == find_duplicate_clusters(SMALL_REGISTRY)
    unique = [*SMALL_REGISTRY[:3], (15, "星源新材料有限公司", ()), (16, "江苏星源新材料", ())]
    assert find_duplicate_clusters(unique) == [[10, 11, 12, 15, 16]]


def test_duplicate_clusters_are_deterministic() -> None:
    expected = find_duplicate_clusters(NameIndex(SMALL_REGISTRY))
    for seed in range(3):
        shuffled = SMALL_REGISTRY[:]
        random.Random(seed).shuffle(shuffled)
        assert find_duplicate_clusters(shuffled) == expected


def test_duplicate_clusters_follow_the_threshold() -> None:
    assert find_duplicate_clusters(SMALL_REGISTRY, threshold=TIER_SCORES["abbr"]) == [
        [10, 11, 12],
        [20, 21, 22],
    ]
    assert find_duplicate_clusters(SMALL_REGISTRY, threshold=1.0) == []
