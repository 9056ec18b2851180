"""The printable meeting page: its sections in order with page breaks, the A4 landscape
print rules, escaping, owners named in the 红黄牌, and nothing fetched from outside."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from chainmap.report import MeetingPack
from chainmap.report.html import pack_html
from tests.unit.test_report_pack import small_pack


@pytest.fixture(scope="module")
def page() -> str:
    return pack_html(small_pack())


def _section(page: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">(.*?)</section>', page, re.S)
    assert match, name
    return match.group(1)


def _text(html: str) -> str:
    """The text a reader sees (tags dropped, entities decoded, cells apart)."""
    parts: list[str] = []

    class Text(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in ("td", "th", "tr", "br"):
                parts.append(" ")

        def handle_data(self, data: str) -> None:
            parts.append(data)

    Text().feed(html)
    return re.sub(r"\s+", " ", "".join(parts))


def test_sections_in_order_each_on_a_new_page(page: str) -> None:
    ids = re.findall(r'<section id="(\w+)">', page)
    assert ids == ["progress", "scoreboard", "flags", "definitions"]
    titles = [_text(_section(page, i)).split()[0] for i in ids]
    assert titles == ["一、进度表", "二、成绩单", "三、红黄牌", "四、口径说明"]
    assert "section + section" in page and "break-before: page" in page
    assert "page-break-before: always" in page
    # The team block of the 进度表 starts on its own page too.
    assert page.count('class="page-break"') == 1


def test_print_rules(page: str) -> None:
    assert re.search(r"@page\s*{[^}]*size:\s*A4 landscape;", page)
    assert "thead { display: table-header-group; }" in page
    assert "break-inside: avoid" in page
    assert '<html lang="zh-CN">' in page and '<meta charset="utf-8">' in page
    assert '"Noto Sans CJK SC"' in page and '"Microsoft YaHei"' in page


def test_nothing_external(page: str) -> None:
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"https?://|@import|url\(", page)


def test_values_are_escaped(page: str) -> None:
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;芯片公司" in page


def test_progress_section_figures(page: str) -> None:
    text = _text(_section(page, "progress"))
    assert "（1）按产业链" in text and "（2）按招商队伍" in text
    for label in ("合同履约率", "资金到位率", "项目开工率", "≥1000万", "≥5000万", "≥1亿", "竣工"):
        assert label in text
    # 合计 of the rates table: 25,000 newly signed, 12,000 arrived, 4/5, 25,000/252,000, 3/5.
    assert "合计 25,000 12,000 80.0% 4 / 5 9.9% 25,000 / 252,000 60.0% 3 / 5 达标" in text
    # 尖刀班 exactly meets 50 %; 头格推进组 signed nothing.
    # (L8 was due on 30 Sept and had started on 1 July: 1 of 1 kept.)
    assert "尖刀班 尖刀班 25,000 10,000 100.0% 1 / 1 23.5% 20,000 / 85,000 50.0% 1 / 2 达标" in text
    assert "头格推进组 头格推进组 0 0 — 0 / 0 — 0 / 0 — 0 / 0 —" in text
    # 较上期 for all leads: start rate 80 % → 60 %.
    assert "-20.0个百分点" in text


def test_start_rate_below_target_says_so_in_words() -> None:
    from tests.unit.test_report_pack import ARRIVALS, CHANGES, LEADS

    late = [c for c in CHANGES if not (c.lead_id in (2, 8, 9) and c.to_stage.value != "clue")]
    text = _text(pack_html(small_pack(leads=LEADS, changes=late, arrivals=ARRIVALS)))
    assert "未达标" in text


def test_scoreboard_section(page: str) -> None:
    text = _text(_section(page, "scoreboard"))
    assert "（1）招商队伍" in text and "（2）市领导（认领项目）" in text
    assert re.search(r"1 尖刀班 尖刀班 1 25,000 0 10,000", text)
    assert re.search(r"1 李市长 1 25,000", text) and re.search(r"2 王书记 0 0", text)


def test_flags_section_names_owners(page: str) -> None:
    section = _section(page, "flags")
    text = _text(section)
    assert "共 3 张：红牌 1 张，黄牌 2 张" in text
    assert (
        "红牌 开工后资金未到位 一分局 王五 企业9 集成电路 364 一分局王五：企业9开工已 364 天仍无资金到位 9"
        in text
    )
    assert "黄牌 认领后无进展 头格推进组 赵六 企业4" in text
    # In words, not colour alone; and each row says its level in its class for the border.
    assert section.count('<span class="card red">红牌</span>') == 2  # summary + one row
    assert section.count('<tr class="flag-yellow">') == 2
    assert "一分局 1 1 头格推进组 0 1" in text


def test_grayscale_cues_in_css(page: str) -> None:
    assert re.search(r"\.card\.red\s*{[^}]*border: 1\.5pt solid #000", page)
    assert re.search(r"\.card\.yellow\s*{[^}]*border: 1\.5pt dashed #000", page)


def test_definitions_section(page: str) -> None:
    text = _text(_section(page, "definitions"))
    for label in ("统计期间", "合同履约率", "资金到位率", "项目开工率", "红黄牌", "数据追溯"):
        assert label in text
    assert "签约项目开工率达到 50% 以上" in text


def test_empty_pack_renders() -> None:
    pack: MeetingPack = small_pack(leads=[], changes=[], arrivals=[])
    text = _text(pack_html(pack))
    assert "本期无红黄牌" in text and "线索总数" in text
