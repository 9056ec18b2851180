"use strict";
document.getElementById("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  cm.clear();
  try {
    await cm.login(form.username.value.trim(), form.password.value);
    const next = new URLSearchParams(location.search).get("next");
    location.href = next && next.startsWith("/ui/") ? next : "/ui/";
  } catch (err) {
    cm.show(err.status === 401 ? "用户名或密码错误 / wrong username or password" : err.message);
  }
});
