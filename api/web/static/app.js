// chainmap pages: sign-in token, API calls, downloads, messages. No framework, no CDN.
"use strict";

const TOKEN_KEY = "chainmap.token";
const ME_KEY = "chainmap.me";

const cm = {
  token() { return sessionStorage.getItem(TOKEN_KEY); },
  me() { const raw = sessionStorage.getItem(ME_KEY); return raw ? JSON.parse(raw) : null; },
  can(permission) { const me = cm.me(); return !!me && me.permissions.includes(permission); },

  async login(username, password) {
    const body = new URLSearchParams({ username, password });
    const res = await fetch("/auth/token", { method: "POST", body });
    if (!res.ok) throw await cm.error(res);
    const data = await res.json();
    sessionStorage.setItem(TOKEN_KEY, data.access_token);
    const me = await cm.api("/auth/me");
    sessionStorage.setItem(ME_KEY, JSON.stringify(me));
    return me;
  },

  logout() {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(ME_KEY);
    location.href = "/ui/login";
  },

  requireLogin() {
    if (!cm.token()) {
      location.href = "/ui/login?next=" + encodeURIComponent(location.pathname + location.search);
      return false;
    }
    return true;
  },

  async error(res) {
    let detail = res.statusText;
    try {
      const data = await res.json();
      if (data.message_zh) detail = data.message_zh + (data.message_en ? " / " + data.message_en : "");
    } catch (_) { /* not JSON */ }
    const err = new Error(detail || String(res.status));
    err.status = res.status;
    return err;
  },

  async request(path, options = {}) {
    const headers = Object.assign({}, options.headers || {});
    const token = cm.token();
    if (token) headers["Authorization"] = "Bearer " + token;
    if (options.json !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(options.json);
    }
    const res = await fetch(path, Object.assign({}, options, { headers }));
    if (res.status === 401) { cm.logout(); throw await cm.error(res); }
    if (!res.ok) throw await cm.error(res);
    return res;
  },

  async api(path, options = {}) {
    const res = await cm.request(path, options);
    return res.status === 204 ? null : res.json();
  },

  // Fetch a file with the token and hand it to the browser as a download.
  async download(path, filename) {
    const res = await cm.request(path);
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  },

  show(text, kind = "error") {
    const box = document.getElementById("message");
    box.textContent = text;
    box.className = "message " + kind;
    box.hidden = false;
  },
  clear() { document.getElementById("message").hidden = true; },

  el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  },

  // An SVG element (the chain graph, the carriers map, charts).
  svg(tag, attrs = {}, text) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  },

  num(value, digits = 0) {
    if (value === null || value === undefined) return "—";
    return Number(value).toLocaleString("zh-CN", { maximumFractionDigits: digits });
  },
  pct(value) { return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%"; },
};

document.addEventListener("DOMContentLoaded", () => {
  const me = cm.me();
  const who = document.getElementById("who");
  const out = document.getElementById("logout");
  if (me) {
    who.textContent = (me.display_name || me.username) + "（" + me.role_label + "）";
    out.hidden = false;
    out.addEventListener("click", () => cm.logout());
  }
});
