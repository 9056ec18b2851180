"""The secretariat in the browser: the 双月调度会 dashboard matches the JSON pack, the xlsx holds
the same figures, the page prints on A4 landscape and the printable pack opens in a new tab;
other roles are told they may not see it."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import httpx
import openpyxl
import pytest
from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.e2e.conftest import api_get, login, page_at, screenshot, sign_in_token

STAGES = [
    "clue",
    "contact",
    "negotiation",
    "signed",
    "land_supplied",
    "construction_started",
    "in_statistics",
    "in_production",
    "dropped",
]


REACHED = ["signed", "construction_started", "in_production"]
RATES = ["contract_fulfilment_rate", "funds_arrival_rate", "start_rate"]
SECTIONS = ["#kpis", "#stage-chart", "#rates", "#progress-chain", "#progress-team"]
SECTIONS += ["#scoreboard", "#flags"]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _num(value: float | None, digits: int = 0) -> str:
    """As the page's ``cm.num``: thousands separators, at most ``digits`` decimals."""
    if value is None:
        return "—"
    text = f"{round(value, digits):,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _current_period(today: date) -> str:
    """Bimonthly periods start in odd months: 2026-11 = 11–12 月."""
    return f"{today.year}-{today.month - (today.month + 1) % 2:02d}"


def _assert_progress_row(row: Locator, r: dict[str, Any]) -> None:
    expect(row.locator("td.name")).to_have_text(r["label"])
    expect(row.locator("td[data-col=leads] .v")).to_have_text(_num(r["leads"]))
    for stage in STAGES:
        cell = row.locator(f'td[data-col="stage:{stage}"] .v')
        expect(cell).to_have_text(_num(r["stage_counts"][stage]))
    for stage in REACHED:
        cell = row.locator(f'td[data-col="reached:{stage}"] .v')
        expect(cell).to_have_text(_num(r["reached_counts"][stage]))
    for key in ("signed_contracted_wan", "funds_arrived_in_period_wan"):
        expect(row.locator(f"td[data-col={key}] .v")).to_have_text(_num(r[key], 1))
    for key in RATES:
        expect(row.locator(f'td[data-col="rate:{key}"] .v')).to_have_text(_pct(r[key]["value"]))
    start = row.locator('td[data-col="rate:start_rate"]')
    if r["start_rate_met"] is False:
        expect(start).to_contain_text("未达标")
    else:
        expect(start).not_to_contain_text("未达标")
    change = r["change_vs_previous"]["leads"]
    if change is not None:
        text = f"+{change}" if change > 0 else f"−{-change}" if change < 0 else "±0"
        expect(row.locator("td[data-col=leads] .chg")).to_have_text(text)


def _assert_progress_tables(page: Page, pack: dict[str, Any]) -> None:
    """进度表 by chain and by team: one row per group and a 合计 row, each as in the pack."""
    for table, groups in (
        ("#progress-chain", "progress_by_chain"),
        ("#progress-team", "progress_by_team"),
    ):
        rows = page.locator(f"{table} tbody tr")
        expect(rows).to_have_count(len(pack[groups]) + 1)
        for i, r in enumerate([*pack[groups], pack["overall"]]):
            row = rows.nth(i)
            expect(row).to_have_attribute("data-key", r["key"] or "total")
            _assert_progress_row(row, r)
    team = pack["progress_by_team"][0]
    first = page.locator("#progress-team tbody tr").first
    expect(first.locator("td.kind")).to_have_text(team["team_kind_label"] or "")


