// Target rows (招商目标) shared by the chain graph and the 招商地图 pages: the row, every score
// component on demand, and 建线索 from a row.
"use strict";
const cmTargets = (() => {
  function componentsTable(row) {
    return cm.el("table", { class: "components" },
      cm.el("thead", {}, cm.el("tr", {}, cm.el("th", {}, "分项"), cm.el("th", {}, "得分"), cm.el("th", {}, "权重"), cm.el("th", {}, "理由"))),
      cm.el("tbody", {}, row.components.map((c) => cm.el("tr", {},
        cm.el("td", {}, c.label), cm.el("td", { class: "num" }, c.value.toFixed(2)), cm.el("td", { class: "num" }, c.weight), cm.el("td", {}, c.reason)))));
  }

  // The two table rows of one target: the row itself and its hidden component breakdown.
  function rows(row) {
    const detail = cm.el("tr", { class: "detail", hidden: true }, cm.el("td", { colspan: 8 }, componentsTable(row)));
    const e = row.enterprise;
    const pipeline = row.in_pipeline
      ? cm.el("span", { class: "tag" }, `已在跟进：${row.in_pipeline.owner_team} ${row.in_pipeline.owner_person}（${row.in_pipeline.stage_label}）`)
      : cm.can("leads:write") ? cm.el("button", { type: "button", class: "small", onclick: () => openLead(row) }, "建线索") : null;
    const place = `${e.province || ""}${e.city && e.city !== e.province ? e.city : ""}`;
    return [
      cm.el("tr", { class: "target", "data-enterprise": e.id },
        cm.el("td", { class: "num" }, row.rank),
        cm.el("td", {}, e.name, e.listed ? cm.el("span", { class: "tag" }, "上市") : null),
        cm.el("td", {}, place),
        cm.el("td", { class: "num" }, cm.el("button", { type: "button", class: "link", title: "查看各分项得分", onclick: () => { detail.hidden = !detail.hidden; } }, row.score.toFixed(3))),
        cm.el("td", { class: "reason" }, row.reason),
        cm.el("td", {}, row.carrier ? row.carrier.label : "—"),
        cm.el("td", {}, row.referrers && row.referrers.length ? row.referrers.map((r) => r.name).join("、") : "—"),
        cm.el("td", { class: "lead-cell" }, pipeline)),
      detail,
    ];
  }

  function openLead(row) {
    const dialog = document.getElementById("lead-dialog");
    const form = dialog.querySelector("form");
    form.reset();
    form.querySelector(".form-error").textContent = "";
    form.dataset.enterprise = row.enterprise.id;
    form.dataset.segment = row.segment_id;
    dialog.querySelector(".enterprise").textContent = `${row.enterprise.name} → ${row.segment_name}`;
    const me = cm.me();
    form.owner_person.value = me ? me.display_name || me.username : "";
    dialog.showModal();
  }

  function mountLeadDialog(chainId) {
    document.getElementById("lead-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = event.target;
      const dialog = document.getElementById("lead-dialog");
      if (event.submitter && event.submitter.value === "cancel") { dialog.close(); return; }
      const me = cm.me();
      const payload = {
        enterprise_id: Number(form.dataset.enterprise),
        chain_id: chainId,
        segment_id: form.dataset.segment,
        owner_team: form.owner_team.value.trim(),
        owner_team_kind: form.owner_team_kind.value,
        owner_person: form.owner_person.value.trim(),
        actor: me ? me.display_name || me.username : "web",
      };
      if (form.planned_investment_wan.value) payload.planned_investment_wan = Number(form.planned_investment_wan.value);
      if (form.note.value.trim()) payload.note = form.note.value.trim();
      try {
        const lead = await cm.api("/leads", { method: "POST", json: payload });
        dialog.close();
        cm.show(`已建线索 #${lead.id}：${lead.enterprise_name}（${lead.owner_team}，${lead.owner_person}）`, "ok");
        // rows keep their place until the list is reloaded (a lead then ranks lower: 已在跟进)
        for (const cell of document.querySelectorAll(`tr.target[data-enterprise="${lead.enterprise_id}"] td.lead-cell`)) {
          cell.replaceChildren(cm.el("span", { class: "tag" }, `已在跟进：${lead.owner_team} ${lead.owner_person}`));
        }
      } catch (err) {
        form.querySelector(".form-error").textContent = err.message;
      }
    });
  }

  return { rows, componentsTable, openLead, mountLeadDialog };
})();
