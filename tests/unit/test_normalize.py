"""Name normalisation: each step on its own, then the match key and the brand."""

from __future__ import annotations

import subprocess
import sys

import pytest

from chainmap.matching.normalize import (
    core_name,
    match_key,
    normalize_name,
    parse_name,
    regions_conflict,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３", "abc123"),  # full-width Latin and digits → half-width, lower-cased
        ("宁德时代（福建）", "宁德时代(福建)"),  # full-width brackets
        ("星源【常州】〔集团〕[中国]", "星源(常州)(集团)(中国)"),  # every bracket → ASCII ()
        (" 宁德 时代\u3000新能源\t", "宁德时代新能源"),  # ASCII and ideographic spaces
        ("寧德時代新能源科技股份有限公司", "宁德时代新能源科技股份有限公司"),  # t2s
        ("華爲技術", "华为技术"),  # variant traditional form
        ("Huawei Technologies Co., Ltd.", "huaweitechnologiesco.,ltd."),
    ],
)
def test_normalize_name_steps(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


def test_normalize_name_keeps_legal_form_and_region() -> None:
    assert normalize_name("广东省深圳市比亚迪股份有限公司") == "广东省深圳市比亚迪股份有限公司"


def test_opencc_converter_is_created_lazily() -> None:
    code = (
        "import chainmap.matching.normalize as n\n"
        "assert n._t2s.cache_info().currsize == 0\n"
        "n.normalize_name('ABC')\n"
        "assert n._t2s.cache_info().currsize == 0\n"  # no CJK, no converter
        "n.normalize_name('華為')\n"
        "assert n._t2s.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "name",
    [
        "星源新材料有限公司",
        "星源新材料股份有限公司",
        "星源新材料有限责任公司",
        "星源新材料集团有限公司",
        "星源新材料(集团)有限公司",
        "星源新材料集团股份有限公司",
        "星源新材料集团",
        "星源新材料公司",
        "星源新材料股份公司",
        "星源新材料有限公司常州分公司",
        "星源新材料",
    ],
)
def test_match_key_strips_legal_forms(name: str) -> None:
    assert match_key(name) == "星源新材料"


@pytest.mark.parametrize(
    "name",
    [
        "Xingyuan New Materials Co., Ltd.",
        "XINGYUAN NEW MATERIALS CO LTD",
        "Xingyuan New Materials Limited",
        "Xingyuan New Materials Inc.",
        "Xingyuan New Materials Corporation",
        "Xingyuan New Materials Group Co., Ltd.",
        "Xingyuan New Materials (China) Co., Ltd.",
        "Ｘｉｎｇｙｕａｎ Ｎｅｗ Ｍａｔｅｒｉａｌｓ",
    ],
)
def test_match_key_strips_english_legal_forms(name: str) -> None:
    assert match_key(name) == "xingyuannewmaterials"
    assert core_name(name) == "xingyuan"


@pytest.mark.parametrize(
    ("name", "province", "city"),
    [
        ("常州星源新材料有限公司", "江苏", "常州"),
        ("常州市星源新材料有限公司", "江苏", "常州"),
        ("江苏省常州市星源新材料有限公司", "江苏", "常州"),
        ("江苏常州星源新材料有限公司", "江苏", "常州"),
        ("常州市新北区星源新材料有限公司", "江苏", "常州"),  # any …区 after a city
        ("深圳市南山区星源新材料有限公司", "广东", "深圳"),
        ("南山区星源新材料有限公司", "广东", "深圳"),  # a known district, with 区
        ("广西壮族自治区星源新材料有限公司", "广西", None),
        ("延边朝鲜族自治州星源新材料有限公司", "吉林", "延边"),
        ("星源新材料(常州)有限公司", "江苏", "常州"),  # region in brackets
        ("星源新材料（常州）有限公司", "江苏", "常州"),
        ("上海星源新材料有限公司", "上海", "上海"),
        ("中国星源新材料有限公司", None, None),  # national prefix, no region
    ],
)
def test_match_key_strips_regions(name: str, province: str | None, city: str | None) -> None:
    parts = parse_name(name)
    assert parts.key == "星源新材料"
    assert (parts.province, parts.city) == (province, city)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("上海电气集团股份有限公司", "上海电气"),  # only industry words left: region is the brand
        ("青岛啤酒股份有限公司", "青岛啤酒"),
        ("黄山旅游发展股份有限公司", "黄山旅游发展"),  # common-word city: only with 市
        ("黄山市星源有限公司", "星源"),
        ("阿里巴巴(中国)有限公司", "阿里巴巴"),
        ("星源区块链科技有限公司", "星源区块链科技"),  # 区块链 is not a district
        ("南山铝业股份有限公司", "南山铝业"),  # a district needs its 区
        ("宁德时代(福建)新能源", "时代新能源"),  # bracketed region inside the name
        ("TCL科技集团股份有限公司", "tcl科技"),
        ("A·B-C 星源", "abc星源"),  # punctuation dropped
    ],
)
def test_match_key_keeps_brands_that_look_like_regions(name: str, key: str) -> None:
    assert match_key(name) == key


@pytest.mark.parametrize(
    ("name", "core"),
    [
        ("宁德时代新能源科技股份有限公司", "时代"),
        ("国轩高科股份有限公司", "国轩"),
        ("深圳迈瑞生物医疗电子股份有限公司", "迈瑞"),
        ("中芯国际集成电路制造有限公司", "中芯"),
        ("贵州茅台酒股份有限公司", "茅台"),
        ("华科技有限公司", "华科技"),  # never a one-character brand
        ("中国建设银行股份有限公司", "建设银行"),  # only industry words: kept whole
        ("比亚迪股份有限公司", "比亚迪"),
    ],
)
def test_core_name_strips_industry_words(name: str, core: str) -> None:
    parts = parse_name(name)
    assert parts.core == core
    assert parts.key == parts.core + parts.industry


def test_tokens_and_lead_feed_initials() -> None:
    parts = parse_name("中国石油化工股份有限公司")
    assert (parts.key, parts.tokens, parts.lead) == ("石油化工", ("石油", "化工"), "中国")


def test_regions_conflict_only_when_both_state_a_different_place() -> None:
    changzhou, shenzhen = parse_name("常州星源"), parse_name("深圳星源")
    assert regions_conflict(changzhou, shenzhen)
    assert not regions_conflict(changzhou, parse_name("星源"))
    assert not regions_conflict(changzhou, parse_name("江苏星源"))  # province of 常州
    assert regions_conflict(changzhou, parse_name("广东星源"))


def test_empty_and_blank_names() -> None:
    assert normalize_name("") == "" and match_key("  ") == "" and core_name("") == ""
