"""A chain leader in the browser: sign in, open their chain, click a missing segment, read the
targets and why, download the 招商地图, create a lead, override a segment's status."""

from __future__ import annotations

import io
import re

import httpx
import openpyxl
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import login, page_at, screenshot, sign_in_token


def test_wrong_password_is_refused_in_chinese(page: Page) -> None:
    page.goto("/ui/chains/nev-battery")
    page.wait_for_url("**/ui/login?next=*")
    page.fill("input[name=username]", "lianzhang")
    page.fill("input[name=password]", "not-the-password")
    page.click("button[type=submit]")
    expect(page.locator("#message")).to_contain_text("用户名或密码错误")
    screenshot(page, "login")


def test_chain_leader_finds_targets_for_a_missing_segment(page: Page, live_server: str) -> None:
    login(page, "lianzhang")
    # a chain leader sees their own chain only
    rows = page.locator("#chains tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("新能源汽车及动力电池")
    screenshot(page, "home-chain-leader")
    rows.first.locator("a").first.click()
    page.wait_for_url("**/ui/chains/nev-battery")

    token = sign_in_token(live_server, "lianzhang")
    auth = {"Authorization": f"Bearer {token}"}
    nodes = httpx.get(f"{live_server}/chains/nev-battery", headers=auth).json()["nodes"]
    graph = page.locator("#chain-graph")
    expect(graph.locator("g.segment")).to_have_count(len(nodes))
    for status in ("strong", "weak", "missing"):
        expected = sum(n["status"] == status for n in nodes)
        expect(graph.locator(f"g.segment[data-status={status}]")).to_have_count(expected)
    screenshot(page, "chain-graph")

    graph.locator("g.segment[data-segment=cell]").click()
    expect(page.locator("#segment-title")).to_contain_text("电芯制造")
    targets = page.locator("#segment-targets tr.target")
    expect(targets.first).to_be_visible()
    first = targets.first
    expect(first.locator("td.reason")).to_contain_text("可补链「电芯制造」")
    # every component of the score on demand
    first.locator("td.num button").click()
    components = page.locator("#segment-targets tr.detail:not([hidden]) table.components tbody tr")
    expect(components).to_have_count(7)
    expect(components.first).to_contain_text("环节匹配")
    screenshot(page, "chain-segment-targets")

    # the 招商地图 as xlsx, for this segment
    with page.expect_download() as info:
        page.click("#download-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    text = " ".join(
        str(cell)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for cell in row
        if cell
    )
    name = first.locator("td").nth(1).inner_text().replace("上市", "").strip()
    assert name in text

    # create a lead from a row that nobody pursues yet
    row = page.locator("#segment-targets tr.target:has(button:text('建线索'))").first
    enterprise_id = int(row.get_attribute("data-enterprise") or 0)
    row.locator("button:text('建线索')").click()
    dialog = page.locator("#lead-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("input[name=owner_team]").fill("尖刀班一组")
    dialog.locator("input[name=planned_investment_wan]").fill("50000")
    screenshot(page, "chain-create-lead")
    dialog.locator("button[value=save]").click()
    expect(page.locator("#message")).to_contain_text("已建线索")
    marked = page.locator(f"#segment-targets tr.target[data-enterprise='{enterprise_id}']")
    expect(marked).to_contain_text("已在跟进")

    leads = httpx.get(
        f"{live_server}/leads", params={"enterprise_id": enterprise_id}, headers=auth
    ).json()
    assert [(x["owner_team"], x["segment_id"]) for x in leads["items"]] == [("尖刀班一组", "cell")]


def test_chain_leader_overrides_a_segment_and_cannot_open_other_chains(page: Page) -> None:
    login(page, "lianzhang")
    page.goto("/ui/chains/nev-battery")
    segment = page.locator("#chain-graph g.segment[data-segment=anode]")
    expect(segment).to_have_attribute("data-status", "missing")
    segment.click()
    expect(page.locator("#override-box")).to_be_visible()
    page.select_option("#override-status", "weak")
    page.click("#override-save")
    expect(page.locator("#message")).to_contain_text("请填写调整理由")
    page.fill("#override-reason", "已有两家在谈企业，按弱环节管理")
    page.click("#override-save")
    expect(page.locator("#message")).to_contain_text("环节状态已修改")
    expect(page.locator("#chain-graph g.segment[data-segment=anode]")).to_have_attribute(
        "data-status", "weak"
    )
    page.click("#override-clear")
    expect(page.locator("#chain-graph g.segment[data-segment=anode]")).to_have_attribute(
        "data-status", "missing"
    )

    page.goto("/ui/chains/biomedicine")
    expect(page.locator("#message")).to_contain_text("无权查看")


def test_viewer_sees_no_status_override_or_lead_buttons(page: Page) -> None:
    login(page, "guancha")
    page.goto("/ui/chains/nev-battery?segment=cell")
    expect(page.locator("#segment-targets tr.target").first).to_be_visible()
    expect(page.locator("#override-box")).to_be_hidden()
    expect(page.locator("#segment-targets button:text('建线索')")).to_have_count(0)


def test_the_graph_fits_a_projector_and_prints_without_navigation(
    browser: Browser, live_server: str
) -> None:
    with page_at(browser, live_server, 1920, 1080) as page:
        login(page, "lianzhang")
        page.goto("/ui/chains/nev-battery?segment=cell")
        expect(page.locator("#segment-targets tr.target").first).to_be_visible()
        graph = page.locator("#chain-graph").bounding_box()
        assert graph is not None and graph["width"] <= 1920
        screenshot(page, "chain-projector")
        page.emulate_media(media="print")
        expect(page.locator("header.topbar")).to_be_hidden()
        expect(page.locator("#download-xlsx")).to_be_hidden()
        expect(page.locator("#segment-targets tr.target").first).to_be_visible()
        pdf = page.pdf(format="A4", landscape=True, print_background=True)
        assert pdf.startswith(b"%PDF")
        assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) >= 2  # the targets run onto page 2
