// 招商地图: every gap of the chain (缺环、弱环, by priority) with its best targets, filters,
// components on demand, carrier and referrer, 建线索 and the xlsx.
"use strict";
(() => {
  if (!cm.requireLogin()) return;
  const root = document.getElementById("map-root");
  const chainId = root.dataset.chainId;
  const base = "/chains/" + encodeURIComponent(chainId);
  const form = document.getElementById("map-filters");

  function query() {
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim()) q.set(k, String(v).trim());
    return q;
  }

  let latest = 0;  // a slower answer to an earlier filter must not overwrite a newer one
  async function load() {
    cm.clear();
    const box = document.getElementById("map-gaps");
    box.replaceChildren(cm.el("p", { class: "hint" }, "正在计算…"));
    const mine = ++latest;
    try {
      const map = await cm.api(`${base}/map?${query()}`);
      if (mine !== latest) return;
      document.getElementById("page-title").textContent = `${map.graph.name} · 招商地图`;
      const shown = map.gaps.reduce((s, g) => s + g.targets.length, 0);
      document.getElementById("map-summary").textContent =
        `${map.gaps.length} 个缺环、弱环，列出 ${shown} 家目标企业（生成于 ${new Date(map.generated_at).toLocaleString("zh-CN")}）`;
      box.replaceChildren();
      for (const g of map.gaps) {
        const body = cm.el("tbody", {});
        if (!g.targets.length) body.append(cm.el("tr", {}, cm.el("td", { colspan: 8, class: "hint" }, "没有符合筛选条件的目标企业")));
        for (const row of g.targets) body.append(...cmTargets.rows(row));
        box.append(cm.el("section", { class: "card gap", "data-segment": g.gap.segment_id },
          cm.el("h2", {}, `${g.gap.segment_name}`, cm.el("span", { class: "tag status-" + g.gap.status }, g.gap.status_label),
            cm.el("span", { class: "hint" }, `　缺环优先级 ${g.gap.priority.toFixed(2)}；候选 ${g.total} 家`)),
          g.need ? cm.el("p", { class: "hint" }, "载体需求：" + g.need) : null,
          cm.el("table", { class: "grid" },
            cm.el("thead", {}, cm.el("tr", {}, ["#", "企业", "地区", "得分", "理由", "载体", "以商招商", ""].map((h) => cm.el("th", {}, h)))),
            body)));
      }
    } catch (err) {
      box.replaceChildren();
      cm.show(err.status === 404 ? "没有这条产业链，或您无权查看 / no such chain, or not yours" : err.message);
    }
  }

  form.addEventListener("submit", (event) => { event.preventDefault(); load(); });
  document.getElementById("map-xlsx").addEventListener("click", async () => {
    try { await cm.download(`${base}/map.xlsx?${query()}`, `招商地图_${chainId}.xlsx`); }
    catch (err) { cm.show(err.message); }
  });
  cmTargets.mountLeadDialog(chainId);
  load();
})();