def test_secretariat_reads_the_bimonthly_dashboard(page: Page, live_server: str) -> None:
    login(page, "mishu")
    page.goto("/ui/meetings")
    expect(page.locator("#dashboard")).to_be_visible()
    options = page.locator("#period option")
    period = options.nth(1).get_attribute("value") or ""
    page.select_option("#period", period)
    page.wait_for_url(f"**/ui/meetings?period={period}")

    auth = {"Authorization": f"Bearer {sign_in_token(live_server, 'mishu')}"}
    pack = httpx.get(
        f"{live_server}/meetings/bimonthly", params={"period": period}, headers=auth
    ).json()
    expect(page.locator("#page-title")).to_contain_text(pack["period"]["label_zh"])
    overall = pack["overall"]
    for stage in STAGES:
        bar = page.locator(f"#stage-chart g.stage[data-stage={stage}]")
        expect(bar).to_have_attribute("data-count", str(overall["stage_counts"][stage]))
        expect(bar.locator("text.count")).to_have_text(str(overall["stage_counts"][stage]))
    for key in ("contract_fulfilment_rate", "funds_arrival_rate", "start_rate"):
        expect(page.locator(f".rate[data-rate={key}] .value")).to_have_text(
            _pct(overall[key]["value"])
        )
    teams = pack["scoreboard"]["teams"]
    rows = page.locator("#scoreboard tbody tr")
    expect(rows).to_have_count(len(teams))
    for i, team in enumerate(teams):
        row = rows.nth(i)
        expect(row.locator("td.team")).to_have_text(team["label"])
        expect(row.locator("td").nth(0)).to_have_text(str(team["rank"]))
        expect(row.locator("td").nth(9)).to_have_text(_pct(team["start_rate"]["value"]))
    _assert_progress_tables(page, pack)
    flags = page.locator("#flags tbody tr")
    expect(flags).to_have_count(max(1, len(pack["flags"])))
    for i, flag in enumerate(pack["flags"]):
        row = flags.nth(i)
        expect(row).to_have_attribute("data-lead", str(flag["lead_id"]))
        expect(row.locator("td.project")).to_have_text(flag["enterprise_name"])
        expect(row.locator("td.owner-team")).to_have_text(flag["owner_team"] or "—")
        owner = flag["owner_person"] or flag["claimed_by_leader"] or "—"
        expect(row.locator("td.owner")).to_have_text(owner)
        expect(row.locator("td.days")).to_have_text(str(flag["days"]))
        expect(row.locator("td.lead")).to_have_text(str(flag["lead_id"]))
        # 说明 says what no other column does: no team, person, project or days again
        note = row.locator("td.note")
        expect(note).to_contain_text(flag["since"])
        for repeated in (flag["owner_team"], flag["owner_person"], flag["enterprise_name"]):
            if repeated:
                expect(note).not_to_contain_text(repeated)
        expect(note).not_to_contain_text(f"{flag['days']} 天")
        if flag["claimed_by_leader"] and flag["owner_person"]:
            expect(note).to_contain_text(flag["claimed_by_leader"])
    thresholds = pack["flag_thresholds"]
    expect(page.locator("#flag-rule")).to_contain_text(
        f"签约未开工超过 {thresholds['signed_not_started_days']} 天黄牌"
    )
    screenshot(page, "meetings-dashboard")

    with page.expect_download() as info:
        page.click("#download-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    _assert_workbook_matches(book, pack)

    with page.context.expect_page() as popup_info:
        page.click("#open-print")
    popup = popup_info.value
    popup.wait_for_load_state()
    expect(popup).to_have_title(f"双月调度会材料　{pack['period']['label_zh']}")
    screenshot(popup, "meetings-print-pack")


def test_a_slow_answer_for_an_earlier_period_does_not_overwrite_the_newer_one(
    page: Page, live_server: str
) -> None:
    login(page, "mishu")
    page.goto("/ui/meetings")
    expect(page.locator("#dashboard")).to_be_visible()
    options = page.locator("#period option")
    slow, final = options.nth(1).get_attribute("value"), options.nth(2).get_attribute("value")
    assert slow and final
    held: list[Route] = []  # the answer for `slow` is held back until `final` is shown
    page.route(f"**/meetings/bimonthly?period={slow}", lambda route: held.append(route))
    with page.expect_request(f"**/meetings/bimonthly?period={slow}"):
        page.select_option("#period", slow)
    page.select_option("#period", final)
    pack = api_get(live_server, "mishu", "/meetings/bimonthly", period=final)
    expect(page.locator("#page-title")).to_contain_text(pack["period"]["label_zh"])
    assert len(held) == 1
    with page.expect_response(f"**/meetings/bimonthly?period={slow}"):
        held[0].continue_()
    page.wait_for_timeout(300)  # the late answer has been read; it must change nothing
    expect(page.locator("#page-title")).to_contain_text(pack["period"]["label_zh"])
    expect(page.locator("#period")).to_have_value(final)
    leads = page.locator("#kpis .tile[data-key=leads] .value")
    expect(leads).to_have_text(f"{pack['overall']['leads']:,}")
    for stage in STAGES:
        expect(page.locator(f"#stage-chart g.stage[data-stage={stage}]")).to_have_attribute(
            "data-count", str(pack["overall"]["stage_counts"][stage])
        )


def test_viewer_and_bureau_are_told_they_may_not_see_the_pack(page: Page) -> None:
    for username in ("guancha", "shangwu"):
        login(page, username)
        page.goto("/ui/meetings")
        expect(page.locator("#message")).to_contain_text("无权查看")
        expect(page.locator("#dashboard")).to_be_hidden()
        screenshot(page, f"meetings-denied-{username}")
        page.evaluate("sessionStorage.clear()")


def _rows(book: Any, sheet: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in book[sheet].iter_rows(values_only=True)]


def _assert_workbook_matches(book: Any, pack: dict[str, Any]) -> None:
    """The xlsx the page downloads holds the figures the API gives for the same period."""
    assert book.sheetnames[:3] == ["进度表", "成绩单", "红黄牌"]
    labels = pack["labels"]

    # 进度表: row 3 names the column groups (merged), row 4 the columns
    rows = _rows(book, "进度表")
    groups, heads = rows[2], rows[3]
    stage_col = groups.index("期末阶段（个）")
    reached_col = groups.index("本期新进入（个）")
    assert list(heads[stage_col : stage_col + len(STAGES)]) == [labels["stages"][s] for s in STAGES]
    leads_col = heads.index("线索数")
    rate_col = {key: groups.index(labels["rates"][key]) for key in RATES}
    assert {heads[c] for c in rate_col.values()} == {"比率"}
    # chain rows are keyed by chain id (column B), team rows by name (column A)
    key_col = {"一、按产业链": 1, "二、按招商队伍": 0}
    blocks: dict[str, dict[str, tuple[Any, ...]]] = {}
    heading = ""
    for row in rows[4:]:
        if row[0] in key_col:
            heading = str(row[0])
        elif row[0] is not None:
            key = row[0] if row[0] == "合计" else row[key_col[heading]]
            blocks.setdefault(heading, {})[str(key)] = row
    expected = {
        "一、按产业链": {r["key"]: r for r in pack["progress_by_chain"]},
        "二、按招商队伍": {r["label"]: r for r in pack["progress_by_team"]},
    }
    for name, want in expected.items():
        got = blocks[name]
        assert set(got) == {*want, "合计"}
        for key, r in [*want.items(), ("合计", pack["overall"])]:
            row = got[key]
            assert row[leads_col] == r["leads"], (name, key)
            counts = [row[stage_col + i] for i in range(len(STAGES))]
            assert counts == [r["stage_counts"][s] for s in STAGES], (name, key)
            reached = [row[reached_col + i] for i in range(len(STAGES))]
            assert reached == [r["reached_counts"][s] for s in STAGES], (name, key)
            for rate, col in rate_col.items():
                assert row[col] == r[rate]["value"], (name, key, rate)

    # 成绩单: the teams in rank order
    rows = _rows(book, "成绩单")
    heads = rows[2]
    name_col, rank_col = heads.index("名称"), heads.index("名次")
    start = next(i for i, row in enumerate(rows) if row[0] == "一、招商队伍") + 1
    teams = pack["scoreboard"]["teams"]
    got_teams = [(row[rank_col], row[name_col]) for row in rows[start : start + len(teams)]]
    assert got_teams == [(t["rank"], t["label"]) for t in teams]

    # 红黄牌: one data row per flag, in the pack's order, naming the lead and its owner
    rows = _rows(book, "红黄牌")
    heads = rows[2]
    data = [row for row in rows[3:] if any(v is not None for v in row)]
    assert len(data) == len(pack["flags"])
    col = {h: heads.index(h) for h in ("牌色", "责任单位", "责任人", "企业", "天数", "线索编号")}
    for row, flag in zip(data, pack["flags"], strict=True):
        assert row[col["线索编号"]] == flag["lead_id"]
        assert row[col["牌色"]] == flag["level_label"]
        assert (row[col["责任单位"]] or "") == (flag["owner_team"] or "")
        assert (row[col["责任人"]] or "") == (flag["owner_person"] or "")
        assert row[col["企业"]] == flag["enterprise_name"]
        assert row[col["天数"]] == flag["days"]


def test_the_page_opens_on_the_current_period(page: Page, live_server: str) -> None:
    login(page, "mishu")
    page.goto("/ui/meetings")
    current = _current_period(date.today())
    expect(page.locator("#period")).to_have_value(current)
    expect(page.locator("#period option").first).to_contain_text("（本期）")
    pack = api_get(live_server, "mishu", "/meetings/bimonthly", period=current)
    expect(page.locator("#page-title")).to_contain_text(pack["period"]["label_zh"])
    page.wait_for_url(f"**/ui/meetings?period={current}")


@pytest.mark.parametrize("period", ["2024-03", "2025-12"])
def test_a_link_to_an_older_or_even_month_period_opens_that_period(
    page: Page, live_server: str, period: str
) -> None:
    """Periods outside the selector's twelve (the API takes any YYYY-MM) still open, with
    their own entry, instead of silently showing the current period."""
    login(page, "mishu")
    page.goto(f"/ui/meetings?period={period}")
    expect(page.locator("#period")).to_have_value(period)
    pack = api_get(live_server, "mishu", "/meetings/bimonthly", period=period)
    expect(page.locator("#page-title")).to_contain_text(pack["period"]["label_zh"])
    leads = page.locator("#kpis .tile[data-key=leads] .value")
    expect(leads).to_have_text(f"{pack['overall']['leads']:,}")


def test_the_dashboard_prints_on_a4_landscape_without_navigation(
    browser: Browser, live_server: str
) -> None:
    # 297 mm less the 12 mm margins of app.css is 273 mm ≈ 1032 CSS px: the printed width
    with page_at(browser, live_server, 1032, 900) as page:
        login(page, "mishu")
        page.goto("/ui/meetings")
        expect(page.locator("#dashboard")).to_be_visible()
        page.emulate_media(media="print")
        for hidden in ("header.topbar", "#period", "#download-xlsx", "#open-print"):
            expect(page.locator(hidden)).to_be_hidden()
        for section in SECTIONS:
            expect(page.locator(section)).to_be_visible()
        expect(page.locator("#progress-chain tbody tr").first).to_be_visible()
        overflow = page.evaluate(
            """() => [...document.querySelectorAll('#dashboard table')]
                .filter((t) => t.getBoundingClientRect().right > t.closest('section').getBoundingClientRect().right + 0.5)
                .map((t) => t.id)"""
        )
        assert overflow == []
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
        screenshot(page, "meetings-dashboard-print")
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
        assert pdf.startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 2


def test_chart_labels_grow_with_the_chart_on_a_projector(
    browser: Browser, live_server: str
) -> None:
    with page_at(browser, live_server, 1920, 1080) as page:
        login(page, "mishu")
        page.goto("/ui/meetings")
        expect(page.locator("#dashboard")).to_be_visible()
        # the SVG text is sized in the chart's own units, so it scales with the drawn chart
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('#dashboard svg text')].map((t) => {
                const svg = t.ownerSVGElement, scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                return parseFloat(getComputedStyle(t).fontSize) * scale;
            })"""
        )
        body = float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))
        assert sizes and min(sizes) >= body
        screenshot(page, "meetings-projector")
