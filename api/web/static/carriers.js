// 载体: standard factories and land with filters and totals, an offline map drawn from the
// coordinates (no tile server), reservation for bureau users.
"use strict";
(() => {
  if (!cm.requireLogin()) return;
  const PAGE = 500;  // the API's largest page: totals below are over what it returns
  const form = document.getElementById("carrier-filters");
  let kind = new URLSearchParams(location.search).get("kind") === "land" ? "land" : "factories";
  let parks = null;
  let items = [];

  const COLUMNS = {
    factories: [
      ["载体", (c) => c.label], ["园区", (c) => c.park], ["面积（㎡）", (c) => cm.num(c.area_m2), "num"],
      ["层高（m）", (c) => cm.num(c.clear_height_m, 1), "num"], ["承重（kN/㎡）", (c) => cm.num(c.floor_load_kn_m2), "num"],
      ["配电（kVA）", (c) => cm.num(c.power_kva), "num"], ["产业方向", (c) => c.industry_direction || "—"],
      ["租金（元/㎡·月）", (c) => cm.num(c.rent_yuan_m2_month, 1), "num"],
    ],
    land: [
      ["地块", (c) => c.label], ["园区", (c) => c.park], ["面积（亩）", (c) => cm.num(c.area_mu, 1), "num"],
      ["用途", (c) => c.land_use || "—"], ["净地", (c) => (c.site_ready ? "是" : "否")],
      ["产业方向", (c) => c.industry_direction || "—"], ["可供日期", (c) => c.available_from || "—"],
      ["地价（万元/亩）", (c) => cm.num(c.price_wan_per_mu, 1), "num"],
    ],
  };

  function query() {
    const data = new FormData(form);
    const q = new URLSearchParams();
    const fields = kind === "factories"
      ? ["park", "status", "min_area", "max_area", "min_height", "min_load", "min_power", "industry", "stale"]
      : ["park", "status", "min_area_mu", "max_area_mu", "site_ready", "industry", "stale"];
    for (const f of fields) {
      const v = String(data.get(f) || "").trim();
      if (v) q.set(f.replace("_mu", ""), v);
    }
    return q;
  }

  function setKind(next) {
    kind = next;
    for (const t of document.querySelectorAll(".tab")) t.classList.toggle("active", t.dataset.kind === kind);
    for (const el of form.querySelectorAll(".factory-only")) el.hidden = kind !== "factories";
    for (const el of form.querySelectorAll(".land-only")) el.hidden = kind !== "land";
    history.replaceState(null, "", "?kind=" + kind);
  }

  let latest = 0;  // a slower answer to an earlier search must not overwrite a newer one
  async function search() {
    cm.clear();
    const q = query();
    q.set("limit", PAGE);
    const mine = ++latest;
    try {
      const page = await cm.api(`/carriers/${kind}?${q}`);
      if (mine !== latest) return;
      items = page.items;
      renderTable();
      renderTotals(page.total);
      drawMap();
    } catch (err) { cm.show(err.message); }
  }

  function renderTotals(total) {
    const area = kind === "factories"
      ? `合计 ${cm.num(items.reduce((s, c) => s + (c.area_m2 || 0), 0))} ㎡`
      : `合计 ${cm.num(items.reduce((s, c) => s + (c.area_mu || 0), 0), 1)} 亩`;
    const noun = kind === "factories" ? "处厂房" : "宗地块";
    let text = `符合条件 ${cm.num(total)} ${noun}，${area}`;
    if (total > items.length) text += `（仅列出并合计前 ${items.length} 处，请缩小筛选范围）`;
    document.getElementById("carrier-totals").textContent = text;
  }

  function renderTable() {
    const table = document.getElementById("carrier-table");
    const cols = COLUMNS[kind];
    table.tHead.replaceChildren(cm.el("tr", {}, cols.map(([h, , cls]) => cm.el("th", { class: cls || "" }, h)), cm.el("th", {}, "状态"), cm.el("th", {}, "")));
    const body = table.tBodies[0];
    body.replaceChildren();
    if (!items.length) body.append(cm.el("tr", {}, cm.el("td", { colspan: cols.length + 2, class: "hint" }, "没有符合条件的载体")));
    for (const c of items) {
      const action = c.status === "vacant" && !c.stale && cm.can("carriers:write")
        ? cm.el("button", { type: "button", class: "small", onclick: () => openReserve(c) }, "预订") : null;
      body.append(cm.el("tr", { "data-id": c.id, "data-status": c.status, onmouseenter: () => highlight(c.id), onmouseleave: () => highlight(null) },
        cols.map(([, f, cls]) => cm.el("td", { class: cls || "" }, f(c))),
        cm.el("td", {}, cm.el("span", { class: "status-" + c.status }, c.status_label), c.stale ? cm.el("div", { class: "stale" }, "信息过期待核实") : null),
        cm.el("td", {}, action)));
    }
  }

  function highlight(id) {
    for (const p of document.querySelectorAll("#carrier-map .pt")) p.classList.toggle("hl", Number(p.dataset.id) === id);
    for (const r of document.querySelectorAll("#carrier-table tbody tr")) r.classList.toggle("hl", Number(r.dataset.id) === id);
  }

  function drawMap() {
    const box = document.getElementById("carrier-map");
    box.replaceChildren();
    const rings = (parks ? parks.features : []).map((f) => f.geometry && f.geometry.type === "Polygon" ? f.geometry.coordinates[0] : []);
    const coords = rings.flat().concat(items.filter((c) => c.lon != null && c.lat != null).map((c) => [c.lon, c.lat]));
    if (!coords.length) { box.append(cm.svg("text", { x: 10, y: 20 }, "暂无坐标")); box.setAttribute("viewBox", "0 0 400 40"); return; }
    const lons = coords.map((p) => p[0]), lats = coords.map((p) => p[1]);
    const minLon = Math.min(...lons), maxLon = Math.max(...lons), minLat = Math.min(...lats), maxLat = Math.max(...lats);
    const k = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);  // equirectangular, true at mid-latitude
    const W = 600, pad = 30;
    const spanX = Math.max((maxLon - minLon) * k, 1e-6), spanY = Math.max(maxLat - minLat, 1e-6);
    const scale = (W - 2 * pad) / spanX;
    const H = Math.max(200, spanY * scale + 2 * pad);
    const x = (lon) => pad + (lon - minLon) * k * scale;
    const y = (lat) => H - pad - (lat - minLat) * scale;
    box.setAttribute("viewBox", `0 0 ${W} ${H}`);
    (parks ? parks.features : []).forEach((f, i) => {
      const ring = rings[i];
      if (!ring.length) return;
      box.append(cm.svg("polygon", { class: "park", points: ring.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(" ") }));
      const p = f.properties;
      box.append(cm.svg("text", { class: "park-label", x: x(Math.min(...ring.map((r) => r[0]))) + 3, y: y(Math.max(...ring.map((r) => r[1]))) - 4 }, p.name));
    });
    for (const c of items) {
      if (c.lon == null || c.lat == null) continue;
      const px = x(c.lon), py = y(c.lat);
      const shape = kind === "factories"
        ? cm.svg("circle", { cx: px.toFixed(1), cy: py.toFixed(1), r: 5 })
        : cm.svg("rect", { x: (px - 5).toFixed(1), y: (py - 5).toFixed(1), width: 10, height: 10 });
      shape.setAttribute("class", "pt " + c.status);
      shape.dataset.id = c.id;
      shape.append(cm.svg("title", {}, `${c.label}（${c.status_label}）`));
      shape.addEventListener("mouseenter", () => highlight(c.id));
      shape.addEventListener("click", () => {
        highlight(c.id);
        const row = document.querySelector(`#carrier-table tbody tr[data-id="${c.id}"]`);
        if (row) row.scrollIntoView({ block: "center" });
      });
      box.append(shape);
    }
    // scale bar: 1 km
    const km = 1 / 111.32 * k * scale;
    box.append(cm.svg("line", { x1: pad, y1: H - 10, x2: pad + km, y2: H - 10, stroke: "#36506e", "stroke-width": 2 }));
    box.append(cm.svg("text", { x: pad + km + 4, y: H - 6, class: "park-label" }, "1 公里"));
  }

  let reserving = null;
  function openReserve(c) {
    reserving = c;
    const dialog = document.getElementById("reserve-dialog");
    const f = document.getElementById("reserve-form");
    f.reset();
    f.querySelector(".form-error").textContent = "";
    dialog.querySelector(".carrier-name").textContent = c.label;
    const until = new Date(Date.now() + 90 * 864e5);
    f.until.value = until.toISOString().slice(0, 10);
    dialog.showModal();
  }

  document.getElementById("reserve-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const f = event.target;
    const dialog = document.getElementById("reserve-dialog");
    if (event.submitter && event.submitter.value === "cancel") { dialog.close(); return; }
    const error = f.querySelector(".form-error");
    const me = cm.me();
    const body = { until: f.until.value, actor: me ? me.display_name || me.username : "web" };
    if (f.note.value.trim()) body.note = f.note.value.trim();
    try {
      if (f.lead_id.value) body.lead_id = Number(f.lead_id.value);
      else if (f.enterprise.value.trim()) {
        const found = await cm.api(`/enterprises/resolve?name=${encodeURIComponent(f.enterprise.value.trim())}&limit=1`);
        if (!found.length) { error.textContent = "企业库中找不到该企业 / no such enterprise in the registry"; return; }
        body.enterprise_id = found[0].id;
      } else { error.textContent = "请填写企业名称或线索编号 / an enterprise or a lead is required"; return; }
      const r = await cm.api(`/carriers/${kind}/${reserving.id}/reservations`, { method: "POST", json: body });
      dialog.close();
      cm.show(`已预订「${reserving.label}」至 ${r.until}（${r.holder}）`, "ok");
      await search();
    } catch (err) { error.textContent = err.message; }
  });

  form.addEventListener("submit", (event) => { event.preventDefault(); search(); });
  for (const t of document.querySelectorAll(".tab")) t.addEventListener("click", () => { setKind(t.dataset.kind); search(); });
  async function loadSummary() {
    const body = document.querySelector("#carrier-summary tbody");
    const rows = await cm.api("/carriers/summary");
    body.replaceChildren(...rows.map((r) => cm.el("tr", {},
      cm.el("td", {}, r.park), cm.el("td", {}, r.district || ""), cm.el("td", {}, r.industry_direction || "—"),
      cm.el("td", { class: "num" }, cm.num(r.vacant_factories)), cm.el("td", { class: "num" }, cm.num(r.vacant_factory_m2)),
      cm.el("td", { class: "num" }, cm.num(r.site_ready_parcels)), cm.el("td", { class: "num" }, cm.num(r.site_ready_land_mu, 1)),
      cm.el("td", { class: "num" }, cm.num(r.other_vacant_land_mu, 1)))));
  }

  (async () => {
    setKind(kind);
    try {
      parks = await cm.api("/carriers/parks.geojson");
      const select = form.park;
      for (const f of parks.features) select.append(cm.el("option", { value: f.properties.name }, f.properties.name));
      await Promise.all([search(), loadSummary()]);
    } catch (err) { cm.show(err.message); }
  })();
})();
