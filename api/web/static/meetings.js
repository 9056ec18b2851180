// 双月调度会: period selector, KPI tiles, stage bars (inline SVG), 三率, 进度表 by chain and by
// team, 成绩单, 红黄牌, the xlsx and the printable pack (fetched with the token, opened from a
// blob URL).
"use strict";
(() => {
  if (!cm.requireLogin()) return;
  const SVG = "http://www.w3.org/2000/svg";
  const STAGES = ["clue", "contact", "negotiation", "signed", "land_supplied", "construction_started", "in_statistics", "in_production", "dropped"];
  const select = document.getElementById("period");
  let pack = null;

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // bimonthly periods start in odd months: 2026-11 = 11–12 月
  function periodOf(d) { const m = d.getMonth() + 1; return { y: d.getFullYear(), m: m % 2 ? m : m - 1 }; }
  function label(p) { return `${p.y}-${String(p.m).padStart(2, "0")}`; }
  function fillPeriods() {
    let p = periodOf(new Date());
    const current = label(p);
    for (let i = 0; i < 12; i++) {
      select.append(cm.el("option", { value: label(p) }, `${p.y}年${p.m}—${p.m + 1}月${i === 0 ? "（本期）" : ""}`));
      p = p.m === 1 ? { y: p.y - 1, m: 11 } : { y: p.y, m: p.m - 2 };
    }
    // a link may name any period the API takes (older ones, or one starting in an even month)
    const fromUrl = new URLSearchParams(location.search).get("period");
    const known = fromUrl && [...select.options].some((o) => o.value === fromUrl);
    if (fromUrl && !known && /^\d{4}-(0[1-9]|1[0-2])$/.test(fromUrl)) {
      const [y, m] = fromUrl.split("-").map(Number);
      select.append(cm.el("option", { value: fromUrl }, m === 12 ? `${y}年12月—${y + 1}年1月` : `${y}年${m}—${m + 1}月`));
    }
    select.value = fromUrl && [...select.options].some((o) => o.value === fromUrl) ? fromUrl : current;
  }

  function delta(v, isRate) {
    if (v === null || v === undefined) return null;
    const text = isRate ? (v >= 0 ? "+" : "") + (v * 100).toFixed(1) + " 个百分点" : (v >= 0 ? "+" : "") + cm.num(v, 1);
    return cm.el("div", { class: "delta " + (v > 0 ? "up" : v < 0 ? "down" : "") }, "较上期 " + text);
  }

  function tiles() {
    const o = pack.overall, L = pack.labels.key_numbers, ch = o.change_vs_previous || {};
    const box = document.getElementById("kpis");
    const vals = {
      leads: o.leads, reached_signed: o.reached_counts.signed, reached_construction_started: o.reached_counts.construction_started,
      reached_in_production: o.reached_counts.in_production, signed_contracted_wan: o.signed_contracted_wan, funds_arrived_in_period_wan: o.funds_arrived_in_period_wan,
    };
    box.replaceChildren(...Object.entries(vals).map(([k, v]) => cm.el("div", { class: "tile", "data-key": k },
      cm.el("div", { class: "label" }, L[k] || k), cm.el("div", { class: "value" }, cm.num(v, 1)), delta(ch[k], false))));
  }

  function stageChart() {
    const box = document.getElementById("stage-chart");
    box.replaceChildren();
    const counts = pack.overall.stage_counts, names = pack.labels.stages;
    const max = Math.max(1, ...STAGES.map((s) => counts[s] || 0));
    const W = 900, LW = 70, RH = 30, BH = 22, H = STAGES.length * RH + 10;
    box.setAttribute("viewBox", `0 0 ${W} ${H}`);
    STAGES.forEach((s, i) => {
      const y = 5 + i * RH, n = counts[s] || 0, w = ((W - LW - 60) * n) / max;
      const g = svg("g", { class: "stage", "data-stage": s, "data-count": n });
      g.append(svg("title", {}, `${names[s]}：${n} 个（本期新进入 ${pack.overall.reached_counts[s] || 0}）`));
      g.append(svg("text", { x: LW - 8, y: y + 16, "text-anchor": "end" }, names[s]));
      g.append(svg("rect", { class: "bar" + (s === "dropped" ? " dropped" : ""), x: LW, y, width: Math.max(w, 1), height: BH, rx: 3 }));
      g.append(svg("text", { class: "count", x: LW + w + 6, y: y + 16 }, String(n)));
      box.append(g);
    });
  }

  function rates() {
    const box = document.getElementById("rates");
    const o = pack.overall, ch = o.change_vs_previous || {};
    box.replaceChildren(...["contract_fulfilment_rate", "funds_arrival_rate", "start_rate"].map((k) => {
      const r = o[k], v = r.value || 0, target = k === "start_rate" ? pack.start_rate_target : null;
      const s = svg("svg", { viewBox: "0 0 300 44", role: "img", "aria-label": r.label });
      s.append(svg("rect", { class: "track", x: 0, y: 8, width: 300, height: 20, rx: 4 }));
      const cls = target === null ? "" : v >= target ? " met" : " unmet";
      s.append(svg("rect", { class: "fill" + cls, x: 0, y: 8, width: 300 * Math.min(v, 1), height: 20, rx: 4 }));
      if (target !== null) {
        s.append(svg("line", { class: "target", x1: 300 * target, x2: 300 * target, y1: 2, y2: 34 }));
        s.append(svg("text", { x: 300 * target, y: 44, "text-anchor": "middle" }, "目标 " + cm.pct(target)));
      }
      const unit = k === "funds_arrival_rate" ? " 万元" : " 个";
      return cm.el("div", { class: "rate", "data-rate": k },
        cm.el("div", {}, cm.el("strong", {}, r.label), "　", cm.el("span", { class: "big value" }, cm.pct(r.value))),
        s,
        cm.el("div", { class: "hint fraction" }, `${cm.num(r.numerator, 1)} / ${cm.num(r.denominator, 1)}${unit}`),
        target !== null ? cm.el("div", { class: "hint" }, v >= target ? "已达目标" : "未达目标") : null,
        delta(ch[k], true));
    }));
  }

  // 进度表: one table per grouping, the columns of the xlsx 进度表 that fit a page (stage
  // counts, 本期新进入, amounts, 三率), each with its change against the previous period.
  const REACHED = ["signed", "construction_started", "in_production"];
  const RATES = ["contract_fulfilment_rate", "funds_arrival_rate", "start_rate"];
  const CHANGE_OF_REACHED = { signed: "reached_signed", construction_started: "reached_construction_started", in_production: "reached_in_production" };

  function change(v, isRate) {
    if (v === null || v === undefined) return null;
    const text = isRate ? (v * 100).toFixed(1) : cm.num(Math.abs(v), 1);
    const sign = v > 0 ? "+" : v < 0 ? (isRate ? "" : "−") : "±";
    return cm.el("span", { class: "chg " + (v > 0 ? "up" : v < 0 ? "down" : ""), title: "较上期" + (isRate ? "（百分点）" : "") }, sign + text);
  }

  function progressHead(withKind) {
    const names = pack.labels.stages;
    const th = (text, attrs = {}) => cm.el("th", attrs, text);
    const top = cm.el("tr", {}, th("名称", { rowspan: 2 }), withKind ? th("类别", { rowspan: 2 }) : null, th("线索数", { rowspan: 2, class: "num" }),
      th("期末阶段（个）", { colspan: STAGES.length, class: "group" }), th("本期新进入（个）", { colspan: REACHED.length, class: "group" }),
      th("金额（万元）", { colspan: 2, class: "group" }), th("三率", { colspan: RATES.length, class: "group" }));
    const sub = cm.el("tr", {}, ...STAGES.map((s) => th(names[s], { class: "num short" })), ...REACHED.map((s) => th(names[s], { class: "num short" })),
      th("新签约合同投资", { class: "num" }), th("本期到位资金", { class: "num" }), ...RATES.map((k) => th(pack.labels.rates[k], { class: "num" })));
    return cm.el("thead", {}, top, sub);
  }

  function progressRow(r, withKind) {
    const ch = r.change_vs_previous || {};
    const cell = (col, value, chg, attrs = {}) => cm.el("td", { class: "num", "data-col": col, ...attrs }, cm.el("span", { class: "v" }, value), chg);
    const rate = (k) => {
      const x = r[k], unmet = k === "start_rate" && r.start_rate_met === false;
      return cm.el("td", { class: "num" + (unmet ? " unmet" : ""), "data-col": "rate:" + k, title: `${cm.num(x.numerator, 1)} / ${cm.num(x.denominator, 1)}` },
        cm.el("span", { class: "v" }, cm.pct(x.value)), unmet ? cm.el("span", { class: "mark" }, "未达标") : null, change(ch[k], true));
    };
    return cm.el("tr", { class: r.group_by ? "" : "total", "data-key": r.key || "total" },
      cm.el("td", { class: "name" }, r.label), withKind ? cm.el("td", { class: "kind" }, r.team_kind_label || "") : null,
      cell("leads", cm.num(r.leads), change(ch.leads, false)),
      ...STAGES.map((s) => cell("stage:" + s, cm.num(r.stage_counts[s] || 0), null)),
      ...REACHED.map((s) => cell("reached:" + s, cm.num(r.reached_counts[s] || 0), change(ch[CHANGE_OF_REACHED[s]], false))),
      cell("signed_contracted_wan", cm.num(r.signed_contracted_wan, 1), change(ch.signed_contracted_wan, false)),
      cell("funds_arrived_in_period_wan", cm.num(r.funds_arrived_in_period_wan, 1), change(ch.funds_arrived_in_period_wan, false)),
      ...RATES.map(rate));
  }

  function progress() {
    for (const [id, rows, withKind] of [["progress-chain", pack.progress_by_chain, false], ["progress-team", pack.progress_by_team, true]]) {
      const body = cm.el("tbody", {}, ...[...rows, pack.overall].map((r) => progressRow(r, withKind)));
      document.getElementById(id).replaceChildren(progressHead(withKind), body);
    }
  }

  function scoreboard() {
    const body = document.querySelector("#scoreboard tbody");
    const teams = pack.scoreboard.teams || [];
    body.replaceChildren(...teams.map((t) => cm.el("tr", { "data-team": t.key },
      cm.el("td", { class: "num" }, t.rank), cm.el("td", { class: "team" }, t.label), cm.el("td", {}, t.team_kind_label || ""),
      cm.el("td", { class: "num" }, cm.num(t.signed)), cm.el("td", { class: "num" }, cm.num(t.signed_contracted_wan, 1)),
      cm.el("td", { class: "num" }, cm.num(t.started)), cm.el("td", { class: "num" }, cm.num(t.funds_arrived_in_period_wan, 1)),
      cm.el("td", { class: "num" }, cm.pct(t.contract_fulfilment_rate.value)), cm.el("td", { class: "num" }, cm.pct(t.funds_arrival_rate.value)),
      cm.el("td", { class: "num" }, cm.pct(t.start_rate.value)))));
    if (!teams.length) body.append(cm.el("tr", {}, cm.el("td", { colspan: 10, class: "hint" }, "本期无队伍数据")));
  }

  // 说明 carries only what the other columns do not: the day the count of days starts from and
  // the leader who claimed the lead (when the owner is a person); the thresholds, the same for
  // every flag of a kind, are said once above the table.
  const THRESHOLD_OF = { signed_not_started: "signed_not_started_days", claim_idle: "claimed_idle_days", started_no_funds: "started_no_funds_days" };
  function flagNote(f) {
    const parts = [`起算日 ${f.since}`];
    if (f.claimed_by_leader && f.owner_person) parts.push(`${f.claimed_by_leader}认领`);
    return parts.join("；");
  }
  function flagRule() {
    const t = pack.flag_thresholds, names = pack.labels.flag_kinds;
    const rules = Object.entries(THRESHOLD_OF).map(([kind, key]) => `${names[kind]}超过 ${t[key]} 天黄牌、${cm.num(t[key] * t.red_factor, 1)} 天红牌`);
    return `截至 ${pack.flags_as_of}，共 ${pack.flags.length} 张。亮牌标准：${rules.join("；")}。`;
  }

  function flags() {
    const body = document.querySelector("#flags tbody");
    body.replaceChildren(...pack.flags.map((f) => cm.el("tr", { class: "flag-" + f.level, "data-lead": f.lead_id },
      cm.el("td", { class: "level" }, f.level_label), cm.el("td", {}, f.kind_label), cm.el("td", { class: "owner-team" }, f.owner_team || "—"),
      cm.el("td", { class: "owner" }, f.owner_person || f.claimed_by_leader || "—"), cm.el("td", { class: "project" }, f.enterprise_name),
      cm.el("td", {}, f.chain_label || ""), cm.el("td", { class: "stage" }, f.stage_label), cm.el("td", { class: "num days" }, f.days),
      cm.el("td", { class: "note" }, flagNote(f)), cm.el("td", { class: "num lead" }, f.lead_id))));
    if (!pack.flags.length) body.append(cm.el("tr", {}, cm.el("td", { colspan: 10, class: "hint" }, "本期无红黄牌")));
    document.getElementById("flag-rule").textContent = flagRule();
  }

  let latest = 0;  // a slower answer for an earlier period must not overwrite a newer one
  async function load() {
    const period = select.value;
    history.replaceState(null, "", "?period=" + encodeURIComponent(period));
    const mine = ++latest;
    try {
      const answer = await cm.api("/meetings/bimonthly?period=" + encodeURIComponent(period));
      if (mine !== latest) return;
      pack = answer;
      cm.clear();
      document.getElementById("page-title").textContent = `双月调度会 · ${pack.period.label_zh}`;
      document.getElementById("as-of").textContent = `红黄牌评估日 ${pack.flags_as_of}；生成于 ${pack.generated_on}`;
      tiles(); stageChart(); rates(); progress(); scoreboard(); flags();
      document.getElementById("dashboard").hidden = false;
    } catch (err) {
      if (mine !== latest) return;
      document.getElementById("dashboard").hidden = true;
      if (err.status === 403) {
        document.querySelector("#meetings-root .toolbar").hidden = true;
        cm.show("无权查看调度会材料（仅限管理员与秘书处）/ You are not allowed to view the meeting pack");
      } else cm.show(err.message);
    }
  }

  document.getElementById("download-xlsx").addEventListener("click", async () => {
    try { await cm.download("/meetings/bimonthly.xlsx?period=" + encodeURIComponent(select.value), `双月调度会_${select.value}.xlsx`); }
    catch (err) { cm.show(err.message); }
  });
  document.getElementById("open-print").addEventListener("click", async () => {
    const win = window.open("", "_blank");
    try {
      const res = await cm.request("/meetings/bimonthly.html?period=" + encodeURIComponent(select.value));
      const blob = new Blob([await res.text()], { type: "text/html;charset=utf-8" });
      const url = URL.createObjectURL(blob);
      if (win) win.location.href = url; else window.open(url, "_blank");
      setTimeout(() => URL.revokeObjectURL(url), 60000);
    } catch (err) { if (win) win.close(); cm.show(err.message); }
  });
  select.addEventListener("change", load);
  fillPeriods();
  load();
})();
