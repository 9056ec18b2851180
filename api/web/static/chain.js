// 产业链图谱: the chain upstream → downstream, a segment's local firms and targets, overrides,
// the 招商地图 xlsx and "create lead" from a target row.
"use strict";
(() => {
  if (!cm.requireLogin()) return;
  const root = document.getElementById("chain-root");
  const chainId = root.dataset.chainId;
  const base = "/chains/" + encodeURIComponent(chainId);
  const W = 150, H = 40, DX = 200, DY = 52, PAD = 16;
  let graph = null;
  let current = null;

  function draw() {
    const box = document.getElementById("chain-graph");
    box.replaceChildren();
    const cols = Math.max(...graph.nodes.map((n) => n.column)) + 1;
    const rows = Math.max(...graph.nodes.map((n) => n.row)) + 1;
    box.setAttribute("viewBox", `0 0 ${cols * DX - (DX - W) + 2 * PAD} ${rows * DY + 2 * PAD}`);
    box.setAttribute("width", cols * DX - (DX - W) + 2 * PAD);
    const at = {};
    for (const n of graph.nodes) at[n.id] = { x: PAD + n.column * DX, y: PAD + n.row * DY };
    const defs = cm.svg("defs", {});
    const marker = cm.svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: "auto" });
    marker.append(cm.svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }));
    defs.append(marker);
    box.append(defs);
    for (const l of graph.links) {
      const a = at[l.source], b = at[l.target];
      const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, mx = (x1 + x2) / 2;
      box.append(cm.svg("path", { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}`, class: "link", "marker-end": "url(#arrow)" }));
    }
    for (const n of graph.nodes) {
      const g = cm.svg("g", { class: "segment " + n.status + (current === n.id ? " selected" : ""), tabindex: 0, role: "button", "data-segment": n.id, "data-status": n.status, transform: `translate(${at[n.id].x},${at[n.id].y})` });
      g.append(cm.svg("title", {}, `${n.name}（${n.stage_label}）：${n.status_label}，本地企业 ${n.local_count} 家${n.override ? "（人工调整）" : ""}`));
      g.append(cm.svg("rect", { width: W, height: H, rx: 6 }));
      g.append(cm.svg("text", { x: 8, y: 17, class: "name" }, n.name.length > 10 ? n.name.slice(0, 10) + "…" : n.name));
      g.append(cm.svg("text", { x: 8, y: 33, class: "meta" }, `${n.status_label} · 本地 ${n.local_count} 家${n.override ? " · 调" : ""}`));
      g.addEventListener("click", () => select(n.id));
      g.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(n.id); } });
      box.append(g);
    }
  }

  async function load() {
    try {
      graph = await cm.api(base);
      document.getElementById("page-title").textContent = graph.name + " · 产业链图谱";
      draw();
      const fromUrl = new URLSearchParams(location.search).get("segment");
      if (fromUrl && graph.nodes.some((n) => n.id === fromUrl)) select(fromUrl);
    } catch (err) {
      cm.show(err.status === 404 ? "没有这条产业链，或您无权查看 / no such chain, or not yours" : err.message);
    }
  }

  async function select(segmentId) {
    current = segmentId;
    draw();
    const n = graph.nodes.find((x) => x.id === segmentId);
    const panel = document.getElementById("segment-panel");
    panel.hidden = false;
    document.getElementById("segment-title").textContent = `${n.name}（${n.stage_label}）`;
    document.getElementById("segment-status").textContent =
      `现状：${n.status_label}；本地企业 ${n.local_count} 家` +
      (n.override ? `；人工调整为「${n.status_label}」（${n.override.actor}：${n.override.reason}），自动判定为 ${n.derived_status}` : "");
    document.getElementById("override-box").hidden = !cm.can("status:write");
    document.getElementById("override-status").value = n.status;
    document.getElementById("override-clear").hidden = !n.override;
    history.replaceState(null, "", "?segment=" + encodeURIComponent(segmentId));
    await Promise.all([loadLocals(segmentId), loadTargets(segmentId)]);
    panel.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function loadLocals(segmentId) {
    const list = document.getElementById("segment-locals");
    list.replaceChildren();
    try {
      const page = await cm.api(`/enterprises?chain=${encodeURIComponent(chainId)}&segment=${encodeURIComponent(segmentId)}&local=true&limit=50`);
      if (!page.items.length) list.append(cm.el("li", { class: "hint" }, "本地暂无该环节企业（缺环）"));
      for (const e of page.items) list.append(cm.el("li", {}, e.name, cm.el("span", { class: "hint" }, `　${e.district || ""} 营收 ${cm.num(e.revenue_wan)} 万元`)));
      if (page.total > page.items.length) list.append(cm.el("li", { class: "hint" }, `另有 ${page.total - page.items.length} 家`));
    } catch (err) { list.append(cm.el("li", { class: "hint" }, err.message)); }
  }

  async function loadTargets(segmentId) {
    const body = document.querySelector("#segment-targets tbody");
    body.replaceChildren();
    const n = graph.nodes.find((x) => x.id === segmentId);
    if (n.status === "strong") {
      body.append(cm.el("tr", {}, cm.el("td", { colspan: 8, class: "hint" }, "强环节不列招商目标（可将状态调整为弱或缺）")));
      return;
    }
    try {
      const page = await cm.api(`${base}/targets?segment=${encodeURIComponent(segmentId)}&limit=20`);
      if (!page.items.length) body.append(cm.el("tr", {}, cm.el("td", { colspan: 8, class: "hint" }, "暂无匹配的目标企业")));
      for (const row of page.items) body.append(...cmTargets.rows(row));
    } catch (err) { body.append(cm.el("tr", {}, cm.el("td", { colspan: 8 }, err.message))); }
  }

  cmTargets.mountLeadDialog(chainId);

  document.getElementById("override-save").addEventListener("click", async () => {
    const reason = document.getElementById("override-reason").value.trim();
    if (!reason) { cm.show("请填写调整理由 / a reason is required"); return; }
    const me = cm.me();
    try {
      await cm.api(`${base}/segments/${encodeURIComponent(current)}/status`, {
        method: "PUT", json: { status: document.getElementById("override-status").value, reason, actor: me.display_name || me.username },
      });
      cm.show("环节状态已修改", "ok");
      graph = await cm.api(base);
      await select(current);
    } catch (err) { cm.show(err.message); }
  });

  document.getElementById("override-clear").addEventListener("click", async () => {
    const me = cm.me();
    try {
      await cm.api(`${base}/segments/${encodeURIComponent(current)}/status?actor=${encodeURIComponent(me.display_name || me.username)}&reason=${encodeURIComponent("恢复自动判定")}`, { method: "DELETE" });
      cm.show("已恢复自动判定", "ok");
      graph = await cm.api(base);
      await select(current);
    } catch (err) { cm.show(err.message); }
  });

  document.getElementById("download-xlsx").addEventListener("click", async () => {
    try {
      const query = current ? "?segment=" + encodeURIComponent(current) : "";
      await cm.download(`${base}/map.xlsx${query}`, `招商地图_${graph.name}${current ? "_" + current : ""}.xlsx`);
    } catch (err) { cm.show(err.message); }
  });

  load();
})();
