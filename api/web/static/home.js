"use strict";
(async () => {
  if (!cm.requireLogin()) return;
  try {
    const chains = await cm.api("/chains");
    const body = document.querySelector("#chains tbody");
    if (!chains.length) body.append(cm.el("tr", {}, cm.el("td", { colspan: 5 }, "没有可查看的产业链")));
    for (const c of chains) {
      body.append(cm.el("tr", {},
        cm.el("td", {}, cm.el("a", { href: "/ui/chains/" + encodeURIComponent(c.id) }, c.name)),
        cm.el("td", { class: "num" }, c.segment_count),
        cm.el("td", { class: "num" }, c.gap_count),
        cm.el("td", { class: "num" }, c.missing_count),
        cm.el("td", {}, cm.el("a", { href: "/ui/chains/" + encodeURIComponent(c.id) }, "图谱"), "　",
          cm.el("a", { href: "/ui/chains/" + encodeURIComponent(c.id) + "/map" }, "招商地图"))));
    }
  } catch (err) { cm.show(err.message); }
})();
