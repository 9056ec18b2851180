"""The 招商地图 in the browser: every gap with its targets, filters, components, xlsx."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from playwright.sync_api import Page, expect

from tests.e2e.conftest import api_get, login, screenshot


def _map(live_server: str, **params: object) -> Any:
    return api_get(live_server, "lianzhang", "/chains/nev-battery/map", **params)


def test_target_map_lists_every_gap_and_filters(page: Page, live_server: str) -> None:
    login(page, "lianzhang")
    page.goto("/ui/chains/nev-battery")
    page.click("a.map-link")
    page.wait_for_url("**/ui/chains/nev-battery/map")
    expected = _map(live_server, per_gap=10)
    sections = page.locator("#map-gaps section.gap")
    expect(sections).to_have_count(len(expected["gaps"]))
    first = expected["gaps"][0]
    section = page.locator(f"#map-gaps section.gap[data-segment='{first['gap']['segment_id']}']")
    expect(section.locator("tr.target")).to_have_count(len(first["targets"]))
    expect(section.locator("tr.target").first).to_contain_text(
        first["targets"][0]["enterprise"]["name"]
    )
    section.locator("tr.target").first.locator("td.num button").click()
    expect(section.locator("tr.detail:not([hidden]) table.components tbody tr")).to_have_count(
        len(first["targets"][0]["components"])
    )
    screenshot(page, "target-map")

    page.check("input[name=listed_only]")
    page.select_option("select[name=per_gap]", "5")
    page.click("#map-filters button[type=submit]")
    listed = _map(live_server, per_gap=5, listed_only=True)
    shown = sum(len(g["targets"]) for g in listed["gaps"])
    expect(page.locator("#map-summary")).to_contain_text(f"列出 {shown} 家目标企业")
    expect(page.locator("#map-gaps tr.target")).to_have_count(shown)
    expect(page.locator("#map-gaps tr.target:not(:has(.tag:text('上市')))")).to_have_count(0)

    with page.expect_download() as info:
        page.click("#map-xlsx")
    book = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes()), read_only=True)
    cells = {
        str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r if c
    }
    names = {t["enterprise"]["name"] for g in listed["gaps"] for t in g["targets"]}
    assert names and names <= cells
