"""Bureau staff in the browser: filter standard factories, see totals and the map, reserve
one; land parcels on the second tab; a read-only user sees no reserve button."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.conftest import api_get, login, screenshot


def test_bureau_filters_factories_and_reserves_one(page: Page, live_server: str) -> None:
    login(page, "shangwu")
    page.goto("/ui/carriers")
    rows = page.locator("#carrier-table tbody tr[data-id]")
    expect(rows.first).to_be_visible()
    vacant = api_get(live_server, "shangwu", "/carriers/factories", status="vacant", limit=500)
    expect(rows).to_have_count(len(vacant["items"]))
    expect(page.locator("#carrier-map .park")).not_to_have_count(0)
    expect(page.locator("#carrier-map .pt")).to_have_count(
        sum(1 for f in vacant["items"] if f["lon"] is not None)
    )

    page.fill("input[name=min_area]", "5000")
    page.fill("input[name=min_height]", "8")
    page.click("#carrier-filters button[type=submit]")
    expected = api_get(
        live_server,
        "shangwu",
        "/carriers/factories",
        status="vacant",
        min_area=5000,
        min_height=8,
        limit=500,
    )
    assert 0 < expected["total"] < vacant["total"]
    expect(rows).to_have_count(expected["total"])
    area = sum(f["area_m2"] for f in expected["items"])
    expect(page.locator("#carrier-totals")).to_contain_text(f"符合条件 {expected['total']} 处厂房")
    expect(page.locator("#carrier-totals")).to_contain_text(f"{area:,.0f} ㎡")
    screenshot(page, "carriers-factories")

    target = next(f for f in expected["items"] if not f["stale"])
    row = page.locator(f"#carrier-table tbody tr[data-id='{target['id']}']")
    row.locator("button:text('预订')").click()
    dialog = page.locator("#reserve-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("button[value=save]").click()
    expect(dialog.locator(".form-error")).to_contain_text("请填写企业名称或线索编号")
    dialog.locator("input[name=enterprise]").fill("国轩高科")
    screenshot(page, "carriers-reserve")
    dialog.locator("button[value=save]").click()
    expect(page.locator("#message")).to_contain_text(f"已预订「{target['label']}」")
    # reserved: off the vacant list, and the API says who holds it
    expect(page.locator(f"#carrier-table tbody tr[data-id='{target['id']}']")).to_have_count(0)
    held = api_get(live_server, "shangwu", f"/carriers/factories/{target['id']}")
    assert held["status"] == "reserved"
    history = api_get(live_server, "shangwu", f"/carriers/factories/{target['id']}/reservations")
    assert history[0]["holder"].startswith("国轩高科") and history[0]["state"] == "active"


def test_land_tab_and_a_viewer_without_reserve_buttons(page: Page, live_server: str) -> None:
    login(page, "guancha")
    page.goto("/ui/carriers")
    page.click(".tab[data-kind=land]")
    page.select_option("select[name=site_ready]", "true")
    page.click("#carrier-filters button[type=submit]")
    land = api_get(
        live_server, "guancha", "/carriers/land", status="vacant", site_ready=True, limit=500
    )
    rows = page.locator("#carrier-table tbody tr[data-id]")
    expect(rows).to_have_count(land["total"])
    expect(page.locator("#carrier-totals")).to_contain_text(f"{land['total']} 宗地块")
    expect(page.locator("#carrier-map rect.pt")).to_have_count(
        sum(1 for x in land["items"] if x["lon"] is not None)
    )
    expect(page.locator("#carrier-table button:text('预订')")).to_have_count(0)
    summary = api_get(live_server, "guancha", "/carriers/summary")
    expect(page.locator("#carrier-summary tbody tr")).to_have_count(len(summary))
    screenshot(page, "carriers-land")
